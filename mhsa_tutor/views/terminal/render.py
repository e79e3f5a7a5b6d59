"""Terminal view of a trace: Stage -> Rich renderable. Never recomputes maths.

Contracts:

* every number comes from the trace and is formatted by ``fmt`` (−∞ as ``-∞``);
* text from scenario files (tokens, titles, notes) goes through ``safe`` and
  into ``rich.text.Text``, so Rich markup and terminal escapes in it never act;
* nothing is wider than the console: prose wraps at the width, capped at a
  readable measure (``PROSE``); a matrix shows as many columns as fit, the
  middle ones dropped behind a ``…`` column, and as many rows as the screen
  holds (``FitMatrix``; ``full`` shows all); text tables wrap their text
  columns and never cut a name or a number;
* the export's fixed layout (``View.fit`` False) keeps the corners of a matrix
  taller or wider than ``ELIDE_AT``; attention weights are shaded by value.
"""

from __future__ import annotations

from collections.abc import Container, Iterable, Mapping, Sequence

from rich import box
from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.constrain import Constrain
from rich.measure import Measurement
from rich.padding import Padding
from rich.style import Style
from rich.table import Table
from rich.text import Text

from mhsa_tutor.core.numbers import fmt, table_precision, vec
from mhsa_tutor.core.stagetext import variants_text
from mhsa_tutor.core.trace import Matrix, Stage, Trace
from mhsa_tutor.strings import ARTICLES
from mhsa_tutor.teach.narration import (
    check_words,
    checkpoint_text,
    mask_scale_line,
    matrix_caption,
    sizes_line,
    stage_formula,
    stage_notes,
    stage_title,
    ui,
    value_word,
)
from mhsa_tutor.views.terminal.grid import Grid
from mhsa_tutor.views.terminal.layout import Heading, Stacked
from mhsa_tutor.views.view import ELIDE_AT, View, progress_line, safe, shown_indices, shown_name

PROSE = 100  # the widest a paragraph runs, however wide the terminal
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


def prose(text: Text) -> RenderableType:
    """A paragraph: wraps at the console's width, never wider than ``PROSE``."""
    return Constrain(text, PROSE)


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
) -> Grid:
    """One matrix as a table: token labels on token axes, 1..n on feature axes (a ``Grid``: prints as its ``Table``).

    ``rows`` / ``cols`` are the indices to show (None: an elided stretch);
    by default ``shown_indices``. ``marked`` cells (0-based row, col) are drawn
    in reverse video: the worked example, or the stepper's cursor; ``read`` cells
    (what the marked one is computed from) underlined. Only the cells shown are looked up.
    """
    values = matrix.values
    rows_n, cols_n = values.shape
    row_labels = trace.shown_labels(matrix.rows, rows_n)
    col_labels = trace.shown_labels(matrix.cols, cols_n)
    decimals = table_precision(values, view.precision)
    table = Grid()
    table.add_column(Text(shown_name(name), style="bold"), justify="left")
    cols = shown_indices(cols_n, view.full) if cols is None else cols
    for j in cols:
        table.add_column(Text("…") if j is None else Text(safe(col_labels[j])), justify="right")
    for i in shown_indices(rows_n, view.full) if rows is None else rows:
        if i is None:
            table.add_row(Text("⋮"), *[Text("⋮") for _ in cols])
            continue
        cells: list[Text] = []
        for j in cols:
            if j is None:
                cells.append(Text("…"))
                continue
            x = float(values[i, j])
            style = _weight_style(x) if shade else None
            if (i, j) in marked:
                style = MARK if style is None else style + MARK
            elif read and (i, j) in read:
                style = READ if style is None else style + READ
            cells.append(Text(fmt(x, decimals), style=style or ""))
        table.add_row(Text(safe(row_labels[i]), style="bold"), *cells)
    return table


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

    def _rows(self, console: Console) -> list[int | None]:
        n = self.args[2].values.shape[0]
        if self.args[3].full:
            return list(range(n))
        return _edges(n, max(ELIDE_AT, console.height - 8))

    def _cols(self, rows: Sequence[int | None], width: int) -> list[int | None]:
        """The columns that fit in ``width`` cells, from both ends, with the rows shown."""
        trace, name, matrix, view = self.args
        values = matrix.values
        n = values.shape[1]
        labels = trace.shown_labels(matrix.cols, n)
        rows_i = [i for i in rows if i is not None]
        row_labels = trace.shown_labels(matrix.rows, values.shape[0])
        first = max([cell_len(name), 1, *(cell_len(safe(row_labels[i])) for i in rows_i)])
        if view.full:
            return list(range(n))
        widths: dict[int, int] = {}
        decimals = table_precision(values, view.precision)

        def col_width(j: int) -> int:
            if j not in widths:
                cells = [cell_len(fmt(float(values[i, j]), decimals)) for i in rows_i]
                widths[j] = max([cell_len(safe(labels[j])), *cells])
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
                trace, name, matrix, view, shade=self.shade, rows=rows, cols=cols, marked=self.marked, read=self.read
            )
        return self._tables[key]

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement.get(console, options, self.table(console, options.max_width))

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield self.table(console, options.max_width)


