"""The narration catalogue: complete in both languages, and each pitfall on the stage it concerns."""

from __future__ import annotations

import re

import pytest

from mhsa_tutor.engine import run
from mhsa_tutor.loader import builtin_names, load_scenario
from mhsa_tutor.narration import CONDITIONS, stage_formula, stage_notes
from mhsa_tutor.stages import STAGE_IDS
from mhsa_tutor.strings import LANGS, NOTE_ORDER, table
from mhsa_tutor.trace import Trace

HANGUL = re.compile(r"[\uac00-\ud7a3]")
FIELD = re.compile(r"\{(\w+)")
SECTIONS = ("titles", "formulas", "notes", "ui")


def test_every_stage_has_narration_and_a_title() -> None:
    for sid in STAGE_IDS:
        assert any(n.kind == "narration" for n in NOTE_ORDER[sid]), sid
        for lang in LANGS:
            assert sid in table(lang).titles


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("section", SECTIONS)
def test_every_language_has_the_same_keys(lang: str, section: str) -> None:
    english, other = getattr(table("en"), section), getattr(table(lang), section)
    assert set(other) == set(english)
    assert all(text.strip() for text in other.values())


def test_every_note_is_in_the_catalogue() -> None:
    keys = {n.key for notes in NOTE_ORDER.values() for n in notes}
    for lang in LANGS:
        assert keys == set(table(lang).notes)


def test_korean_prose_is_korean() -> None:
    ko = table("ko")
    assert all(HANGUL.search(t) for t in ko.notes.values())  # no English left untranslated in the notes


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("section", SECTIONS)
def test_placeholders_agree_between_languages(lang: str, section: str) -> None:
    english, other = getattr(table("en"), section), getattr(table(lang), section)
    for key, text in english.items():
        if section == "ui" and key == "rounded_item":
            continue  # Korean names the stage in Korean and by id; English by id alone
        assert set(FIELD.findall(other[key])) == set(FIELD.findall(text)), (lang, key)


def test_conditions_are_known() -> None:
    for notes in NOTE_ORDER.values():
        for n in notes:
            assert n.when in CONDITIONS


@pytest.mark.parametrize("name", builtin_names())
@pytest.mark.parametrize("lang", LANGS)
def test_every_stage_of_every_builtin_narrates(name: str, lang: str) -> None:
    trace = run(load_scenario(name))
    for stage in trace.stages:
        notes = stage_notes(trace, stage, lang)
        assert any(kind == "narration" for kind, _ in notes), (name, stage.id)
        for _, text in notes:
            assert "{" not in text, text  # every field filled in


def _notes(trace: Trace, sid: str, head: int | None = None, lang: str = "en") -> str:
    return "\n".join(t for _, t in stage_notes(trace, trace.find(sid, head), lang))


def _pitfalls(trace: Trace, sid: str, head: int | None = None) -> str:
    return "\n".join(t for k, t in stage_notes(trace, trace.find(sid, head), "en") if k == "pitfall")


def test_pitfall_scale_by_sequence_length() -> None:
    trace = run(load_scenario("by_hand"))
    text = _pitfalls(trace, "scaled", 1)
    assert "not by √(sequence length) as seed 000 writes" in text and "√d_k = √2" in text
    assert "√(sequence length)" not in _pitfalls(run(load_scenario("dog_ate_food")), "scaled", 1)


def test_pitfall_dk_is_four_in_seed_001() -> None:
    text = _pitfalls(run(load_scenario("i_am_a_student")), "scaled", 1)
    assert "here 4" in text and "d_k = 4" in text


def test_pitfall_heads_are_concatenated_and_w_o_is_not_w_q() -> None:
    trace = run(load_scenario("dog_ate_food"))
    assert "'added'" in _pitfalls(trace, "concat") and "concatenated" in _pitfalls(trace, "concat")
    assert "W^Q" in _pitfalls(trace, "output") and "W_O" in _pitfalls(trace, "output")
    assert "'added'" not in _pitfalls(run(load_scenario("acting_machines")), "concat")  # one head: nothing added


def test_pitfall_self_attention_not_always_highest_with_real_numbers() -> None:
    trace = run(load_scenario("i_am_a_student"))
    A = trace.find("softmax", 1).matrices["A"].values
    text = _pitfalls(trace, "softmax", 1)
    assert f"'I' gives itself {A[0, 0]:.4f} but 'student' {A[0, 3]:.4f}" in text
    assert A[0, 3] > A[0, 0]


def test_self_pitfall_only_in_self_attention() -> None:
    trace = run(load_scenario("illustrated"))  # x1 attends most to x2: the claim is false here too
    assert "Seed 001 claims" in _pitfalls(trace, "softmax", 1)
    cross = run(load_scenario("cross_attention"))  # no "itself" in cross-attention
    assert "Seed 001 claims" not in _pitfalls(cross, "softmax", 1)


def test_pitfall_unscaled_dot_product() -> None:
    for name in ("cross_attention", "illustrated"):
        text = _pitfalls(run(load_scenario(name)), "scores", 1)
        assert "seed 004" in text and "√d_k" in text
    assert "seed 004" not in _pitfalls(run(load_scenario("by_hand")), "scores", 1)


def test_pitfall_mask_before_softmax() -> None:
    trace = run(load_scenario("by_hand"))
    text = _pitfalls(trace, "masked", 1)
    assert "before the softmax" in text and "sums to 1" in text
    assert _pitfalls(trace, "masked", 2) == ""  # said once, not again for every head


def test_pitfall_rounding_by_hand() -> None:
    scn = load_scenario("acting_machines")
    assert "0.7604" in _pitfalls(run(scn), "softmax", 1) and "--exact" in _pitfalls(run(scn), "softmax", 1)
    exact = _pitfalls(run(scn, exact=True), "softmax", 1)
    assert "ignores the source's hand rounding" in exact


def test_korean_uses_the_usual_terms() -> None:
    trace = run(load_scenario("by_hand"))
    text = "\n".join(_notes(trace, s.id, s.head, "ko") for s in trace.stages)
    for term in ("어텐션", "쿼리", "키", "밸류", "소프트맥스", "헤드", "마스킹"):
        assert term in text, term


@pytest.mark.parametrize("name", builtin_names())
def test_korean_formulas_have_no_english_words(name: str) -> None:
    trace = run(load_scenario(name))
    for stage in trace.stages:
        ko = stage_formula(stage, "ko", trace)
        assert not re.search(r"\b(columns|of|given|where|row|memory|and)\b", ko), ko
        assert stage_formula(stage, "en") == stage.formula
