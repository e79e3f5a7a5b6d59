"""Korean error lines: each English message matched to its template in ``errors_ko_table``, filled in Korean.

The library raises its errors in English (``core.errors``: one line naming the file, the field and
what was expected). Under Korean (``--lang ko`` or ``MHSA_TUTOR_LANG=ko``) the CLI hands the parts of
the error to ``korean``: the message is matched whole against the English templates (every raise of
the package has one, ``tests/test_errors_ko.py`` holds it so), each value it carries is kept as typed
or, when it is itself an English phrase (a type name, a hint, a reason), translated by the same
tables, and the Korean template is filled and its particles resolved. A Korean template places the
field itself (``{field}``), or leaves it out where it is not the subject (the engine's ``values``). File names, fields, option
names, values and choices stay as typed (they are what the learner types or reads in the file). The
``error:`` prefix stays (the CLI adds it): scripts read it. A message without a template stays
English, so a missing entry is visible (and the tests fail) rather than garbled.
"""

from __future__ import annotations

import re
from functools import cache

from mhsa_tutor.strings.errors_ko_table import FORMS, MESSAGES, PHRASES
from mhsa_tutor.strings.particles import resolve

__all__ = ["korean", "template_of", "translate"]

_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")


Row = tuple[re.Pattern[str], str, str]


def _rows(table: dict[str, str]) -> list[Row]:
    """Every template of ``table`` as an anchored pattern, the most specific (longest fixed text) first."""
    rows = []
    for en, ko in table.items():
        parts = en.split("{}")
        rows.append((re.compile("(.*?)".join(re.escape(p) for p in parts), re.S), ko, en))
    rows.sort(key=lambda r: (-len(r[2].replace("{}", "")), r[2].count("{}")))
    return rows


@cache
def _compiled(whole: bool) -> tuple[Row, ...]:
    """The templates in the order they are tried: the specific forms, then a whole message against the messages, a value
    first against the phrases (a phrase such as ``expected a whole number from 1 to {}`` must not swallow
    a whole message that merely starts like it)."""
    first, then = (MESSAGES, PHRASES) if whole else (PHRASES, MESSAGES)
    return (*_rows(FORMS), *_rows(first), *_rows(then))


def template_of(text: str, whole: bool = True) -> tuple[str, str, tuple[str, ...]] | None:
    """The (English, Korean) template ``text`` is an instance of, and the values it carries; None if none.

    ``whole``: ``text`` is a whole message (else a value inside one).
    """
    for pattern, ko, en in _compiled(whole):
        m = pattern.fullmatch(text)
        if m is not None:
            return en, ko, m.groups()
    return None


class _Value(str):
    """A value of a message: formats as its Korean, or as typed with the format spec ``raw`` (``{0:raw}``)."""

    raw: str

    def __new__(cls, raw: str, korean: str) -> _Value:
        value = super().__new__(cls, korean)
        value.raw = raw
        return value

    def __format__(self, spec: str) -> str:
        return self.raw if spec == "raw" else str(self)


def _value(text: str, depth: int) -> _Value:
    """A value of a message: translated when it is itself an English phrase of the tables, else as it is."""
    if depth > 4 or not _LATIN_WORD.search(text):
        return _Value(text, text)
    found = template_of(text, whole=False)
    if found is None:
        return _Value(text, text)
    return _Value(text, _fill(found[1], found[2], depth + 1, field="", origin="", option=""))


def _fill(ko: str, values: tuple[str, ...], depth: int, **names: str) -> str:
    return resolve(ko.format(*(_value(v, depth) for v in values), **names))


def translate(message: str) -> str:
    """A whole English message (no field, origin or option apart) in Korean; the message itself if unknown."""
    found = template_of(message)
    if found is None:
        return message
    return _fill(found[1], found[2], 0, field="", origin="", option="").strip()


def korean(
    line: str,
    *,
    message: str | None = None,
    origin: str | None = None,
    field: str | None = None,
    colon: bool = True,
    option: str | None = None,
) -> str:
    """The Korean of an error line (without ``error:``).

    Args:
        line: the English line as the CLI would print it (the fallback, and the input when no parts are given).
        message: the error's own message (``ScenarioError.message``, ``OptionError.message``), if it has parts.
        origin: the file or name a ``ScenarioError`` is about.
        field: the scenario field it names, if any.
        colon: whether the origin is followed by a colon (``False``: the origin is the subject).
        option: the flag an ``OptionError`` is about, with its dashes (``--row``).

    Returns:
        The Korean line; ``line`` unchanged when the message has no Korean template.
    """
    if message is None:
        return translate(line)
    found = template_of(message)
    if found is None:
        return line
    _, ko, values = found
    if field and " (" in field:  # a field read from the arrays file: ``weights.W_Q (in layer.npz)``
        field = _value(field, 0)
    body = _fill(ko, values, 0, field=field or "", origin=origin or "", option=option or "")
    if origin is not None:
        if "{origin}" in ko:
            return body
        return f"{origin}{':' if colon else ''} {body}"
    if option and "{option}" not in ko:
        return f"{option} {body}"
    return body.lstrip(": ")