def shapes_line(stage: Stage) -> str:
    """``Q: 2 × 3   K: 2 × 3`` for a stage."""
    return "   ".join(f"{shown_name(n)}: {m.values.shape[0]} × {m.values.shape[1]}" for n, m in stage.matrices.items())


def checkpoint_table(trace: Trace, stage: Stage, view: View) -> Stacked | None:
    """The source-check table: source value, computed value, decimals, ✓/✗ (one paragraph a check when narrow)."""
    rows = trace.verdicts_for(stage)
    if not rows:
        return None
    t = ui(view.lang)
    _, column = check_words(trace, stage, view.lang)
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    for head in (t["cp_where"], column, t["cp_computed"]):
        table.add_column(Text(head, style="bold"))
    table.add_column(Text(t["cp_decimals"], style="bold"), no_wrap=True, justify="right")
    table.add_column("", no_wrap=True)
    info = trace.info
    lines: list[Text] = []
    for verdict in rows:
        cp, got, ok = verdict.checkpoint, verdict.got, verdict.ok
        where = safe(cp.where(info.tokens, info.key_tokens))
        mark = Text("✓", style="green") if ok else Text("✗", style="red bold")
        source, computed = vec(cp.value, cp.decimals), vec(got, cp.decimals)
        table.add_row(Text(where), Text(source), Text(computed), Text(str(cp.decimals)), mark)
        said = value_word(cp.printed, view.lang)
        line = Text.assemble(mark, f" {where}: {said} {source}, {t['cp_computed']} {computed} ")
        line.append(f"({t['cp_decimals']} {cp.decimals})")
        lines.append(line)
    return Stacked(table, lines)


def token_list(tokens: tuple[str, ...], full: bool) -> str:
    """``a · b · c``; a long list shows its ends and its length, as matrices do."""
    shown = [safe(tokens[i]) if i is not None else "…" for i in shown_indices(len(tokens), full)]
    more = f"  ({len(tokens)})" if len(shown) < len(tokens) else ""
    return " · ".join(shown) + more


def render_header(trace: Trace, view: View) -> RenderableType:
    """Title and the scenario's facts (tokens, sizes, mask, scale, source)."""
    info = trace.info
    t = ui(view.lang)
    facts = Table.grid(padding=(0, 2))
    facts.add_column(style="bold")
    facts.add_column(overflow="fold")  # a long URL breaks; words wrap
    facts.add_row(t["tokens"], Text(token_list(info.tokens, view.full)))
    if info.memory_tokens is not None:
        facts.add_row(t["memory_tokens"], Text(token_list(info.memory_tokens, view.full)))
    facts.add_row(
        t["sizes"],
        Text(sizes_line(info, view.lang)),
    )
    facts.add_row(t["mask_scale"], Text(mask_scale_line(info, view.lang)))
    if variants_text(info):
        facts.add_row(t["variants"], Text(safe(variants_text(info, view.lang))))
    if info.article is not None:
        facts.add_row(t["article"], Text(ARTICLES[info.article].full_in(view.lang), overflow="fold"))
    if info.source:
        facts.add_row(t["source"], Text(safe(info.text("source", view.lang))))
    if trace.exact and info.rounding:
        facts.add_row(t["exact"], Text(t["exact_note"]))
    parts: list[RenderableType] = [
        Heading(Text(safe(info.text("title", view.lang)), style="bold"), characters="═"),
        facts,
    ]
    if info.description and view.narrate:
        parts.append(prose(Text(safe(info.text("description", view.lang)), style="italic")))
    return Group(*parts)


