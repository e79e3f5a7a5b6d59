"""What a quiz question says: its label, the givens it shows (never the answer), the question in words,
and the summary. Every sentence comes from ``strings``; token names are file text, shown literally.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import numpy.typing as npt

from mhsa_tutor.core import stagetext
from mhsa_tutor.core.numbers import num
from mhsa_tutor.core.reads import Operand, operands, read_stage, rope_partner, rule, sinusoid_index
from mhsa_tutor.core.stages import BIAS_NAMES, subscript
from mhsa_tutor.core.stagetext import title
from mhsa_tutor.core.trace import Trace, tell_apart
from mhsa_tutor.strings import ui
from mhsa_tutor.teach.explain_parts import cell_label, layout
from mhsa_tutor.teach.mistakes import Catalogue, Slip
from mhsa_tutor.teach.quiz import PRECISION, Answer, Outcome, Question, matching_slips
from mhsa_tutor.teach.quiz_inference import ASKABLE_INFERENCE, givens_for


def _vec(a: npt.NDArray[np.float64]) -> str:
    return "[" + ", ".join(num(float(x), PRECISION) for x in a) + "]"


def label(trace: Trace, q: Question) -> str:
    """The cell asked for, e.g. ``S₁[the, cat]``, ``S₁[the, cat] / √d_k``, ``Q[the, 3]``."""
    stage = trace.find(q.stage, q.head)
    m = stage.matrices[q.matrix]
    rl = cell_label(trace.labels(m.rows, m.values.shape[0]), q.row)
    cl = cell_label(trace.labels(m.cols, m.values.shape[1]), q.col)
    sub = subscript(q.head) if q.head is not None else ""
    text = f"{q.matrix}{sub}[{rl}, {cl}]"
    if q.stage == "scaled":
        text += " / √T" if trace.info.scale == "sqrt_seq_len" else " / √d_k"
    if q.stage == "bias":
        text += " + B"
    return text


def givens(trace: Trace, q: Question) -> list[str]:
    """The inputs a question needs, one ``name = numbers`` line each (never the answer).

    They are the operands the cell's rule reads (``core.reads``, the ones explain writes out): a
    dot product's two vectors, the score a stage rescales or biases, the row a softmax takes…

    Raises:
        KeyError: a stage without givens (every askable stage has them; a new one needs a line here).
    """
    own = GIVENS.get(q.stage)
    return own(trace, q) if own is not None else _BY_OP[rule(q.stage, q.matrix).op](trace, q)


def _ops(trace: Trace, q: Question) -> tuple[Operand, ...]:
    return operands(layout(trace), q.stage, q.head, q.matrix, q.row, q.col)


#: Row vectors named as the explanations name them (x_the, m_cat, q_the, k_cat); others as A₁[the, :].
_ROW_NAME = {"X": "x", "memory": "m", "Q": "q", "K": "k"}


def _operand_line(trace: Trace, op: Operand) -> str:
    """``x_the = [..]``, ``A₁[the, :] = [..]`` or ``W_Q[:, 3] = [..]``: one operand of a dot product."""
    m = trace.find(op.stage, op.head).matrices[op.matrix]
    sub = subscript(op.head) if op.head is not None else ""
    if op.matrix in BIAS_NAMES:  # a projection's bias, one number per column: b_Q[2] = 0.5
        assert op.col is not None
        return f"{op.matrix}[{op.col + 1}] = {num(float(op.values(trace)[0]), PRECISION)}"
    if op.row is not None and op.col is not None:  # one cell: Q[green, 3] = 0.5 (Q, K, V given)
        tok = trace.labels(m.rows, m.values.shape[0])[op.row]
        return f"{op.matrix}{sub}[{tok}, {op.col + 1}] = {num(float(op.values(trace)), PRECISION)}"
    values = _vec(op.values(trace))
    if op.col is not None:
        return f"{op.matrix}{sub}[:, {op.col + 1}] = {values}"
    assert op.row is not None
    tok = trace.labels(m.rows, m.values.shape[0])[op.row]
    name = f"{_ROW_NAME[op.matrix]}_{tok}" if op.matrix in _ROW_NAME else f"{op.matrix}{sub}[{tok}, :]"
    return f"{name} = {values}"


def _dot_givens(trace: Trace, q: Question) -> list[str]:
    """A dot product's two vectors."""
    return [_operand_line(trace, op) for op in _ops(trace, q)]


