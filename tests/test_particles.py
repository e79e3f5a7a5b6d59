"""Korean particles chosen from the word before them (``strings.particles``)."""

from __future__ import annotations

import re

import pytest

from mhsa_tutor.strings import table
from mhsa_tutor.strings.particles import MARKERS, Template, attach, final, resolve


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("입력한 0.2은(는)", "입력한 0.2는"),  # 영점이
        ("헤드 1은(는)", "헤드 1은"),  # 일
        ("헤드 2은(는)", "헤드 2는"),  # 이
        ("--seed 3(으)로", "--seed 3으로"),  # 삼
        ("--seed 1(으)로", "--seed 1로"),  # 일: ㄹ takes 로
        ("최종 출력(output)을(를)", "최종 출력(output)을"),  # the aside is skipped
        ("10은(는)", "10은"),  # 십
        ("100이(가)", "100이"),  # 백
        ("1,000과(와)", "1,000과"),  # 천
        ("20000(으)로", "20000으로"),  # 이만
        ("0.25을(를)", "0.25를"),  # 영점이오
        ("0.20을(를)", "0.20을"),  # 영점이영
        ("0.7685(으)로", "0.7685로"),  # …오
        ("√4(으)로", "√4로"),  # 사
        ("≈ 1.7321(으)로", "≈ 1.7321로"),  # 일
        ("Z₁은(는)", "Z₁은"),  # subscript 1: 일
        ("K은(는)", "K는"),  # 케이
        ("M을(를)", "M을"),  # 엠
        ("W_O(으)로", "W_O로"),  # 오
        ("d_model(으)로", "d_model로"),  # 모델: ㄹ
        ("'cat'은(는)", "'cat'은"),  # 캣
        ("'dog'을(를)", "'dog'를"),  # 도그
        ("'Acting'과(와)", "'Acting'과"),  # 액팅
        ("'Machines'이(가)", "'Machines'가"),  # 머신스
        ("NaN이(가)", "NaN이"),  # 난
        ("GQA은(는)", "GQA는"),  # 지큐에이
        ("토큰은(는)", "토큰은"),
        ("밸류이(가)", "밸류가"),
        ("말(으)로", "말로"),
        ("−∞(으)로", "−∞로"),  # 무한대
        ("title은(는)", "title은"),  # 타이틀: a silent e after l
        ("rope.style은(는)", "rope.style은"),  # 스타일
        ("'acting_machine'은(는)", "'acting_machine'은"),  # 머신
        ("값 3개(이)어야", "값 3개여야"),
        ("3행(이)어야", "3행이어야"),
        ("2×2(이)어야", "2×2여야"),  # 이 곱하기 이
        ("T = d_k = 3(이)라", "T = d_k = 3이라"),  # 삼
        ("T = d_k = 2(이)라", "T = d_k = 2라"),
    ],
)
def test_resolve(text: str, want: str) -> None:
    assert resolve(text) == want


def test_every_marker_has_three_forms_and_attach_agrees_with_resolve() -> None:
    for marker, forms in MARKERS.items():
        assert len(forms) == 3
        for word in ("헤드 1", "0.2", "출력", "키"):
            assert resolve(word + marker) == attach(word, marker)


def test_final_reads_hangul_batchim() -> None:
    assert (final("가"), final("각"), final("갈")) == ("vowel", "consonant", "rieul")


def test_resolve_leaves_text_without_markers_alone() -> None:
    assert resolve("은는 이가 (으) 로") == "은는 이가 (으) 로"


def test_korean_catalogue_formats_resolve_particles_english_does_not_need_them() -> None:
    ko = table("ko")
    assert all(isinstance(v, Template) for v in ko.ui.values())
    assert ko.ui["quiz_seed"].format(seed=3) == "시드 3: --seed 3으로 실행하면 같은 문제가 다시 나옵니다."
    en = table("en")
    markers = re.compile("|".join(re.escape(m) for m in MARKERS))
    assert not any(markers.search(v) for d in (en.ui, en.notes, en.titles, en.formulas) for v in d.values())


def test_no_fixed_particle_straight_after_a_field_in_korean() -> None:
    """After ``{field}`` (or ``{field}'``, ``{field}]``) a varying particle must be a marker, not fixed."""
    fixed = re.compile(r"\}['\]]?(으로|은|는|이|가|을|를|과|와|로)(?![가-힣(])")
    ko = table("ko")
    bad = [k for d in (ko.ui, ko.notes, ko.titles, ko.formulas) for k, v in d.items() if fixed.search(v)]
    assert bad == []
