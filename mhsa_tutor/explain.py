"""How one number was computed: the arithmetic of a single cell, with its real numbers.

``explain_cell`` reads the operands from the trace (a row of X and a column of
W, a query and a key, a row of scores, a row of weights and a column of V…)
and writes the sum out term by term. The result it states is always the
trace's own value; where the scenario rounded the stage by hand, both the
rounded value (used by the next stage) and the exact one are given.

Row and column references are 1-based positions or token names; a bad stage,
head, matrix, row or column raises ``OptionError`` listing what is valid.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from mhsa_tutor.errors import OptionError
from mhsa_tutor.narration import UI
from mhsa_tutor.numbers import num
from mhsa_tutor.trace import Matrix, Stage, Trace


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


def _term(a: float, b: float, p: int) -> str:
    sb = num(b, p)
    return f"{num(a, p)}×{'(' + sb + ')' if b < 0 else sb}"


def _dot(a: npt.NDArray[np.float64], b: npt.NDArray[np.float64], p: int) -> str:
    """``a1×b1 + a2×b2 + …`` (long sums elided in the middle)."""
    terms = [_term(float(x), float(y), p) for x, y in zip(a, b, strict=True)]
    if len(terms) > 12:
        terms = [*terms[:4], "…", *terms[-4:]]
    return " + ".join(terms)


def _is_position(text: str) -> bool:
    """Text that reads as a 1-based position: ASCII digits, optionally after a minus sign."""
    digits = text[1:] if text.startswith("-") else text
    return digits.isascii() and digits.isdecimal() and len(digits) <= 18


def cell_label(labels: Sequence[str], i: int) -> str:
    """How cell ``i`` of an axis is named: its token, or ``2@1`` (token 2 at position 1) when the token
    reads as a different position."""
    tok = labels[i]
    return f"{tok}@{i + 1}" if _is_position(tok) and tok != str(i + 1) else tok


def resolve_ref(ref: str, labels: Sequence[str], size: int, what: str) -> int:
    """A 1-based position or a token name -> 0-based index.

    ``@N`` is always position N and ``token:NAME`` always the token NAME. A plain
    number that is also the name of a token at another position is ambiguous.

    Raises:
        OptionError: out of range, unknown or ambiguous name; the message lists the valid choices.
    """
    if ref.startswith("@") and _is_position(ref[1:]):
        return _position(ref, int(ref[1:]), labels, size, what)
    if ref.startswith("token:") and labels:
        return _token(ref, ref[len("token:") :], labels, size, what)
    if _is_position(ref):
        i = int(ref)
        hits = [k for k, t in enumerate(labels) if t == ref]
        if hits and hits != [i - 1]:
            at = ", ".join(str(k + 1) for k in hits)
            here = f"position {i} is the token {labels[i - 1]!r}" if 1 <= i <= size else f"there is no position {i}"
            raise OptionError(
                f"{what} {ref} is ambiguous: {here}, and the token {ref!r} is at position {at}; "
                f"write {what} @{i} for the position or {what} token:{ref} for the token"
            )
        return _position(ref, i, labels, size, what)
    return _token(ref, ref, labels, size, what)


def _position(ref: str, i: int, labels: Sequence[str], size: int, what: str) -> int:
    if not 1 <= i <= size:
        names = f" or a token: {', '.join(labels)}" if labels else ""
        raise OptionError(f"{what} {ref} is out of range; expected 1 to {size}{names}")
    return i - 1


def _token(ref: str, name: str, labels: Sequence[str], size: int, what: str) -> int:
    hits = [i for i, t in enumerate(labels) if t == name]
    if len(hits) == 1:
        return hits[0]
    if not labels:
        raise OptionError(f"{what} {ref!r} is not a number; this axis has no token names, expected 1 to {size}")
    if len(hits) > 1:
        raise OptionError(f"{what} {ref!r} names several tokens; expected a position 1 to {size} (or @1 to @{size})")
    raise OptionError(f"{what} {ref!r} is not a token; expected 1 to {size} or one of: {', '.join(labels)}")


def find_stage(trace: Trace, stage_id: str, head: int | None) -> Stage:
    """The stage to explain; per-head stages need a head (default 1).

    Raises:
        OptionError: no such stage, or the head is out of range.
    """
    present = list(dict.fromkeys(s.id for s in trace.stages))
    if stage_id not in present:
        raise OptionError(
            f"--stage {stage_id!r} is not a stage of {trace.info.name}; expected one of: {', '.join(present)}"
        )
    per_head = any(s.id == stage_id and s.head is not None for s in trace.stages)
    if per_head:
        h = 1 if head is None else head
        if not 1 <= h <= trace.info.heads:
            raise OptionError(f"--head {h} is out of range; {trace.info.name} has heads 1 to {trace.info.heads}")
        return trace.find(stage_id, h)
    if head is not None and head != 1:
        raise OptionError(f"--head is only for per-head stages; {stage_id} is computed once for all heads")
    return trace.find(stage_id)


def _labels(trace: Trace, m: Matrix, axis: str) -> tuple[str, ...]:
    kind = m.rows if axis == "row" else m.cols
    return () if kind == "dims" else trace.labels(kind, 0)


def before_softmax(trace: Trace, head: int) -> Stage:
    """The stage whose scores the softmax of ``head`` reads: masked, else scaled, else scores."""
    for sid in ("masked", "scaled", "scores"):
        try:
            return trace.find(sid, head)
        except KeyError:
            continue
    raise KeyError("scores")


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
    name = matrix or names[0]
    if name not in stage.matrices:
        raise OptionError(f"--matrix {name!r} is not a matrix of {stage_id}; expected one of: {', '.join(names)}")
    m = stage.matrices[name]
    n_rows, n_cols = m.values.shape
    i = resolve_ref(row, _labels(trace, m, "row"), n_rows, "--row")
    j = resolve_ref(col, _labels(trace, m, "col"), n_cols, "--col")
    rl = cell_label(trace.labels(m.rows, n_rows), i)
    cl = cell_label(trace.labels(m.cols, n_cols), j)
    h = stage.head
    hs = f" (head {h})" if h is not None else ""
    label = f"{name}[{rl}, {cl}]{hs}"
    value = float(m.values[i, j])
    exact = float(m.exact[i, j]) if m.exact is not None else None
    p = precision
    t = {k: v[lang] for k, v in UI.items() if k.startswith("ex_")}
    lines: list[str] = []
    shown = exact if exact is not None else value

    if stage_id in ("input", "params"):
        lines.append(f"{label} = {num(value, p)}  {t['ex_given']}")
    elif stage_id == "projections":
        inputs = trace.find("input").matrices
        src = inputs["memory"] if name in ("K", "V") and "memory" in inputs else inputs["X"]
        w = trace.find("params").matrices[f"W_{name}"].values
        x = src.values[i]
        src_name = "m" if src is not inputs["X"] else "x"
        lines.append(f"{label} = {src_name}_{rl} · W_{name}[:, {j + 1}]")
        lines.append(f"= {_dot(x, w[:, j], p)}")
        lines.append(f"= {num(shown, p)}")
    elif stage_id == "split":
        assert h is not None
        width = n_cols
        source_col = (h - 1) * width + j
        note = t["ex_split"].format(h=h, w=width, c=j + 1, src=source_col + 1)
        lines.append(f"{name}{h}[{rl}, {cl}] = {name}[{rl}, {source_col + 1}]  {note}")
        lines.append(f"= {num(value, p)}")
    elif stage_id == "scores":
        assert h is not None
        sp = trace.find("split", h).matrices
        q, k = sp["Q"].values[i], sp["K"].values[j]
        lines.append(f"S[{rl}, {cl}] = q_{rl} · k_{cl}")
        lines.append(f"= {_dot(q, k, p)}")
        lines.append(f"= {num(shown, p)}")
    elif stage_id == "scaled":
        assert h is not None
        raw = float(trace.find("scores", h).matrices["S"].values[i, j])
        if trace.info.scale == "sqrt_seq_len":
            n, sym = len(trace.info.key_tokens), "√T"
        else:
            n, sym = trace.info.d_k, "√d_k"
        div = trace.info.scale_divisor
        lines.append(f"S[{rl}, {cl}] / {sym} = {num(raw, p)} / √{n} = {num(raw, p)} / {num(div, p)}")
        lines.append(f"= {num(shown, p)}")
    elif stage_id == "masked":
        if j > i:
            lines.append(t["ex_blocked"].format(row=rl, col=cl, i=i + 1, j=j + 1))
            lines.append(f"S[{rl}, {cl}] = −∞")
        else:
            key = "ex_self" if i == j and trace.info.memory_tokens is None else "ex_kept"
            lines.append(t[key].format(row=rl, col=cl, i=i + 1, j=j + 1))
            lines.append(f"S[{rl}, {cl}] = {num(value, p)}")
    elif stage_id == "softmax":
        assert h is not None
        s = before_softmax(trace, h).matrices["S"].values[i]
        keys = trace.labels(m.cols, n_cols)
        mx = float(np.max(s))
        lines.append(t["ex_stable"].format(m=num(mx, p)))
        lines.append(f"A[{rl}, {cl}] = e^({num(float(s[j]), p)} − {num(mx, p)}) / Σ_k e^(s_k − {num(mx, p)})")
        previous = -1
        for kk in _shown_terms(len(s), j):
            if kk > previous + 1:
                lines.append(f"   … {kk - previous - 1} more")
            sk = float(s[kk])
            e = 0.0 if sk == float("-inf") else math.exp(sk - mx)
            lines.append(f"   e^({num(sk, p)} − {num(mx, p)}) = {num(e, p + 2)}  [{keys[kk]}]")
            previous = kk
        if previous < len(s) - 1:
            lines.append(f"   … {len(s) - 1 - previous} more")
        num_e = 0.0 if s[j] == float("-inf") else math.exp(float(s[j]) - mx)
        denom = float(sum(0.0 if x == float("-inf") else math.exp(float(x) - mx) for x in s))
        lines.append(f"= {num(num_e, p + 2)} / {num(denom, p + 2)}")
        lines.append(f"= {num(shown, p)}")
    elif stage_id == "head_output":
        assert h is not None
        a = trace.find("softmax", h).matrices["A"].values[i]
        v = trace.find("split", h).matrices["V"].values[:, j]
        lines.append(f"Z[{rl}, {cl}] = Σ_j A[{rl}, j] × V[j, {cl}]")
        lines.append(f"= {_dot(a, v, p)}")
        lines.append(f"= {num(shown, p)}")
    elif stage_id == "concat":
        d_v = trace.info.d_v
        src_head, src_col = j // d_v + 1, j % d_v + 1
        lines.append(t["ex_concat"].format(c=j + 1, h=src_head, c2=src_col))
        lines.append(f"Z[{rl}, {cl}] = Z{src_head}[{rl}, {src_col}] = {num(value, p)}")
    elif stage_id == "output":
        z = trace.find("concat").matrices["Z"].values[i]
        w = trace.find("params").matrices["W_O"].values[:, j]
        lines.append(f"O[{rl}, {cl}] = z_{rl} · W_O[:, {j + 1}]")
        lines.append(f"= {_dot(z, w, p)}")
        lines.append(f"= {num(shown, p)}")
    if exact is not None and m.decimals is not None:
        lines.append(t["ex_rounded"].format(v=num(value, m.decimals), d=m.decimals, e=num(exact, p + 2)))
    return Explanation(stage_id, h, name, i, j, label, tuple(lines), value, exact)


def _shown_terms(n: int, j: int) -> list[int]:
    """Which terms of a long softmax sum to write out: the ends and the cell's own key."""
    if n <= 12:
        return list(range(n))
    return sorted({0, 1, 2, 3, n - 4, n - 3, n - 2, n - 1, j})


def example_cell(trace: Trace, stage: Stage) -> tuple[str, str, str] | None:
    """A telling (matrix, row, col) to explain for a stage in the walkthrough, as ``@``-positions (1-based)."""
    if stage.id in ("input", "params"):
        return None
    name = next(iter(stage.matrices))
    n_rows, n_cols = stage.matrices[name].values.shape
    if stage.id == "masked" and n_cols > 1:
        return name, "@1", "@2"  # positions, whatever the tokens are called
    row = f"@{min(2, n_rows)}" if stage.id in ("softmax", "scores", "scaled") else "@1"
    return name, row, "@1"