def render_stage(trace: Trace, index: int, view: View) -> RenderableType:
    """One stage: header with title and formula, narration, shapes, matrices, checks."""
    stage = trace.stages[index]
    parts: list[RenderableType] = []
    head = Text()
    head.append(progress_line(trace, index, view.lang), style="dim")
    head.append("  ")
    head.append(stage_title(stage, view.lang), style="bold")
    parts.append(Heading(head, align="left"))
    parts.append(prose(Text(stage_formula(stage, view.lang, trace), style="bold cyan")))
    notes = stage_notes(trace, stage, view.lang) if view.narrate else []
    if view.example:  # the walkthrough: the first note, the matrices, the worked cell, then the rest
        if notes:
            parts.append(prose(Text(safe(notes[0][1]), style="yellow" if notes[0][0] == "pitfall" else "")))
        from mhsa_tutor.views.terminal.worked import marks_of, worked_example

        marks = marks_of(trace, stage, view)
        parts.extend(_matrices(trace, stage, view, marks.example, marks.here))
        parts.extend(worked_example(trace, stage, view, marks))
        rest = notes[1:]
        if rest and view.folded:
            kinds = sum(kind == "pitfall" for kind, _ in rest)
            parts.append(prose(Text(ui(view.lang)["step_folded"].format(n=len(rest), pitfalls=kinds), style="dim")))
            rest = []
        for kind, text in rest:
            parts.append(prose(Text(safe(text), style="yellow" if kind == "pitfall" else "")))
    else:
        for kind, text in notes:
            parts.append(prose(Text(safe(text), style="yellow" if kind == "pitfall" else "")))
        parts.extend(_matrices(trace, stage, view, {}))
    cps = checkpoint_table(trace, stage, view)
    if cps is not None:
        parts.append(Text(check_words(trace, stage, view.lang)[0], style="bold"))
        parts.append(Padding(cps, (0, 0, 0, 2), expand=False))
        for note in checkpoint_text(trace, stage, view.lang):
            parts.append(prose(Text(safe(note), style="yellow")))
    return Group(*parts)


def _matrices(
    trace: Trace,
    stage: Stage,
    view: View,
    marks: Mapping[str, Container[tuple[int, int]]],
    reads: Mapping[str, Container[tuple[int, int]]] | None = None,
) -> list[RenderableType]:
    """The shapes line, then each matrix of the stage (captioned, shaded if weights, marked cells, the cells
    the marked one reads underlined)."""
    parts: list[RenderableType] = [prose(Text(shapes_line(stage), style="dim"))]
    for name, m in stage.matrices.items():
        caption = matrix_caption(trace, stage, name, m, view.lang)
        if caption:
            parts.append(prose(Text(caption, style="dim italic")))
        shade = stage.id == "softmax"
        marked = marks.get(name, frozenset())
        read = (reads or {}).get(name, frozenset())
        table = (
            FitMatrix(trace, name, m, view, shade, marked, read)
            if view.fit
            else matrix_table(trace, name, m, view, shade=shade, marked=marked, read=read)
        )
        parts.append(Padding(table, (0, 0, 0, 2), expand=False))
    return parts


def select(trace: Trace, stage_ids: Sequence[str] = (), head: int | None = None) -> list[int]:
    """Indices of the stages to show: all, or those with the given ids / head.

    A head filter keeps the shared (not per-head) stages only when no stage
    filter is given, so ``--head 2`` alone shows the whole path through head 2.
    """
    out = []
    for i, s in enumerate(trace.stages):
        if stage_ids and s.id not in stage_ids:
            continue
        if head is not None and s.head is not None and s.head != head:
            continue
        out.append(i)
    return out


def needed_width(console: Console, renderables: Iterable[RenderableType]) -> int:
    """The width at which no matrix or check table among ``renderables`` is squeezed.

    Prose wraps to any width; a table cannot go below its minimum (its no-wrap
    columns), so printing at least this wide never truncates a number.
    """
    wide = console.options.update(width=100_000)
    need = 0
    for part in renderables:
        for p in part.renderables if isinstance(part, Group) else [part]:
            if isinstance(p, (Table, Padding)):
                need = max(need, Measurement.get(console, wide, p).minimum)
    return need
