"""Number formatting shared by every view: fixed decimals for tables, compact for arithmetic.

Pure functions on Python floats and NumPy arrays; nothing here computes maths.
"""

from __future__ import annotations

import math
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
    """``x`` to ``precision`` decimals, rounded half up as by hand (0.125 -> 0.13), with U+2212 for minus.

    The rounding is that of the shortest decimal that names ``x`` (its ``repr``),
    half up. Where the float is fine enough (``_FAST``) and that decimal is not a
    tie at the last place kept, it is the rounding of the float's exact value,
    which Python's own fixed formatting gives, at a fraction of ``Decimal``'s cost:
    the same characters either way (``tests/test_numbers_fast.py``).
    """
    r = repr(float(x))  # a NumPy scalar's repr is no decimal (np.float64(0.125)): its float's is
    if 0 <= precision < len(_FAST) and abs(x) < _FAST[precision] and not _repr_tie(r, precision):
        return f"{x:.{precision}f}".replace("-", MINUS)
    try:
        d = Decimal(r).quantize(Decimal(1).scaleb(-precision), rounding=ROUND_HALF_UP)
        s = f"{d:f}"
    except InvalidOperation:  # too many digits for the context: Python's own formatting
        s = f"{x:.{precision}f}"
    return s.replace("-", MINUS)


def _repr_tie(r: str, precision: int) -> bool:
    """True when the decimal ``r`` (a float's ``repr``: ``0.125``, ``5e-05``) ends in a 5 just past ``precision``.

    ``_fixed`` passes the ``repr`` of a Python float (a NumPy scalar is turned into one first); any other
    text is no tie.
    """
    if r[0] not in "-0123456789":
        return False
    mantissa, _, exponent = r.partition("e")
    point = mantissa.find(".")
    decimals = (len(mantissa) - point - 1 if point >= 0 else 0) - (int(exponent) if exponent else 0)
    return decimals == precision + 1 and mantissa[-1] == "5"


#: Below ``_FAST[p]`` a float's spacing is under 2^-12 of the last decimal place ``p`` keeps, so rounding its
#: ``repr`` and rounding its exact value differ only at a tie of the ``repr`` (which goes to ``Decimal``).
_FAST = tuple(2.0**40 * 10.0**-p for p in range(16))


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


def fmts(values: npt.NDArray[np.float64], precision: int) -> list[str]:
    """``fmt`` of every number of ``values`` (flattened in C order): the same characters, written in bulk.

    A number that is fine enough and certainly no tie at the last place kept
    (its scaled fraction is not near one half: a tie of its ``repr`` would be
    within 2^-13 of it) is written by Python's fixed formatting, as ``_fixed``
    writes it; every other number goes through ``fmt`` itself.
    """
    xs: list[float] = np.asarray(values, dtype=np.float64).ravel().tolist()
    if not 0 <= precision < len(_FAST):
        return [fmt(x, precision) for x in xs]
    limit, scale = _FAST[precision], 10.0**precision
    spec = f"{{:.{precision}f}}".format
    floor = math.floor
    out: list[str] = []
    append = out.append
    for x in xs:
        if -limit < x < limit:  # not NaN, ±∞ nor huge
            y = x * scale
            if abs(y - floor(y) - 0.5) > 1e-3:
                s = spec(x)
                if s[0] == "-":
                    s = MINUS + s[1:] if s.strip("-0.") else s[1:]  # no −0
                append(s)
                continue
        append(fmt(x, precision))
    return out


def same_printed(a: npt.NDArray[np.float64], b: npt.NDArray[np.float64], decimals: int) -> bool:
    """``vec(a, decimals) == vec(b, decimals)``, writing only the numbers that differ (equal numbers print alike)."""
    if a.shape != b.shape:
        return vec(a, decimals) == vec(b, decimals)
    x, y = np.ravel(a), np.ravel(b)
    differ = np.flatnonzero(x != y)
    return fmts(x[differ], decimals) == fmts(y[differ], decimals)


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


def shown_value(shown: str) -> float:
    """A number as ``num`` or ``fmt`` wrote it, read back (U+2212 minus, an exponent)."""
    return float(shown.replace(MINUS, "-"))


def is_shown_exactly(x: float, precision: int) -> bool:
    """True when ``num(x, precision)`` is the value itself (up to float noise), so ``=`` (not ``≈``) may precede it."""
    if x != x or x in (float("inf"), float("-inf")):
        return True
    shown = num(x, precision)
    if "e" in shown:
        return False
    return abs(shown_value(shown) - x) <= 1e-9 * max(1.0, abs(x))  # equal up to float noise


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
    if values.size == 0:
        return precision
    corner = values[:: max(1, values.shape[0] // 8), :: max(1, values.shape[-1] // 8)] if values.ndim == 2 else values
    if not _whole(corner[np.isfinite(corner)]):  # a non-integer among a few cells decides it, as it does for all
        return precision
    finite = np.isfinite(values)
    x = values if finite.all() else values[finite]
    if x.size == 0 or max(float(x.max()), -float(x.min())) >= HUGE:
        return precision
    return 0 if _whole(x) else precision


def _whole(x: npt.NDArray[np.float64]) -> bool:
    """True when every (finite) number of ``x`` is a whole number, up to float noise (1e-9 relative)."""
    r = np.round(x)
    if np.array_equal(r, x):  # exact integers: one pass, no tolerance needed
        return True
    return bool(np.all(np.abs(r - x) <= 1e-9 * np.maximum(1.0, np.abs(x))))


def vec(a: npt.NDArray[np.float64], decimals: int) -> str:
    """A scalar, vector or matrix as ``0.7685``, ``[1.0002, 2.9998]`` or ``[[…], […]]``."""
    if a.ndim == 0:
        return fmt(float(a), decimals)
    if a.ndim == 1:
        return "[" + ", ".join(fmts(a, decimals)) + "]"
    return "[" + ", ".join(vec(r, decimals) for r in a) + "]"
