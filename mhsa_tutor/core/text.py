"""Text made inert: which characters are hidden or dangerous, and how each output escapes them.

Contract:

* ``is_hidden`` is the one definition of a character that must never reach
  an output raw: every control (Cc; C0, DEL and C1), every format character
  (Cf: bidi embeddings, overrides, isolates, marks such as U+061C, the BOM,
  soft hyphen, ...) except the joiners U+200C/U+200D that scripts and emoji
  need, lone surrogates (Cs: undecodable bytes of an argument) and the line and
  paragraph separators (Zl, Zp);
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


def is_hidden(ch: str) -> bool:
    """True for a control, format (bidi) or surrogate character, or a line/paragraph separator."""
    return ch not in _JOINERS and unicodedata.category(ch) in _HIDDEN_CATEGORIES


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
