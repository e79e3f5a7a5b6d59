"""How one number was computed: the arithmetic of a single cell, with its real numbers.

``explain_cell`` finds the cell and hands it to its explainer (``explainer``):
the stage's own where its arithmetic is its own (``BY_STAGE``: split, rotary,
scaled, bias, masked, softmax, concat, positions), else the one of its rule's
operation (``BY_OP``: every dot product — projections, scores, head output,
output — is written by one generic explainer, term by term). Each writes
exactly the operands the stage's rule in ``core.reads`` names (``Cell.ops``,
the cells the page highlights): a row of X and a column of W, a query and a
key, a softmax's e^(s − max) terms, a row of weights and a column of V…; it
never computes a number the engine did not store. The result
it states is always the trace's own value; where the scenario rounded the stage
by hand, both the rounded value (used by the next stage) and the exact one are
given.

Row and column references are 1-based positions or token names; a bad stage,
head, matrix, row or column raises ``OptionError`` listing what is valid.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from mhsa_tutor.core.errors import OptionError, did_you_mean
from mhsa_tutor.core.numbers import eq, is_shown_exactly, num, signed
from mhsa_tutor.core.reads import rule
from mhsa_tutor.core.stages import subscript
from mhsa_tutor.core.trace import Matrix, Stage, Trace
from mhsa_tutor.strings import ui
from mhsa_tutor.teach.cell_notes import At, pick, say
from mhsa_tutor.teach.explain_inference import (
    example_inference,
    explain_cache,
    explain_decode_output,
    explain_decode_qkv,
    explain_decode_scores,
    explain_decode_softmax,
    explain_online,
)
from mhsa_tutor.teach.explain_parts import Cell, _is_position, cell_label, dot
from mhsa_tutor.teach.explain_variants import explain_bias, explain_positions, explain_rotary

__all__ = ["Cell", "Explanation", "cell_label", "example_cell", "explain_cell", "find_stage", "resolve_ref"]


@dataclass(frozen=True)
class Explanation:
    """The arithmetic of one cell.

    ``lines`` are ready to print (plain text; token names inside are file
    text, so renderers must still show them literally). ``value`` is the
    trace's value of the cell, ``exact`` the unrounded one when the stage was
    rounded by hand (else None).
    """

    stage: str
    head: int | None
    matrix: str
    row: int
    col: int
    label: str
    lines: tuple[str, ...]
    value: float
    exact: float | None = None


def _given(c: Cell, label: str) -> list[str]:
    return [f"{label} {eq(c.value, c.p)}  {c.t['ex_given']}"]


#: Short names of the row vectors a dot product reads (x_the, m_cat, q_the, k_cat, z_the).
_ROW_NAME = {"X": "x", "memory": "m", "Q": "q", "K": "k", "Z": "z"}


def _operand_name(c: Cell, k: int) -> str:
    """How a dot product's operand is written: a row vector ``x_the``, or a column ``W_Q[:, 3]``."""
    op = c.ops[k]
    if op.col is None:
        return f"{_ROW_NAME[op.matrix]}_{c.op_row_label(k)}"
    sub = subscript(op.head) if op.head is not None else ""
    return f"{op.matrix}{sub}[:, {op.col + 1}]"


#: The first line of a dot product, where it is written other than ``label = a · b``.
_DOT_HEADLINE = {"head_output": "{label} = Σ_j {a}[{rl}, j] × {b}[j, {cl}]"}


