"""Generated scenarios with the modern variants, for the tests that read what the learner reads.

``NAMED`` are fixed small scenarios covering every stage kind and variant (GQA, MQA, RoPE in both
styles, ALiBi, a sliding window, sinusoidal and learned positions, key padding, a custom mask, and
cross-attention); ``random_args`` gives the ``random`` command line of each that the CLI can make.
``variant_scenario()`` is a hypothesis strategy drawing any valid combination.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from hypothesis import strategies as st

from mhsa_tutor.core.scenario import Rope, Scenario
from mhsa_tutor.io.generate import build_random
from mhsa_tutor.io.variant_options import VariantOptions


def _with(scn: Scenario, **changes: object) -> Scenario:
    return replace(scn, variants=replace(scn.variants, **changes))  # type: ignore[arg-type]


#: (name, random options as typed) of the generated scenarios the CLI can make itself.
RANDOM_ARGS: dict[str, list[str]] = {
    "gqa": ["--tokens", "4", "--d-model", "8", "--heads", "4", "--kv-heads", "2", "--seed", "1"],
    "mqa_causal": ["--tokens", "3", "--d-model", "4", "--heads", "2", "--kv-heads", "1", "--mask", "causal"],
    "rope_half": ["--tokens", "4", "--d-model", "8", "--heads", "2", "--rope", "--seed", "3"],
    "alibi_sliding_rope": [
        *("--tokens", "5", "--d-model", "8", "--heads", "2", "--mask", "sliding", "--window", "2"),
        *("--rope", "--bias", "alibi", "--seed", "5"),
    ],
    "sin_pos": ["--tokens", "3", "--d-model", "4", "--heads", "2", "--positions", "sinusoidal", "--seed", "6"],
    "learned_pos_gqa": [
        *("--tokens", "3", "--d-model", "8", "--heads", "4", "--mask", "causal"),
        *("--positions", "learned", "--kv-heads", "2", "--seed", "7"),
    ],
}


def named() -> dict[str, Scenario]:
    """Small generated scenarios, one per variant combination worth its own name."""
    v = VariantOptions
    out = {
        "gqa": build_random(4, 8, 4, 1, variants=v(kv_heads=2)),
        "mqa_causal": build_random(3, 4, 2, 0, "causal", variants=v(kv_heads=1)),
        "rope_half": build_random(4, 8, 2, 3, variants=v(rope=True)),
        "alibi_sliding_rope": build_random(5, 8, 2, 5, "sliding", variants=v(rope=True, bias="alibi", window=2)),
        "sin_pos": build_random(3, 4, 2, 6, variants=v(positions="sinusoidal")),
        "learned_pos_gqa": build_random(3, 8, 4, 7, "causal", variants=v(positions="learned", kv_heads=2)),
    }
    out["rope_interleaved"] = _with(
        build_random(4, 8, 2, 4, "causal", variants=v(rope=True)), rope=Rope(style="interleaved")
    )
    out["padding"] = _with(
        build_random(4, 4, 2, 8, "causal", "normal", variants=v(bias="alibi")),
        padding=np.array([False, False, True, True]),
    )
    custom = build_random(3, 4, 2, 9, "none")
    blocked = np.array([[False, True, True], [True, False, True], [True, True, True]])  # the last row sees nothing
    out["custom_dead_row"] = _with(replace(custom, mask="custom"), blocked=blocked)
    # the knobs of real layers: projection biases, ALiBi before the scaling with its own slopes (Falcon),
    # a score bias given as data (T5), partial rotary (GPT-J, GPT-NeoX)
    out["bias_terms_gqa"] = build_random(4, 8, 4, 11, "causal", variants=v(bias_terms=True, kv_heads=2))
    falcon = build_random(4, 8, 2, 12, "causal", "normal", variants=v(bias="alibi"))
    out["alibi_before"] = _with(falcon, alibi_before_scaling=True, slopes=(0.5, 0.125))
    t5 = build_random(3, 4, 2, 13, "none", "normal")
    given = np.random.default_rng(13).normal(size=(2, 3, 3))
    out["given_bias"] = _with(t5, bias="given", B=given)
    partial = build_random(3, 8, 1, 14, "causal", variants=v(rope=True))
    out["partial_rope"] = _with(partial, rope=Rope(dims=4))
    # attention at inference: decoding with a KV cache and the online softmax, with the knobs above
    decode = build_random(5, 8, 4, 15, "causal", variants=v(decode=2, rope=True, kv_heads=2, bias_terms=True))
    out["decode_partial_rope_bias"] = _with(decode, rope=Rope(dims=2))
    out["decode_sliding_alibi"] = build_random(5, 4, 2, 16, "sliding", variants=v(decode=3, window=2, bias="alibi"))
    tiles = build_random(5, 4, 2, 17, "causal", "normal", variants=v(block=2))
    out["tiles_padding"] = _with(tiles, padding=np.array([False, False, False, True, True]))
    out["decode_and_tiles"] = build_random(4, 4, 1, 18, "causal", variants=v(decode=1, block=3, rope=True))
    return out


@st.composite
def variant_scenario(draw: st.DrawFn) -> Scenario:
    """Any valid combination of the variants on a small random scenario (1-5 tokens, 1-4 heads)."""
    heads = draw(st.integers(1, 4))
    rope = draw(st.booleans())
    d_k = draw(st.sampled_from([2, 4] if rope else [1, 2, 3]))
    tokens = draw(st.integers(1, 5))
    mask = draw(st.sampled_from(["none", "causal", "sliding"]))
    window = draw(st.integers(1, 3)) if mask == "sliding" else None
    kv = draw(st.sampled_from([g for g in range(1, heads + 1) if heads % g == 0]))
    options = VariantOptions(
        positions=draw(st.sampled_from([None, "sinusoidal", "learned"])),
        rope=rope or None,
        bias=draw(st.sampled_from([None, "alibi"])),
        window=window,
        kv_heads=kv if kv != heads else None,
    )
    decode = draw(st.integers(1, tokens - 1)) if mask != "none" and tokens > 1 and draw(st.booleans()) else None
    options = replace(
        options,
        decode=decode,
        block=draw(st.sampled_from([None, 1, 2, 3])),
        bias_terms=draw(st.booleans()),
    )
    values = draw(st.sampled_from(["small-int", "normal"]))
    scn = build_random(tokens, d_k * heads, heads, draw(st.integers(0, 10_000)), mask, values, variants=options)
    if rope and draw(st.booleans()):
        scn = _with(scn, rope=Rope(style="interleaved"))
    if draw(st.booleans()):
        padding = np.array(draw(st.lists(st.booleans(), min_size=tokens, max_size=tokens)))
        scn = _with(scn, padding=padding)
    return scn
