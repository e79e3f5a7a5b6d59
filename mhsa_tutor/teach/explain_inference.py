"""The explainers of the inference stages: the online softmax (m, r, ℓ, o, Z) and decoding with a KV cache.

Registered in ``explain.EXPLAINERS`` like every other stage's explainer. Each reads its operands
from the trace (the scores the softmax read, the stored e^(s − m) terms, the previous block's
state, the cached rows, the new token's row of X and the weights) and writes the arithmetic out;
none computes a number the engine did not store.
"""

from __future__ import annotations

import math

import numpy as np

from mhsa_tutor.core.numbers import all_shown_exactly, eq, is_shown_exactly, num, shown_value, signed
from mhsa_tutor.core.reads import rope_partner
from mhsa_tutor.core.stages import subscript
from mhsa_tutor.core.trace import Stage, Trace, before_softmax
from mhsa_tutor.teach.explain_parts import Cell


def _n(x: float, p: int) -> str:
    """A number, −∞ included."""
    return "−∞" if x == -math.inf else num(x, p)


def _sn(x: float, p: int) -> str:
    """A signed number in parentheses when negative, −∞ included."""
    return "(−∞)" if x == -math.inf else signed(x, p)


def _rel(*written: tuple[object, int]) -> str:
    """``=`` when every number written is the value itself, else ``≈``: ``written`` pairs the numbers of a
    line with the decimals they are written to."""
    exact = all(all_shown_exactly(np.asarray(values, dtype=np.float64).reshape(-1), p) for values, p in written)
    return "=" if exact else "≈"


def _block(c: Cell, b: int) -> range:
    B = c.trace.info.block or 1
    Tk = len(c.trace.info.key_tokens)
    return range(b * B, min((b + 1) * B, Tk))


def _sum(terms: list[str]) -> str:
    return " + ".join(terms if len(terms) <= 8 else [*terms[:3], "…", *terms[-3:]]) or "0"


def explain_online(c: Cell, label: str) -> list[str]:
    """One cell of the online softmax: m, r, ℓ, the running output o, or the final Z = o / ℓ."""
    st, p = c.stage, max(c.p, 2)
    info = c.trace.info
    keys = info.key_tokens
    m, ell = st.matrices["m"].values, st.matrices["l"].values
    r = st.matrices["r"].values
    S = before_softmax(c.trace, c.head).matrices["S"].values[c.i]
    e = st.aux["p"][c.i]
    dv = info.d_v
    sub = subscript(c.head)
    if c.name == "Z":
        nb = m.shape[1] - 1
        o = float(st.matrices["O"].values[c.i, nb * dv + c.j])
        lines = [c.t["ex_os_final"].format(b=nb + 1)]
        l_last = float(ell[c.i, nb])
        lo = shown_value(num(l_last, p + 2))
        shown = shown_value(num(o, p + 2)) / lo if lo else math.nan  # what the numbers as written give
        close = abs(shown - c.value) <= 1e-12 * max(1.0, abs(c.value))  # False for a row with no key (NaN)
        rel = _rel(([o, l_last], p + 2)) if close else "≈"
        return [*lines, f"{label} = o / ℓ {rel} {num(o, p + 2)} / {num(l_last, p + 2)}", eq(c.value, p)]
    b = c.j // dv if c.name == "O" else c.j
    block = _block(c, b)
    names = ", ".join(keys[j] for j in block)
    m_old = float(m[c.i, b - 1]) if b > 0 else -math.inf
    m_new = float(m[c.i, b])
    head = c.t["ex_os_block"].format(b=b + 1, keys=names)
    if c.name == "m":
        scores = ", ".join(_n(float(S[j]), p) for j in block)
        new = eq(m_new, p) if math.isfinite(m_new) else "= −∞"
        return [head, f"{label} = max(m_old, {scores}) = max({_n(m_old, p)}, {scores})", new]
    if c.name == "r":
        if m_new == -math.inf:
            return [head, c.t["ex_os_none_seen"], f"{label} = 1"]
        return [
            head,
            f"{label} = e^(m_old − m_new) {_rel(([m_old, m_new], p))} e^({_n(m_old, p)} − {_sn(m_new, p)})",
            eq(c.value, p) if m_old != -math.inf else f"= 0  {c.t['ex_os_first']}",
        ]
    rb = float(r[c.i, b])
    terms = [f"e^({_n(float(S[j]), p)} − {_sn(m_new, p)})" for j in block]
    if c.name == "l":
        l_old = float(ell[c.i, b - 1]) if b > 0 else 0.0
        vals = [num(float(e[j]), p + 2) for j in block]
        return [
            head,
            f"{label} = r·ℓ_old + Σ e^(s_j − m) {_rel(([rb, l_old], p + 2), ([m_new, *S[block]], p))} "
            f"{num(rb, p + 2)}×{num(l_old, p + 2)} + {_sum(terms)}",
            f"≈ {num(rb * l_old, p + 2)} + {_sum(vals)}" if vals else "",
            eq(c.value, p),
        ]
    d = c.j % dv
    O = st.matrices["O"].values
    o_old = float(O[c.i, (b - 1) * dv + d]) if b > 0 else 0.0
    V = c.trace.find("split", c.head).matrices["V"].values
    pv = [f"{num(float(e[j]), p + 2)}×{signed(float(V[j, d]), p)}" for j in block]
    rel = _rel(([rb, o_old, *e[block]], p + 2), (V[block, d], p))
    return [
        head,
        c.t["ex_os_o"].format(col=c.j + 1, b=b + 1, d=d + 1),
        f"{label} = r·o_old + Σ e^(s_j − m)·V{sub}[j, {d + 1}] {rel} "
        f"{num(rb, p + 2)}×{signed(o_old, p + 2)} + {_sum(pv)}",
        eq(c.value, p),
    ]


