"""The stepper a person uses (issue 20): footer, resize, alternate screen, type-ahead, marked cells, cursor, notes."""

from __future__ import annotations

import io
import re
import sys
from collections.abc import Iterator

import pytest
from rich.console import Console, RenderableType

from mhsa_tutor.core.engine import run
from mhsa_tutor.io.loader import load_scenario
from mhsa_tutor.teach.explain import example_cell
from mhsa_tutor.views.terminal.keys import ENTER_ALTERNATE, LEAVE_ALTERNATE, decode
from mhsa_tutor.views.terminal.render import render_stage
from mhsa_tutor.views.terminal.slides import slides
from mhsa_tutor.views.terminal.worked import marks_of
from mhsa_tutor.views.view import View
from tests.pty_drive import Pty

POSIX = pytest.mark.skipif(sys.platform == "win32", reason="POSIX pseudo-terminals")


def _walk(name: str, keys: list[str], height: int = 60, width: int = 100, color: bool = False) -> str:
    trace = run(load_scenario(name))
    out = io.StringIO()
    console = Console(file=out, width=width, height=height, color_system="standard" if color else None)
    feed: Iterator[str] = iter(keys)

    def show(c: Console, r: RenderableType) -> None:
        c.print(r)

    assert slides(trace, list(range(len(trace.stages))), View(), console, lambda: next(feed, ""), show) == 0
    return out.getvalue()


# ------------------------------------------------------------------ fed keys


def test_the_example_cell_is_marked_in_its_matrix() -> None:
    trace = run(load_scenario("first_steps"))
    stage = trace.find("softmax", 1)
    name, row, col = example_cell(trace, stage)  # type: ignore[misc]
    marks = marks_of(trace, stage, View(example=True))
    assert marks.example == {name: frozenset({(int(row[1:]) - 1, int(col[1:]) - 1)})}
    out = io.StringIO()
    Console(file=out, width=100, color_system="standard").print(
        render_stage(trace, trace.stages.index(stage), View(example=True))
    )
    value = f"{stage.matrices[name].values[int(row[1:]) - 1, int(col[1:]) - 1]:.4f}"
    assert re.search(r"\x1b\[[0-9;]*7[0-9;]*m" + re.escape(value), out.getvalue())  # reverse video on it
    # the operand beside the result is underlined: B under ALiBi (tests/test_stepper_operands.py: every stage)
    alibi = run(load_scenario("alibi"))
    bias = alibi.find("bias", 1)
    marks = marks_of(alibi, bias, View(example=True))
    assert set(marks.example) == {"S"} and set(marks.here) == {"B"}


def test_the_cursor_shows_any_cells_arithmetic_and_tab_changes_matrix() -> None:
    text = _walk("first_steps", ["7", "enter", "c", "down", "right", "q"])
    screens = text.split("[stage ")
    moved = next(s for s in reversed(screens) if "Example: A₁[" in s)
    assert "Example: A₁[cat, sat]" in moved  # from the example cell A₁[the, cat]: down, then right
    assert "←↑↓→ move" in text and "q quit" in text
    text = _walk("first_steps", ["3", "enter", "c", "tab", "q"])
    assert "Example: K[" in text.split("[stage ")[-2]  # Q → K
    assert "no cell to work out" in _walk("first_steps", ["c", "q"])


def test_long_notes_are_folded_behind_i_after_the_matrix() -> None:
    text = _walk("acting_machines", ["5", "enter", "i", "q"])
    heading = "stage 5/7 · head 1 · softmax  "  # the heading, not the footer's "[stage 5/7 · head 1 · softmax]"
    folded = text.split(heading)[1].split("[stage 5/7")[0]
    assert "Press i to read them" in folded and "Rounding by hand changes results" not in folded
    assert folded.index("A: 2 × 2") < folded.index("Press i")  # the matrix first
    unfolded = text.split(heading)[-1]
    assert "Rounding by hand changes results" in unfolded and "Press i" not in unfolded


def test_the_last_stage_offers_the_next_steps() -> None:
    text = _walk("first_steps", ["G", "right", "q"])
    last = text.split("stage 15/15 · output  ")[-1]
    assert "mhsa-tutor quiz first_steps" in last and "mhsa-tutor export first_steps -o page.html" in last
    assert "That was the last stage." in last


def test_tab_and_resize_decode() -> None:
    assert decode(b"\t") == "tab"


# ------------------------------------------------------------------ a real terminal


@POSIX
@pytest.mark.parametrize(("rows", "cols"), [(24, 80), (20, 40)])
def test_the_first_screen_says_how_to_go_on_and_how_to_quit(rows: int, cols: int) -> None:
    term = Pty(["run", "first_steps", "--step"], rows, cols)
    first = term.until(r"q quit[^\r\n]*")
    assert ENTER_ALTERNATE in first  # drawn on the alternate screen
    keys = re.findall(r"q quit[^\x1b\r\n]*", first)[-1]
    assert "→ next" in keys and len(keys) <= cols
    term.send(b"q")
    assert term.wait() == 0
    assert term.screen.rstrip("\r\n").endswith(LEAVE_ALTERNATE)  # the shell's screen back, nothing after


@POSIX
def test_a_resize_redraws_at_once_and_type_ahead_is_kept() -> None:
    term = Pty(["run", "first_steps", "--step"], 24, 100)
    term.send(b"n")  # typed while the tutor starts: kept
    term.until(r"stage 2/15 · params\]")
    term.resize(20, 40)  # no key: SIGWINCH alone redraws
    narrow = term.until(r"\[2/15\]")
    assert "q quit · → next · ← back · l list" in narrow
    term.send(b"\x03")  # Ctrl-C: still gives the screen back
    assert term.wait() == 130
    assert LEAVE_ALTERNATE in term.screen.split(ENTER_ALTERNATE)[-1]


def test_the_lists_marker_moves_with_the_arrows_and_enter_goes_there() -> None:
    text = _walk("first_steps", ["l", "down", "down", "up", "down", "enter", "q"])
    lists = text.split("Stages (number then Enter goes there)")[1:]
    marked = [re.search(r"▶\s+(\d+)", screen).group(1) for screen in lists]  # type: ignore[union-attr]
    assert marked == ["1", "2", "3", "2", "3"]
    assert "[stage 3/15 · projections]" in text.split("▶")[-1]  # Enter went to the marked stage


@POSIX
def test_run_on_a_terminal_ends_with_the_next_steps() -> None:
    term = Pty(["run", "first_steps", "--stage", "1"], 24, 100)
    assert term.wait() == 0
    tail = " ".join(re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", term.screen).split())
    assert "Next: `mhsa-tutor run first_steps --step`" in tail and "mhsa-tutor learn" in tail
    assert "export first_steps -o page.html" in tail
