"""The classic mistakes of decoding with a KV cache and of the online softmax, and what each gives for a cell.

Each function takes the trace and the cell a quiz asks and returns the value the mistake gives
there, computed with NumPy from the trace's own arrays (the previous block's state, the stored
rows before RoPE, the cache of another key/value head), or None when the mistake does not apply
or gives the right value anyway. The words are in the catalogues (``slip_<kind>``).

* ``rope_zero``: the new token rotated at position 0 (i.e. not at all) instead of its position t.
* ``reprojected``: the prefix re-projected (k_j = x_j·W_K again) instead of read from the cache,
  which holds the key turned by RoPE at its position: only differs with RoPE.
* ``own_cache``: under GQA, query head h reads the cache of key/value head h instead of its group's.
* ``no_rescale``: the online softmax's old sum and output not multiplied by r = e^(m_old − m_new).
* ``rescale_sign``: r = e^(m_new − m_old) instead of e^(m_old − m_new).
* ``stale_max``: the running max not updated: the block measured against the old max.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from mhsa_tutor.core.trace import Trace

Array = npt.NDArray[np.float64]
Found = tuple[float | None, dict[str, str | int | float]] | None

#: The mistakes of this module, in the order a match is named.
KINDS: tuple[str, ...] = ("rope_zero", "reprojected", "own_cache", "no_rescale", "rescale_sign", "stale_max")
DECODE_CELLS = frozenset({"decode_qkv", "decode_scores", "decode_softmax", "decode_output"})


def _row_downstream(trace: Trace, head: int, stage: str, s: int, col: int, scores: Array, V: Array) -> float:
    """The cell of ``stage`` (scores, softmax or output) of step s from a mistaken row of scores."""
    if stage in ("decode_scores", "decode_softmax") and col >= scores.size:
        return float("nan")  # a key not in the cache yet: no mistake changes it
    if stage == "decode_scores":
        return float(scores[col])
    finite = np.isfinite(scores)
    e = np.where(finite, np.exp(scores - scores[finite].max()), 0.0) if finite.any() else scores * np.nan
    a = e / e.sum()
    if stage == "decode_softmax":
        return float(a[col])
    return float(a @ V[: a.size, col])


def _scores(trace: Trace, head: int, s: int, q: Array, K: Array) -> Array:
    """A step's row of scores from a (possibly mistaken) q and cache K, with this trace's scale, bias and mask."""
    info = trace.info
    t = info.prefill + s
    st = trace.find("decode_scores", head)
    row = K[: t + 1] @ q / info.scale_divisor
    if "bias" in st.aux:
        row = row + st.aux["bias"][s, : t + 1]
    blocked = (st.aux["by_rule"][s, : t + 1] + st.aux["by_padding"][s, : t + 1]) > 0
    return np.where(blocked, -np.inf, row)


def decode_slip(trace: Trace, kind: str, stage: str, head: int, matrix: str, s: int, col: int) -> Found:
    """What a decoding mistake gives for one cell of step s (None when it does not apply)."""
    info = trace.info
    if stage not in DECODE_CELLS:
        return None
    qkv = trace.find("decode_qkv", head)
    cache = trace.find("kv_cache", head)
    K, V = cache.matrices["K"].values, cache.matrices["V"].values
    q = qkv.matrices["q"].values[s]
    t = info.prefill + s
    if kind == "rope_zero":
        if info.rope_style is None or t == 0:
            return None
        q0 = qkv.aux["q_raw"][s]
        if stage == "decode_qkv":
            if matrix == "v":
                return None
            return float(qkv.aux[f"{matrix}_raw"][s, col]), {"t": t}
        return _row_downstream(trace, head, stage, s, col, _scores(trace, head, s, q0, K), V), {"t": t}
    if kind == "reprojected":
        if info.rope_style is None or stage == "decode_qkv":
            return None
        raw = _raw_keys(trace, head)
        return _row_downstream(trace, head, stage, s, col, _scores(trace, head, s, q, raw), V), {}
    if kind == "own_cache":
        g = info.kv_head(head)
        if info.groups == info.heads or head > info.groups or head == g or stage == "decode_qkv":
            return None
        other = next(h for h in range(1, info.heads + 1) if info.kv_head(h) == head)
        c2 = trace.find("kv_cache", other)
        K2, V2 = c2.matrices["K"].values, c2.matrices["V"].values
        return _row_downstream(trace, head, stage, s, col, _scores(trace, head, s, q, K2), V2), {"g": g, "h": head}
    return None


def _raw_keys(trace: Trace, head: int) -> Array:
    """The cached keys as re-projecting the prefix gives them: before RoPE (the engine keeps them)."""
    raw: Array = trace.find("kv_cache", head).aux["K_raw"]
    return raw


def online_slip(trace: Trace, kind: str, head: int, matrix: str, i: int, j: int) -> Found:
    """What an online-softmax mistake gives for one cell (None when it does not apply or gives the right value)."""
    info = trace.info
    st = trace.find("online_softmax", head)
    m, ell, r, O = (st.matrices[k].values[i] for k in ("m", "l", "r", "O"))
    dv, B = info.d_v, info.block or 1
    if matrix == "Z":
        return None
    b = j // dv if matrix == "O" else j
    if b == 0 or not np.isfinite(m[b - 1]):
        return None  # nothing to rescale before the first block with a key
    m_old, m_new = float(m[b - 1]), float(m[b])
    if m_old == m_new and kind != "stale_max":
        return None  # the max did not move: r = 1 and the mistake changes nothing
    from mhsa_tutor.core.trace import before_softmax

    S = before_softmax(trace, head).matrices["S"].values[i, b * B : (b + 1) * B]
    factor = {"no_rescale": 1.0, "rescale_sign": float(np.exp(m_new - m_old)), "stale_max": 1.0}[kind]
    shift = m_old if kind == "stale_max" else m_new
    if kind == "stale_max" and m_old == m_new:
        return None
    p = np.where(np.isfinite(S), np.exp(S - shift), 0.0)
    facts: dict[str, str | int | float] = {"m_old": m_old, "m_new": m_new, "r": float(r[b])}
    if matrix == "m":
        return (m_old, facts) if kind == "stale_max" else None
    if matrix == "r":
        return (factor, facts) if kind == "rescale_sign" else None
    if matrix == "l":
        return float(factor * ell[b - 1] + p.sum()), facts
    d = j % dv
    V = trace.find("split", head).matrices["V"].values[b * B : (b + 1) * B, d]
    return float(factor * O[(b - 1) * dv + d] + p @ V), facts
