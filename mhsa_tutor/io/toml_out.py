"""A small TOML writer for scenario documents: every float written so that it reads back bit for bit.

``dumps(doc)`` writes a mapping of top-level keys (strings, integers, floats,
booleans, lists, nested lists) followed by its tables (mappings one level
deep), in the order given. Floats use ``repr``, the shortest text that reads
back to the same float64, so a scenario written from a model's weights runs
on exactly those numbers. Strings are escaped as TOML basic strings (control
and bidi formatting characters as ``\\uXXXX``). Matrices (lists of lists) are
written one row a line. Only what a scenario needs; nothing here validates.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Mapping, Sequence

Value = str | int | float | bool | Sequence[object]


def string(s: str) -> str:
    """A TOML basic string: quotes, backslashes and unprintable characters escaped."""
    out = []
    for ch in s:
        if ch in ('"', "\\"):
            out.append("\\" + ch)
        elif unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp"):
            out.append(f"\\u{ord(ch):04x}" if ord(ch) < 0x10000 else f"\\U{ord(ch):08x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def number(x: float) -> str:
    """``repr`` of a finite float (exact round trip), ``-0.0`` as ``0.0``; integers stay integers."""
    if isinstance(x, bool):
        return "true" if x else "false"
    if isinstance(x, int):
        return str(x)
    if not math.isfinite(x):
        raise ValueError(f"{x} cannot be written to a scenario file")
    return repr(float(x) + 0.0)


def value(v: object, indent: str = "") -> str:
    """One TOML value; a list of lists one row per line."""
    if isinstance(v, str):
        return string(v)
    if isinstance(v, (bool, int, float)):
        return number(v)
    if isinstance(v, Sequence):
        items = list(v)
        if items and all(isinstance(r, Sequence) and not isinstance(r, str) for r in items):
            inner = indent + "  "
            return "[\n" + "".join(f"{inner}{value(r, inner)},\n" for r in items) + indent + "]"
        return "[" + ", ".join(value(x, indent) for x in items) + "]"
    raise TypeError(f"cannot write {type(v).__name__} to TOML")


def dumps(doc: Mapping[str, object], comments: Mapping[str, str] | None = None) -> str:
    """The TOML text of ``doc``: its plain keys first, then one ``[table]`` per mapping value.

    ``comments`` maps a key (``"source"``, or ``"weights.b_Q"``) to a comment line written above it.
    """
    notes = comments or {}
    lines: list[str] = []

    def put(key: str, v: object, where: str) -> None:
        if where in notes:
            lines.extend(f"# {line}" for line in notes[where].splitlines())
        lines.append(f"{key} = {value(v)}")

    for key, v in doc.items():
        if not isinstance(v, Mapping):
            put(key, v, key)
    for key, v in doc.items():
        if isinstance(v, Mapping):
            lines.append("")
            if key in notes:
                lines.extend(f"# {line}" for line in notes[key].splitlines())
            lines.append(f"[{key}]")
            for sub, w in v.items():
                put(sub, w, f"{key}.{sub}")
    return "\n".join(lines) + "\n"
