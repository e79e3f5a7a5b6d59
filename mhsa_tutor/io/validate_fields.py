"""Checks of single TOML values, each failing with one ``ScenarioError`` that names file and field.

``FieldChecks`` is the toolbox that ``validate`` uses on a parsed scenario
document: known keys (with a did-you-mean), strings, choices, tokens, integers
in a range, tables, matrices of finite numbers, and shapes.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from mhsa_tutor.core.errors import ScenarioError, did_you_mean
from mhsa_tutor.core.limits import MAX_TOKENS
from mhsa_tutor.core.scenario import Array
from mhsa_tutor.core.text import invisible_part


def _shape(a: Array) -> str:
    return f"{a.shape[0]}×{a.shape[1]}"


def type_name(value: object) -> str:
    return {
        bool: "a boolean",
        int: "an integer",
        float: "a number",
        str: "a string",
        list: "a list",
        dict: "a table",
    }.get(type(value), type(value).__name__)


class FieldChecks:
    """The checks of single TOML values (strings, choices, tokens, integers, matrices, shapes).

    Each returns the checked value or raises ``ScenarioError`` naming the file and field.
    """

    def __init__(self, origin: str, name: str) -> None:
        self.origin = origin
        self.name = name

    def fail(self, fld: str | None, message: str) -> ScenarioError:
        return ScenarioError(self.origin, message, fld)

    def known_keys(self, table: Mapping[str, Any], allowed: tuple[str, ...], prefix: str) -> None:
        for key in table:
            if key in allowed:
                continue
            head, dot, rest = key.partition(".")
            if dot and head in allowed:  # "weights.W_O" = ...: quotes make one key of the dotted path
                raise self.fail(
                    f'{prefix}"{key}"',
                    f"is a quoted key, so TOML reads it as one key named {key!r}, not as {rest} in [{prefix}{head}]; "
                    f"expected {prefix}{key} without quotes, or {rest} under [{prefix}{head}]",
                )
            hint = did_you_mean(key, allowed)
            where = f"{prefix}{key}" if prefix else key
            raise self.fail(where, f"is not a known key; {hint}expected one of: {', '.join(allowed)}")

    def string(self, data: Mapping[str, Any], key: str, *, required: bool, prefix: str = "") -> str:
        if key not in data:
            if required:
                raise self.fail(f"{prefix}{key}", "is missing (a string is required)")
            return ""
        value = data[key]
        if not isinstance(value, str):
            raise self.fail(f"{prefix}{key}", f"is {type_name(value)}, expected a string")
        return value

    def choice(self, data: Mapping[str, Any], key: str, options: tuple[str, ...]) -> str:
        value = data.get(key, options[0])
        if not isinstance(value, str) or value not in options:
            shown = repr(value) if isinstance(value, str) else type_name(value)
            hint = did_you_mean(value, options) if isinstance(value, str) else ""
            raise self.fail(key, f"is {shown}; {hint}expected one of: {', '.join(repr(o) for o in options)}")
        return value

    def tokens(self, data: Mapping[str, Any], key: str) -> tuple[str, ...]:
        value = data[key]
        if not isinstance(value, list):
            raise self.fail(key, f"is {type_name(value)}, expected a list of strings")
        if not value:
            raise self.fail(key, "is empty, expected at least one token")
        if len(value) > MAX_TOKENS:
            raise self.fail(key, f"has {len(value):,} tokens; the limit is {MAX_TOKENS:,}")
        for i, tok in enumerate(value):
            if not isinstance(tok, str):
                raise self.fail(f"{key}[{i + 1}]", f"is {type_name(tok)}, expected a string")
            if not tok:
                raise self.fail(f"{key}[{i + 1}]", "is an empty string, expected a token")
            if not tok.strip():
                raise self.fail(
                    f"{key}[{i + 1}]", f"is whitespace only ({len(tok)} characters); expected a visible token"
                )
            blank = invisible_part(tok)
            if blank is not None:
                raise self.fail(
                    f"{key}[{i + 1}]",
                    f"draws nothing: it holds only {blank}; expected a visible token "
                    "(at least one character that is not a space, a filler or a zero-width character)",
                )
            if "\n" in tok or "\r" in tok:
                raise self.fail(f"{key}[{i + 1}]", "contains a line break, expected a token on one line")
        return tuple(value)

    def integer(self, value: object, fld: str, *, low: int, high: int, unit: str = "") -> int:
        """An integer from ``low`` to ``high``: every integer field has both bounds.

        With ``unit``, a value over ``high`` is reported as a limit of the budget
        (``heads is 20,000; the limit is 128 heads``).
        """
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(fld, f"is {type_name(value)}, expected an integer")
        if unit and value > high:
            raise self.fail(fld, f"is {value:,}; the limit is {high:,} {unit}")
        if value < low or value > high:
            raise self.fail(fld, f"is {value}, expected an integer from {low} to {high}")
        return value

    def table(self, data: Mapping[str, Any], key: str) -> Mapping[str, Any]:
        value = data.get(key, {})
        if not isinstance(value, dict):
            raise self.fail(key, f"is {type_name(value)}, expected a table [{key}]")
        return value

    def matrix(self, value: object, fld: str) -> Array:
        """A non-empty rectangular list of lists of finite numbers, as read-only float64.

        An ndarray comes from the arrays file (``io.sidecar``: 2-D, float64, read-only): its numbers get
        the checks ``number`` makes; a placeholder (every stride 0, no data read yet) has none to check.
        """
        if isinstance(value, np.ndarray):
            return self.array(value, fld)
        if not isinstance(value, list) or not value:
            what = "an empty list" if isinstance(value, list) else type_name(value)
            raise self.fail(fld, f"is {what}, expected a matrix (a list of rows of numbers)")
        width: int | None = None
        for i, row in enumerate(value):
            if not isinstance(row, list):
                raise self.fail(f"{fld}", f"row {i + 1} is {type_name(row)}, expected a list of numbers")
            if width is None:
                width = len(row)
                if width == 0:
                    raise self.fail(fld, "row 1 is empty, expected at least one number")
            elif len(row) != width:
                raise self.fail(fld, f"is ragged: row {i + 1} has {len(row)} values, row 1 has {width}")
            for j, x in enumerate(row):
                self.number(x, f"{fld}[{i + 1}][{j + 1}]")
        arr = np.array(value, dtype=np.float64)
        arr.flags.writeable = False
        return arr

    def array(self, a: Array, fld: str) -> Array:
        """A matrix of the arrays file: 2-D, every number finite and at most 1e150 in size (as ``number``)."""
        if a.ndim != 2:
            raise self.fail(fld, f"has {a.ndim} axes, expected a matrix")
        if any(a.strides):
            wrong = ~(np.abs(a) <= 1e150)  # NaN, ±inf and the too large
            if wrong.any():
                i, j = (int(n) for n in np.argwhere(wrong)[0])
                self.number(float(a[i, j]), f"{fld}[{i + 1}][{j + 1}]")
        return a

    def number(self, x: object, fld: str, what: str = "") -> float:
        """A finite int or float small enough that products of two stay finite in float64."""
        if isinstance(x, bool) or not isinstance(x, (int, float)):
            raise self.fail(fld, f"is {type_name(x)}, expected a number{what}")
        if isinstance(x, float) and not math.isfinite(x):
            raise self.fail(fld, f"is {x}, expected a finite number")
        if abs(x) > 1e150:
            shown = f"{x:g}" if isinstance(x, float) or abs(x) < 1e300 else f"an integer of {len(str(abs(x)))} digits"
            raise self.fail(fld, f"is {shown}, too large: products would overflow float64 (expected |x| <= 1e150)")
        return float(x)

    def splits(self, arr: Array, fld: str, heads: int) -> None:
        """The columns of ``arr`` split evenly into ``heads`` heads."""
        if arr.shape[1] % heads:
            raise self.fail(
                fld,
                f"has {arr.shape[1]} columns, which {heads} heads cannot split; expected a multiple of heads ({heads})",
            )

    def expect_shape(self, arr: Array, fld: str, rows: int, cols: int | None, why: str) -> None:
        if arr.shape[0] != rows or (cols is not None and arr.shape[1] != cols):
            want = f"{rows}×{cols}" if cols is not None else f"{rows} rows"
            raise self.fail(fld, f"is {_shape(arr)}, expected {want} ({why})")

    # ---------------------------------------------------------------- the document
