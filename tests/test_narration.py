"""The narration catalogue: complete in both languages, and each pitfall on the stage it concerns."""

from __future__ import annotations

import re

import pytest

from mhsa_tutor.core.engine import run
from mhsa_tutor.core.stages import STAGE_IDS
from mhsa_tutor.core.trace import Trace
from mhsa_tutor.io.loader import builtin_names, load_scenario
from mhsa_tutor.strings import LANGS, NOTE_ORDER, table
from mhsa_tutor.teach.narration import CONDITIONS, applies, stage_formula, stage_notes

HANGUL = re.compile(r"[\uac00-\ud7a3]")

#: The variants' built-ins: each shows a paper's formula on made-up numbers (no ``article`` field).
PAPER_BUILTINS = frozenset(
    {
        "first_steps",
        "sinusoidal_positions",
        "rope_by_hand",
        "alibi",
        "grouped_query",
        "sliding_window",
        "padding_mask",
        "learned_heads",
    }
    | {"kv_cache", "online_softmax"}
)
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
    assert "Warfield (2024) divides by √(sequence length)" in text and "√d_k = √2 ≈ 1.4142" in text
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
    text = _pitfalls(trace, "softmax", 1)
    assert "Common mistake: assuming a token attends most to itself" in text and "codingopera" not in text
    assert "codingopera claims" in _pitfalls(run(load_scenario("i_am_a_student")), "softmax", 1)
    cross = run(load_scenario("cross_attention"))  # no "itself" in cross-attention
    assert "itself" not in _pitfalls(cross, "softmax", 1)


def test_pitfall_unscaled_dot_product() -> None:
    luong = _notes(run(load_scenario("cross_attention")), "scores", 1)
    assert "Luong et al. (2015)" in luong and "√3 ≈ 1.7321" in luong
    text = _pitfalls(run(load_scenario("illustrated")), "scores", 1)
    assert "√d_k" in text and "√3 ≈ 1.7321" in text and "Luong" not in text
    assert "√d_k" not in _pitfalls(run(load_scenario("by_hand")), "scores", 1)


def test_pitfall_mask_before_softmax() -> None:
    trace = run(load_scenario("by_hand"))
    text = _pitfalls(trace, "masked", 1)
    assert "before the softmax" in text and "sum to 1" in text and "Warfield (2024)" in text
    assert _pitfalls(trace, "masked", 2) == ""  # said once, not again for every head


def test_pitfall_rounding_by_hand() -> None:
    scn = load_scenario("acting_machines")
    assert "0.7604" in _pitfalls(run(scn), "softmax", 1) and "--exact" in _pitfalls(run(scn), "softmax", 1)
    exact = _pitfalls(run(scn, exact=True), "softmax", 1)
    assert "ignores the scenario's hand rounding" in exact


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


# ------------------------------------------------------------------ scoped notes and notation

ASCII_MINUS_NUMBER = re.compile(r"(?<![\w.])-[\d∞]")


def _every_text(trace: Trace, lang: str) -> str:
    """Every note and checkpoint text of a run, and the explanation of every stage's example cell."""
    from mhsa_tutor.teach.explain import example_cell, explain_cell
    from mhsa_tutor.teach.narration import checkpoint_text

    out: list[str] = []
    for stage in trace.stages:
        out += [t for _, t in stage_notes(trace, stage, lang)]
        out += checkpoint_text(trace, stage, lang)
        cell = example_cell(trace, stage)
        if cell is not None:
            name, row, col = cell
            out += explain_cell(trace, stage.id, row, col, head=stage.head, matrix=name, lang=lang).lines
    return "\n".join(out)


def _generated() -> list[Trace]:
    from mhsa_tutor.io.generate import build_new, build_random
    from mhsa_tutor.io.validate import parse_scenario

    traces = [
        run(build_random(4, 6, 3, seed=s, mask=m, values=v))
        for s in (0, 1)
        for m in ("none", "causal")
        for v in ("small-int", "normal")
    ]
    new = build_new(
        ["the", "cat", "sat"],
        d_model=4,
        heads=2,
        seed=0,
        mask="none",
        values="small-int",
        name="mine",
        origin="mine.toml",
    )
    traces.append(run(new))
    from mhsa_tutor.io.newfile import scenario_toml

    text = scenario_toml(new, values="small-int", seed=0, path="mine.toml")
    traces.append(
        run(
            parse_scenario(text.replace('scale = "sqrt_dk"', 'scale = "sqrt_seq_len"'), origin="mine.toml", name="mine")
        )
    )
    traces.append(
        run(parse_scenario(text.replace('scale = "sqrt_dk"', 'scale = "none"'), origin="mine.toml", name="mine"))
    )
    return traces


def test_article_notes_only_on_their_article() -> None:
    from mhsa_tutor.strings import ARTICLE_NOTES, ARTICLES

    for name in builtin_names():
        trace = run(load_scenario(name))
        own = trace.info.article
        # every built-in names its article, except the variants' built-ins: their numbers are made up to show a
        # paper's formula (cited in their source field), so no article-scoped note may be said on them
        assert (own is None) == (name in PAPER_BUILTINS), name
        for lang in LANGS:
            text = _every_text(trace, lang)
            for other, article in ARTICLES.items():
                if other != own:
                    assert article.name not in text, (name, lang, other)
            for builtin in builtin_names():
                # no sentence names a built-in (a word of its own: key_padding_mask is PyTorch's, not padding_mask)
                assert not re.search(rf"(?<!\w){builtin}(?!\w)", text), (name, lang, builtin)
            assert "seed" not in text.lower() and "시드" not in text, (name, lang)
        said = {
            n.key
            for s in trace.stages
            for n in NOTE_ORDER.get(s.id, ())
            if n.key in ARTICLE_NOTES and applies(trace, s, n.key, n.when)
        }
        for key in said:
            assert own is not None and ARTICLE_NOTES[key] in ("*", own)


@pytest.mark.parametrize("lang", LANGS)
def test_generated_scenarios_name_no_article(lang: str) -> None:
    from mhsa_tutor.strings import ARTICLES

    for trace in _generated():
        text = _every_text(trace, lang)
        for article in ARTICLES.values():
            assert article.name not in text
        for builtin in builtin_names():
            assert builtin not in text
        assert "원문" not in text and "article" not in text.lower()


@pytest.mark.parametrize("lang", LANGS)
def test_notation_rule(lang: str) -> None:
    traces = [run(load_scenario(n)) for n in builtin_names()] + _generated()
    for trace in traces:
        text = _every_text(trace, lang)
        assert not ASCII_MINUS_NUMBER.search(text), ASCII_MINUS_NUMBER.findall(text)
        assert "(s)" not in text
        if trace.info.heads == 2:
            assert "…" not in _notes(trace, "concat", None, lang)  # [Z₁ | Z₂], never [Z₁ | … | Z_2]
    for section in ("notes", "ui"):
        for text in getattr(table(lang), section).values():
            assert "(s)" not in text and not ASCII_MINUS_NUMBER.search(text), text


def test_korean_scenario_fields_are_filled_for_every_builtin() -> None:
    for name in builtin_names():
        scn = load_scenario(name)
        assert scn.title_ko and scn.description_ko and scn.source_ko, name
        assert all(cp.note_ko for cp in scn.expected if cp.note), name
        assert HANGUL.search(scn.description_ko) and HANGUL.search(scn.source_ko)
