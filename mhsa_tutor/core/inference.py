"""Attention at inference, by hand: FlashAttention's online softmax and decoding with a KV cache.

Two mechanisms, each computed here on its own and checked against the
ordinary path the engine has already computed (the checks are ``Verdict``s
with ``against`` set, stored in the trace like the source checkpoints):

* ``online_softmax`` (Milakov and Gimelshein 2018; Dao et al. 2022, 2023):
  per query row, over key blocks b = 1, 2, … of size B,
  ``m_b = max(m_{b−1}, max_{j∈b} s_j)``, ``r_b = e^(m_{b−1} − m_b)``,
  ``ℓ_b = r_b·ℓ_{b−1} + Σ_{j∈b} e^(s_j − m_b)``,
  ``o_b = r_b·o_{b−1} + Σ_{j∈b} e^(s_j − m_b)·v_j``; start ``m_0 = −∞``,
  ``ℓ_0 = 0``, ``o_0 = 0``; the result is ``o_last / ℓ_last``. A block whose
  every key is masked while no key has been seen yet leaves the state as it
  is (``r = 1``; ``m`` stays −∞); a row with no key at all ends 0/0 = NaN, as
  the ordinary softmax does. Checked against softmax·V to 1e-12.
* ``decode``: the first P = T − N tokens are the prefill (their keys and
  values, rotated at their positions, fill the cache); each of the last N
  tokens is then generated one at a time: its q, k, v are projected from its
  own row only, RoPE turns q and k at the token's TRUE position t, k and v are
  appended to the cache of its key/value head (GQA: query heads share it), and
  the one row of scores over the cache (scaled, ALiBi, window and padding as in
  the ordinary path) goes through the softmax into the output row. Each row is
  checked against row t of the full computation (to 1e-12).

Pure NumPy, float64. The engine calls ``tiled_stages`` and ``decode_stages``
after its ordinary stages and records what they return; nothing here prints.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from mhsa_tutor.core.scenario import Checkpoint, FromX, Scenario
from mhsa_tutor.core.trace import DecodeStep, ScenarioInfo, StageFacts, Verdict
from mhsa_tutor.core.variants import rope_theta, rotate

Array = npt.NDArray[np.float64]
Blocked = npt.NDArray[np.bool_]

#: The tolerance of the engine's own checks (decoding rows, the online softmax), relative above 1.
TOLERANCE = 1e-12
#: Bytes per number in the cache figures (fp16).
FP16_BYTES = 2


@dataclass(frozen=True)
class StageRecord:
    """One stage for the engine's recorder: id, head, matrices, and what its check needs."""

    stage_id: str
    head: int
    matrices: dict[str, Array]
    aux: dict[str, Array]
    facts: StageFacts
    blocked: Blocked | None = None
    dead: Blocked | None = None


@dataclass(frozen=True, eq=False)
class Tiles:
    """The online softmax of (…, T, Tk) scores: the running state after each of nb blocks.

    ``m``, ``l``, ``r``: (…, T, nb); ``O``: (…, T, nb, dv), the running output after each block;
    ``Z``: (…, T, dv) = o_last / ℓ_last; ``p``: (…, T, Tk), e^(s_j − m_b) with b the block of key j;
    ``bmax``: (…, T, nb), each block's own largest score (−∞ when every key of it is masked).
    """

    m: Array
    l: Array
    r: Array
    O: Array
    Z: Array
    p: Array
    bmax: Array


