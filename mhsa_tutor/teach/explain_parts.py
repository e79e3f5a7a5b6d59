"""What every explainer shares: the cell it is given (with its operands, from ``core.reads``) and the sums.

``Cell`` is one cell of one stage's matrix with the trace around it; ``Cell.ops``
are the operands the stage's rule says it reads (``reads.operands``), and
``Cell.vec(k)`` their numbers. An explainer writes those operands and nothing
else, so the page's highlights (the same rule) and the explanation agree.
``dot`` writes a sum of products term by term; ``cell_label`` names a row or
column as the tables do.
"""

from __future__ import annotations

import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import numpy.typing as npt

from mhsa_tutor.core.numbers import all_shown_exactly, signed
from mhsa_tutor.core.reads import Layout, Operand, operands
from mhsa_tutor.core.trace import Matrix, Stage, Trace, tell_apart

_LAYOUTS: weakref.WeakKeyDictionary[Trace, Layout] = weakref.WeakKeyDictionary()


def layout(trace: Trace) -> Layout:
    """``reads.Layout.of_trace``, built once per trace (a page explains every cell of one trace)."""
    got = _LAYOUTS.get(trace)
    if got is None:
        got = _LAYOUTS[trace] = Layout.of_trace(trace)
    return got


@dataclass(frozen=True)
class Cell:
    """What an explainer is given: the trace, the stage, the matrix and the 0-based cell."""

    trace: Trace
    stage: Stage
    name: str
    m: Matrix
    i: int
    j: int
    p: int  # decimals in the written arithmetic
    t: Mapping[str, str]  # the UI strings of the language

    @property
    def rl(self) -> str:
        """The row's label (a token, or a 1-based number)."""
        return cell_label(self.trace.labels(self.m.rows, self.m.values.shape[0]), self.i)

    @property
    def cl(self) -> str:
        """The column's label."""
        return cell_label(self.trace.labels(self.m.cols, self.m.values.shape[1]), self.j)

    @property
    def value(self) -> float:
        """The trace's value of the cell."""
        return float(self.m.values[self.i, self.j])

    @property
    def shown(self) -> float:
        """The value the arithmetic arrives at: the exact one where the stage was rounded by hand."""
        return float(self.m.exact[self.i, self.j]) if self.m.exact is not None else self.value

    @property
    def head(self) -> int:
        """The stage's head (per-head stages only)."""
        if self.stage.head is None:
            raise ValueError(f"{self.stage.id} is not a per-head stage")
        return self.stage.head

    @cached_property
    def ops(self) -> tuple[Operand, ...]:
        """The cells this cell reads, in its rule's order (``reads.operands``)."""
        return operands(layout(self.trace), self.stage.id, self.stage.head, self.name, self.i, self.j)

    def vec(self, k: int) -> npt.NDArray[np.float64]:
        """The numbers of operand ``k`` (a cell, a row or a column)."""
        return self.ops[k].values(self.trace)

    def num(self, k: int) -> float:
        """The number of operand ``k`` when it is one cell."""
        return float(self.ops[k].values(self.trace))

    def op_row_label(self, k: int) -> str:
        """The label of operand ``k``'s row (a token or a number), as its own table names it."""
        op = self.ops[k]
        assert op.row is not None
        m = self.trace.find(op.stage, op.head).matrices[op.matrix]
        return cell_label(self.trace.labels(m.rows, m.values.shape[0]), op.row)


def term(a: float, b: float, p: int) -> str:
    """``a×b`` with each negative factor in parentheses: ``(−0.0675)×(−2)``."""
    return f"{signed(a, p)}×{signed(b, p)}"


def dot(a: npt.NDArray[np.float64], b: npt.NDArray[np.float64], p: int) -> str:
    """``= a1×b1 + a2×b2 + …`` (long sums elided in the middle); ``≈`` when an operand shown is rounded."""
    n = len(a)
    shown = range(n) if n <= 12 else [*range(4), -1, *range(n - 4, n)]  # -1: the elided middle
    terms = ["…" if k < 0 else term(float(a[k]), float(b[k]), p) for k in shown]
    exact = all_shown_exactly(a, p) and all_shown_exactly(b, p)
    return f"{'=' if exact else '≈'} " + " + ".join(terms)


def _is_position(text: str) -> bool:
    """Text that reads as a 1-based position: ASCII digits, optionally after a minus sign."""
    digits = text[1:] if text.startswith("-") else text
    return digits.isascii() and digits.isdecimal() and len(digits) <= 18


def cell_label(labels: Sequence[str], i: int) -> str:
    """How cell ``i`` of an axis is named: its token, or ``token@position`` where the name alone would not
    tell the rows apart (a repeated token, or a token that reads as a different position)."""
    return tell_apart(tuple(labels))[i] if labels else str(i + 1)