def _dot_product(c: Cell, label: str) -> list[str]:
    """Every dot-product stage (``op == "dot"``): the two operands, term by term, then the value; a
    projection's bias, when the scenario gives one, as ``+ b[j]``."""
    a, b, *bias = c.ops
    if c.stage.id in _DOT_HEADLINE:
        names = {
            k: f"{op.matrix}{subscript(op.head) if op.head is not None else ''}"
            for k, op in zip("ab", c.ops, strict=True)
        }
        head = _DOT_HEADLINE[c.stage.id].format(label=label, rl=c.rl, cl=c.cl, **names)
    else:
        head = f"{label} = {_operand_name(c, 0)} · {_operand_name(c, 1)}"
    dead = [c.t["ex_dead_row"].format(row=c.rl)] if c.i in c.stage.facts.dead_rows else []
    assert a.row is not None or b.row is not None  # one vector along the sum, one across
    terms = dot(c.vec(0), c.vec(1), c.p)
    if bias:  # + b[j]
        (op,) = bias
        assert op.col is not None
        bj = float(c.vec(2)[0])
        exact = terms.startswith("=") and is_shown_exactly(bj, c.p)
        head += f" + {op.matrix}[{op.col + 1}]"
        terms = f"{'=' if exact else '≈'} ({terms[2:]}) + {signed(bj, c.p)}"
    return [*dead, head, terms, eq(c.shown, c.p)]


def _split(c: Cell, label: str) -> list[str]:
    width = c.m.values.shape[1]
    (op,) = c.ops
    assert op.col is not None
    h = op.col // width + 1  # the head (Q) or key/value head (K, V) whose columns hold the source column
    source_col = op.col + 1
    note = c.t["ex_split"].format(h=h, w=width, c=c.j + 1, src=source_col)
    sub = subscript(c.head)
    lines = [f"{c.name}{sub}[{c.rl}, {c.cl}] = {op.matrix}[{c.rl}, {source_col}]  {note}", eq(c.value, c.p)]
    if c.name != "Q" and c.stage.facts.shared_by and c.trace.info.groups != c.trace.info.heads:
        shared = ", ".join(str(n) for n in c.stage.facts.shared_by)
        kind = "mqa" if c.trace.info.groups == 1 else "gqa"
        lines.insert(0, c.t["ex_split_shared"].format(q=c.head, h=h, shared=shared, kv_abbr=kind.upper()))
    return lines


def _scaled(c: Cell, label: str) -> list[str]:
    info = c.trace.info
    raw_value = c.num(0)
    n, sym = (len(info.key_tokens), "√T") if info.scale == "sqrt_seq_len" else (info.d_k, "√d_k")
    rel = "=" if is_shown_exactly(raw_value, c.p) else "≈"  # ≈ when the score is shown rounded
    first = f"S{subscript(c.head)}[{c.rl}, {c.cl}] / {sym} {rel} {signed(raw_value, c.p)} / √{n}"
    div = eq(info.scale_divisor, max(c.p, 2))  # √3 ≈ 2 would be true but useless
    if div.startswith("="):  # √4 = 2: the divisor is exact
        return [f"{first} = {signed(raw_value, c.p)} / {div[2:]}", eq(c.shown, c.p)]
    return [f"{first}, √{n} {div}", eq(c.shown, max(c.p, 1))]


def _masked(c: Cell, label: str) -> list[str]:
    info = c.trace.info
    fmt = {"row": c.rl, "col": c.cl, "i": c.i + 1, "j": c.j + 1, "w": info.window or 0}
    aux = c.stage.aux
    by_rule, by_padding = bool(aux["by_rule"][c.i, c.j]), bool(aux["by_padding"][c.i, c.j])
    at = At(c.i, c.j, info.window or 0, by_rule, by_padding)
    # each mask's sentences, most specific first; cell_notes checks each against this cell
    blocked = {
        "causal": ("ex_blocked",),
        "sliding": ("ex_blocked_sliding_future", "ex_blocked_sliding"),
        "custom": ("ex_blocked_custom",),
    }
    kept = {
        "causal": ("ex_self", "ex_kept") if not info.cross else ("ex_kept",),
        "sliding": ("ex_kept_sliding",),
        "custom": ("ex_kept_custom",),
    }
    lines = []
    if by_rule or not by_padding:  # a padded key: the padding line below says why
        key = pick((blocked if by_rule else kept).get(info.mask, ()), at)
        if key is not None:
            lines.append(say(c.t, key, at, **fmt))
    if by_padding:
        lines.append(say(c.t, "ex_blocked_padding", at, **fmt))
    shown = "= −∞" if by_rule or by_padding else eq(c.value, c.p)  # ≈ when the kept score is rounded
    return [*lines, f"S{subscript(c.head)}[{c.rl}, {c.cl}] {shown}"]


