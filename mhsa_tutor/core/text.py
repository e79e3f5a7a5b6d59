"""Text made inert: which characters are hidden or dangerous, and how each output escapes them.

Contract:

* ``is_hidden`` is the one definition of a character that must never reach
  an output raw: every control (Cc; C0, DEL and C1), every format character
  (Cf: bidi embeddings, overrides, isolates, marks such as U+061C, the BOM,
  soft hyphen, ...) except the joiners U+200C/U+200D that scripts and emoji
  need, lone surrogates (Cs: undecodable bytes of an argument), the line and
  paragraph separators (Zl, Zp) and the noncharacters (U+FFFE, U+FFFF, …,
  which XML does not allow);
* ``draws_nothing`` is the one definition of a character that leaves no mark
  (white space, default-ignorable characters such as U+200D or U+3164, the
  braille blank U+2800): a token made only of them is refused (``invisible_part``);
* ``escape_controls`` shows them as Python-style escapes (``\\x1b``,
  ``\\u061c``) for the terminal, markdown, HTML and SVG;
* ``escape_json`` and ``escape_toml`` write them as ``\\u061c`` inside the
  string literals of JSON and TOML.

Pure functions on ``str``; nothing here prints.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

_JOINERS = frozenset("\u200c\u200d")
_HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})


def is_noncharacter(ch: str) -> bool:
    """True for the 66 noncharacters (U+FDD0…U+FDEF and U+xFFFE, U+xFFFF of every plane): never text,
    and U+FFFE, U+FFFF are not allowed in XML at all."""
    cp = ord(ch)
    return 0xFDD0 <= cp <= 0xFDEF or cp & 0xFFFE == 0xFFFE


def is_hidden(ch: str) -> bool:
    """True for a control, format (bidi) or surrogate character, a line/paragraph separator or a noncharacter."""
    return ch not in _JOINERS and (unicodedata.category(ch) in _HIDDEN_CATEGORIES or is_noncharacter(ch))


#: Default_Ignorable_Code_Point (Unicode's DerivedCoreProperties): characters a renderer draws as nothing.
_IGNORABLE_RANGES = (
    (0x00AD, 0x00AD),
    (0x034F, 0x034F),
    (0x061C, 0x061C),
    (0x115F, 0x1160),
    (0x17B4, 0x17B5),
    (0x180B, 0x180F),
    (0x200B, 0x200F),
    (0x202A, 0x202E),
    (0x2060, 0x206F),
    (0x3164, 0x3164),
    (0xFE00, 0xFE0F),
    (0xFEFF, 0xFEFF),
    (0xFFA0, 0xFFA0),
    (0xFFF0, 0xFFF8),
    (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A),
    (0xE0000, 0xE0FFF),
)
#: Characters that are drawn, but as an empty cell: the braille blank, the Hangul fillers' look-alikes.
_BLANK_GLYPHS = frozenset("\u2800")


def draws_nothing(ch: str) -> bool:
    """True for a character that leaves no mark on its own: white space, a default-ignorable
    character (zero-width space and joiners, Hangul fillers, variation selectors, tags…), the
    braille blank U+2800, or a noncharacter."""
    if ch.isspace() or ch in _BLANK_GLYPHS or is_noncharacter(ch):
        return True
    cp = ord(ch)
    return any(low <= cp <= high for low, high in _IGNORABLE_RANGES)


def invisible_part(token: str) -> str | None:
    """None when ``token`` draws something; else its characters named, ``U+3164 HANGUL FILLER`` (at most 3)."""
    if any(not draws_nothing(ch) for ch in token):
        return None
    chars = list(dict.fromkeys(token))
    named = [f"U+{ord(c):04X}" + (f" {unicodedata.name(c)}" if unicodedata.name(c, "") else "") for c in chars[:3]]
    return ", ".join(named) + (", …" if len(chars) > 3 else "")


#: Every character that is not printable ASCII: the callbacks below keep those that are not hidden.
_CANDIDATE = re.compile(r"[^\x20-\x7e]")


def _escaper(write: Callable[[str], str], keep: str = "") -> Callable[[re.Match[str]], str]:
    def sub(m: re.Match[str]) -> str:
        ch = m.group(0)
        return write(ch) if ch not in keep and is_hidden(ch) else ch

    return sub


def _python_escape(ch: str) -> str:
    return ch.encode("unicode_escape", "backslashreplace").decode("ascii")


def escape_controls(text: str, *, keep_newlines: bool = True) -> str:
    """Hidden characters as visible escapes (``\\x1b``, ``\\u202e``, ``\\udcff``); newlines kept unless asked."""
    if text.isascii() and text.isprintable():
        return text
    return _CANDIDATE.sub(_escaper(_python_escape, "\n" if keep_newlines else ""), text)


def _u_escape(ch: str) -> str:
    cp = ord(ch)
    if cp <= 0xFFFF:
        return f"\\u{cp:04x}"
    cp -= 0x10000  # a UTF-16 surrogate pair, as JSON writes characters beyond the BMP
    return f"\\u{0xD800 + (cp >> 10):04x}\\u{0xDC00 + (cp & 0x3FF):04x}"


def escape_json(json_text: str) -> str:
    """JSON text (from ``json.dumps(..., ensure_ascii=False)``) with every hidden character as ``\\uXXXX``.

    Hidden characters can only occur inside string literals, where ``\\uXXXX`` is
    their JSON escape, so the document still decodes to the same strings.
    """
    if json_text.isascii():  # numbers, and text that json.dumps escaped already
        return json_text
    return _CANDIDATE.sub(_escaper(_u_escape), json_text)


def _toml_escape(ch: str) -> str:
    cp = ord(ch)
    if 0xD800 <= cp <= 0xDFFF:  # not a Unicode scalar value: TOML has no escape for it
        return f"\\\\u{cp:04x}"
    return f"\\u{cp:04x}" if cp <= 0xFFFF else f"\\U{cp:08x}"


def escape_toml(body: str) -> str:
    """The inside of a TOML basic string with every hidden character as ``\\uXXXX`` (``\\UXXXXXXXX``)."""
    return _CANDIDATE.sub(_escaper(_toml_escape), body)


def is_utf8(text: str) -> bool:
    """False when ``text`` holds undecodable bytes (lone surrogates, as ``surrogateescape`` gives them)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
