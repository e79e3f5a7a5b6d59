"""The walkthrough's worked cell and what it is computed from, read from ``core.reads`` (no rule restated here).

Contracts:

* ``marks_of(trace, stage, view)``: the cell worked out on a slide (``view.marks``,
  the stepper's cursor, else the narration's example cell) and its operands,
  exactly ``reads.operands`` of that cell. ``Marks.example`` is the worked
  cell per matrix (drawn in reverse video); ``Marks.here`` the operand cells
  that lie in this stage's own matrices (drawn underlined), as ``Cells``: a
  membership test over the operands' rows and columns, so an elided
  BERT-sized matrix costs only the cells drawn, never a set of all of them.
* ``worked_example(trace, stage, view, marks)``: a one-line legend of the two
  marks (when the console draws styles), then the ``Example:`` block: the
  cell's label (in the worked cell's style), one line per operand (its label
  as explain writes it, its numbers from the trace elided to the width, and
  where it is: the table above, or the earlier stage's number and name, which
  the stepper jumps to), then explain's arithmetic.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.text import Text

from mhsa_tutor.core.numbers import fmt, table_precision
from mhsa_tutor.core.reads import At, Operand, operands
from mhsa_tutor.core.stages import subscript
from mhsa_tutor.core.trace import Stage, Trace
from mhsa_tutor.strings import ui
from mhsa_tutor.views.terminal.layout import prose
from mhsa_tutor.views.terminal.matrix import MARK, READ
from mhsa_tutor.views.view import View, safe, shown_name

#: A cell the worked cell reads, in this stage's own matrix: underlined (the worked cell itself is reversed).
OPERAND = READ
INDENT = "  "


def _hit(at: At, k: int) -> bool:
    """Whether index ``k`` is the operand's index on this axis (one, a span, or every one)."""
    if at is None:
        return True
    if isinstance(at, int):
        return at == k
    return at[0] <= k <= at[1]


@dataclass(frozen=True)
class Cells:
    """The cells of one matrix some operands cover: ``(row, col) in cells`` without listing them."""

    spans: tuple[tuple[At, At], ...] = ()

    def __contains__(self, cell: object) -> bool:
        if not isinstance(cell, tuple) or len(cell) != 2:
            return False
        i, j = cell
        return any(_hit(r, i) and _hit(c, j) for r, c in self.spans)

    def __bool__(self) -> bool:
        return bool(self.spans)


@dataclass(frozen=True)
class Marks:
    """The worked cells of a slide and what they read.

    ``cells``: (matrix, row, col), 0-based, of the worked cells; ``operands``: what the first reads
    (``reads.operands``); ``here``: per matrix of this stage, the operand cells in it.
    """

    cells: tuple[tuple[str, int, int], ...] = ()
    operands: tuple[Operand, ...] = ()
    here: Mapping[str, Cells] = field(default_factory=dict)

    @property
    def example(self) -> dict[str, frozenset[tuple[int, int]]]:
        """The worked cells per matrix (what is drawn reversed)."""
        out: dict[str, set[tuple[int, int]]] = {}
        for name, i, j in self.cells:
            out.setdefault(name, set()).add((i, j))
        return {k: frozenset(v) for k, v in out.items()}


def worked_cells(trace: Trace, stage: Stage, view: View) -> tuple[tuple[str, int, int], ...]:
    """The cells worked out on the slide: ``view.marks`` (the cursor), else the example cell, 0-based."""
    from mhsa_tutor.teach.explain import example_cell

    if view.marks:
        return view.marks
    cell = example_cell(trace, stage)
    if cell is None:
        return ()
    return ((cell[0], int(cell[1][1:]) - 1, int(cell[2][1:]) - 1),)


def on_slide(stage: Stage, op: Operand) -> bool:
    """Whether an operand lies in one of this stage's own matrices (shown on the same slide)."""
    return op.stage == stage.id and op.head == stage.head and op.matrix in stage.matrices


def marks_of(trace: Trace, stage: Stage, view: View) -> Marks:
    """The worked cells and their operands (``reads.operands`` of each), with those on this slide per matrix."""
    from mhsa_tutor.teach.explain_parts import layout

    cells = worked_cells(trace, stage, view)
    found: list[Operand] = []
    here: dict[str, list[tuple[At, At]]] = {}
    for k, (name, i, j) in enumerate(cells):
        ops = operands(layout(trace), stage.id, stage.head, name, i, j)
        if k == 0:
            found = list(ops)
        for op in ops:
            if on_slide(stage, op):
                here.setdefault(op.matrix, []).append((op.row_at, op.col_at))
    return Marks(cells, tuple(found), {name: Cells(tuple(spans)) for name, spans in here.items()})


# ------------------------------------------------------------------ the Example block


def _axis(labels: Sequence[str], at: At) -> str:
    """One index of an operand as the tables name it: a label, ``:`` for every one, ``first…last`` for a span."""
    from mhsa_tutor.teach.explain_parts import cell_label

    if at is None:
        return ":"
    if isinstance(at, int) or at[0] == at[1]:
        return cell_label(labels, at if isinstance(at, int) else at[0])
    return f"{cell_label(labels, at[0])}…{cell_label(labels, at[1])}"