def _softmax(c: Cell, label: str) -> list[str]:
    if c.i in c.stage.facts.dead_rows:  # every key blocked: no finite score to shift by
        n = c.m.values.shape[1]
        return [
            c.t["ex_dead_row"].format(row=c.rl),
            f"{label} = e^−∞ / ({' + '.join(['e^−∞'] * min(n, 4))}{' + …' if n > 4 else ''})",
            "= 0 / 0",
            "= NaN",
        ]
    s = c.vec(0)  # the scores this row's softmax read (masked, else bias, else scaled, else raw)
    aux = c.stage.aux
    e, mx, total = aux["exp"][c.i], float(aux["shift"][c.i, 0]), float(aux["sum"][c.i, 0])
    keys = c.trace.shown_labels(c.m.cols, c.m.values.shape[1])
    p = max(c.p, 2)  # weights lie in [0, 1]: fewer decimals would make 1 / 1.3 look like 1
    m = num(mx, p)
    lines = [
        c.t["ex_stable"].format(m=m),
        f"{label} = e^({num(float(s[c.j]), p)} − {signed(mx, p)}) / Σ_k e^(s_k − {signed(mx, p)})",
    ]
    previous = -1
    for kk in _shown_terms(len(s), c.j):
        if kk > previous + 1:
            lines.append("   … " + c.t["ex_more"].format(n=kk - previous - 1))
        term = eq(float(e[kk]), p + 2)  # "=" only when the exponent's operands are shown exactly as well
        if not (is_shown_exactly(float(s[kk]), p) and is_shown_exactly(mx, p)):
            term = "≈ " + term[2:]
        lines.append(f"   e^({num(float(s[kk]), p)} − {signed(mx, p)}) {term}  [{keys[kk]}]")
        previous = kk
    if previous < len(s) - 1:
        lines.append("   … " + c.t["ex_more"].format(n=len(s) - 1 - previous))
    ratio = f"{num(float(e[c.j]), p + 2)} / {num(total, p + 2)}"
    exact = is_shown_exactly(float(e[c.j]), p + 2) and is_shown_exactly(total, p + 2)
    return [*lines, f"{'=' if exact else '≈'} {ratio}", eq(c.shown, p)]


def _concat(c: Cell, label: str) -> list[str]:
    (op,) = c.ops
    assert op.head is not None and op.col is not None
    return [
        c.t["ex_concat"].format(c=c.j + 1, h=op.head, c2=op.col + 1),
        f"Z[{c.rl}, {c.cl}] = Z{subscript(op.head)}[{c.rl}, {op.col + 1}] {eq(c.value, c.p)}",
    ]


Explainer = Callable[[Cell, str], list[str]]
#: The explainer of each kind of operation (``reads.Rule.op``); a stage listed in ``BY_STAGE`` has its own.
BY_OP: dict[str, Explainer] = {"given": _given, "dot": _dot_product}
#: The explainers of stages whose arithmetic is their own (every other stage is explained by its ``op``).
BY_STAGE: dict[str, Explainer] = {
    "positions": explain_positions,
    "split": _split,
    "rotary": explain_rotary,
    "scaled": _scaled,
    "bias": explain_bias,
    "masked": _masked,
    "softmax": _softmax,
    "concat": _concat,
    "online_softmax": explain_online,
    "decode_qkv": explain_decode_qkv,
    "kv_cache": explain_cache,
    "decode_scores": explain_decode_scores,
    "decode_softmax": explain_decode_softmax,
    "decode_output": explain_decode_output,
}


def explainer(stage_id: str, matrix: str) -> Explainer:
    """The explainer of one matrix of one stage: its stage's own, else its operation's.

    Raises:
        KeyError: neither (a stage kind without an explainer is a bug, caught by the tests).
    """
    if stage_id in BY_STAGE:
        return BY_STAGE[stage_id]
    return BY_OP[rule(stage_id, matrix).op]


