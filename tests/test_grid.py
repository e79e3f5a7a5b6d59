"""``Grid`` prints exactly as the Rich ``Table`` it stands for: same segments, same measurement.

The reference is Rich itself (``Grid.table()``), over random cells, styles and
console widths, so a Rich release that lays tables out differently fails here
rather than changing the tutor's output unnoticed.
"""

from __future__ import annotations

import io

import hypothesis.strategies as st
from hypothesis import given, settings
from rich.console import Console, ConsoleOptions
from rich.measure import Measurement
from rich.padding import Padding
from rich.style import Style
from rich.text import Text

from mhsa_tutor.core.engine import run
from mhsa_tutor.io.generate import build_random
from mhsa_tutor.views.terminal.grid import Grid
from mhsa_tutor.views.terminal.matrix import FitMatrix, Indent, _weight_style, matrix_table
from mhsa_tutor.views.view import View

STYLES = ["", "bold", "none", Style(), *(_weight_style(w) for w in (0.1, 0.3, 0.5, 0.7, 0.95))]
CLEAN = ["1", "12", "0.5000", "-12.3456", "-∞", "NaN", "…", "⋮", "t1", "Machines", "학생", "나는", "a b", "é"]
MESSY = ["x ", " x", "", "a\nb", "\t", "\x1b[1m"]


@st.composite
def grids(draw: st.DrawFn) -> Grid:
    """Mostly grids that take the fast path; some with cells Rich would strip, wrap or crop."""
    words = st.sampled_from(CLEAN)
    if draw(st.booleans()):
        words = st.one_of(words, st.sampled_from(MESSY), st.text(max_size=4))
    cells = st.builds(Text, words, style=st.sampled_from(STYLES))
    grid = Grid()
    ncols = draw(st.integers(1, 6))
    for j in range(ncols):
        grid.add_column(draw(cells), justify="left" if j == 0 else draw(st.sampled_from(["left", "right"])))
    for _ in range(draw(st.integers(0, 5))):
        grid.add_row(*(draw(cells) for _ in range(ncols)))
    return grid


def _console(colour: bool) -> Console:
    return Console(
        file=io.StringIO(),
        width=200,
        force_terminal=colour,
        color_system="truecolor" if colour else None,
        highlight=False,
        emoji=False,
    )


def _same(console: Console, options: ConsoleOptions, grid: Grid) -> None:
    table = grid.table()
    for ours, theirs in (
        (grid, table),
        (Padding(grid, (0, 0, 0, 2), expand=False), Padding(table, (0, 0, 0, 2), expand=False)),
    ):
        assert Measurement.get(console, options, ours) == Measurement.get(console, options, theirs)
        assert list(console.render(ours, options)) == list(console.render(theirs, options))


@settings(max_examples=150, deadline=None)
@given(grid=grids(), width=st.integers(1, 120), colour=st.booleans(), ascii_only=st.booleans())
def test_grid_renders_as_its_table(grid: Grid, width: int, colour: bool, ascii_only: bool) -> None:
    console = _console(colour)
    options = console.options.update_width(width)
    if ascii_only:
        options = options.copy()
        options.encoding = "ascii"
    _same(console, options, grid)


def test_matrix_tables_print_as_tables_and_take_the_fast_path() -> None:
    trace = run(build_random(14, 16, 2, 0, "causal"))  # 14 > ELIDE_AT: elided and full
    console = _console(True)
    for full in (False, True):
        view = View(full=full)
        for stage in (s for s in trace if s.head in (None, 1)):
            for name, m in stage.matrices.items():
                grid = matrix_table(trace, name, m, view, shade=stage.id == "softmax")
                _same(console, console.options.update_width(1000), grid)
                assert grid._fast(console.options.update_width(1000)) is not None


def _printed(colour: bool, width: int, renderable: object) -> str:
    """What a console of this width writes for ``renderable`` (ANSI codes included when ``colour``)."""
    console = _console(colour)
    console.width = width
    console.print(renderable)
    out = console.file
    assert isinstance(out, io.StringIO)
    return out.getvalue()


@settings(max_examples=150, deadline=None)
@given(grid=grids(), width=st.integers(1, 120), colour=st.booleans())
def test_indent_prints_as_padding(grid: Grid, width: int, colour: bool) -> None:
    """``Indent`` (the matrices' two-space margin) writes what ``Padding(..., (0, 0, 0, 2))`` writes."""
    padding = Padding(grid, (0, 0, 0, 2), expand=False)
    assert _printed(colour, width, Indent(grid)) == _printed(colour, width, padding)
    console = _console(colour)
    options = console.options.update_width(width)
    assert Measurement.get(console, options, Indent(grid)) == Measurement.get(console, options, padding)
    if colour:  # the same segments, one by one, where styles reach the output
        assert list(console.render(Indent(grid), options)) == list(console.render(padding, options))


def test_fitted_matrices_print_as_padded_at_every_width() -> None:
    trace = run(build_random(20, 24, 2, 0, "causal"))
    for stage in (s for s in trace if s.head in (None, 1)):
        for name, m in stage.matrices.items():
            shade = stage.id == "softmax"
            marked = frozenset({(1, 2)})
            for width in (20, 40, 63, 80, 121, 200):
                for colour in (False, True):
                    ours = Indent(FitMatrix(trace, name, m, View(), shade, marked))
                    theirs = Padding(FitMatrix(trace, name, m, View(), shade, marked), (0, 0, 0, 2), expand=False)
                    assert _printed(colour, width, ours) == _printed(colour, width, theirs), (stage.id, name, width)
