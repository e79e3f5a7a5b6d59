"""Renderables that lay text out for the width there is, never wider, never cutting a word.

* ``Heading``: a rule with the title in it; a title too long for the width
  wraps above a plain rule instead of being cut.
* ``Stacked``: a table when it fits the width with every word of its cells
  whole; otherwise each row as a paragraph.
* ``prose``: a paragraph that wraps at the width, never wider than ``PROSE``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from rich.align import AlignMethod
from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.constrain import Constrain
from rich.measure import Measurement
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

PROSE = 100  # the widest a paragraph runs, however wide the terminal


def prose(text: Text) -> RenderableType:
    """A paragraph: wraps at the console's width, never wider than ``PROSE``."""
    return Constrain(text, PROSE)


class Heading:
    """A rule with the title in it; when the title does not fit, the title wraps above a plain rule."""

    def __init__(self, title: Text, characters: str = "─", align: AlignMethod = "center") -> None:
        self.title = title
        self.characters = characters
        self.align = align

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        if cell_len(self.title.plain) + 6 <= options.max_width:
            yield Rule(self.title, characters=self.characters, align=self.align)
        else:
            yield self.title
            yield Rule(characters=self.characters)


class Stacked:
    """A table when it fits the width; otherwise each row as a paragraph, ``header: cell`` by ``header: cell``."""

    def __init__(self, table: Table, lines: Sequence[Text]) -> None:
        self.table = table
        self.lines = lines

    def _fits(self, console: Console, options: ConsoleOptions) -> bool:
        """True when the table at this width keeps every word of its cells whole."""
        words = Counter(w for col in self.table.columns for cell in col.cells for w in str(cell).split())
        words.update(w for col in self.table.columns for w in str(col.header).split())
        lines = console.render_lines(self.table, options.update(height=None), pad=False)
        shown = Counter(w for line in lines for w in "".join(seg.text for seg in line).split())
        return not words - shown  # every word as often as the cells hold it (a cut word is missing once)

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        if self._fits(console, options):
            return Measurement.get(console, options, self.table)
        return Measurement(options.max_width, options.max_width)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        if self._fits(console, options):
            yield self.table
        else:
            yield from self.lines
