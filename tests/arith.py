"""Read explain's arithmetic as a learner does: parse each line's numeric expressions and evaluate them.

``check_lines(lines, value, precision)`` splits every line at its relations (`` = `` and `` ≈ ``), keeps
the segments that are arithmetic (numbers, + − × · /, parentheses, √n, e^(…), sin(…), cos(…), a^(b)),
and checks every relation it can:

* between two arithmetic segments side by side (``e^(0.5 − 1.2) ≈ 0.4966``, ``2 / √4 = 2 / 2``);
* in a line about the cell itself (it starts with the cell's label, or with ``=`` / ``≈`` alone),
  between each arithmetic segment and the cell's value.

``=`` must hold exactly with the numbers as shown (up to float64 noise); ``≈`` must hold within the
rounding of the numbers shown: each shown number ``x`` with ``d`` decimals stands for the interval
``x ± ½·10^−max(d, precision)`` (every number explain rounds has at least ``precision`` decimals
before trailing zeros are cut), and the interval the expression gives must meet the other side's.
Each violation is returned as a sentence; an empty list means every line is true.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

_NUMBER = re.compile(r"\d+(?:\.\d+)?(?:e[-+]?\d+)?")


@dataclass(frozen=True)
class Interval:
    """A closed interval of reals; a shown number is a point (exact) or its rounding interval."""

    lo: float
    hi: float

    def __add__(self, o: Interval) -> Interval:
        return Interval(self.lo + o.lo, self.hi + o.hi)

    def __sub__(self, o: Interval) -> Interval:
        return Interval(self.lo - o.hi, self.hi - o.lo)

    def __mul__(self, o: Interval) -> Interval:
        c = [self.lo * o.lo, self.lo * o.hi, self.hi * o.lo, self.hi * o.hi]
        return Interval(min(c), max(c))

    def __truediv__(self, o: Interval) -> Interval:
        if o.lo <= 0 <= o.hi:
            if o.lo == o.hi == 0:
                return Interval(math.nan, math.nan)
            return Interval(-math.inf, math.inf)
        return self * Interval(1 / o.hi, 1 / o.lo)

    def __neg__(self) -> Interval:
        return Interval(-self.hi, -self.lo)

    def meets(self, o: Interval, slack: float) -> bool:
        return self.lo - slack <= o.hi and o.lo - slack <= self.hi

    @property
    def nan(self) -> bool:
        return math.isnan(self.lo) or math.isnan(self.hi)


def _monotone(f: object, x: Interval) -> Interval:
    assert callable(f)
    a, b = f(x.lo), f(x.hi)
    return Interval(min(a, b), max(a, b))


def _trig(fn: str, x: Interval) -> Interval:
    f = math.sin if fn == "sin" else math.cos
    vals = [f(x.lo), f(x.hi)]
    # an extremum of sin/cos inside the interval: a multiple of π/2 where the function is ±1
    k0, k1 = math.ceil(x.lo / (math.pi / 2)), math.floor(x.hi / (math.pi / 2))
    for k in range(k0, min(k1, k0 + 4) + 1):
        vals.append(f(k * math.pi / 2))
    return Interval(min(vals), max(vals))


class _Parser:
    """A recursive-descent reader of one arithmetic segment (after normalising − × · to - * *)."""

    def __init__(self, text: str, precision: int, exact: bool) -> None:
        self.s = text
        self.k = 0
        self.precision = precision
        self.exact = exact

    def parse(self) -> Interval:
        v = self.sum()
        self.space()
        if self.k != len(self.s):
            raise ValueError(f"unread {self.s[self.k :]!r}")
        return v

    def space(self) -> None:
        while self.k < len(self.s) and self.s[self.k] == " ":
            self.k += 1

    def peek(self, t: str) -> bool:
        self.space()
        return self.s.startswith(t, self.k)

    def take(self, t: str) -> bool:
        if self.peek(t):
            self.k += len(t)
            return True
        return False

    def sum(self) -> Interval:
        v = self.product()
        while True:
            if self.take("+"):
                v = v + self.product()
            elif self.take("-"):
                v = v - self.product()
            else:
                return v

    def product(self) -> Interval:
        v = self.unary()
        while True:
            if self.take("*"):
                v = v * self.unary()
            elif self.take("/"):
                v = v / self.unary()
            else:
                return v

    def unary(self) -> Interval:
        if self.take("-"):
            return -self.unary()
        if self.take("+"):
            return self.unary()
        return self.power()

    def power(self) -> Interval:
        base = self.atom()
        if self.take("^"):
            exp = self.atom() if not self.peek("-") else -self.unary_atom()
            if base.lo <= 0:
                return Interval(math.nan, math.nan)
            c = [b**e for b in (base.lo, base.hi) for e in (exp.lo, exp.hi)]
            return Interval(min(c), max(c))
        return base

    def unary_atom(self) -> Interval:
        self.take("-")
        return self.atom()

    def atom(self) -> Interval:
        self.space()
        for fn in ("sin", "cos"):
            if self.take(fn + "("):
                v = self.sum()
                self.expect(")")
                return _trig(fn, v)
        if self.take("e^"):
            if self.take("-∞"):
                return Interval(0.0, 0.0)
            arg = self.atom() if not self.peek("-") else -self.unary_atom()
            return _monotone(math.exp, arg)
        if self.take("√"):
            return _monotone(math.sqrt, self.atom())
        if self.take("("):
            v = self.sum()
            self.expect(")")
            return v
        if self.take("∞"):
            return Interval(math.inf, math.inf)
        m = _NUMBER.match(self.s, self.k)
        if not m:
            raise ValueError(f"not a number at {self.s[self.k :]!r}")
        self.k = m.end()
        x = float(m.group())
        if self.exact:
            return Interval(x, x)
        mantissa, _, exponent = m.group().partition("e")
        decimals = len(mantissa.split(".")[1]) if "." in mantissa else 0
        # 1.01e-04: half a unit of the mantissa's last digit; else of the decimals shown (at least precision)
        unit = int(exponent) - decimals if exponent else -max(decimals, self.precision)
        half = 0.5 * 10.0**unit
        return Interval(x - half, x + half)

    def expect(self, t: str) -> None:
        if not self.take(t):
            raise ValueError(f"expected {t!r} at {self.s[self.k :]!r}")


_ARITH = re.compile(r"^[\d\s.+\-*/()√^∞e]*$")  # what may remain once sin( and cos( are taken out


def normalise(segment: str) -> str:
    """The segment with the typeset operators as Python's: − → -, × and · → *."""
    return segment.replace("−", "-").replace("×", "*").replace("·", "*").strip()


