"""The explainers of the variants' stages: positions (X + P, a sinusoid), rotary (RoPE) and bias (ALiBi).

Registered in ``explain.EXPLAINERS`` like every other stage's explainer. Each
reads its operands from the trace (the unrotated pair and the stored angle,
cos and sin; the head's slope; the sinusoid's angle) and writes the arithmetic
out; none computes a number the engine did not store. ``CellLike`` is the
part of ``explain.Cell`` they use.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

from mhsa_tutor.core.numbers import eq, is_shown_exactly, num, signed
from mhsa_tutor.core.stages import subscript
from mhsa_tutor.core.trace import Matrix, Stage, Trace


class CellLike(Protocol):
    """What an explainer reads of a cell (``explain.Cell``)."""

    @property
    def trace(self) -> Trace: ...
    @property
    def stage(self) -> Stage: ...
    @property
    def name(self) -> str: ...
    @property
    def m(self) -> Matrix: ...
    @property
    def i(self) -> int: ...
    @property
    def j(self) -> int: ...
    @property
    def p(self) -> int: ...
    @property
    def t(self) -> Mapping[str, str]: ...
    @property
    def rl(self) -> str: ...
    @property
    def cl(self) -> str: ...
    @property
    def value(self) -> float: ...
    @property
    def head(self) -> int: ...


def explain_positions(c: CellLike, label: str) -> list[str]:
    P = c.stage.matrices["P"].values
    angle = c.stage.aux.get("angle")
    p_line: list[str] = []
    if angle is not None:  # sinusoidal: P[pos, k] = sin or cos of pos / 10000^(2i/d)
        fn = "sin" if c.j % 2 == 0 else "cos"
        two_i = c.j - c.j % 2
        d = P.shape[1]
        a = float(angle[c.i, c.j])
        rel = "=" if is_shown_exactly(a, c.p + 2) else "≈"
        p_line = [
            f"P[{c.rl}, {c.cl}] = {fn}({c.i} / 10000^({two_i}/{d})) {rel} {fn}({num(a, c.p + 2)})"
            f" {eq(float(P[c.i, c.j]), c.p)}"
        ]
    if c.name == "P":
        return p_line or [f"{label} {eq(c.value, c.p)}  {c.t['ex_given']}"]
    x, pv = float(c.trace.find("input").matrices["X"].values[c.i, c.j]), float(P[c.i, c.j])
    rel = "=" if is_shown_exactly(x, c.p) and is_shown_exactly(pv, c.p) else "≈"
    return [
        *p_line,
        f"X[{c.rl}, {c.cl}] = x + p {rel} {num(x, c.p)} + {signed(pv, c.p)}",
        eq(c.value, c.p),
    ]


def explain_rotary(c: CellLike, label: str) -> list[str]:
    info = c.trace.info
    style = info.rope_style or "half"
    aux = c.stage.aux
    raw = c.trace.find("split", c.head).matrices[c.name].values[c.i]  # the vector before rotation
    d = info.rope_dims or raw.shape[0]  # the rotated features: all, or the first N (partial rotary)
    if c.j >= d:
        return [c.t["ex_rot_pass"].format(c=c.j + 1, rd=d), f"{label} = {c.name}[{c.rl}, {c.j + 1}] {eq(c.value, c.p)}"]
    half = d // 2
    if style == "interleaved":
        pj, first = c.j // 2, c.j % 2 == 0
        other = c.j + 1 if first else c.j - 1
    else:
        pj, first = c.j % half, c.j < half
        other = c.j + half if first else c.j - half
    a, b = (raw[c.j], raw[other]) if first else (raw[other], raw[c.j])
    theta, angle = float(aux["theta"][pj]), float(aux[f"angle_{c.name}"][c.i, pj])
    cos, sin = float(aux[f"cos_{c.name}"][c.i, pj]), float(aux[f"sin_{c.name}"][c.i, pj])
    note = c.t["ex_rot"].format(
        name=c.name, row=c.rl, m=c.i, pos=c.i + 1, c=c.j + 1, o=other + 1, style=style, pj=pj,
        theta=num(theta, c.p + 2),
        angle=eq(angle, c.p) if is_shown_exactly(theta, c.p + 2) else f"≈ {num(angle, c.p)}",
    )  # fmt: skip
    p = c.p
    rel = "=" if all(is_shown_exactly(float(x), p) for x in (a, b, cos, sin)) else "≈"
    if first:
        formula = f"a·cos − b·sin {rel} {_term2(float(a), cos, p)} − {_term2(float(b), sin, p)}"
    else:
        formula = f"a·sin + b·cos {rel} {_term2(float(a), sin, p)} + {_term2(float(b), cos, p)}"
    return [note, f"{label} = {formula}", eq(c.value, p)]


def _term2(a: float, b: float, p: int) -> str:
    """``a×b`` with both factors in parentheses when negative (the term follows a sign)."""
    return f"{signed(a, p)}×{signed(b, p)}"


def explain_bias(c: CellLike, label: str) -> list[str]:
    slope = c.stage.facts.slope or 0.0
    dist = abs(c.i - c.j)
    info = c.trace.info
    div = {"sqrt_dk": f"√{info.d_k}", "sqrt_seq_len": f"√{len(info.key_tokens)}"}.get(info.scale, "1")
    kind = c.stage.facts.variant  # "", "before" (Falcon) or "given" (T5)
    fmt = {"m": f"{slope:g}", "row": c.rl, "col": c.cl, "i": c.i + 1, "j": c.j + 1, "d": dist, "div": div, "h": c.head}
    b = float(c.stage.matrices["B"].values[c.i, c.j])
    sub = subscript(c.head)
    why = c.t[{"before": "ex_bias_before", "given": "ex_bias_given"}.get(kind, "ex_bias")].format(**fmt)
    if c.name == "B":
        if kind == "given":
            return [why, f"B{sub}[{c.rl}, {c.cl}] {eq(b, c.p)}"]
        over = f" / {div}" if kind == "before" else ""
        return [why, f"B{sub}[{c.rl}, {c.cl}] = −{slope:g} × {dist}{over}", eq(b, c.p)]
    scaled = c.trace.find("scaled" if c.trace.info.scale != "none" else "scores", c.head).matrices["S"].values
    s = float(scaled[c.i, c.j])
    rel = "=" if is_shown_exactly(s, c.p) and is_shown_exactly(b, c.p) else "≈"
    return [
        why,
        f"S{sub}[{c.rl}, {c.cl}] {rel} {num(s, c.p)} + {signed(b, c.p)}",
        eq(c.value, c.p),
    ]