def resolve_ref(ref: str, labels: Sequence[str], size: int, what: str) -> int:
    """A 1-based position or a token name -> 0-based index.

    ``@N`` is always position N and ``token:NAME`` always the token NAME. A plain
    number that is also the name of a token at another position is ambiguous.

    Raises:
        OptionError: out of range, unknown or ambiguous name; the message lists the valid choices.
    """
    if ref.startswith("@") and _is_position(ref[1:]):
        return _position(ref, int(ref[1:]), labels, size, what)
    name, at, pos = ref.rpartition("@")
    if at and name and _is_position(pos) and labels and 1 <= int(pos) <= size and labels[int(pos) - 1] == name:
        return int(pos) - 1  # token@position, as labels show a repeated token
    if ref.startswith("token:") and labels:
        return _token(ref, ref[len("token:") :], labels, size, what)
    if _is_position(ref):
        i = int(ref)
        hits = [k for k, t in enumerate(labels) if t == ref]
        if hits and hits != [i - 1]:
            at = ", ".join(str(k + 1) for k in hits)
            here = f"position {i} is the token {labels[i - 1]!r}" if 1 <= i <= size else f"there is no position {i}"
            raise OptionError(
                f"{ref} is ambiguous: {here}, and the token {ref!r} is at position {at}; "
                f"write @{i} for the position or token:{ref} for the token",
                what,
            )
        return _position(ref, i, labels, size, what)
    return _token(ref, ref, labels, size, what)


def _position(ref: str, i: int, labels: Sequence[str], size: int, what: str) -> int:
    if not 1 <= i <= size:
        names = f" or a token: {', '.join(labels)}" if labels else ""
        raise OptionError(f"{ref} is out of range; expected 1 to {size}{names}", what)
    return i - 1


def _token(ref: str, name: str, labels: Sequence[str], size: int, what: str) -> int:
    hits = [i for i, t in enumerate(labels) if t == name]
    if len(hits) == 1:
        return hits[0]
    if not labels:
        raise OptionError(f"{ref!r} is not a number; this axis has no token names, expected 1 to {size}", what)
    if len(hits) > 1:
        raise OptionError(f"{ref!r} names several tokens; expected a position 1 to {size} (or @1 to @{size})", what)
    raise OptionError(f"{ref!r} is not a token; expected 1 to {size} or one of: {', '.join(labels)}", what)


def find_stage(trace: Trace, stage_id: str, head: int | None) -> Stage:
    """The stage to explain; per-head stages need a head (default 1).

    Raises:
        OptionError: no such stage, or the head is out of range.
    """
    present = list(dict.fromkeys(s.id for s in trace.stages))
    if stage_id not in present:
        hint = did_you_mean(stage_id, present)
        raise OptionError(
            f"{stage_id!r} is not a stage of {trace.info.name}; {hint}expected one of: {', '.join(present)}", "stage"
        )
    per_head = any(s.id == stage_id and s.head is not None for s in trace.stages)
    if per_head:
        h = 1 if head is None else head
        if not 1 <= h <= trace.info.heads:
            raise OptionError(f"{h} is out of range; {trace.info.name} has heads 1 to {trace.info.heads}", "head")
        return trace.find(stage_id, h)
    if head is not None and head != 1:
        raise OptionError(f"is only for per-head stages; {stage_id} is computed once for all heads", "head")
    return trace.find(stage_id)


def _labels(trace: Trace, m: Matrix, axis: str) -> tuple[str, ...]:
    kind = m.rows if axis == "row" else m.cols
    return () if kind == "dims" else trace.labels(kind, 0)


