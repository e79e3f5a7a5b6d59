"""How one number was computed: the arithmetic of a single cell, with its real numbers.

``explain_cell`` finds the cell and hands it to the explainer of its stage kind
(``EXPLAINERS``: one small function per stage id). Each reads its operands
from the trace (a row of X and a column of W, a query and a key, a softmax's
e^(s − max) terms, a row of weights and a column of V…) and writes the sum out
term by term; it never computes a number the engine did not store. The result
it states is always the trace's own value; where the scenario rounded the stage
by hand, both the rounded value (used by the next stage) and the exact one are
given.

Row and column references are 1-based positions or token names; a bad stage,
head, matrix, row or column raises ``OptionError`` listing what is valid.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from mhsa_tutor.core.errors import OptionError, did_you_mean
from mhsa_tutor.core.numbers import all_shown_exactly, eq, is_shown_exactly, num, signed
from mhsa_tutor.core.stages import subscript
from mhsa_tutor.core.trace import Matrix, Stage, Trace, before_softmax, tell_apart
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
from mhsa_tutor.teach.explain_variants import explain_bias, explain_positions, explain_rotary


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


@dataclass(frozen=True)
class Cell:
    """What an explainer is given: the trace, the stage, the matrix and the 0-based cell."""

    trace: Trace
    stage: Stage
    name: str
    m: Matrix
    i: int
    j: int
    p: int  # decimals in the written arithmetic
    t: Mapping[str, str]  # the UI strings of the language

    @property
    def rl(self) -> str:
        """The row's label (a token, or a 1-based number)."""
        return cell_label(self.trace.labels(self.m.rows, self.m.values.shape[0]), self.i)

    @property
    def cl(self) -> str:
        """The column's label."""
        return cell_label(self.trace.labels(self.m.cols, self.m.values.shape[1]), self.j)

    @property
    def value(self) -> float:
        """The trace's value of the cell."""
        return float(self.m.values[self.i, self.j])

    @property
    def shown(self) -> float:
        """The value the arithmetic arrives at: the exact one where the stage was rounded by hand."""
        return float(self.m.exact[self.i, self.j]) if self.m.exact is not None else self.value

    @property
    def head(self) -> int:
        """The stage's head (per-head stages only)."""
        if self.stage.head is None:
            raise ValueError(f"{self.stage.id} is not a per-head stage")
        return self.stage.head


def _term(a: float, b: float, p: int) -> str:
    """``a×b`` with each negative factor in parentheses: ``(−0.0675)×(−2)``."""
    return f"{signed(a, p)}×{signed(b, p)}"


def _dot(a: npt.NDArray[np.float64], b: npt.NDArray[np.float64], p: int) -> str:
    """``= a1×b1 + a2×b2 + …`` (long sums elided in the middle); ``≈`` when an operand shown is rounded."""
    n = len(a)
    shown = range(n) if n <= 12 else [*range(4), -1, *range(n - 4, n)]  # -1: the elided middle
    terms = ["…" if k < 0 else _term(float(a[k]), float(b[k]), p) for k in shown]
    exact = all_shown_exactly(a, p) and all_shown_exactly(b, p)
    return f"{'=' if exact else '≈'} " + " + ".join(terms)


def _given(c: Cell, label: str) -> list[str]:
    return [f"{label} {eq(c.value, c.p)}  {c.t['ex_given']}"]


def _projections(c: Cell, label: str) -> list[str]:
    inputs = c.trace.find("input").matrices
    from_memory = c.name in ("K", "V") and "memory" in inputs
    has_positions = any(st.id == "positions" for st in c.trace.stages)
    xs = c.trace.find("positions").matrices["X"] if has_positions else inputs["X"]  # X + P when positions
    x = (inputs["memory"] if from_memory else xs).values[c.i]
    w = c.trace.find("params").matrices[f"W_{c.name}"].values[:, c.j]
    src = "m" if from_memory else "x"
    head = f"{label} = {src}_{c.rl} · W_{c.name}[:, {c.j + 1}]"
    return _plus_bias(c, head, f"{_dot(x, w, c.p)}", f"b_{c.name}")


def _plus_bias(c: Cell, head: str, dot: str, bias: str) -> list[str]:
    """The lines of a projection's cell: ``x · W[:, j]`` and, when the scenario gives one, ``+ b[j]``."""
    params = c.trace.find("params").matrices
    if bias not in params:
        return [head, dot, eq(c.shown, c.p)]
    b = float(params[bias].values[0, c.j])
    exact = dot.startswith("=") and is_shown_exactly(b, c.p)
    return [f"{head} + {bias}[{c.j + 1}]", f"{'=' if exact else '≈'} ({dot[2:]}) + {signed(b, c.p)}", eq(c.shown, c.p)]


def _split(c: Cell, label: str) -> list[str]:
    width = c.m.values.shape[1]
    h = c.head if c.name == "Q" else c.trace.info.kv_head(c.head)  # K and V: the key/value head it shares
    source_col = (h - 1) * width + c.j + 1
    note = c.t["ex_split"].format(h=h, w=width, c=c.j + 1, src=source_col)
    sub = subscript(c.head)
    lines = [f"{c.name}{sub}[{c.rl}, {c.cl}] = {c.name}[{c.rl}, {source_col}]  {note}", eq(c.value, c.p)]
    if c.name != "Q" and c.stage.facts.shared_by and c.trace.info.groups != c.trace.info.heads:
        shared = ", ".join(str(n) for n in c.stage.facts.shared_by)
        kind = "mqa" if c.trace.info.groups == 1 else "gqa"
        lines.insert(0, c.t["ex_split_shared"].format(q=c.head, h=h, shared=shared, kv_abbr=kind.upper()))
    return lines


