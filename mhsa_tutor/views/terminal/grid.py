"""A matrix table that prints exactly like its Rich ``Table``, at a fraction of the cost.

``Grid`` takes the same calls as the one table shape the renderers use for a
matrix: ``Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)`` with
``no_wrap`` columns of one-line ``Text`` cells. Rich lays out such a table
cell by cell (measure, wrap, justify, pad: about 0.1 ms a cell), which made a
BERT-sized ``run`` spend seconds on ~100 small elided tables. When every cell
fits on its line, the layout is just the column widths, so ``Grid`` writes the
segments directly: the same text, the same styles, the same segments as the
``Table`` would give (``tests/test_grid.py`` checks this against Rich).

Whenever that is not certain (a cell that Rich would wrap, strip or crop, too
little width, an ASCII-only or legacy Windows console), ``Grid`` hands over to
the equivalent ``Table``, built from the same calls.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import cached_property
from typing import Literal, cast

from rich import box
from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.segment import Segment
from rich.style import Style, StyleType
from rich.table import Table
from rich.text import Text

Justify = Literal["left", "right"]
#: A cell Rich prints as its text on one line (``_plain``): its text and its own style; else the ``Text`` itself.
Cell = tuple[str, StyleType] | Text
#: Characters one terminal cell wide each: every number ``fmt`` writes, and the elision marks.
NARROW = "0123456789.,+-eNa \u2212\u221e\u2026\u22ee"


class Grid:
    """Columns of one-line ``Text`` cells under a bold header, printed like ``Table(box=SIMPLE_HEAD, ...)``."""

    def __init__(self) -> None:
        self.headers: list[Cell] = []
        self.justify: list[Justify] = []
        self.rows: list[Sequence[Cell]] = []

    def add_column(self, header: Text, justify: Justify) -> None:
        """One ``no_wrap`` column, as ``Table.add_column(header, justify=..., no_wrap=True)``."""
        self.headers.append(_cell(header))
        self.justify.append(justify)
        self.__dict__.pop("_layout", None)

    def add_row(self, *cells: Text) -> None:
        """One row, one ``Text`` per column."""
        self.rows.append([_cell(c) for c in cells])
        self.__dict__.pop("_layout", None)

    def add_cells(self, *cells: Cell) -> None:
        """One row of cells, each a ``Text`` or (text, style): as ``add_row`` with ``Text(text, style=style)``.

        (text, style) saves building a ``Text``; its text must hold no control
        character (those ``Text`` would strip), as a number's never does.
        """
        self.rows.append([c if isinstance(c, tuple) else _cell(c) for c in cells])
        self.__dict__.pop("_layout", None)

    def table(self) -> Table:
        """The Rich table these calls describe (what ``Grid`` prints like)."""
        table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, title_justify="left")
        for header, justify in zip(self.headers, self.justify, strict=True):
            table.add_column(_text(header), justify=justify, no_wrap=True)
        for row in self.rows:
            table.add_row(*(_text(c) for c in row))
        return table

    @cached_property
    def _layout(self) -> tuple[list[int], int, int] | None:
        """(content width of each column, minimum width, natural width), or None for a cell that is not plain.

        The table's widths count a space of padding each side of a cell (none at
        the outer edges) and a divider between columns, as the Table's do.
        """
        widths = []
        last = len(self.justify) - 1
        minimum = maximum = last  # the dividers
        for j, justify in enumerate(self.justify):
            width = least = 0
            for cell in (self.headers[j], *(row[j] for row in self.rows)):
                if isinstance(cell, Text):
                    return None  # Rich would strip, wrap or expand it: leave it to the Table
                text = cell[0]
                if not text.isprintable() or (justify == "right" and text.endswith(" ")):
                    return None
                n = _width(text)
                width = max(width, n)
                least = max(least, _min_width(text) if " " in text else n)
            if not width:
                return None
            pad = (j > 0) + (j < last)
            widths.append(width)
            minimum += least + pad
            maximum += width + pad
        return widths, minimum, maximum

    def natural_width(self) -> int:
        """The width the grid takes when nothing has to wrap (a large number for cells Rich would lay out)."""
        layout = self._layout
        return layout[2] if layout is not None else 1 << 30

    def _fast(self, options: ConsoleOptions) -> tuple[list[int], int, int] | None:
        """The layout if the fast path applies at these options, else None."""
        layout = self._layout
        if layout is None or not self.rows or options.ascii_only or options.legacy_windows:
            return None
        return layout if layout[2] <= options.max_width else None

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        layout = self._fast(options)
        if layout is None:
            return Measurement.get(console, options, self.table())
        return Measurement(layout[1], layout[2])

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        layout = self._fast(options)
        if layout is None:
            yield self.table()
            return
        new_line = Segment.line()
        for line in self.lines(console, layout[0]):
            yield from line
            yield new_line

    def lines(self, console: Console, widths: Sequence[int]) -> Iterator[list[Segment]]:
        """The fast path's lines (without their line break), each ``natural_width()`` cells wide."""
        styles: dict[StyleType, Style | None] = {}

        def style_of(key: StyleType) -> Style | None:
            """The cell's own style as its segment carries it (None when it has none)."""
            if key not in styles:
                styles[key] = console.get_style(key) if key else None
            return styles[key]

        header_style = console.get_style("table.header") + console.get_style("")
        blank = console.get_style("none")  # the padding's style, and the border's
        border = blank + console.get_style("")
        divider = Segment(" ", Style.null().background_style + border)
        last = len(widths) - 1
        justify = self.justify
        for r, row in enumerate((self.headers, *self.rows)):
            head = r == 0
            pad = Segment(" ", header_style if head else blank)
            line: list[Segment] = []
            append = line.append
            for j, cell in enumerate(row):
                if j:
                    append(divider)
                    append(pad)
                text, key = cast("tuple[str, StyleType]", cell)  # the fast path has only (text, style) cells
                fill = " " * (widths[j] - _width(text))
                text = text + fill if justify[j] == "left" else fill + text
                own = style_of(key)
                append(Segment(text, (header_style + own) if head else own))
                if j < last:
                    append(pad)
            yield line
            if head:
                padded = [w + (j > 0) + (j < last) for j, w in enumerate(widths)]
                yield [Segment(box.SIMPLE_HEAD.get_row(padded, "head", edge=False), border)]

    def plain_lines(self, widths: Sequence[int]) -> list[str]:
        """The text of ``lines`` (what a console without colours writes of them), joined directly."""
        last = len(widths) - 1
        justify = self.justify
        out = []
        for r, row in enumerate((self.headers, *self.rows)):
            texts = []
            for j, cell in enumerate(row):
                text = cast("tuple[str, StyleType]", cell)[0]  # the fast path has only (text, style) cells
                fill = " " * (widths[j] - _width(text))
                texts.append(text + fill if justify[j] == "left" else fill + text)
            out.append("   ".join(texts))  # a cell's padding, the divider, the next cell's padding
            if r == 0:
                padded = [w + (j > 0) + (j < last) for j, w in enumerate(widths)]
                out.append(box.SIMPLE_HEAD.get_row(padded, "head", edge=False))
        return out