def _step(c: Cell, s: int) -> tuple[int, str]:
    """(0-based position t, token) of decoding step s (0-based)."""
    info = c.trace.info
    t = info.prefill + s
    return t, info.tokens[t]


def explain_decode_qkv(c: Cell, label: str) -> list[str]:
    """The new token's q, k or v: its own row only, then RoPE at its true position."""
    info = c.trace.info
    t, tok = _step(c, c.i)
    big = c.name.upper()
    h = c.head if c.name == "q" else info.kv_head(c.head)
    # the column of W (or of the given Q, K, V) this feature reads: the rule's operand (core.reads)
    col = next(op.col for op in c.ops if op.matrix in (f"W_{big}", big) and op.col is not None) + 1
    lines = [c.t["ex_dec_new"].format(tok=tok, pos=t + 1, step=c.i + 1, h=h)]
    raw_key = f"{c.name}_raw"
    raw = float(c.stage.aux[raw_key][c.i, c.j]) if raw_key in c.stage.aux else c.value
    if info.given_qkv:
        lines.append(f"{c.name}[{c.j + 1}] = {big}[{tok}, {col}] {eq(raw, c.p)}")
    else:
        lines.append(f"{c.name}[{c.j + 1}] = x_{tok} · W_{big}[:, {col}] {eq(raw, c.p)}")
    rotated = info.rope_dims or info.d_k  # partial rotary: a feature beyond these passes unchanged
    if c.name != "v" and "angle" in c.stage.aux and c.j < rotated:
        lines.append(c.t["ex_dec_rope"].format(pos=t))
        pj, other, first = rope_partner(c.j, rotated, info.rope_style)
        raw_row = c.stage.aux[raw_key][c.i]
        a, b = (float(raw_row[c.j]), float(raw_row[other])) if first else (float(raw_row[other]), float(raw_row[c.j]))
        ang = float(c.stage.aux["angle"][c.i, pj])
        cos, sin = math.cos(ang), math.sin(ang)
        p = c.p
        if first:
            formula = f"a·cos − b·sin ≈ {signed(a, p)}×{signed(cos, p)} − {signed(b, p)}×{signed(sin, p)}"
        else:
            formula = f"a·sin + b·cos ≈ {signed(a, p)}×{signed(sin, p)} + {signed(b, p)}×{signed(cos, p)}"
        ia, ib = (c.j, other) if first else (other, c.j)
        lines.append(
            f"t·θ_{pj} = {t}·θ_{pj} ≈ {num(ang, p)} {c.t['unit_rad']};  "
            f"(a, b) = ({c.name}[{ia + 1}], {c.name}[{ib + 1}])"
        )
        lines.append(f"{label} = {formula}")
        lines.append(eq(c.value, p))
    return lines


def explain_cache(c: Cell, label: str) -> list[str]:
    """A cache row: cached by the prefill, or appended at its decoding step."""
    info = c.trace.info
    tok = info.key_tokens[c.i]
    g = c.stage.facts.kv_head or 1
    if c.i < info.prefill:
        where = c.t["ex_cache_prefill"].format(tok=tok, pos=c.i + 1, g=g)
    else:
        where = c.t["ex_cache_step"].format(tok=tok, pos=c.i + 1, step=c.i - info.prefill + 1, g=g)
    src = f"{c.name.lower()}_{tok}[{c.j + 1}]"  # the row's key (turned by RoPE at its position) or value
    return [where, f"{label} = {src}", eq(c.value, c.p)]


