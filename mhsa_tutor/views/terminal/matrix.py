"""A matrix on the terminal: its table (``matrix_table``), laid out for the space there is (``FitMatrix``),
indented (``Indent``). Every number comes from the trace, written by ``numbers.fmt`` (in bulk, ``fmts``).

Contracts (see ``render``): no cell is ever wrapped or cut; a matrix wider or taller than the space
shows its corners around ``…`` / ``⋮``; attention weights are shaded by value; marked cells are drawn
in reverse video. The output is that of Rich's ``Table`` inside ``Padding`` (``tests/test_grid.py``).
"""

from __future__ import annotations

from collections.abc import Container, Sequence

import numpy as np
import numpy.typing as npt
from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.padding import Padding
from rich.segment import Segment
from rich.style import Style, StyleType
from rich.text import Text

from mhsa_tutor.core.numbers import fmt, fmts, table_precision
from mhsa_tutor.core.trace import Matrix, Trace
from mhsa_tutor.views.terminal.grid import Grid
from mhsa_tutor.views.view import ELIDE_AT, View, safe, shown_indices, shown_name

Array = npt.NDArray[np.float64]
MARK = Style(reverse=True, bold=True, underline=True)  # a marked cell: the example, or the cursor
READ = Style(underline=True, bold=True)  # a cell the marked one reads (views.terminal.worked)


def _weight_style(w: float) -> Style:
    """Background shade for an attention weight in [0, 1], the larger the stronger, with its own foreground.

    Every shaded cell sets its text colour too (near-white on the greys, black on
    the cyans), so it reads the same on a light and a dark terminal; a weight
    that rounds to level 0 keeps the terminal's own colours.
    """
    if not 0.0 <= w <= 1.0:
        return Style()
    level = round(w * 5)
    shades = ["", "grey23", "grey35", "dark_cyan", "cyan3", "bright_cyan"]
    if level == 0:
        return Style()
    return Style(bgcolor=shades[level], color="black" if level >= 3 else "grey93", bold=w >= 0.5)


def matrix_table(
    trace: Trace,
    name: str,
    matrix: Matrix,
    view: View,
    *,
    shade: bool = False,
    rows: Sequence[int | None] | None = None,
    cols: Sequence[int | None] | None = None,
    marked: Container[tuple[int, int]] = frozenset(),
    read: Container[tuple[int, int]] = frozenset(),
    cells: Cells | None = None,
) -> Grid:
    """One matrix as a table: token labels on token axes, 1..n on feature axes (a ``Grid``: prints as its ``Table``).

    ``rows`` / ``cols`` are the indices to show (None: an elided stretch);
    by default ``shown_indices``. ``marked`` cells (0-based row, col) are drawn
    in reverse video: the worked example, or the stepper's cursor; ``read`` cells
    (what the marked one is computed from) underlined. Only the cells shown are looked up.
    ``cells``: the matrix's numbers as text, when a caller has some written already.
    """
    values = matrix.values
    rows_n, cols_n = values.shape
    cells = Cells(trace, matrix, view.precision) if cells is None else cells
    row_labels, col_labels = cells.row_labels, cells.col_labels
    table = Grid()
    table.add_column(Text(shown_name(name), style="bold"), justify="left")
    cols = shown_indices(cols_n, view.full) if cols is None else cols
    rows = shown_indices(rows_n, view.full) if rows is None else rows
    cells.fill([i for i in rows if i is not None], [j for j in cols if j is not None])
    for j in cols:
        table.add_column(Text("…") if j is None else Text(safe(col_labels[j])), justify="right")
    for i in rows:
        if i is None:
            table.add_cells(*[("⋮", "")] * (len(cols) + 1))
            continue
        row: list[tuple[str, StyleType]] = []
        for j in cols:
            if j is None:
                row.append(("…", ""))
                continue
            style = _weight_style(float(values[i, j])) if shade else None
            if (i, j) in marked:
                style = MARK if style is None else style + MARK
            elif read and (i, j) in read:
                style = READ if style is None else style + READ
            row.append((cells.text(i, j), style or ""))
        table.add_cells(Text(safe(row_labels[i]), style="bold"), *row)
    return table


class Cells:
    """A matrix's numbers as the table writes them (``fmt`` at ``table_precision``), each written once, when asked;
    and its row and column labels (``Trace.shown_labels``), found once."""

    def __init__(self, trace: Trace, matrix: Matrix, precision: int) -> None:
        self.values: Array = matrix.values
        self.decimals = table_precision(self.values, precision)
        self.row_labels = trace.shown_labels(matrix.rows, self.values.shape[0])
        self.col_labels = trace.shown_labels(matrix.cols, self.values.shape[1])
        self._texts: dict[tuple[int, int], str] = {}

    def text(self, i: int, j: int) -> str:
        """Cell (i, j) as text."""
        key = (i, j)
        out = self._texts.get(key)
        if out is None:
            out = self._texts[key] = fmt(float(self.values[i, j]), self.decimals)
        return out

    def fill(self, rows: Sequence[int], cols: Sequence[int]) -> None:
        """Write the cells of these rows and columns in bulk (``fmts``), those not written yet."""
        cols = [j for j in cols if any((i, j) not in self._texts for i in rows)]
        if not rows or not cols:
            return
        texts = fmts(self.values[np.ix_(rows, cols)], self.decimals)
        width = len(cols)
        for a, i in enumerate(rows):
            for b, j in enumerate(cols):
                self._texts.setdefault((i, j), texts[a * width + b])