def cell_style(cell: Cell) -> StyleType:
    """A cell's own style, as given (a ``Text``'s ``style``, or the style of a (text, style) cell)."""
    return cell.style if isinstance(cell, Text) else cell[1]


def _cell(text: Text) -> Cell:
    """(text, style) for a cell Rich prints as its text on one line, else the ``Text`` itself."""
    return (text.plain, text.style) if _plain(text) else text


def _text(cell: Cell) -> Text:
    """The ``Text`` a cell stands for."""
    return cell if isinstance(cell, Text) else Text(cell[0], style=cell[1])


def _width(text: str) -> int:
    """Terminal cells of ``text``: its length when every character is one cell wide (numbers), else Rich's count."""
    return len(text) if not text.strip(NARROW) else cell_len(text)


def _plain(cell: Text) -> bool:
    """A cell Rich prints as its text on one line: no spans, default text options (printable: checked in layout)."""
    return (
        not cell.spans
        and cell.justify is None
        and cell.overflow is None
        and cell.no_wrap is None
        and cell.end == "\n"
        and cell.tab_size is None
    )


def _min_width(text: str) -> int:
    """Rich's minimum width of a one-line text: its widest word (or all of it, if only spaces)."""
    words = text.split()
    return max(cell_len(w) for w in words) if words else cell_len(text)