def explain_cell(
    trace: Trace,
    stage_id: str,
    row: str,
    col: str,
    *,
    head: int | None = None,
    matrix: str | None = None,
    precision: int = 4,
    lang: str = "en",
) -> Explanation:
    """Explain one cell of one stage's matrix.

    Args:
        trace: the run.
        stage_id: a stage id of the trace.
        row, col: 1-based positions or token names.
        head: for per-head stages (default 1).
        matrix: which matrix of the stage (default: its first, e.g. Q).
        precision: decimals in the written arithmetic.
        lang: ``en`` or ``ko`` for the words around the numbers.

    Raises:
        OptionError: anything that does not name a cell of this trace.
    """
    stage = find_stage(trace, stage_id, head)
    names = list(stage.matrices)
    name = names[0] if matrix is None else matrix  # "" is a name, and not one of these
    if name not in stage.matrices:
        raise OptionError(f"{name!r} is not a matrix of {stage_id}; expected one of: {', '.join(names)}", "matrix")
    m = stage.matrices[name]
    n_rows, n_cols = m.values.shape
    i = resolve_ref(row, _labels(trace, m, "row"), n_rows, "row")
    j = resolve_ref(col, _labels(trace, m, "col"), n_cols, "col")
    t = ui(lang)
    cell = Cell(trace, stage, name, m, i, j, precision, t)
    sub = subscript(stage.head) if stage.head is not None else ""
    label = f"{name}{sub}[{cell.rl}, {cell.cl}]"
    lines = explainer(stage_id, name)(cell, label)
    exact = float(m.exact[i, j]) if m.exact is not None else None
    if exact is not None and m.decimals is not None:
        lines.append(t["ex_rounded"].format(v=num(cell.value, m.decimals), d=m.decimals, e=eq(exact, precision + 2)))
    return Explanation(stage_id, stage.head, name, i, j, label, tuple(lines), cell.value, exact)


def _shown_terms(n: int, j: int) -> list[int]:
    """Which terms of a long softmax sum to write out: the ends and the cell's own key."""
    if n <= 12:
        return list(range(n))
    return sorted({0, 1, 2, 3, n - 4, n - 3, n - 2, n - 1, j})


def example_cell(trace: Trace, stage: Stage) -> tuple[str, str, str] | None:
    """The cell the narration talks about, to explain in the walkthrough: (matrix, ``@row``, ``@col``).

    Rows and columns are ``@``-positions (1-based), so tokens that read as numbers cannot mislead.
    """
    cell = _example_positions(trace, stage)
    return None if cell is None else (cell[0], f"@{cell[1]}", f"@{cell[2]}")


def _example_positions(trace: Trace, stage: Stage) -> tuple[str, str, str] | None:
    """The cell the narration talks about: (matrix, row, col), 1-based.

    A softmax (and the scores and head output of its head) takes the row that attends most to another
    token than itself, at that token; a scaled stage the row its note quotes; the output the cell whose
    per-head terms its note sums. Otherwise row 2 (or 1), column 1, never a NaN row; a mask the first
    blocked cell.
    """
    if stage.id in ("input", "params"):
        return None
    inference = example_inference(trace, stage)
    if inference is not None:
        return inference
    name = next(iter(stage.matrices))
    n_rows, n_cols = stage.matrices[name].values.shape
    if stage.id == "masked" and n_cols > 1:
        return name, "1", "2"
    if stage.id == "output" and stage.facts.cell is not None:
        i, j = stage.facts.cell
        return name, str(i + 1), str(j + 1)
    if stage.head is not None and stage.id in ("scores", "scaled", "softmax", "head_output"):
        other = trace.find("softmax", stage.head).facts.strongest_other
        if other is not None:
            i, j = other
            return name, str(i + 1), str(j + 1) if stage.id != "head_output" else "1"
        if stage.id == "scaled" and stage.facts.row is not None:
            return name, str(stage.facts.row + 1), "1"
    if stage.id == "bias" and n_cols > 1:
        return "S", str(n_rows), "1"
    if stage.id == "rotary" and n_rows > 1:
        return name, "2", "1"
    if stage.id == "positions":
        return "X", str(min(2, n_rows)), "1"
    row = min(2, n_rows) if stage.id in ("softmax", "scores", "scaled") else 1
    dead = trace.find("softmax", 1).facts.dead_rows if stage.id in ("head_output", "concat", "output") else ()
    live = [i + 1 for i in range(n_rows) if i not in dead]
    if row - 1 in dead and live:  # a NaN row (every key masked) teaches nothing: the first row with a key left
        row = live[0]
    return name, str(row), "1"