def is_arithmetic(segment: str) -> bool:
    """Whether a segment is a numeric expression (and not a label, a word or an elision)."""
    s = normalise(segment)
    if not s or "…" in s or not any(ch.isdigit() for ch in s):
        return False
    if not _ARITH.match(s.replace("sin(", "(").replace("cos(", "(")):
        return False
    try:
        _Parser(s, 0, True).parse()
    except (ValueError, OverflowError, ZeroDivisionError):
        return False
    return True


def evaluate(segment: str, precision: int, exact: bool) -> Interval:
    """The interval a numeric segment stands for (a point when ``exact``)."""
    return _Parser(normalise(segment), precision, exact).parse()


_REL = re.compile(r" (=|≈) ")


def _segments(line: str) -> list[tuple[str, str]]:
    """(relation before it, text) for each segment of a line; the first has relation ''."""
    body = line.strip()
    if body.startswith(("= ", "≈ ")):
        body = "@ " + body  # a line about the cell that starts with its relation
    body = re.split(r"  +", body)[0]  # a note after two spaces is words, not arithmetic
    parts = _REL.split(body)
    out = [("", parts[0])]
    for k in range(1, len(parts), 2):
        out.append((parts[k], parts[k + 1]))
    return out


def _trailing_number_words(text: str) -> str:
    """The arithmetic at the start of a segment followed by words ("0.02 rad.", "2.")."""
    m = re.match(r"^([−\-]?\d+(?:\.\d+)?(?:e[−\-+]?\d+)?)\.?(?:\s|$)", text.strip())
    return m.group(1) if m else text


