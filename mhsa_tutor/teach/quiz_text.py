"""What a quiz question says: its label, the givens it shows (never the answer), the question in words,
and the summary. Every sentence comes from ``strings``; token names are file text, shown literally.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from mhsa_tutor.core import stagetext
from mhsa_tutor.core.numbers import num
from mhsa_tutor.core.stages import subscript
from mhsa_tutor.core.stagetext import title
from mhsa_tutor.core.trace import Matrix, Trace, before_softmax
from mhsa_tutor.strings import ui
from mhsa_tutor.teach.explain import cell_label
from mhsa_tutor.teach.mistakes import Catalogue, Slip
from mhsa_tutor.teach.quiz import PRECISION, Answer, Outcome, Question, matching_slip
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
    """The inputs a question needs, one ``name = numbers`` line each (never the answer)."""
    info = trace.info
    toks, keys = info.tokens, info.key_tokens
    h = q.head
    sub = subscript(h) if h is not None else ""
    if q.stage == "projections":
        inputs = trace.find("input").matrices
        cross = "memory" in inputs and q.matrix in ("K", "V")
        xs = _projected_x(trace)
        src, s = (inputs["memory"], "m") if cross else (xs, "x")
        w = trace.find("params").matrices[f"W_{q.matrix}"].values
        tok = (keys if cross else toks)[q.row]
        lines = [f"{s}_{tok} = {_vec(src.values[q.row])}", f"W_{q.matrix}[:, {q.col + 1}] = {_vec(w[:, q.col])}"]
        return lines + _bias_given(trace, f"b_{q.matrix}", q.col)
    if q.stage == "positions":
        return _position_givens(trace, q)
    if q.stage in ASKABLE_INFERENCE:
        assert h is not None
        return givens_for(trace, q.stage, h, q.matrix, q.row, q.col)
    assert q.stage in ("concat", "output") or h is not None
    if q.stage == "rotary":
        return _rotary_givens(trace, q)
    if q.stage == "bias":
        assert h is not None
        bias = trace.find("bias", h)
        unbiased = trace.find("scaled" if info.scale != "none" else "scores", h).matrices["S"].values
        s_line = f"S{sub}[{toks[q.row]}, {keys[q.col]}] = {num(float(unbiased[q.row, q.col]), PRECISION)}"
        if bias.facts.variant == "given":
            b = float(bias.matrices["B"].values[q.row, q.col])
            return [s_line, f"B{sub}[{toks[q.row]}, {keys[q.col]}] = {num(b, PRECISION)}"]
        scaled = f", ÷ {stagetext.formula_fields(info, h)['div']}" if bias.facts.variant == "before" else ""
        return [s_line, f"m = {bias.facts.slope:g}, i = {q.row}, j = {q.col}{scaled}"]
    if q.stage == "scores":
        sp = trace.find("rotary" if info.rope_style is not None else "split", h).matrices
        return [
            f"q_{toks[q.row]} = {_vec(sp['Q'].values[q.row])}",
            f"k_{keys[q.col]} = {_vec(sp['K'].values[q.col])}",
        ]
    if q.stage == "scaled":
        raw = float(trace.find("scores", h).matrices["S"].values[q.row, q.col])
        size = f"T = {len(keys)}" if info.scale == "sqrt_seq_len" else f"d_k = {info.d_k}"
        return [f"S{sub}[{toks[q.row]}, {keys[q.col]}] = {num(raw, PRECISION)}", size]
    if q.stage == "softmax":
        assert h is not None  # softmax is per head
        before = before_softmax(trace, h)
        row = before.matrices["S"].values[q.row]
        cells = ", ".join(f"{keys[j]}: {num(float(x), PRECISION)}" for j, x in enumerate(row))
        return [f"{before.id}: S{sub}[{toks[q.row]}, :] = [{cells}]"]
    if q.stage == "head_output":
        a = trace.find("softmax", h).matrices["A"].values[q.row]
        v = trace.find("split", h).matrices["V"].values[:, q.col]
        return [f"A{sub}[{toks[q.row]}, :] = {_vec(a)}", f"V{sub}[:, {q.col + 1}] = {_vec(v)}"]
    if q.stage == "concat":
        return [
            f"Z{subscript(s.head or 1)}[{toks[q.row]}, :] = {_vec(s.matrices['Z'].values[q.row])}"
            for s in trace.stages
            if s.id == "head_output"
        ]
    z = trace.find("concat").matrices["Z"].values[q.row]
    w = trace.find("params").matrices["W_O"].values[:, q.col]
    return [f"Z[{toks[q.row]}, :] = {_vec(z)}", f"W_O[:, {q.col + 1}] = {_vec(w)}", *_bias_given(trace, "b_O", q.col)]


def _bias_given(trace: Trace, name: str, col: int) -> list[str]:
    """``b_Q[2] = 0.5`` when the scenario gives that bias, else nothing."""
    params = trace.find("params").matrices
    if name not in params:
        return []
    return [f"{name}[{col + 1}] = {num(float(params[name].values[0, col]), PRECISION)}"]


def _projected_x(trace: Trace) -> Matrix:
    """The X the projections multiply: X + P after a positions stage, else the input X."""
    try:
        return trace.find("positions").matrices["X"]
    except KeyError:
        return trace.find("input").matrices["X"]


def _position_givens(trace: Trace, q: Question) -> list[str]:
    """Sinusoidal: the position, feature and d_model; learned: the token's x and p."""
    info = trace.info
    if q.matrix == "P":
        fn = "sin" if q.col % 2 == 0 else "cos"
        two_i = q.col - q.col % 2
        return [f"pos = {q.row}, k = {q.col + 1} ({fn}, 2i = {two_i}), d_model = {info.d_model}"]
    x = trace.find("input").matrices["X"].values[q.row, q.col]
    p = trace.find("positions").matrices["P"].values[q.row, q.col]
    return [f"x = {num(float(x), PRECISION)}", f"p = {num(float(p), PRECISION)}"]


