"""The memory estimate (``limits.run_cells_of``, from the stage table) is within 10 % of the real peak.

The peak is measured with tracemalloc (NumPy reports its buffers to it) around ``engine.run``, plus
the scenario's own arrays (allocated before the run, held through it), for every variant combination
at a size where the arrays are what counts (a few MB): the budget guards big runs, where the Python
objects around the arrays are a rounding error.
"""

from __future__ import annotations

import tracemalloc
from dataclasses import replace

import pytest

from mhsa_tutor.core.engine import run
from mhsa_tutor.core.limits import BYTES_PER_CELL, run_cells_of
from mhsa_tutor.core.scenario import FromX, GivenQKV, Rope, Scenario
from mhsa_tutor.io.generate import build_random
from mhsa_tutor.io.variant_options import VariantOptions as V


def _scenario(name: str) -> Scenario:
    T, D, H = 160, 32, 4
    combos: dict[str, tuple[str, V]] = {
        "plain": ("none", V()),
        "causal": ("causal", V()),
        "sliding_rope_alibi": ("sliding", V(rope=True, bias="alibi", window=8)),
        "alibi": ("none", V(bias="alibi")),
        "gqa_causal": ("causal", V(kv_heads=2)),
        "mqa_rope": ("none", V(kv_heads=1, rope=True)),
        "learned_positions": ("none", V(positions="learned")),
        "sinusoidal_causal": ("causal", V(positions="sinusoidal")),
        "everything": ("sliding", V(rope=True, bias="alibi", window=4, kv_heads=1, positions="sinusoidal")),
        "decode": ("causal", V(decode=8, rope=True, kv_heads=2)),
        "decode_long": ("causal", V(decode=120)),
        "tiles": ("causal", V(block=16)),
        "tiles_small_blocks": ("none", V(block=2)),
        "decode_and_tiles": ("sliding", V(decode=40, block=8, window=16, bias="alibi")),
    }
    if name in combos:
        mask, v = combos[name]
        return build_random(T, D, H, 1, mask, "normal", variants=v)
    base = build_random(T, D, H, 1, "causal", "normal")
    if name == "unscaled":
        return replace(base, scale="none")
    if name == "rounded":
        return replace(base, rounding={"scaled": 2, "softmax": 3})
    if name == "rounded_all":
        return replace(base, rounding={s: 3 for s in ("projections", "scores", "scaled", "softmax", "head_output")})
    if name == "wide":  # the projections and weights outweigh the attention
        return build_random(24, 512, 4, 1, "causal", "normal")
    if name == "given_qkv":  # Q, K, V as a source prints them (no X, no weights)
        import numpy as np

        rng = np.random.default_rng(0)
        q, k, values = (rng.normal(size=(T, D)) for _ in range(3))
        return replace(base, inputs=GivenQKV(q, k, values), mask="none")
    if name == "cross":  # keys and values from a memory of another length
        import numpy as np

        rng = np.random.default_rng(0)
        x = base.X
        assert x is not None and base.W_Q is not None and base.W_K is not None and base.W_V is not None
        memory = rng.normal(size=(T // 2, D))
        inputs = FromX(x, base.W_Q, base.W_K, base.W_V, base.W_O, memory)
        return replace(base, inputs=inputs, memory_tokens=tuple(f"m{i}" for i in range(T // 2)), mask="none")
    if name == "interleaved_padding":
        import numpy as np

        scn = build_random(T, D, H, 1, "causal", "normal", variants=V(rope=True))
        pad = np.zeros(T, dtype=bool)
        pad[-10:] = True
        return replace(scn, variants=replace(scn.variants, rope=Rope(style="interleaved"), padding=pad))
    raise KeyError(name)


NAMES = [
    "plain", "causal", "sliding_rope_alibi", "alibi", "gqa_causal", "mqa_rope", "learned_positions",
    "sinusoidal_causal", "everything", "unscaled", "rounded", "rounded_all", "wide", "interleaved_padding",
    "given_qkv", "cross", "decode", "decode_long", "tiles", "tiles_small_blocks", "decode_and_tiles",
]  # fmt: skip


def _peak_bytes(scn: Scenario) -> int:
    run(scn)  # once before: lazy imports and caches are not the run's numbers
    given = (scn.X, scn.W_Q, scn.W_K, scn.W_V, scn.W_O, scn.memory, scn.variants.P, scn.Q, scn.K, scn.V)
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        trace = run(scn)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    del trace
    return peak + sum(a.nbytes for a in given if a is not None)


@pytest.mark.parametrize("name", NAMES)
def test_the_estimate_is_within_ten_percent_of_the_peak(name: str) -> None:
    scn = _scenario(name)
    estimate = run_cells_of(scn) * BYTES_PER_CELL
    peak = _peak_bytes(scn)
    assert 0.9 <= estimate / peak <= 1.1, f"{name}: estimate {estimate / 1e6:.2f} MB, peak {peak / 1e6:.2f} MB"