def _score_line(trace: Trace, q: Question) -> str:
    """``S₁[the, cat] = …``: the one score a scaled or biased cell reads."""
    (op, *_) = _ops(trace, q)
    sub = subscript(q.head) if q.head is not None else ""
    toks, keys = trace.info.tokens, trace.info.key_tokens
    return f"S{sub}[{toks[q.row]}, {keys[q.col]}] = {num(float(op.values(trace)), PRECISION)}"


def _scaled_givens(trace: Trace, q: Question) -> list[str]:
    info = trace.info
    size = f"T = {len(info.key_tokens)}" if info.scale == "sqrt_seq_len" else f"d_k = {info.d_k}"
    return [_score_line(trace, q), size]


def _bias_givens(trace: Trace, q: Question) -> list[str]:
    """The score the bias is added to, and the bias: its cell when given as data (T5), else ALiBi's slope."""
    assert q.head is not None
    bias = trace.find("bias", q.head)
    _, b = _ops(trace, q)
    if bias.facts.variant == "given":
        sub = subscript(q.head)
        at = f"[{trace.info.tokens[q.row]}, {trace.info.key_tokens[q.col]}]"
        return [_score_line(trace, q), f"B{sub}{at} = {num(float(b.values(trace)), PRECISION)}"]
    scaled = f", ÷ {stagetext.formula_fields(trace.info, q.head)['div']}" if bias.facts.variant == "before" else ""
    return [_score_line(trace, q), f"m = {bias.facts.slope:g}, i = {q.row + 1}, j = {q.col + 1}{scaled}"]  # 1-based


def _softmax_givens(trace: Trace, q: Question) -> list[str]:
    """The row of scores the softmax reads (masked, else biased, else scaled, else raw), named by its stage."""
    (op,) = _ops(trace, q)
    keys = trace.info.key_tokens
    sub = subscript(q.head) if q.head is not None else ""
    cells = ", ".join(f"{keys[j]}: {num(float(x), PRECISION)}" for j, x in enumerate(op.values(trace)))
    # named by its formula, not by a stage id: S / √d_k (scaled), + B (biased), + M (the mask: 0 or −∞)
    info = trace.info
    scale = "" if info.scale == "none" else " / √T" if info.scale == "sqrt_seq_len" else " / √d_k"
    bias = " + B" if info.bias != "none" else ""
    row = f"S{sub}[{tell_apart(info.tokens)[q.row]}, :]"
    if bias and scale and info.alibi_before_scaling:  # Falcon: the bias is added before the division
        row, scale, bias = f"({row} + B)", scale, ""
    mark = {"scaled": scale, "bias": scale + bias, "masked": scale + bias + " + M"}.get(op.stage, "")
    return [f"{row}{mark} = [{cells}]"]


def _concat_givens(trace: Trace, q: Question) -> list[str]:
    """Every head's row (which one the column comes from is the question)."""
    toks = trace.info.tokens
    src = read_stage(layout(trace), q.stage, q.matrix)
    return [
        f"Z{subscript(s.head or 1)}[{toks[q.row]}, :] = {_vec(s.matrices['Z'].values[q.row])}"
        for s in trace.stages
        if s.id == src
    ]


def _position_givens(trace: Trace, q: Question) -> list[str]:
    """Sinusoidal: the position, feature and d_model; learned: the token's x and p."""
    info = trace.info
    if q.matrix == "P":
        fn, two_i = sinusoid_index(q.col)
        return [f"pos = {q.row}, k = {q.col + 1} ({fn}, 2i = {two_i}), d_model = {info.d_model}"]
    x, p = (float(op.values(trace)) for op in _ops(trace, q))
    return [f"x = {num(x, PRECISION)}", f"p = {num(p, PRECISION)}"]