def explain_decode_scores(c: Cell, label: str) -> list[str]:
    """One score of a step's row: not cached yet, masked, or q_t·k_j (scaled, with ALiBi)."""
    info = c.trace.info
    t, tok = _step(c, c.i)
    key = info.key_tokens[c.j]
    aux = c.stage.aux
    fmt = {"tok": tok, "key": key, "pos": t + 1, "j": c.j + 1, "w": info.window or 0, "row": tok, "col": key}
    if not aux["in_cache"][c.i, c.j]:
        return [c.t["ex_dec_not_cached"].format(**fmt), f"{label} = −∞"]
    if aux["by_rule"][c.i, c.j]:
        return [c.t["ex_blocked_sliding"].format(i=t + 1, **fmt), f"{label} = −∞"]
    if aux["by_padding"][c.i, c.j]:
        return [c.t["ex_blocked_padding"].format(**fmt), f"{label} = −∞"]
    q = c.trace.find("decode_qkv", c.head).matrices["q"].values[c.i]
    k = c.trace.find("kv_cache", c.head).matrices["K"].values[c.j]
    dot = float(aux["dot"][c.i, c.j])
    terms = " + ".join(f"{signed(float(a), c.p)}×{signed(float(b), c.p)}" for a, b in zip(q, k, strict=True))
    exact = all_shown_exactly(np.concatenate([q, k]), c.p)  # '=' only when no factor is rounded
    lines = [f"q_{tok} · k_{key} = {terms} {eq(dot, c.p) if exact else '≈ ' + num(dot, c.p)}"]
    div = info.scale_divisor
    expr = f"{num(dot, c.p)}" if div == 1 else f"{num(dot, c.p)} / {num(div, c.p)}"
    parts = [dot] if div == 1 else [dot, div]
    if "bias" in aux:
        b = float(aux["bias"][c.i, c.j])
        expr += f" + ({num(b, c.p)})"
        parts.append(b)
    rel = "=" if all(is_shown_exactly(x, c.p) for x in parts) else "≈"  # ≈ where an operand is rounded
    return [*lines, f"{label} {rel} {expr}", eq(c.value, c.p)]


def explain_decode_softmax(c: Cell, label: str) -> list[str]:
    """A step's weight: e^(s − max) over the cached keys' sum."""
    t, tok = _step(c, c.i)
    if c.i in c.stage.facts.dead_rows:
        return [c.t["ex_dead_row"].format(row=tok), f"{label} = 0 / 0 = NaN"]
    if c.j > t:
        key = c.trace.info.key_tokens[c.j]
        return [c.t["ex_dec_not_cached"].format(tok=tok, key=key, pos=t + 1, j=c.j + 1), f"{label} = 0"]
    aux = c.stage.aux
    p = max(c.p, 2)
    s = float(c.trace.find("decode_scores", c.head).matrices["S"].values[c.i, c.j])
    mx, total, e = float(aux["shift"][c.i, 0]), float(aux["sum"][c.i, 0]), float(aux["exp"][c.i, c.j])
    return [
        c.t["ex_stable"].format(m=num(mx, p)),
        f"{label} = e^({_n(s, p)} − {_sn(mx, p)}) / Σ_(k ≤ {t + 1}) e^(s_k − {_sn(mx, p)})",
        f"≈ {num(e, p + 2)} / {num(total, p + 2)}",
        eq(c.value, p),
    ]


def explain_decode_output(c: Cell, label: str) -> list[str]:
    """A step's output: Σ over the cached values, weighted."""
    t, tok = _step(c, c.i)
    a = c.trace.find("decode_softmax", c.head).matrices["A"].values[c.i, : t + 1]
    v = c.trace.find("kv_cache", c.head).matrices["V"].values[: t + 1, c.j]
    dead = [c.t["ex_dead_row"].format(row=tok)] if c.i in c.stage.facts.dead_rows else []
    terms = [f"{num(float(x), c.p)}×{signed(float(y), c.p)}" for x, y in zip(a, v, strict=True)]
    return [
        *dead,
        f"{label} = Σ_(j ≤ {t + 1}) a_j × V_cache[j, {c.j + 1}]",
        f"≈ {_sum(terms)}",
        eq(c.value, c.p),
    ]


def example_inference(trace: Trace, stage: Stage) -> tuple[str, str, str] | None:
    """The cell an inference stage works out in full (matrix, row, col; 1-based), or None for other stages.

    The online softmax: the running sum where a later block raises the max (a rescale), else the first;
    the decoding stages: the last step that has a key, at its last cached key (column 1 for q, k, v, z).
    """
    info = trace.info
    if stage.id == "online_softmax":
        r = stage.matrices["r"].values
        moved = np.argwhere((r > 0) & (r < 1))
        i, b = (int(moved[-1][0]), int(moved[-1][1])) if moved.size else (0, 0)
        return "l", str(i + 1), str(b + 1)
    if stage.id == "kv_cache":
        return "K", str(len(info.tokens)), "1"
    if stage.id not in ("decode_qkv", "decode_scores", "decode_softmax", "decode_output"):
        return None
    name = next(iter(stage.matrices))
    live = [s for s in range(info.decode_steps or 0) if s not in stage.facts.dead_rows]
    s = live[-1] if live else 0
    col = info.prefill + s if stage.id in ("decode_scores", "decode_softmax") else 0
    return name, str(s + 1), str(col + 1)