def online_softmax(S: Array, V: Array, block: int) -> Tiles:
    """softmax(S)·V computed block by block with a running max, sum and output (FlashAttention).

    Args:
        S: (…, T, Tk) scores as the softmax gets them (masked keys −∞).
        V: (…, Tk, dv) values.
        block: the key block size B ≥ 1.
    """
    Tk = S.shape[-1]
    nb = -(-Tk // block)
    lead = S.shape[:-1]  # (…, T)
    m_old = np.full(lead, -np.inf)
    l_old = np.zeros(lead)
    o_old = np.zeros((*lead, V.shape[-1]))
    ms, ls, rs, bmaxs, os_ = [], [], [], [], []
    p = np.zeros_like(S)
    with np.errstate(invalid="ignore", divide="ignore"):
        for b in range(nb):
            sl = slice(b * block, min((b + 1) * block, Tk))
            bmax = S[..., sl].max(axis=-1)  # (…, T)
            m_new = np.maximum(m_old, bmax)
            seen = np.isfinite(m_new)  # some key has been seen so far
            r = np.where(seen, np.exp(m_old - m_new), 1.0)  # e^(−∞ − m) = 0 on the first block seen
            pb = np.where(seen[..., None], np.exp(S[..., sl] - m_new[..., None]), 0.0)  # (…, T, B)
            p[..., sl] = pb
            l_new = r * l_old + pb.sum(axis=-1)
            o_new = r[..., None] * o_old + pb @ V[..., sl, :]  # (…, T, dv)
            ms.append(m_new)
            ls.append(l_new)
            rs.append(r)
            bmaxs.append(bmax)
            os_.append(o_new)
            m_old, l_old, o_old = m_new, l_new, o_new
        Z = o_old / l_old[..., None]  # a row with no key: 0/0 = NaN
    return Tiles(_stack(ms), _stack(ls), _stack(rs), np.stack(os_, axis=-2), Z, p, _stack(bmaxs))


def _stack(xs: list[Array]) -> Array:
    """Per-block (…, T) arrays as one (…, T, blocks) array."""
    return np.stack(xs, axis=-1)


def _check(name: str, stage: str, head: int, against: str, got: Array, ref: Array, row: int | None) -> Verdict:
    """A verdict that ``got`` equals ``ref`` to ``TOLERANCE`` (NaN where both are NaN)."""
    both_nan = np.isnan(got) & np.isnan(ref)
    diff = np.where(both_nan, 0.0, np.abs(got - ref))
    bound = TOLERANCE * np.maximum(1.0, np.abs(np.where(both_nan, 0.0, ref)))
    ok = bool(np.all(diff <= bound))  # a NaN on one side only is never ≤
    worst = float(np.nanmax(diff)) if diff.size and not np.all(np.isnan(diff)) else float("nan")
    cp = Checkpoint(name, stage, head, "Z", row, None, ref, 12)
    return Verdict(cp, got, ok, against=against, diff=worst, tolerance=TOLERANCE)


def tiled_stages(
    info: ScenarioInfo, S: Array, V: Array, Z: Array, dead: Blocked
) -> tuple[list[StageRecord], list[Verdict]]:
    """The ``online_softmax`` stage of every head and its check against the ordinary softmax·V.

    Args:
        info: the scenario's facts (``info.block`` is set).
        S: (H, T, Tk) the scores the ordinary softmax got (masked keys −∞).
        V: (H, Tk, dv) each query head's values.
        Z: (H, T, dv) the ordinary A·V.
        dead: (T,) rows whose every key is masked.
    """
    B = info.block or 1
    tiles = online_softmax(S, V, B)
    H, T, nb = tiles.m.shape
    records, verdicts = [], []
    facts = StageFacts(block=B, blocks=nb, dead_rows=tuple(int(i) for i in np.flatnonzero(dead)))
    for h in range(H):
        O = tiles.O[h].reshape(T, -1)  # (T, nb·dv): block b's running output in columns b·dv … (b+1)·dv − 1
        mats = {"m": tiles.m[h], "l": tiles.l[h], "r": tiles.r[h], "O": O, "Z": tiles.Z[h]}
        aux = {"p": tiles.p[h], "bmax": tiles.bmax[h]}
        records.append(StageRecord("online_softmax", h + 1, mats, aux, facts, np.isneginf(tiles.m[h]), dead))
        verdicts.append(_check("softmax·V", "online_softmax", h + 1, "ordinary", tiles.Z[h], Z[h], None))
    return records, verdicts


@dataclass(frozen=True, eq=False)
class _Rows:
    """One token's rows before RoPE: q (H, dk), k (G, dk), v (G, dv)."""

    q: Array
    k: Array
    v: Array


def _projector(scn: Scenario, X: Array | None) -> Callable[[slice], tuple[Array, Array, Array]]:
    """A function giving tokens' q (H, n, dk), k (G, n, dk), v (G, n, dv) from their own rows only."""
    H, G = scn.heads, scn.kv_heads

    def split(a: Array, n: int) -> Array:
        return a.reshape(a.shape[0], n, -1).transpose(1, 0, 2)

    def project(rows: slice) -> tuple[Array, Array, Array]:
        inp = scn.inputs
        if isinstance(inp, FromX):
            assert X is not None
            x = X[rows]  # (n, d_model): these tokens' rows of X (+ P), nothing else

            def proj(w: Array, b: Array | None) -> Array:
                out: Array = x @ w
                return out + b if b is not None else out  # the projection bias row, when given

            return split(proj(inp.W_Q, inp.b_Q), H), split(proj(inp.W_K, inp.b_K), G), split(proj(inp.W_V, inp.b_V), G)
        return split(inp.Q[rows], H), split(inp.K[rows], G), split(inp.V[rows], G)

    return project


def _turn(scn: Scenario, x: Array, start: int) -> tuple[Array, Array | None]:
    """(x rotated at positions start, start + 1, … (…, n, d), the angles (n, d/2) or None without RoPE)."""
    rope = scn.variants.rope
    if rope is None:
        return x, None
    theta = rope_theta(rope.dims or x.shape[-1], rope.base)  # partial rotary: only the first dims turn
    angles = np.arange(start, start + x.shape[-2])[:, None] * theta[None, :]
    return rotate(x, angles, rope.style), angles


def decode_step(s: int, prefill: int, width: int, d_in: int) -> DecodeStep:
    """The cache figures of decoding step ``s`` (0-based) after a prefill of ``prefill`` tokens.

    ``width`` = G·(d_k + d_v), the numbers a token adds to the cache; ``d_in`` the projections' input
    width (0 when Q, K, V are given and nothing is projected).
    """
    t = prefill + s
    numbers = (t + 1) * width
    return DecodeStep(s + 1, t, numbers, width * FP16_BYTES, numbers * FP16_BYTES, t, t * d_in * width)


def decode_stages(
    scn: Scenario, info: ScenarioInfo, X: Array | None, Z: Array, group: npt.NDArray[np.int64]
) -> tuple[list[StageRecord], list[Verdict]]:
    """The decoding stages of every head (prefill, then N steps with a KV cache) and their checks.

    Args:
        scn: the scenario (``variants.decode_steps`` = N is set; self-attention, causal or sliding).
        info: its facts.
        X: (T, d_model) the attention input (X + P), or None when Q, K, V are given.
        Z: (H, T, dv) the ordinary path's head outputs: each step's row is checked against row t.
        group: (H,) the 0-based key/value head of each query head.
    """
    H, G, T = scn.heads, scn.kv_heads, len(scn.tokens)
    N = scn.variants.decode_steps or 0
    P = T - N
    dk, dv = scn.d_k, scn.d_v
    project = _projector(scn, X)
    _, k_pre, v_pre = project(slice(0, P))  # prefill: (G, P, dk), (G, P, dv)
    K_cache, _ = _turn(scn, k_pre, 0)  # the cache holds rotated keys
    K_raw = k_pre  # the same keys before RoPE (what re-projecting the prefix would give)
    V_cache = v_pre
    # ALiBi's slopes as the full pass uses them (given or the paper's; ÷ the scale when added before it)
    slopes = np.array(info.slopes) / info.alibi_divisor if scn.variants.bias == "alibi" else None
    given_bias = scn.variants.B if scn.variants.bias == "given" else None  # (H, T, T): added as it is
    window, padding = scn.variants.window, scn.variants.padding
    q_raw, k_raw, v_new = np.zeros((H, N, dk)), np.zeros((G, N, dk)), np.zeros((G, N, dv))
    q_rot, k_rot = np.zeros((H, N, dk)), np.zeros((G, N, dk))
    angles = np.zeros((N, dk // 2))
    dot = np.full((H, N, T), -np.inf)  # q·k over the cache; keys not yet in it −∞
    S = np.full((H, N, T), -np.inf)
    in_cache = np.zeros((N, T))
    by_rule, by_pad = np.zeros((N, T)), np.zeros((N, T))
    bias = np.zeros((H, N, T))
    shift, E, total = np.zeros((H, N, 1)), np.zeros((H, N, T)), np.zeros((H, N, 1))
    A = np.zeros((H, N, T))
    Zd = np.zeros((H, N, dv))
    steps: list[DecodeStep] = []
    d_in = X.shape[1] if X is not None else 0
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        for s in range(N):
            t = P + s
            q, k, v = project(slice(t, t + 1))  # (H, 1, dk), (G, 1, dk), (G, 1, dv): this token's row only
            qr, ang = _turn(scn, q, t)  # RoPE at the token's true position t
            kr, _ = _turn(scn, k, t)
            q_raw[:, s], k_raw[:, s], v_new[:, s] = q[:, 0], k[:, 0], v[:, 0]
            q_rot[:, s], k_rot[:, s] = qr[:, 0], kr[:, 0]
            if ang is not None:
                angles[s] = ang[0]
            K_cache = np.concatenate([K_cache, kr], axis=1)  # (G, t + 1, dk): append, never recompute
            K_raw = np.concatenate([K_raw, k], axis=1)
            V_cache = np.concatenate([V_cache, v], axis=1)
            in_cache[s, : t + 1] = 1.0
            j = np.arange(t + 1)
            rule = j <= t - window if window is not None else np.zeros(t + 1, dtype=bool)
            pad = padding[: t + 1] if padding is not None else np.zeros(t + 1, dtype=bool)
            by_rule[s, : t + 1], by_pad[s, : t + 1] = rule, pad
            for h in range(H):
                g = int(group[h])
                d = K_cache[g] @ qr[h, 0]  # (t + 1,): q·k_j for every cached key of its key/value head
                dot[h, s, : t + 1] = d
                row = d / info.scale_divisor
                if slopes is not None:
                    bias[h, s, : t + 1] = -slopes[h] * (t - j)
                if given_bias is not None:
                    bias[h, s, : t + 1] = given_bias[h, t, : t + 1]
                if slopes is not None or given_bias is not None:
                    row = row + bias[h, s, : t + 1]
                row = np.where(rule | pad, -np.inf, row)
                S[h, s, : t + 1] = row
                mx = row.max()
                e = np.exp(row - mx)
                tot = e.sum()
                shift[h, s, 0], total[h, s, 0] = mx, tot
                E[h, s, : t + 1] = e
                a = e / tot  # a row with every cached key masked: 0/0 = NaN, as the ordinary path
                A[h, s, : t + 1] = a
                Zd[h, s] = a @ V_cache[g]
            steps.append(decode_step(s, P, G * (dk + dv), d_in))
    A[np.isnan(A).any(axis=-1)] = np.nan  # a row with no key left is NaN over the whole row
    dead = np.isnan(Zd[0, :, 0]) if Zd.size else np.zeros(N, dtype=bool)
    blocked = in_cache == 0
    blocked |= (by_rule + by_pad) > 0
    records: list[StageRecord] = []
    verdicts: list[Verdict] = []
    dead_rows = tuple(int(i) for i in np.flatnonzero(dead))
    for h in range(H):
        g = int(group[h])
        shared = info.sharing(h + 1)
        base = StageFacts(prefill=P, kv_head=g + 1, shared_by=shared, dead_rows=dead_rows)
        qkv_aux = {"q_raw": q_raw[h], "k_raw": k_raw[g]} | ({"angle": angles} if scn.variants.rope else {})
        qkv = {"q": q_rot[h], "k": k_rot[g], "v": v_new[g]}
        records.append(StageRecord("decode_qkv", h + 1, qkv, qkv_aux, base))
        cache = {"K": K_cache[g], "V": V_cache[g]}
        cache_facts = StageFacts(prefill=P, kv_head=g + 1, shared_by=shared, decode=tuple(steps))
        records.append(StageRecord("kv_cache", h + 1, cache, {"K_raw": K_raw[g]}, cache_facts))
        s_aux = {"dot": dot[h], "in_cache": in_cache, "by_rule": by_rule, "by_padding": by_pad}
        if slopes is not None or given_bias is not None:
            s_aux["bias"] = bias[h]
        records.append(StageRecord("decode_scores", h + 1, {"S": S[h]}, s_aux, base, blocked, dead))
        sm_aux = {"shift": shift[h], "exp": E[h], "sum": total[h]}
        records.append(StageRecord("decode_softmax", h + 1, {"A": A[h]}, sm_aux, base, None, dead))
        records.append(StageRecord("decode_output", h + 1, {"Z": Zd[h]}, {}, base, None, dead))
        for s in range(N):
            verdicts.append(_check("full", "decode_output", h + 1, "full", Zd[h, s], Z[h, P + s], s))
    return records, verdicts
