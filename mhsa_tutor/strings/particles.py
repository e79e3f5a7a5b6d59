"""Korean particles (조사) chosen from the word they follow, as it is read aloud.

Korean particles come in pairs whose choice depends on the sound that ends the
word before them: 은/는, 이/가, 을/를, 과/와, and 으로/로. A catalogue string
cannot fix the particle after an interpolated value (``{got}은`` is wrong for
``0.2``, read 영점이), so the Korean catalogue writes the neutral, two-form
marker that Korean text itself uses when the word is unknown, and
``resolve`` picks the right form once the value is in place::

    >>> resolve("입력한 0.2은(는) 답이 아닙니다")
    '입력한 0.2는 답이 아닙니다'
    >>> resolve("헤드 1은(는)"), resolve("--seed 3(으)로"), resolve("출력(output)을(를)")
    ('헤드 1은', '--seed 3으로', '출력(output)을')

Markers (write them straight after the word, no space): ``은(는)``,
``이(가)``, ``을(를)``, ``과(와)``, ``(으)로``, and the copula ``(이)라``, ``(이)고``, ``(이)어야``
(``3개여야``, ``2×2여야``, ``3행이어야``). The catalogues do not call
``resolve`` themselves: ``strings.table("ko")`` hands out ``Template`` strings
whose ``format`` resolves the markers after the fields are filled in, so every
``ui(lang)[key].format(...)`` of the Korean catalogue gets the right particles.
A caller building Korean text without ``format`` calls ``resolve`` or
``attach``.

How the word before a marker is read (``final``):

* Hangul: its last syllable's final consonant (받침), if any.
* Numbers: as Koreans read them: ``1`` 일, ``3`` 삼, ``0.2`` 영점이, ``10``
  십, ``100`` 백, ``1,000`` 천, ``10000`` 만; the digits after a decimal point
  one by one (``0.25`` …이오); subscript and superscript digits like digits
  (``Z₁`` 제트일).
* Latin letters: a lone letter or an acronym by its letter names (``K`` 케이,
  ``L`` 엘, ``GQA`` …에이); a word by how its English ending is spoken in
  Korean (``cat`` 캣, ``dog`` 도그, ``Acting`` …팅, ``well`` 웰): a final
  m, n, ng, l (or a silent-e le: ``title`` 타이틀), or p/t/k after a vowel
  letter ends in a consonant; anything
  else in a vowel. This is a heuristic: the catalogues prefer ``'{tok}'
  토큰은`` to a particle straight after an English token.
* Skipped when looking back: closing quotes, a parenthesised aside
  (``출력(output)``: the particle follows 출력), spaces before the marker are
  not allowed (the marker must touch the word).
* Symbols with a Korean reading: ``%`` 퍼센트, ``∞`` 무한대, ``ᵀ`` 티,
  ``θ`` 세타, ``π`` 파이; anything else unknown counts as a vowel ending (the
  form after a vowel is the one Korean readers expect after a symbol).
"""

from __future__ import annotations

import re
from typing import Literal

__all__ = ["MARKERS", "Template", "attach", "final", "resolve"]

Final = Literal["vowel", "rieul", "consonant"]

#: marker -> (form after a consonant, form after a vowel, form after ㄹ)
MARKERS: dict[str, tuple[str, str, str]] = {
    "은(는)": ("은", "는", "은"),
    "이(가)": ("이", "가", "이"),
    "을(를)": ("을", "를", "을"),
    "과(와)": ("과", "와", "과"),
    "(으)로": ("으로", "로", "로"),
    "(이)라": ("이라", "라", "이라"),  # the copula: 3이라, 2라
    "(이)고": ("이고", "고", "이고"),
    "(이)어야": ("이어야", "여야", "이어야"),  # the copula before 하다: 정수여야, 문자열이어야
}

_MARKER_RE = re.compile("|".join(re.escape(m) for m in MARKERS))

# how a digit is read when it ends a number, and how the unit of trailing zeros ends
_DIGIT: dict[str, Final] = {
    "0": "consonant",  # 영
    "1": "rieul",  # 일
    "2": "vowel",  # 이
    "3": "consonant",  # 삼
    "4": "vowel",  # 사
    "5": "vowel",  # 오
    "6": "consonant",  # 육
    "7": "rieul",  # 칠
    "8": "rieul",  # 팔
    "9": "vowel",  # 구
}
# trailing zeros of a whole number: 십 (1), 백 (2), 천 (3), 만 (4), then 십만, 백만, 천만, 억 (8), …, 조 (12)
_UNIT: dict[int, Final] = {1: "consonant", 2: "consonant", 3: "consonant", 0: "consonant"}
_SUBSUP = str.maketrans("₀₁₂₃₄₅₆₇₈₉⁰¹²³⁴⁵⁶⁷⁸⁹", "01234567890123456789")
# letter names as Koreans say them: 엘, 엠, 엔, 알 end in a consonant; the others in a vowel
_LETTER: dict[str, Final] = {"l": "rieul", "m": "consonant", "n": "consonant", "r": "rieul"}
_SYMBOL: dict[str, Final] = {"%": "vowel", "∞": "vowel", "ᵀ": "vowel", "θ": "vowel", "π": "vowel"}
_QUOTES = "'\"’”」』"
_VOWELS = set("aeiouy")