def _rotary_givens(trace: Trace, q: Question) -> list[str]:
    """The feature and its partner before rotation, the position and θ_j."""
    assert q.head is not None
    stage = trace.find(q.stage, q.head)
    mine, partner = _ops(trace, q)
    assert partner.col is not None
    pj, _, _ = rope_partner(q.col, layout(trace).rotated, trace.info.rope_style)
    theta = float(stage.aux["theta"][pj])
    name = q.matrix.lower()
    return [
        f"{name}[{q.col + 1}] = {num(float(mine.values(trace)), PRECISION)}, "
        f"{name}[{partner.col + 1}] = {num(float(partner.values(trace)), PRECISION)}  ({trace.info.rope_style})",
        f"m = {q.row}, θ = {num(theta, PRECISION + 2)}",
    ]


Givens = Callable[[Trace, Question], list[str]]
#: The givens of each kind of operation (``reads.Rule.op``), where a stage has none of its own.
_BY_OP: dict[str, Givens] = {"dot": _dot_givens}


#: The givens of stages whose question shows more or other than its operands' vectors.
def _step_givens(trace: Trace, q: Question) -> list[str]:
    """The decoding step's q, k or v: the operands its rule reads (its own row of X (+ P) and the head's
    columns of W and b, or its row of the given Q, K, V; under RoPE the partner's too), then the turn."""
    lines = list(dict.fromkeys(_operand_line(trace, op) for op in _ops(trace, q)))
    st = trace.find(q.stage, q.head)
    if q.matrix != "v" and "angle" in st.aux:
        t = trace.info.prefill + q.row
        theta = st.aux["angle"][q.row] / max(t, 1)
        lines.append(f"RoPE ({trace.info.rope_style}): t = {t}, θ = {_vec(theta)}")
    return lines


def _inference_givens(trace: Trace, q: Question) -> list[str]:
    """What one cell of the online softmax or of a decoding step needs (``quiz_inference.givens_for``)."""
    assert q.head is not None  # the inference stages are per head
    return givens_for(trace, q.stage, q.head, q.matrix, q.row, q.col)


GIVENS: dict[str, Givens] = {
    "positions": _position_givens,
    "rotary": _rotary_givens,
    "scaled": _scaled_givens,
    "bias": _bias_givens,
    "softmax": _softmax_givens,
    "concat": _concat_givens,
    # the inference stages: the previous block's state, the block's scores, the cached keys and values…
    **dict.fromkeys(ASKABLE_INFERENCE, _inference_givens),
    "decode_qkv": _step_givens,
}


def ask_text(trace: Trace, q: Question, lang: str) -> str:
    """What to compute, in words (``narration.UI["quiz_ask_<stage>"]``)."""
    info = trace.info
    stage = trace.find(q.stage, q.head)
    m = stage.matrices[q.matrix]
    fields = {
        "label": label(trace, q),
        "row": trace.shown_labels(m.rows, m.values.shape[0])[q.row],
        "col": trace.shown_labels(m.cols, m.values.shape[1])[q.col],
        "n": q.col + 1,
        "m": q.matrix,
        "h": q.head,
        "dv": info.d_v,
    }
    bias = {"projections": f"b_{q.matrix}", "output": "b_O"}.get(q.stage, "")
    u = ui(lang)
    extra = u["quiz_ask_plus_bias"].format(bias=bias, n=q.col + 1) if bias in info.biases else ""
    key = f"quiz_ask_{q.stage}" + ("_given" if q.stage == "bias" and info.bias == "given" else "")
    own = f"quiz_ask_{q.stage}_{q.matrix}"  # a stage whose matrices each have their own question
    return u[own if own in u else key].format(**fields) + extra


def where(q: Question, lang: str) -> str:
    """The stage as a title, e.g. ``Head 1: attention weights``."""
    return title(q.stage, q.head, lang)