def _edges(n: int, keep: int) -> list[int | None]:
    """All of ``range(n)`` if ``keep >= n``, else ``keep`` indices from its two ends around a None."""
    if keep >= n:
        return list(range(n))
    head = (keep + 1) // 2
    return [*range(head), None, *range(n - (keep - head), n)]


class FitMatrix:
    """A matrix laid out for the space there is: as many columns as the width holds and rows as the screen does.

    Middle columns are dropped behind a ``…`` column and middle rows behind a
    ``⋮`` row; no cell is ever wrapped or cut. ``full`` shows everything.
    """

    def __init__(
        self,
        trace: Trace,
        name: str,
        matrix: Matrix,
        view: View,
        shade: bool,
        marked: Container[tuple[int, int]] = frozenset(),
        read: Container[tuple[int, int]] = frozenset(),
    ) -> None:
        self.args = (trace, name, matrix, view)
        self.shade = shade
        self.marked = marked
        self.read = read
        self._tables: dict[tuple[int, int], Grid] = {}
        self._cells: Cells | None = None

    @property
    def cells(self) -> Cells:
        """The matrix's numbers as text, shared by every layout tried."""
        if self._cells is None:
            self._cells = Cells(self.args[0], self.args[2], self.args[3].precision)
        return self._cells

    def _rows(self, console: Console) -> list[int | None]:
        n = self.args[2].values.shape[0]
        if self.args[3].full:
            return list(range(n))
        return _edges(n, max(ELIDE_AT, console.height - 8))

    def _cols(self, rows: Sequence[int | None], width: int) -> list[int | None]:
        """The columns that fit in ``width`` cells, from both ends, with the rows shown."""
        _, name, matrix, view = self.args
        values = matrix.values
        n = values.shape[1]
        cells = self.cells
        labels = cells.col_labels
        rows_i = [i for i in rows if i is not None]
        row_labels = cells.row_labels
        first = max([cell_len(name), 1, *(cell_len(safe(row_labels[i])) for i in rows_i)])
        if view.full:
            return list(range(n))
        widths: dict[int, int] = {}
        text = cells.text

        def col_width(j: int) -> int:
            if j not in widths:
                cells.fill(rows_i, [j])
                numbers = (len(text(i, j)) for i in rows_i)  # a number's characters are one cell each
                widths[j] = max([cell_len(safe(labels[j])), *numbers])
            return widths[j]

        # a column takes at least 4 cells, so only a matrix this narrow may fit whole
        if n <= width // 4 + 1 and first + sum(col_width(j) + 3 for j in range(n)) <= width:
            return list(range(n))
        used = first + 4  # the "…" column
        left: list[int] = []
        right: list[int] = []
        lo, hi = 0, n - 1
        while lo <= hi:
            j = lo if len(left) <= len(right) else hi
            if used + col_width(j) + 3 > width:
                break
            used += col_width(j) + 3
            if j == lo:
                left.append(j)
                lo += 1
            else:
                right.append(j)
                hi -= 1
        if lo > hi:
            return list(range(n))
        return [*left, None, *reversed(right)]

    def table(self, console: Console, width: int) -> Grid:
        """The ``Grid`` shown at ``width`` cells (made once per width and screen height)."""
        key = (width, console.height)
        if key not in self._tables:
            for (w, h), grid in self._tables.items():  # laid out wider but fits here: the same choice of columns
                if h == console.height and w >= width and grid.natural_width() <= width:
                    self._tables[key] = grid
                    return grid
            trace, name, matrix, view = self.args
            rows = self._rows(console)
            cols = self._cols(rows, width)
            self._tables[key] = matrix_table(
                trace,
                name,
                matrix,
                view,
                shade=self.shade,
                rows=rows,
                cols=cols,
                marked=self.marked,
                read=self.read,
                cells=self.cells,
            )
        return self._tables[key]

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement.get(console, options, self.table(console, options.max_width))

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield self.table(console, options.max_width)


class Indent(Padding):
    """``Padding(matrix, (0, 0, 0, 2), expand=False)``: the same segments, without Rich's pass over every line.

    Where the matrix's ``Grid`` takes its fast path, its lines are already as
    wide as the padding would make them (or shorter: then padded with spaces, as
    Rich pads), so the two spaces go in front of each line directly. Otherwise
    (a ``Table`` to lay out, a height to fill) Rich's ``Padding`` does it all.
    """

    def __init__(self, matrix: FitMatrix | Grid) -> None:
        super().__init__(matrix, (0, 0, 0, 2), expand=False)
        self.matrix = matrix

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        if options.height is not None:
            yield from super().__rich_console__(console, options)
            return
        width = min(Measurement.get(console, options, self.matrix).maximum + self.left, options.max_width)
        inner = options.update_width(width - self.left)
        grid = self.matrix.table(console, inner.max_width) if isinstance(self.matrix, FitMatrix) else self.matrix
        layout = grid._fast(inner)
        if layout is None:
            yield from super().__rich_console__(console, options)
            return
        fill = inner.max_width - layout[2]
        if console.color_system is None and not console.record:  # the text alone reaches the output: one segment
            indent, end = " " * self.left, " " * fill + "\n"
            yield Segment("".join(indent + line + end for line in grid.plain_lines(layout[0])))
            return
        style = console.get_style(self.style)
        left = Segment(" " * self.left, style)
        right = [Segment(" " * fill, style), Segment.line()] if fill > 0 else [Segment.line()]
        for line in grid.lines(console, layout[0]):
            yield left
            yield from line
            yield from right