def _rotary_givens(trace: Trace, q: Question) -> list[str]:
    """The feature and its partner before rotation, the position and θ_j."""
    assert q.head is not None
    stage = trace.find("rotary", q.head)
    raw = trace.find("split", q.head).matrices[q.matrix].values[q.row]
    d = raw.shape[0]
    if trace.info.rope_style == "interleaved":
        pj, other = q.col // 2, q.col + 1 if q.col % 2 == 0 else q.col - 1
    else:
        pj, other = q.col % (d // 2), (q.col + d // 2) % d
    theta = float(stage.aux["theta"][pj])
    return [
        f"{q.matrix.lower()}[{q.col + 1}] = {num(float(raw[q.col]), PRECISION)}, "
        f"{q.matrix.lower()}[{other + 1}] = {num(float(raw[other]), PRECISION)}  ({trace.info.rope_style})",
        f"m = {q.row}, θ = {num(theta, PRECISION + 2)}",
    ]


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
        lines.append(t["quiz_revisit"].format(stages=", ".join(wrong), first=wrong[0], cmd=command or trace.info.name))
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
    """The sentence naming the mistake a wrong answer matches, with its fix (None when none matches)."""
    slip = matching_slip(catalogue, question, answer, tolerance)
    if slip is None:
        return None
    return slip_sentence(trace, catalogue, question, slip, answer.text, lang)


def slip_sentence(trace: Trace, catalogue: Catalogue, question: Question, slip: Slip, got: str, lang: str) -> str:
    """The sentence naming one mistake (``slip``) for ``question``, quoting the typed answer as ``got``."""
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
    keys = (f"slip_{slip.kind}_{question.stage}", f"slip_{slip.kind}_scale_{catalogue.scn.scale}", f"slip_{slip.kind}")
    return t[next(k for k in keys if k in t)].format(**fields)