def summary_lines(
    trace: Trace, outcomes: Sequence[Outcome], total: int, lang: str, command: str | None = None
) -> list[str]:
    """The summary: one line per answer, what to revisit, then ``score: k/N`` last.

    ``command``: the scenario as ``mhsa-tutor run`` takes it (``first_steps``,
    ``mine.toml``, ``random --tokens 3 …``); default the scenario's name.
    """
    t = ui(lang)
    lines = [t["quiz_summary"]]
    for k, o in enumerate(outcomes, start=1):
        mark = "✓" if o.right else "✗"
        value = num(o.question.value, PRECISION)
        lines.append(f"  {mark} {k}. {label(trace, o.question)} = {value}  ({t['quiz_you']} {o.answer.text})")
    wrong = list(dict.fromkeys(o.question.stage for o in outcomes if not o.right))
    if not outcomes:
        lines.append(t["quiz_none"])
    elif wrong:
        names = ", ".join(t[f"stage_name_{sid}"] for sid in wrong)  # the command keeps the id it takes
        lines.append(t["quiz_revisit"].format(stages=names, first=wrong[0], cmd=command or trace.info.name))
    else:
        lines.append(t["quiz_all_right"])
    if len(outcomes) < total:
        lines.append(t["quiz_stopped"].format(k=len(outcomes), n=total))
    right = sum(o.right for o in outcomes)
    lines.append(t["quiz_score"].format(k=right, n=len(outcomes)))
    return lines


def diagnose(
    trace: Trace, catalogue: Catalogue, question: Question, answer: Answer, lang: str, tolerance: float | None = None
) -> str | None:
    """The sentences naming every mistake a wrong answer matches, each with its fix (None when none matches).

    Where √T and √d_k are the same number (T = d_k), the answer is named by the standard, √d_k.
    """
    slips = matching_slips(catalogue, question, answer, tolerance)
    if not slips:
        return None
    info = trace.info
    kinds = {s.kind for s in slips}
    same = {"by_sqrt_t", "by_sqrt_dk"} <= kinds and info.d_k == len(info.key_tokens)
    if same:
        slips = [s for s in slips if s.kind != "by_sqrt_t"]
    t = ui(lang)
    said = [slip_sentence(trace, catalogue, question, slip, answer.text, lang, same) for slip in slips]
    if len(said) == 1:
        return said[0]
    head = t["slip_several"].format(got=answer.text)
    return " ".join([head, *(f"({k}) {text}" for k, text in enumerate(said, start=1))])


def slip_sentence(
    trace: Trace,
    catalogue: Catalogue,
    question: Question,
    slip: Slip,
    got: str,
    lang: str,
    same_t: bool = False,
) -> str:
    """One mistake's sentence: ``slip_<kind>`` (or its stage's or scale's form), with the slip's numbers,
    quoting the typed answer as ``got``; ``same_t``: T = d_k, so √d_k is named the standard, not a slip."""
    t = ui(lang)
    stage = trace.find(question.stage, question.head)
    m = stage.matrices[question.matrix]
    fields: dict[str, object] = {k: num(v, PRECISION) if isinstance(v, float) else v for k, v in slip.facts.items()}
    if "stage" in slip.facts:
        fields["stage_name"] = t[f"stage_name_{slip.facts['stage']}"]
    fields |= {
        "got": got,
        "right": num(question.value, PRECISION),
        "label": label(trace, question),
        "row": trace.shown_labels(m.rows, m.values.shape[0])[question.row],
        "col": trace.shown_labels(m.cols, m.values.shape[1])[question.col],
        "n": question.col + 1,
    }
    keys: tuple[str, ...] = (
        f"slip_{slip.kind}_{question.stage}",
        f"slip_{slip.kind}_scale_{catalogue.scn.scale}",
        f"slip_{slip.kind}",
    )
    if same_t and slip.kind == "by_sqrt_dk" and catalogue.scn.scale == "none":
        keys = ("slip_by_sqrt_dk_same_t",)
    return t[next(k for k in keys if k in t)].format(**fields)
