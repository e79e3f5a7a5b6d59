"""Quiz questions on the inference stages: which cell of the online softmax or of a decoding step, and its givens.

``cell_for`` picks the cell one round of the quiz asks (from the round's head, row, key and
column, never a −∞ or NaN cell); ``givens_for`` lists what a person needs to compute it by hand
(the previous block's state, the block's scores, the cached key, the step's row of weights…),
read from the trace and never the answer itself.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from mhsa_tutor.core.numbers import num
from mhsa_tutor.core.trace import Trace

Array = npt.NDArray[np.float64]
PRECISION = 4

#: The inference stages the quiz asks, in the order a person meets them.
ASKABLE_INFERENCE: tuple[str, ...] = (
    "online_softmax",
    "decode_qkv",
    "decode_scores",
    "decode_softmax",
    "decode_output",
)


def _vec(a: Array) -> str:
    return "[" + ", ".join("−∞" if x == -np.inf else num(float(x), PRECISION) for x in a) + "]"


def _pick(options: npt.NDArray[np.intp], k: int) -> int:
    """The k-th (cyclically) of the given indices."""
    return int(options[k % options.size])


def cell_for(trace: Trace, stage_id: str, head: int, row: int, key: int, col: int, pick: int) -> tuple[str, int, int]:
    """(matrix, 0-based row, 0-based column) of the cell a round asks on an inference stage.

    ``row``, ``key``, ``col``: the round's query row, key and value column; ``pick`` chooses the matrix.
    """
    info = trace.info
    st = trace.find(stage_id, head)
    if stage_id == "online_softmax":
        Z = st.matrices["Z"].values
        live = np.flatnonzero(np.isfinite(Z[:, 0]))
        i = _pick(live, row) if live.size else row
        m = st.matrices["m"].values[i]
        blocks = np.flatnonzero(np.isfinite(m))
        b = _pick(blocks, key // (info.block or 1)) if blocks.size else 0
        name = ("l", "O", "r", "m", "Z")[pick % 5]
        if name == "O":
            return name, i, b * info.d_v + col % info.d_v
        if name == "Z":
            return name, i, col % info.d_v
        return name, i, b
    steps = np.arange(info.decode_steps or 0)
    A = trace.find("decode_softmax", head).matrices["A"].values
    live = steps[np.isfinite(A[:, 0])] if A.size else steps
    s = _pick(live if live.size else steps, row)
    if stage_id == "decode_qkv":
        name = ("q", "k", "v")[pick % 3]
        width = info.d_v if name == "v" else info.d_k
        return name, s, col % width
    if stage_id == "decode_output":
        return "Z", s, col % info.d_v
    S = trace.find("decode_scores", head).matrices["S"].values[s]
    keys = np.flatnonzero(np.isfinite(S))
    return ("S" if stage_id == "decode_scores" else "A"), s, _pick(keys, key) if keys.size else 0


def givens_for(trace: Trace, stage_id: str, head: int, name: str, i: int, j: int) -> list[str]:
    """The inputs of one inference cell, one ``name = numbers`` line each (never the answer)."""
    info = trace.info
    if stage_id == "online_softmax":
        return _online_givens(trace, head, name, i, j)
    t = info.prefill + i
    tok = info.tokens[t]
    if stage_id == "decode_scores":
        q = trace.find("decode_qkv", head).matrices["q"].values[i]
        k = trace.find("kv_cache", head).matrices["K"].values[j]
        lines = [
            f"q_{tok} = {_vec(q)}",
            f"K_cache[{info.key_tokens[j]}, :] = {_vec(k)}",  # a symbol, read alike in every language
            f"÷ {num(info.scale_divisor, PRECISION)}",
        ]
        if info.slopes:
            lines.append(f"ALiBi: m = {info.slopes[head - 1]:g}, t − j = {t - j}")
        return lines
    if stage_id == "decode_softmax":
        S = trace.find("decode_scores", head).matrices["S"].values[i, : t + 1]
        return [f"s_{tok} = {_vec(S)}"]
    a = trace.find("decode_softmax", head).matrices["A"].values[i, : t + 1]
    v = trace.find("kv_cache", head).matrices["V"].values[: t + 1, j]
    return [f"a_{tok} = {_vec(a)}", f"V_cache[:, {j + 1}] = {_vec(v)}"]


def _online_givens(trace: Trace, head: int, name: str, i: int, j: int) -> list[str]:
    info = trace.info
    st = trace.find("online_softmax", head)
    m, ell, O = (st.matrices[k].values[i] for k in ("m", "l", "O"))
    dv, B = info.d_v, info.block or 1
    if name == "Z":
        nb = m.size - 1
        return [f"o = {num(float(O[nb * dv + j]), PRECISION + 2)}", f"ℓ = {num(float(ell[nb]), PRECISION + 2)}"]
    b = j // dv if name == "O" else j
    from mhsa_tutor.core.trace import before_softmax

    S = before_softmax(trace, head).matrices["S"].values[i, b * B : (b + 1) * B]
    m_old = float(m[b - 1]) if b > 0 else -np.inf
    old = f"m_old = {'−∞' if m_old == -np.inf else num(m_old, PRECISION)}"
    block = f"s (block {b + 1}) = {_vec(S)}"
    if name == "m":
        return [old, block]
    m_new = f"m_new = {num(float(m[b]), PRECISION)}"
    if name == "r":
        return [old, m_new]
    r = f"r = {num(float(st.matrices['r'].values[i, b]), PRECISION + 2)}"
    if name == "l":
        return [f"ℓ_old = {num(float(ell[b - 1]) if b > 0 else 0.0, PRECISION + 2)}", r, m_new, block]
    d = j % dv
    V = trace.find("split", head).matrices["V"].values[b * B : (b + 1) * B, d]
    o_old = float(O[(b - 1) * dv + d]) if b > 0 else 0.0
    return [f"o_old = {num(o_old, PRECISION + 2)}", r, m_new, block, f"v (block {b + 1}, feature {d + 1}) = {_vec(V)}"]