def _hangul(ch: str) -> Final:
    tail = (ord(ch) - 0xAC00) % 28
    return "vowel" if tail == 0 else "rieul" if tail == 8 else "consonant"


def _number(text: str) -> Final:
    """How a number written with digits (``1,000``, ``0.25``, ``12``) ends when read aloud."""
    digits = text.translate(_SUBSUP).replace(",", "")
    if "." in digits:
        frac = digits.rsplit(".", 1)[1]
        return _DIGIT[frac[-1]] if frac else _number(digits.rstrip("."))
    stripped = digits.rstrip("0")
    zeros = len(digits) - len(stripped)
    if not stripped:
        return "consonant"  # 영
    if zeros == 0:
        return _DIGIT[stripped[-1]]
    if zeros >= 12:
        return "vowel"  # 조
    if zeros >= 8:
        return "consonant"  # 억 and its multiples
    return _UNIT[zeros % 4]  # 십, 백, 천, 만 (and 십만 … 천만)


def _latin(word: str) -> Final:
    """How a Latin-letter word ends in Korean speech (a heuristic; see the module docstring)."""
    if len(word) == 1 or (word.isupper() and len(word) <= 5):
        return _LETTER.get(word[-1].lower(), "vowel")
    w = word.lower()
    if w.endswith(("m", "n", "ng", "ine")):  # machine 머신, line 라인
        return "consonant"
    if w.endswith(("l", "le")):  # title 타이틀, style 스타일, scale 스케일
        return "rieul"
    if w.endswith("ck") or (w[-1] in "ptk" and len(w) > 1 and w[-2] in _VOWELS):
        return "consonant"
    return "vowel"


_WORD_RE = re.compile(r"[0-9₀-₉⁰¹²³⁴-⁹.,]+$|[A-Za-z]+$")


def final(text: str) -> Final:
    """How ``text`` ends when read aloud: after a vowel, after ㄹ, or after another consonant."""
    t = text.rstrip()
    while t:
        ch = t[-1]
        if ch in _QUOTES:
            t = t[:-1]
            continue
        if ch == ")" and "(" in t:  # an aside in parentheses: the particle follows the word before it
            depth, k = 0, len(t) - 1
            while k >= 0:
                depth += {")": 1, "(": -1}.get(t[k], 0)
                if depth == 0:
                    break
                k -= 1
            if k > 0:
                t = t[:k]
                continue
            t = t[1:-1]
            continue
        break
    if not t:
        return "vowel"
    ch = t[-1]
    if "가" <= ch <= "힣":
        return _hangul(ch)
    m = _WORD_RE.search(t)
    if m is not None:
        word = m.group(0)
        if word[0].isalpha():
            return _latin(word)
        word = word.rstrip(".,")
        if word and any(c.isdigit() or c in "₀₁₂₃₄₅₆₇₈₉⁰¹²³⁴⁵⁶⁷⁸⁹" for c in word):
            return _number(word)
    return _SYMBOL.get(ch, "vowel")


def attach(word: str, marker: str) -> str:
    """``word`` followed by the right form of ``marker`` (one of ``MARKERS``): ``attach("헤드 1", "은(는)")``."""
    consonant, vowel, rieul = MARKERS[marker]
    end = final(word)
    return word + (vowel if end == "vowel" else rieul if end == "rieul" else consonant)


def resolve(text: str) -> str:
    """``text`` with every marker of ``MARKERS`` replaced by the form the word before it takes."""
    out: list[str] = []
    pos = 0
    for m in _MARKER_RE.finditer(text):
        before = "".join(out) + text[pos : m.start()]
        out = [attach(before, m.group(0))]
        pos = m.end()
    return "".join(out) + text[pos:] if out else text


class Template(str):
    """A Korean catalogue string: ``format`` fills the fields, then resolves the particle markers."""

    __slots__ = ()

    def format(self, *args: object, **kwargs: object) -> str:
        return resolve(str.format(self, *args, **kwargs))
