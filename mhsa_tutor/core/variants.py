"""The arithmetic of the modern variants of attention, in float64: positions, RoPE, ALiBi, GQA, masks.

Each function follows the paper's formula as REFERENCE.md ("Variants") states it,
vectorised with NumPy; the engine calls them and stores what they give in the
trace. Nothing here prints, validates or knows about stages.

* ``sinusoidal`` (Vaswani et al. 2017, §3.5): ``P[pos, k] = sin(pos / 10000^(k/d))``
  for even k, ``cos(pos / 10000^((k−1)/d))`` for odd k.
* ``rope_angles`` / ``rotate`` (Su et al. 2021): pair j turns by ``m·θ_j``,
  ``θ_j = base^(−2j/d)``; ``"half"`` pairs (x_j, x_{j+d/2}), ``"interleaved"``
  pairs (x_{2j}, x_{2j+1}).
* ``alibi_slopes`` (Press et al. 2022): ``2^(−8h/H)``, with the interleaving
  rule when H is not a power of two; ``alibi_bias`` is ``−m_h·|i − j|``.
* ``kv_group`` (Ainslie et al. 2023): query head h (0-based) uses key/value head
  ``h·G // H``, as ``repeat_interleave`` does.
* ``mask_rules``: which cells the mask rule and the padding block (True = may not attend).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

Array = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]
Ints = npt.NDArray[np.int64]


def sinusoidal_angles(tokens: int, d_model: int) -> Array:
    """pos / 10000^(2i/d_model) for every position and feature k (2i = k for even k, k − 1 for odd k)."""
    pos = np.arange(tokens, dtype=np.float64)[:, None]  # (T, 1)
    k = np.arange(d_model)
    even = k - (k % 2)
    out: Array = pos / np.power(10000.0, even / d_model)  # (T, d_model)
    return out


def sinusoidal(tokens: int, d_model: int) -> Array:
    """The sinusoidal position matrix P (tokens × d_model) of the Transformer paper."""
    angle = sinusoidal_angles(tokens, d_model)
    out: Array = np.where(np.arange(d_model) % 2 == 0, np.sin(angle), np.cos(angle))
    return out


def rope_theta(d: int, base: float) -> Array:
    """θ_j = base^(−2j/d) for the d/2 pairs of a head of size d."""
    return np.power(base, -2.0 * np.arange(d // 2) / d)


def rope_pairs(d: int, style: str) -> tuple[Ints, Ints]:
    """(first, second) feature index of each pair j: (j, j + d/2) for "half", (2j, 2j + 1) for "interleaved"."""
    j = np.arange(d // 2)
    if style == "interleaved":
        return 2 * j, 2 * j + 1
    return j, j + d // 2


def rotate(x: Array, angles: Array, style: str) -> Array:
    """Rotate the pairs of every row of x (…, n, d) by its angles (n, N/2): (a, b) → (a·cos − b·sin, a·sin + b·cos).

    Only the first N = 2·(number of angles) features turn (partial rotary, N ≤ d); the rest are copied.
    """
    first, second = rope_pairs(2 * angles.shape[-1], style)
    cos, sin = np.cos(angles), np.sin(angles)  # (n, N/2)
    a, b = x[..., first], x[..., second]
    out = x.copy()
    out[..., first] = a * cos - b * sin
    out[..., second] = a * sin + b * cos
    return out


def alibi_slopes(heads: int) -> Array:
    """ALiBi's slope m_h of each head h = 1 … H, as Press et al. (2022) define it."""

    def power_of_two(n: int) -> list[float]:
        return [2.0 ** (-8.0 * h / n) for h in range(1, n + 1)]

    if heads & (heads - 1) == 0:
        return np.array(power_of_two(heads))
    n = 1 << (heads.bit_length() - 1)  # the largest power of two below heads
    return np.array(power_of_two(n) + power_of_two(2 * n)[0::2][: heads - n])


def alibi_bias(slopes: Array, t_q: int, t_k: int) -> Array:
    """B (H, T, T_k) with B[h, i, j] = −m_h·|i − j|."""
    dist = np.abs(np.arange(t_q)[:, None] - np.arange(t_k)[None, :]).astype(np.float64)  # (T, Tk)
    out: Array = -slopes[:, None, None] * dist[None]
    return out


def kv_group(heads: int, kv_heads: int) -> Ints:
    """The 0-based key/value head of each query head: ⌊h·G/H⌋ (consecutive query heads share one)."""
    return (np.arange(heads) * kv_heads) // heads


def mask_rule(mask: str, t_q: int, t_k: int, window: int | None, blocked: Bools | None) -> Bools:
    """Where the mask rule blocks (True = may not attend): causal j > i, sliding outside i − W < j ≤ i, custom."""
    i = np.arange(t_q)[:, None]
    j = np.arange(t_k)[None, :]
    if mask == "causal":
        return np.broadcast_to(j > i, (t_q, t_k)).copy()
    if mask == "sliding":
        assert window is not None
        return np.broadcast_to((j > i) | (j <= i - window), (t_q, t_k)).copy()
    if mask == "custom":
        assert blocked is not None
        return blocked.copy()
    return np.zeros((t_q, t_k), dtype=bool)


def offset_demo(q: Array, k: Array, i: int, j: int, theta: Array, style: str) -> tuple[float, float]:
    """q rotated to position i dotted with k rotated to j, and the same with both moved one position on."""
    at = [
        float(rotate(q[None], (i + s) * theta[None], style)[0] @ rotate(k[None], (j + s) * theta[None], style)[0])
        for s in (0, 1)
    ]
    return at[0], at[1]
