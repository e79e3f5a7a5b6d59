"""`random` teaches at every size: moderate scores by default when large; a one-hot softmax says so."""

from __future__ import annotations

from mhsa_tutor.core.engine import run
from mhsa_tutor.io.generate import RandomSpec, build_random
from mhsa_tutor.teach.narration import stage_notes


def test_hand_sized_random_keeps_small_integers_and_a_large_one_draws_normal_values() -> None:
    small = RandomSpec.from_options("random")
    large = RandomSpec.from_options("random", tokens=64, d_model=128, heads=4)
    assert small is not None and small.values == "small-int"
    assert large is not None and large.values == "normal"
    forced = RandomSpec.from_options("random", tokens=64, d_model=128, heads=4, values="small-int")
    assert forced is not None and forced.values == "small-int"


def test_large_default_random_has_soft_weights_and_small_ints_are_one_hot_and_say_so() -> None:
    spec = RandomSpec.from_options("random", tokens=64, d_model=128, heads=4)
    assert spec is not None
    soft = run(spec.build())
    for s in soft.stages:
        if s.id == "softmax":
            assert s.facts.one_hot_rows == 0
            assert s.matrices["A"].values.max() < 0.9
            assert not any("one-hot" in text for _, text in stage_notes(soft, s, "en"))
    hard = run(build_random(64, 128, 4, seed=0, values="small-int"))
    softmax = hard.find("softmax", 1)
    assert softmax.facts.one_hot_rows > 0
    notes = [text for _, text in stage_notes(hard, softmax, "en")]
    assert any(
        text.startswith(f"Effectively one-hot (head 1): in {softmax.facts.one_hot_rows} of the 64 rows")
        for text in notes
    )
    assert any("사실상 원-핫" in text for _, text in stage_notes(hard, softmax, "ko"))


def test_the_first_row_under_a_causal_mask_is_not_called_one_hot() -> None:
    trace = run(build_random(3, 4, 1, seed=0, mask="causal", values="normal"))
    softmax = trace.find("softmax", 1)
    assert softmax.matrices["A"].values[0, 0] == 1.0
    assert softmax.facts.one_hot_rows == 0
