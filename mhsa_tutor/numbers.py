"""Number formatting shared by every view: fixed decimals for tables, compact for arithmetic.

Pure functions on Python floats and NumPy arrays; nothing here computes maths.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

#: Digits as subscripts, for head numbers: Q₁, Z₂.
SUB = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
#: From this size on, numbers are written with an exponent (a float64 can reach 309 digits).
HUGE = 1e15


def fmt(x: float, precision: int) -> str:
    """One number as the learner sees it in a table: fixed decimals, ``-∞``/``∞``, no ``-0``."""
    if x != x:
        return "NaN"
    if x == float("inf"):
        return "∞"
    if x == float("-inf"):
        return "-∞"
    if abs(x) >= HUGE:
        return f"{x:.{min(precision, 4)}e}"  # 1.0000e+300, not 301 digits
    s = f"{x:.{precision}f}"
    if s.startswith("-") and float(s) == 0.0:
        s = s[1:]
    return s


def num(x: float, precision: int = 4) -> str:
    """A compact number for hand arithmetic: ``1`` not ``1.0000``, ``0.7685``, ``−∞``, ``1.47e-10``."""
    if x == float("-inf"):
        return "−∞"
    if x == float("inf"):
        return "∞"
    if x != x:
        return "NaN"
    if abs(x) >= HUGE:
        return f"{x:.{min(precision, 4)}e}"
    if x != 0 and abs(x) < 0.5 * 10.0**-precision:
        return f"{x:.2e}"  # tiny but not zero: 1.47e-10, not a misleading 0
    s = f"{x:.{precision}f}"
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    if s in ("-0", ""):
        s = "0"
    return s


def vec(a: npt.NDArray[np.float64], decimals: int) -> str:
    """A scalar, vector or matrix as ``0.7685``, ``[1.0002, 2.9998]`` or ``[[…], […]]``."""
    if a.ndim == 0:
        return fmt(float(a), decimals)
    if a.ndim == 1:
        return "[" + ", ".join(fmt(float(x), decimals) for x in a) + "]"
    return "[" + ", ".join(vec(r, decimals) for r in a) + "]"
