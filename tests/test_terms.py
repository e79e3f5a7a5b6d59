"""The terminology table (``strings.terms``) is followed by the Korean catalogue."""

from __future__ import annotations

from mhsa_tutor.strings import table
from mhsa_tutor.strings.terms import KEYBOARD_KEYS, QUIZ_RESULT_KEYS, SLOPE_KEYS, TERMS


def _ko() -> dict[str, str]:
    ko = table("ko")
    return {**ko.notes, **ko.ui, **{f"title.{k}": v for k, v in ko.titles.items()}}


def test_giulgi_is_only_alibis_slope() -> None:
    bad = [k for k, v in _ko().items() if "기울기" in v and not k.startswith(SLOPE_KEYS)]
    assert bad == [], "기울기 outside ALiBi reads as a gradient: use 그래디언트"


def test_jeomsu_is_not_the_quiz_result() -> None:
    bad = [k for k, v in _ko().items() if "점수" in v and k.startswith(QUIZ_RESULT_KEYS)]
    assert bad == []


def test_ki_is_not_a_keyboard_key() -> None:
    bad = [k for k, v in _ko().items() if "키" in v and k.startswith(KEYBOARD_KEYS)]
    assert bad == []


def test_avoided_words_are_avoided() -> None:
    ko = _ko()
    for term in TERMS.values():
        for word in term.avoid_ko:
            if word in ("점수", "키", "기울기"):
                continue  # held by the three tests above, where the context tells the two meanings apart
            assert not [k for k, v in ko.items() if word in v], (term, word)
