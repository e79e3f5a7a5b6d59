"""Number formatting shared by every view: fixed decimals for tables, compact for arithmetic.

Pure functions on Python floats and NumPy arrays; nothing here computes maths.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

import numpy as np
import numpy.typing as npt

#: From this size on, numbers are written with an exponent (a float64 can reach 309 digits).
HUGE = 1e15

#: The one minus sign the learner sees (U+2212), in tables, arithmetic and prose.
MINUS = "\u2212"


def _fixed_huge(x: float, precision: int) -> str:
    """A number too big for fixed decimals, with an exponent: ``1.0000e+300``, with U+2212 for minus."""
    return f"{x:.{min(precision, 4)}e}".replace("-", MINUS)


def _fixed(x: float, precision: int) -> str:
    """``x`` to ``precision`` decimals, rounded half up as by hand (0.125 -> 0.13), with U+2212 for minus."""
    try:
        d = Decimal(repr(x)).quantize(Decimal(1).scaleb(-precision), rounding=ROUND_HALF_UP)
        s = f"{d:f}"
    except InvalidOperation:  # too many digits for the context: Python's own formatting
        s = f"{x:.{precision}f}"
    return s.replace("-", MINUS)


def fmt(x: float, precision: int) -> str:
    """One number as the learner sees it in a table: fixed decimals rounded half up, ``−∞``/``∞``, no ``−0``."""
    if x != x:
        return "NaN"
    if x == float("inf"):
        return "∞"
    if x == float("-inf"):
        return MINUS + "∞"
    if abs(x) >= HUGE:
        return _fixed_huge(x, precision)  # 1.0000e+300, not 301 digits
    s = _fixed(x, precision)
    if s.startswith(MINUS) and not s.strip(MINUS + "0."):
        s = s[1:]
    return s


def num(x: float, precision: int = 4) -> str:
    """A compact number for hand arithmetic: ``1`` not ``1.0000``, ``0.7685``, ``−∞``, ``1.47e−10``."""
    if x == float("-inf"):
        return MINUS + "∞"
    if x == float("inf"):
        return "∞"
    if x != x:
        return "NaN"
    if abs(x) >= HUGE:
        return _fixed_huge(x, precision)
    if x != 0 and abs(x) < 0.5 * 10.0**-precision:
        return f"{x:.2e}".replace("-", MINUS)  # tiny but not zero: 1.47e−10, not a misleading 0
    s = _fixed(x, precision)
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    if s in (MINUS + "0", ""):
        s = "0"
    return s


def is_shown_exactly(x: float, precision: int) -> bool:
    """True when ``num(x, precision)`` is the value itself (up to float noise), so ``=`` (not ``≈``) may precede it."""
    if x != x or x in (float("inf"), float("-inf")):
        return True
    shown = num(x, precision)
    if "e" in shown:
        return False
    return abs(float(shown.replace(MINUS, "-")) - x) <= 1e-9 * max(1.0, abs(x))  # equal up to float noise


def all_shown_exactly(values: npt.NDArray[np.float64], precision: int) -> bool:
    """``is_shown_exactly`` for every number of an array at once (NumPy, for long sums)."""
    x = values[np.isfinite(values)]
    ax = np.abs(x)
    if np.any((ax >= HUGE) | ((x != 0) & (ax < 0.5 * 10.0**-precision))):
        return False  # shown with an exponent
    return bool(np.all(np.abs(np.round(x, precision) - x) <= 1e-9 * np.maximum(1.0, ax)))


def eq(x: float, precision: int) -> str:
    """``= 2`` where the number shown is the value itself, else ``≈ 1.7321``: never false arithmetic."""
    return f"{'=' if is_shown_exactly(x, precision) else '≈'} {num(x, precision)}"


def signed(x: float, precision: int) -> str:
    """A factor inside a product: negative numbers in parentheses, ``(−2)``."""
    s = num(x, precision)
    return f"({s})" if s.startswith(MINUS) else s


def table_precision(values: npt.NDArray[np.float64], precision: int) -> int:
    """The decimals a table of ``values`` shows: 0 when every finite number is a whole number, else ``precision``.

    Decided per matrix, so its columns stay aligned: a matrix of exact integers
    prints ``1``, not ``1.0000`` (narrower, and true); one non-integer keeps the
    fixed decimals for all. ``±∞`` (a mask) does not count; huge numbers keep
    their exponent form.
    """
    x = values[np.isfinite(values)]
    if x.size == 0 or np.any(np.abs(x) >= HUGE):
        return precision
    return 0 if bool(np.all(np.abs(np.round(x) - x) <= 1e-9 * np.maximum(1.0, np.abs(x)))) else precision


def vec(a: npt.NDArray[np.float64], decimals: int) -> str:
    """A scalar, vector or matrix as ``0.7685``, ``[1.0002, 2.9998]`` or ``[[…], […]]``."""
    if a.ndim == 0:
        return fmt(float(a), decimals)
    if a.ndim == 1:
        return "[" + ", ".join(fmt(float(x), decimals) for x in a) + "]"
    return "[" + ", ".join(vec(r, decimals) for r in a) + "]"
