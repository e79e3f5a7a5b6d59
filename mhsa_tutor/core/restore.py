"""What the engine stores beside the matrices, derived again from them: for a trace read back from JSON.

The JSON form (``io.trace_json``) keeps every matrix at full float64 precision
but not the arrays the explanations quote (``Stage.aux``) nor the stage facts.
``restore(info, stages)`` gives each stage back what explain needs, computed
with the engine's own functions from the stored matrices and the scenario
facts in ``info``, so that every cell of a trace read from JSON can be
explained exactly as the run it came from:

* softmax: ``shift``, ``exp``, ``sum`` of the scores its rule reads (``core.reads``) and the
  rows whose every key is blocked (``dead_rows``, also on masked and head_output);
* rotary: ``theta`` and each position's angle, cos and sin (base and pairing from ``info``);
* positions: the sinusoids' ``angle`` (sinusoidal positions only);
* masked: which cells the mask rule and the padding blocked (``by_rule``, ``by_padding``);
* split: the key/value head and the query heads that share it.

The narration's facts (strongest weights, one-hot rows…) are not restored.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import numpy.typing as npt

from mhsa_tutor.core import stagetext
from mhsa_tutor.core.engine import _softmax_parts
from mhsa_tutor.core.inference import decode_step, online_softmax
from mhsa_tutor.core.reads import Layout, read_stage
from mhsa_tutor.core.stages import DECODE_STAGES
from mhsa_tutor.core.trace import ScenarioInfo, Stage, StageFacts, Trace
from mhsa_tutor.core.variants import mask_rule, rope_theta, sinusoidal_angles

Array = npt.NDArray[np.float64]


def _frozen(a: Array) -> Array:
    a.flags.writeable = False
    return a


def restore(info: ScenarioInfo, stages: tuple[Stage, ...]) -> tuple[Stage, ...]:
    """The stages with the ``aux`` arrays and facts explain quotes, derived from their matrices."""
    trace = Trace(info, stages)
    layout = Layout.of_trace(trace)
    out = []
    for st in stages:
        aux, facts = dict(st.aux), st.facts
        h = st.head
        if st.id == "softmax" and h is not None:
            s = trace.find(read_stage(layout, "softmax", "A"), h).matrices["S"].values
            shift, e, total, _ = _softmax_parts(s)
            aux |= {"shift": shift, "exp": e, "sum": total}
        if st.id in ("masked", "softmax", "head_output") and h is not None:
            a = trace.find("softmax", h).matrices["A"].values
            facts = replace(facts, dead_rows=tuple(int(i) for i in np.flatnonzero(np.isnan(a).all(axis=1))))
        if st.id == "masked":
            aux |= _mask_aux(info, st.matrices["S"].values)
        if st.id == "rotary" and info.rope_base is not None:
            theta = rope_theta(info.rope_dims or info.d_k, info.rope_base)  # (rotated/2,): partial rotary turns fewer
            aux["theta"] = theta
            for name, m in st.matrices.items():
                angle = np.arange(m.values.shape[0])[:, None] * theta[None, :]  # (n, dk/2)
                aux |= {f"angle_{name}": angle, f"cos_{name}": np.cos(angle), f"sin_{name}": np.sin(angle)}
        if st.id == "positions" and info.positions == "sinusoidal":
            aux["angle"] = sinusoidal_angles(len(info.tokens), info.d_model)
        if st.id == "split" and h is not None:
            gqa = "gqa" if info.groups != info.heads else ""
            facts = replace(facts, kv_head=info.kv_head(h), shared_by=info.sharing(h), variant=gqa)
        if st.id == "bias" and h is not None:  # ALiBi's slope (and whether it is added before the scaling), or B given
            slope = info.slopes[h - 1] if info.slopes else None
            facts = replace(facts, slope=slope, variant=stagetext.bias_variant(info))
        if h is not None:
            aux |= _inference_aux(trace, layout, st, h)
            facts = _inference_facts(trace, st, facts, h)
        out.append(replace(st, aux={k: _frozen(np.asarray(v, dtype=np.float64)) for k, v in aux.items()}, facts=facts))
    return tuple(out)


def _inference_aux(trace: Trace, layout: Layout, st: Stage, h: int) -> dict[str, Array]:
    """What explain quotes on the inference stages, from the stored matrices (``core.inference`` names).

    online_softmax: ``p`` and ``bmax`` (the online softmax run again on the scores the softmax read);
    decode_qkv: the step's q and k before RoPE (the split's row of the token) and its angles; kv_cache: the
    keys before RoPE; decode_scores: q·k over the cache, which keys are cached, masked, and the bias added;
    decode_softmax: the row's max, its terms e^(s − max) and their sum.
    """
    info = trace.info
    P, T = info.prefill, len(info.tokens)
    if st.id == "online_softmax":
        S = trace.find(read_stage(layout, "softmax", "A"), h).matrices["S"].values
        tiles = online_softmax(S, trace.find("split", h).matrices["V"].values, info.block or 1)
        return {"p": tiles.p, "bmax": tiles.bmax}
    if st.id == "decode_qkv":
        split = trace.find("split", h).matrices
        aux = {"q_raw": split["Q"].values[P:], "k_raw": split["K"].values[P:]}
        if info.rope_base is not None:
            theta = rope_theta(info.rope_dims or info.d_k, info.rope_base)
            aux["angle"] = np.arange(P, T)[:, None] * theta[None, :]
        return aux
    if st.id == "kv_cache":
        return {"K_raw": trace.find("split", h).matrices["K"].values}
    if st.id == "decode_scores":
        q = trace.find("decode_qkv", h).matrices["q"].values
        K = trace.find("kv_cache", h).matrices["K"].values
        N = q.shape[0]
        t = P + np.arange(N)[:, None]
        j = np.arange(T)[None, :]
        in_cache = (j <= t).astype(np.float64)
        rule = (j <= t - info.window) if info.window is not None else np.zeros((N, T), dtype=bool)
        pad = np.broadcast_to(np.array(info.padding, dtype=bool), (N, T)) if info.padding is not None else rule & False
        aux = {
            "dot": _cache_dots(q, K, P),
            "in_cache": in_cache,
            "by_rule": (rule & (j <= t)).astype(np.float64),
            "by_padding": (pad & (j <= t)).astype(np.float64),
        }
        if info.bias != "none":
            B = trace.find("bias", h).matrices["B"].values[P:]
            aux["bias"] = np.where(j <= t, B, 0.0)
        return aux
    if st.id == "decode_softmax":
        shift, e, total, _ = _softmax_parts(trace.find("decode_scores", h).matrices["S"].values)
        return {"shift": shift, "exp": e, "sum": total}
    return {}


def _inference_facts(trace: Trace, st: Stage, facts: StageFacts, h: int) -> StageFacts:
    """The facts the inference stages quote: blocks; the prefill, the key/value head, the cache figures."""
    info = trace.info
    if st.id == "online_softmax":
        return replace(facts, block=info.block, blocks=info.n_blocks, dead_rows=_dead(trace, h))
    if st.id not in DECODE_STAGES:
        return facts
    facts = replace(facts, prefill=info.prefill, kv_head=info.kv_head(h), shared_by=info.sharing(h))
    if st.id == "kv_cache":
        width = info.groups * (info.d_k + info.d_v)
        d_in = 0 if info.given_qkv else info.d_model
        steps = tuple(decode_step(s, info.prefill, width, d_in) for s in range(info.decode_steps or 0))
        return replace(facts, decode=steps)
    z = trace.find("decode_output", h).matrices["Z"].values
    return replace(facts, dead_rows=tuple(int(i) for i in np.flatnonzero(np.isnan(z[:, 0]))))


def _dead(trace: Trace, h: int) -> tuple[int, ...]:
    a = trace.find("softmax", h).matrices["A"].values
    return tuple(int(i) for i in np.flatnonzero(np.isnan(a).all(axis=1)))


def _cache_dots(q: Array, K: Array, P: int) -> Array:
    """q_t·k_j for every cached key of each step, as ``core.inference`` computes them (−∞ not yet cached)."""
    out = np.full((q.shape[0], K.shape[0]), -np.inf)
    for s in range(q.shape[0]):
        out[s, : P + s + 1] = K[: P + s + 1] @ q[s]
    return out


def _mask_aux(info: ScenarioInfo, masked: Array) -> dict[str, Array]:
    """by_rule / by_padding of a masked stage (1.0 where blocked); a custom rule is what −∞ is left after padding."""
    T, Tk = masked.shape
    pad = np.zeros((T, Tk), dtype=bool)
    if info.padding is not None:
        pad[:, np.array(info.padding, dtype=bool)] = True
    rule = np.isneginf(masked) & ~pad if info.mask == "custom" else mask_rule(info.mask, T, Tk, info.window, None)
    return {"by_rule": rule.astype(np.float64), "by_padding": pad.astype(np.float64)}