def operand_label(trace: Trace, op: Operand) -> str:
    """``K₁[cat, :]``, ``W_Q[:, 3]``, ``b_Q[3]``, ``S₁[the, 1…4]``: an operand as explain and the tables name it."""
    m = trace.find(op.stage, op.head).matrices[op.matrix]
    n_rows, n_cols = m.values.shape
    sub = subscript(op.head) if op.head is not None else ""
    name = f"{shown_name(op.matrix)}{sub}"
    col = _axis(trace.labels(m.cols, n_cols), op.col_at)
    if n_rows == 1 and op.row_at is None:  # a bias row: b_Q[3]
        return safe(f"{name}[{col}]")
    return safe(f"{name}[{_axis(trace.labels(m.rows, n_rows), op.row_at)}, {col}]")


def _where(trace: Trace, stage: Stage, op: Operand, lang: str) -> str:
    """Where an operand is: the table above, or ``stage 4 · split`` (the number the stepper jumps to)."""
    t = ui(lang)
    if on_slide(stage, op):
        return t["reads_here"]
    source = trace.find(op.stage, op.head)
    name = op.stage if lang == "en" else t[f"stage_name_{op.stage}"]
    return t["reads_stage"].format(k=trace.stages.index(source) + 1, name=name)


def _vector(numbers: Sequence[str], room: int) -> str | None:
    """``(a, b, …, z)`` in at most ``room`` cells, the ends kept (None when not even ``(a, …, z)`` fits)."""
    if len(numbers) == 1:
        return numbers[0] if cell_len(numbers[0]) <= room else None
    whole = "(" + ", ".join(numbers) + ")"
    if cell_len(whole) <= room:
        return whole
    best = None
    for keep in range(2, len(numbers)):
        left, right = (keep + 1) // 2, keep // 2
        text = "(" + ", ".join([*numbers[:left], "…", *numbers[len(numbers) - right :]]) + ")"
        if cell_len(text) > room:
            break
        best = text
    return best


class OperandLine:
    """One operand: ``K₁[cat, :] = (1, 2)   stage 4 · split``, fitted to the width at render time.

    As wide as it fits: all on one line; else where it is on a line below; else (narrow) the label and
    where it is on one line, the numbers below.
    """

    def __init__(self, trace: Trace, stage: Stage, op: Operand, view: View, title: str) -> None:
        self.title = title  # "reads:" before the first operand, blanks of its width before the others
        self.label = operand_label(trace, op)
        self.here = on_slide(stage, op)
        self.where = _where(trace, stage, op, view.lang)
        matrix = trace.find(op.stage, op.head).matrices[op.matrix].values
        decimals = table_precision(matrix, view.precision)
        values = np.asarray(op.values(trace), dtype=np.float64).reshape(-1)
        self.numbers = [fmt(float(x), decimals) for x in values]

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = options.max_width
        lead = f"{INDENT}{self.title} "
        pad = Text(" " * cell_len(lead))
        head = Text(lead)
        head.append(self.label, style=OPERAND if self.here else "")
        where = Text(self.where, style="dim")
        wide = _vector(self.numbers, width - head.cell_len - 3 - 2 - where.cell_len)
        if wide is not None:
            yield head + Text(f" = {wide}  ") + where
            return
        vector = _vector(self.numbers, width - head.cell_len - 3)
        if vector is not None:
            yield head + Text(f" = {vector}")
            yield pad + where
            return
        yield head + Text("  ") + where if head.cell_len + 2 + where.cell_len <= width else head
        if head.cell_len + 2 + where.cell_len > width:
            yield pad + where
        vector = _vector(self.numbers, width - pad.cell_len - 2) or f"({self.numbers[0]}, …)"
        yield pad + Text(f"= {vector}")


class StylesOnly:
    """A renderable shown only where the console draws styles (the legend of reversed and underlined cells)."""

    def __init__(self, renderable: RenderableType) -> None:
        self.renderable = renderable

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        if console.color_system is not None:
            yield self.renderable


def worked_example(trace: Trace, stage: Stage, view: View, marks: Marks) -> list[RenderableType]:
    """The ``Example:`` block: the worked cell, what it reads (one line an operand), its arithmetic (explain)."""
    from mhsa_tutor.teach.explain import explain_cell

    if not marks.cells:
        return []
    t = ui(view.lang)
    name, i, j = marks.cells[0]
    ex = explain_cell(
        trace,
        stage.id,
        f"@{i + 1}",
        f"@{j + 1}",
        head=stage.head,
        matrix=name,
        precision=view.precision,
        lang=view.lang,
    )
    label = Text(f"{t['example']} ", style="bold")
    label.append(safe(ex.label), style=MARK)
    legend = Text(INDENT, style="dim")  # under the tables: what their marks mean
    legend.append(t["reads_legend_example"], style=MARK)
    legend.append(": " + t["reads_legend_example_is"])
    if any(marks.here.values()):
        legend.append(" · ")
        legend.append(t["reads_legend_operand"], style=OPERAND)
        legend.append(": " + t["reads_legend_operand_is"])
    out: list[RenderableType] = [StylesOnly(prose(legend)), prose(label)]
    title = t["reads_title"]
    for k, op in enumerate(marks.operands):
        out.append(OperandLine(trace, stage, op, view, title if k == 0 else " " * cell_len(title)))
    out.extend(prose(Text(INDENT + safe(line))) for line in ex.lines)
    return out