def _scores(c: Cell, label: str) -> list[str]:
    has_rope = any(st.id == "rotary" for st in c.trace.stages)
    sp = c.trace.find("rotary" if has_rope else "split", c.head).matrices
    q, k = sp["Q"].values[c.i], sp["K"].values[c.j]
    return [f"S{subscript(c.head)}[{c.rl}, {c.cl}] = q_{c.rl} · k_{c.cl}", f"{_dot(q, k, c.p)}", eq(c.shown, c.p)]


def _scaled(c: Cell, label: str) -> list[str]:
    info = c.trace.info
    raw_value = float(c.trace.find("scores", c.head).matrices["S"].values[c.i, c.j])
    n, sym = (len(info.key_tokens), "√T") if info.scale == "sqrt_seq_len" else (info.d_k, "√d_k")
    first = f"S{subscript(c.head)}[{c.rl}, {c.cl}] / {sym} = {signed(raw_value, c.p)} / √{n}"
    div = eq(info.scale_divisor, max(c.p, 2))  # √3 ≈ 2 would be true but useless
    if div.startswith("="):  # √4 = 2: the divisor is exact; "=" only when the score shown is exact too
        rel = "=" if is_shown_exactly(raw_value, c.p) else "≈"
        return [f"{first} {rel} {signed(raw_value, c.p)} / {div[2:]}", eq(c.shown, c.p)]
    return [f"{first}, √{n} {div}", eq(c.shown, max(c.p, 1))]


def _masked(c: Cell, label: str) -> list[str]:
    info = c.trace.info
    fmt = {"row": c.rl, "col": c.cl, "i": c.i + 1, "j": c.j + 1, "w": info.window or 0}
    aux = c.stage.aux
    by_rule = bool(aux["by_rule"][c.i, c.j]) if "by_rule" in aux else c.j > c.i
    by_padding = bool(aux["by_padding"][c.i, c.j]) if "by_padding" in aux else False
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
    shown = "= −∞" if by_rule or by_padding else eq(c.value, c.p)
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
    s = before_softmax(c.trace, c.head).matrices["S"].values[c.i]  # the scores this row's softmax read
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


def _head_output(c: Cell, label: str) -> list[str]:
    a = c.trace.find("softmax", c.head).matrices["A"].values[c.i]
    v = c.trace.find("split", c.head).matrices["V"].values[:, c.j]
    sub = subscript(c.head)
    dead = [c.t["ex_dead_row"].format(row=c.rl)] if c.i in c.stage.facts.dead_rows else []
    return [
        *dead,
        f"Z{sub}[{c.rl}, {c.cl}] = Σ_j A{sub}[{c.rl}, j] × V{sub}[j, {c.cl}]",
        f"{_dot(a, v, c.p)}",
        eq(c.shown, c.p),
    ]


def _concat(c: Cell, label: str) -> list[str]:
    d_v = c.trace.info.d_v
    src_head, src_col = c.j // d_v + 1, c.j % d_v + 1
    return [
        c.t["ex_concat"].format(c=c.j + 1, h=src_head, c2=src_col),
        f"Z[{c.rl}, {c.cl}] = Z{subscript(src_head)}[{c.rl}, {src_col}] {eq(c.value, c.p)}",
    ]


def _output(c: Cell, label: str) -> list[str]:
    z = c.trace.find("concat").matrices["Z"].values[c.i]
    w = c.trace.find("params").matrices["W_O"].values[:, c.j]
    return _plus_bias(c, f"O[{c.rl}, {c.cl}] = z_{c.rl} · W_O[:, {c.j + 1}]", f"{_dot(z, w, c.p)}", "b_O")


#: One explainer per stage id: (cell, its label) -> the lines of arithmetic.
EXPLAINERS: dict[str, Callable[[Cell, str], list[str]]] = {
    "input": _given,
    "params": _given,
    "projections": _projections,
    "positions": explain_positions,
    "split": _split,
    "rotary": explain_rotary,
    "scores": _scores,
    "scaled": _scaled,
    "bias": explain_bias,
    "masked": _masked,
    "softmax": _softmax,
    "head_output": _head_output,
    "concat": _concat,
    "output": _output,
    "online_softmax": explain_online,
    "decode_qkv": explain_decode_qkv,
    "kv_cache": explain_cache,
    "decode_scores": explain_decode_scores,
    "decode_softmax": explain_decode_softmax,
    "decode_output": explain_decode_output,
}


def _is_position(text: str) -> bool:
    """Text that reads as a 1-based position: ASCII digits, optionally after a minus sign."""
    digits = text[1:] if text.startswith("-") else text
    return digits.isascii() and digits.isdecimal() and len(digits) <= 18


def cell_label(labels: Sequence[str], i: int) -> str:
    """How cell ``i`` of an axis is named: its token, or ``2@1`` (token 2 at position 1) when the token
    reads as a different position."""
    return tell_apart(tuple(labels))[i] if labels else str(i + 1)


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
    lines = EXPLAINERS[stage_id](cell, label)
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
