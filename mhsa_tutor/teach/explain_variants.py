"""The explainers of the variants' stages: positions (X + P, a sinusoid), rotary (RoPE) and bias (ALiBi).

Registered in ``explain.BY_STAGE`` like every other stage-specific explainer. Each
reads its operands from the trace (the unrotated pair and the stored angle,
cos and sin; the head's slope; the sinusoid's angle) and writes the arithmetic
out from the operands their rule names (``core.reads``); none computes a number
the engine did not store.
"""

from __future__ import annotations

from mhsa_tutor.core.numbers import eq, is_shown_exactly, num, signed
from mhsa_tutor.core.reads import rope_partner, sinusoid_index
from mhsa_tutor.core.stages import subscript
from mhsa_tutor.teach.explain_parts import Cell, term


def explain_positions(c: Cell, label: str) -> list[str]:
    P = c.stage.matrices["P"].values
    angle = c.stage.aux.get("angle")
    p_line: list[str] = []
    if angle is not None:  # sinusoidal: P[pos, k] = sin or cos of pos / 10000^(2i/d)
        fn, two_i = sinusoid_index(c.j)
        d = P.shape[1]
        a = float(angle[c.i, c.j])
        rel = "=" if is_shown_exactly(a, c.p + 2) else "≈"
        p_line = [
            f"P[{c.rl}, {c.cl}] = {fn}({c.i} / 10000^({two_i}/{d})) {rel} {fn}({num(a, c.p + 2)})"
            f" {eq(float(P[c.i, c.j]), c.p)}"
        ]
    if c.name == "P":
        return p_line or [f"{label} {eq(c.value, c.p)}  {c.t['ex_given']}"]
    x, pv = c.num(0), c.num(1)  # the cell of the input X and of P
    rel = "=" if is_shown_exactly(x, c.p) and is_shown_exactly(pv, c.p) else "≈"
    return [
        *p_line,
        f"X[{c.rl}, {c.cl}] = x + p {rel} {num(x, c.p)} + {signed(pv, c.p)}",
        eq(c.value, c.p),
    ]


def explain_rotary(c: Cell, label: str) -> list[str]:
    info = c.trace.info
    style = info.rope_style
    assert style is not None, "a rotary stage needs the scenario's RoPE style"
    aux = c.stage.aux
    d = info.rope_dims or c.m.values.shape[1]  # the rotated features: all, or the first N (partial rotary)
    if c.j >= d:
        return [c.t["ex_rot_pass"].format(c=c.j + 1, rd=d), f"{label} = {c.name}[{c.rl}, {c.j + 1}] {eq(c.value, c.p)}"]
    pj, other, first = rope_partner(c.j, d, style)
    mine, partner = c.num(0), c.num(1)  # this feature and its partner, before the rotation
    a, b = (mine, partner) if first else (partner, mine)
    theta, angle = float(aux["theta"][pj]), float(aux[f"angle_{c.name}"][c.i, pj])
    cos, sin = float(aux[f"cos_{c.name}"][c.i, pj]), float(aux[f"sin_{c.name}"][c.i, pj])
    note = c.t["ex_rot"].format(
        name=c.name, row=c.rl, m=c.i, pos=c.i + 1, c=c.j + 1, o=other + 1, style=style, pj=pj,
        theta=num(theta, c.p + 2),
        angle=eq(angle, c.p) if is_shown_exactly(theta, c.p + 2) else f"≈ {num(angle, c.p)}",
    )  # fmt: skip
    p = c.p
    rel = "=" if all(is_shown_exactly(x, p) for x in (a, b, cos, sin)) else "≈"
    if first:
        formula = f"a·cos − b·sin {rel} {term(a, cos, p)} − {term(b, sin, p)}"
    else:
        formula = f"a·sin + b·cos {rel} {term(a, sin, p)} + {term(b, cos, p)}"
    return [note, f"{label} = {formula}", eq(c.value, p)]


def explain_bias(c: Cell, label: str) -> list[str]:
    slope = c.stage.facts.slope or 0.0  # this head's m_h (none for a bias given as data)
    dist = abs(c.i - c.j)
    info = c.trace.info
    div = {"sqrt_dk": f"√{info.d_k}", "sqrt_seq_len": f"√{len(info.key_tokens)}"}.get(info.scale, "1")
    kind = c.stage.facts.variant  # "", "before" (Falcon) or "given" (T5)
    fmt = {"m": f"{slope:g}", "row": c.rl, "col": c.cl, "i": c.i + 1, "j": c.j + 1, "d": dist, "div": div, "h": c.head}
    sub = subscript(c.head)
    why = c.t[{"before": "ex_bias_before", "given": "ex_bias_given"}.get(kind, "ex_bias")].format(**fmt)
    if c.name == "B":
        if kind == "given":
            return [why, f"B{sub}[{c.rl}, {c.cl}] {eq(c.value, c.p)}"]
        over = f" / {div}" if kind == "before" else ""
        return [why, f"B{sub}[{c.rl}, {c.cl}] = −{slope:g} × {dist}{over}", eq(c.value, c.p)]
    s, b = c.num(0), c.num(1)  # the scores the bias is added to (scaled, else raw) and B's cell
    rel = "=" if is_shown_exactly(s, c.p) and is_shown_exactly(b, c.p) else "≈"
    return [
        why,
        f"S{sub}[{c.rl}, {c.cl}] {rel} {num(s, c.p)} + {signed(b, c.p)}",
        eq(c.value, c.p),
    ]