def check_lines(lines: list[str] | tuple[str, ...], label: str, values: tuple[float, ...], precision: int) -> list[str]:
    """Every false relation in explain's lines for one cell (see the module docstring).

    ``values``: the cell's value(s) a line about the cell may arrive at (the trace's value, and the
    unrounded one where the stage was rounded by hand).
    """
    problems: list[str] = []
    cell = [Interval(v, v) for v in values if not math.isnan(v)]
    for whole in lines:
        for k, clause in enumerate(_clauses(whole)):
            problems += _check_clause(clause, whole, k == 0, label, values, cell, precision)
    return problems


def _clauses(line: str) -> list[str]:
    """A line cut at each ", " outside brackets (``P[the, 1] = …`` is one clause; ``…, √3 ≈ 1.73`` two)."""
    out, depth, start = [], 0, 0
    for k, ch in enumerate(line):
        depth += (ch in "[(" and 1) or 0
        depth -= (ch in "])" and 1) or 0
        if depth == 0 and line.startswith(", ", k):
            out.append(line[start:k])
            start = k + 2
    return [*out, line[start:]]


def _check_clause(line: str, whole: str, first: bool, label: str, values: tuple[float, ...], cell: list[Interval],
                  precision: int) -> list[str]:  # fmt: skip
    problems: list[str] = []
    segs = _segments(line)
    about_cell = first and (segs[0][1] == "@" or segs[0][1].startswith(label))
    prev: tuple[str, str] | None = None
    for rel, text in segs:
        text = _trailing_number_words(text) if rel and not is_arithmetic(text) else text
        if not is_arithmetic(text) or "NaN" in text:
            prev = None
            continue
        try:
            loose = evaluate(text, precision, exact=False)
            point = evaluate(text, precision, exact=True)
        except (ValueError, OverflowError, ZeroDivisionError) as err:
            problems.append(f"cannot read {text!r} in {line!r}: {err}")
            prev = None
            continue
        if loose.nan:
            prev = None
            continue
        if prev is not None and rel:
            problems += _relation(prev[1], rel, text, precision, line)
        elif about_cell and rel and cell and not any(_holds(rel, point, loose, c, c) for c in cell):
            problems.append(f"{text!r} is not {rel} the cell's {values} in {line!r}")
        prev = (rel, text)
    return problems


def magnitude(segment: str) -> float:
    """The segment evaluated with every minus a plus: the size of its terms, which bounds float noise."""
    s = re.sub(r"(?<!e)-", "+", normalise(segment))
    try:
        return abs(_Parser(s, 0, True).parse().hi)
    except (ValueError, OverflowError, ZeroDivisionError):
        return 0.0


def _holds(
    rel: str, point: Interval, loose: Interval, other_point: Interval, other_loose: Interval, size: float = 0.0
) -> bool:
    # "=" allows float noise: each number shown is within 1e-9 (relative) of the value, as numbers.py says
    slack = 1e-9 * max(1.0, abs(point.lo), abs(other_point.lo)) + 3e-9 * size
    if rel == "=":
        return abs(point.lo - other_point.lo) <= slack or (math.isinf(point.lo) and point.lo == other_point.lo)
    return loose.meets(other_loose, slack)


def _relation(left: str, rel: str, right: str, precision: int, line: str) -> list[str]:
    a_pt, a = evaluate(left, precision, True), evaluate(left, precision, False)
    b_pt, b = evaluate(right, precision, True), evaluate(right, precision, False)
    if _holds(rel, a_pt, a, b_pt, b, max(magnitude(left), magnitude(right))):
        return []
    return [f"{left!r} {rel} {right!r} is false in {line!r}"]
