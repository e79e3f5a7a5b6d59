"""The stepper marks what the worked cell is computed from (issue 20): ``core.reads``' operands, never a restated rule.

On a slide, the worked cell (the example, or the ``c`` cursor) is reversed; the cells it reads in the
slide's own matrices are underlined; every operand is listed under ``Example:`` with its numbers and the
stage it lives in. The unit tests compare the marks with ``Operand.cells`` on every stage of several
built-ins; the pty tests read the real screen at 80×24 and 40×20.
"""

from __future__ import annotations

import io
import re
import sys
from functools import cache

import pytest
from rich.console import Console
from rich.padding import Padding
from rich.style import Style

from mhsa_tutor.core.engine import run
from mhsa_tutor.core.reads import Layout, Operand, operands
from mhsa_tutor.core.trace import Stage, Trace
from mhsa_tutor.io.generate import build_random
from mhsa_tutor.io.loader import load_scenario
from mhsa_tutor.io.variant_options import VariantOptions
from mhsa_tutor.views.terminal.grid import Grid, cell_style
from mhsa_tutor.views.terminal.render import _matrices, render_stage
from mhsa_tutor.views.terminal.slides import Slides
from mhsa_tutor.views.terminal.worked import Cells, marks_of, operand_label, worked_cells
from mhsa_tutor.views.view import View
from tests.pty_drive import Pty

POSIX = pytest.mark.skipif(sys.platform == "win32", reason="POSIX pseudo-terminals")
#: Built-ins covering every stage kind: projections, split, scores…, positions, RoPE, ALiBi, GQA, a window,
#: cross-attention, decoding with a KV cache, the online softmax.
BUILTINS = [
    "first_steps",
    "sinusoidal_positions",
    "rope_by_hand",
    "alibi",
    "grouped_query",
    "sliding_window",
    "cross_attention",
    "kv_cache",
    "online_softmax",
    "random+biases,rope,mqa,decode",
    "random+biases,positions,alibi,blocks",
]
SGR = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


#: Random scenarios for what no built-in has: projection biases (b_Q … b_O), and variants together.
RANDOM = {
    "random+biases,rope,mqa,decode": VariantOptions(bias_terms=True, rope=True, kv_heads=1, decode=2),
    "random+biases,positions,alibi,blocks": VariantOptions(
        positions="sinusoidal", bias="alibi", block=2, bias_terms=True
    ),
}


@cache
def _trace(name: str) -> Trace:
    if name in RANDOM:
        return run(build_random(5, 8, 2, 3, "causal", variants=RANDOM[name]))
    return run(load_scenario(name))


def _cells(stage: Stage, trace: Trace) -> list[tuple[str, int, int]]:
    """The example cell and the corners of every matrix of the stage."""
    out = list(worked_cells(trace, stage, View(example=True)))
    for name, m in stage.matrices.items():
        rows, cols = m.values.shape
        out += [(name, 0, 0), (name, rows - 1, cols - 1), (name, rows - 1, 0)]
    return list(dict.fromkeys(out))


def _expected(stage: Stage, ops: tuple[Operand, ...], name: str, shape: tuple[int, int]) -> frozenset[tuple[int, int]]:
    """The cells of matrix ``name`` of this stage the operands cover, by ``Operand.cells``."""
    mine = [op.cells(shape) for op in ops if (op.stage, op.head, op.matrix) == (stage.id, stage.head, name)]
    return frozenset().union(*mine)


def _styled(grid: Grid, shape: tuple[int, int]) -> tuple[set[tuple[int, int]], set[tuple[int, int]]]:
    """(reversed cells, underlined-not-reversed cells) of a whole matrix drawn as a ``Grid``."""
    reverse, under = set(), set()
    assert len(grid.rows) == shape[0]
    for i, row in enumerate(grid.rows):
        for j, cell in enumerate(row[1:]):
            own = cell_style(cell)  # the grid keeps (text, style) cells
            style = own if isinstance(own, Style) else Style.parse(own or "none")
            if style.reverse:
                reverse.add((i, j))
            elif style.underline:
                under.add((i, j))
    return reverse, under


@pytest.mark.parametrize("name", BUILTINS)
def test_the_marked_cells_are_the_rules_operands_on_every_stage(name: str) -> None:
    trace = _trace(name)
    layout = Layout.of_trace(trace)
    checked = 0
    for stage in trace.stages:
        if stage.id in ("input", "params"):
            continue
        for cell in _cells(stage, trace):
            view = View(example=True, fit=False, full=True, marks=(cell,))
            marks = marks_of(trace, stage, view)
            ops = operands(layout, stage.id, stage.head, *cell)
            assert marks.operands == ops
            parts = _matrices(trace, stage, view, marks.example, marks.here)
            grids = [p.renderable for p in parts if isinstance(p, Padding)]
            for (mname, m), grid in zip(stage.matrices.items(), grids, strict=True):
                shape = m.values.shape
                want = _expected(stage, ops, mname, shape)
                held = marks.here.get(mname, Cells())
                assert {(i, j) for i in range(shape[0]) for j in range(shape[1]) if (i, j) in held} == want
                reverse, under = _styled(grid, shape)  # type: ignore[arg-type]
                assert reverse == ({cell[1:]} if mname == cell[0] else set())
                assert under == want - reverse
                checked += bool(want)
    if name in ("sinusoidal_positions", "alibi", "online_softmax"):
        assert checked  # these have operands on the slide itself (P, B, the running m, ℓ, r)


@pytest.mark.parametrize("name", BUILTINS)
def test_every_operand_is_listed_with_where_it_lives(name: str) -> None:
    trace = _trace(name)
    layout = Layout.of_trace(trace)
    for index, stage in enumerate(trace.stages):
        cells = worked_cells(trace, stage, View(example=True))
        if not cells:
            continue
        out = io.StringIO()
        Console(file=out, width=200, color_system=None).print(render_stage(trace, index, View(example=True)))
        block = out.getvalue().split("Example:")[1]
        ops = operands(layout, stage.id, stage.head, *cells[0])
        listed = re.findall(r"^  (?:reads:|      ) (\S.*?) = ", block, flags=re.M)
        assert listed == [operand_label(trace, op) for op in ops]
        for op in ops:
            line = next(x for x in block.splitlines() if f" {operand_label(trace, op)} = " in x)
            number = trace.stages.index(trace.find(op.stage, op.head)) + 1
            here = (op.stage, op.head) == (stage.id, stage.head)
            assert line.endswith("↑ above" if here else f"stage {number} · {op.stage}")
            values = op.values(trace).reshape(-1)
            assert len(values) > 12 or len(re.findall(r"−?\d+(?:\.\d+)?|−?∞|NaN", line.split(" = ")[1])) >= len(values)


def test_the_operand_labels_say_which_row_and_column_independently() -> None:
    """What the rules mean, written out: a score reads a query row and a key row, the output a column of W_O…"""
    trace = _trace("first_steps")
    labels = {
        (s.id, s.head): [operand_label(trace, op) for op in marks_of(trace, s, View(example=True)).operands]
        for s in trace.stages
    }
    assert labels[("projections", None)] == ["X[the, :]", "W_Q[:, 1]"]
    assert labels[("scores", 1)] == ["Q₁[the, :]", "K₁[cat, :]"]
    assert labels[("softmax", 1)] == ["S₁[the, :]"]
    assert labels[("head_output", 1)] == ["A₁[the, :]", "V₁[:, 1]"]
    assert labels[("concat", None)] == ["Z₁[the, 1]"]
    assert labels[("output", None)] == ["Z[the, :]", "W_O[:, 2]"]
    kv = _trace("kv_cache")
    step = kv.find("decode_output", 1)
    assert [operand_label(kv, op) for op in marks_of(kv, step, View(example=True)).operands] == [
        "A₁[tea, I…tea]",
        "V₁[I…tea, 1]",
    ]


def test_korean_slides_say_where_in_korean() -> None:
    trace = _trace("first_steps")
    out = io.StringIO()
    Console(file=out, width=100, color_system="standard").print(
        render_stage(trace, trace.stages.index(trace.find("scores", 1)), View(example=True, lang="ko"))
    )
    text = SGR.sub("", out.getvalue())
    assert "읽는 값: Q₁[the, :] = (2, 0)  단계 4 · 헤드 나누기" in text
    assert "반전: 풀어 보는 칸" in text and "reads" not in text and "stage" not in text


def test_piped_slides_list_operands_but_no_legend_of_styles() -> None:
    trace = _trace("sinusoidal_positions")
    out = io.StringIO()
    Console(file=out, width=100, color_system=None).print(render_stage(trace, 1, View(example=True)))
    assert "P[bites, 1] = 0.8415  ↑ above" in out.getvalue()
    assert "underlined" not in out.getvalue()  # no styles drawn: no legend of them


def test_a_bert_sized_slide_looks_up_only_the_cells_it_shows() -> None:
    """BERT widths: the operands of an output cell span 768 rows or columns; the slide stays quick."""
    import time

    trace = run(build_random(16, 768, 12, 0, "causal"))
    console = Console(file=io.StringIO(), width=120, height=40, color_system="standard")
    walk = Slides(trace, list(range(len(trace.stages))), View(), console, lambda c, r: c.print(r))
    started = time.perf_counter()
    for stage_id in ("projections", "output", "concat"):
        walk.go(trace.stages.index(trace.find(stage_id)))
        walk.key("c")
        walk.key("right")
        lines = "\n".join(walk.page())
        assert "reads:" in lines and "…" in lines
    assert time.perf_counter() - started < 20  # seconds, on a loaded 2-core machine; ~0.3 s quiet


# ------------------------------------------------------------------ a real terminal

#: (scenario, [(stage number typed, keys after "c", labels that must show, an operand of the slide's own
#: matrices: its label underlined, as its cells are in the table)]).
WALKS: dict[str, list[tuple[str, bytes, list[str], str | None]]] = {
    "first_steps": [
        ("3", b"", ["X[the, :]", "W_Q[:, 1]"], None),  # projections
        ("5", b"", ["Q₁[the, :]", "K₁[cat, :]"], None),  # scores
        ("5", b"\x1b[C", ["Q₁[the, :]", "K₁[sat, :]"], None),  # the cursor moved right: its operands
        ("7", b"", ["S₁[the, :]", "stage 6 · scaled"], None),  # softmax
        ("8", b"", ["A₁[the, :]", "V₁[:, 1]"], None),  # head output
        ("14", b"", ["Z₁[the, 1]", "stage 8 · head_output"], None),  # concat
        ("15", b"", ["Z[the, :]", "W_O[:, 2]"], None),  # output
    ],
    "rope_by_hand": [("3", b"", ["Q₁[go@2, 1]", "Q₁[go@2, 3]", "stage 2 · split"], None)],  # rotary
    "kv_cache": [
        ("35", b"", ["q₁[tea, :]", "K₁[tea, :]", "stage 34 · kv_cache"], None),  # decode scores
        ("37", b"", ["A₁[tea, I…tea]", "V₁[I…tea, 1]"], None),  # decode output
    ],
    "online_softmax": [("9", b"", ["r₁[mat, 3]", "l₁[mat, 2]"], "l₁[mat, 2]")],  # ℓ reads r, m, ℓ of the slide
    "sinusoidal_positions": [("2", b"", ["X[bites, 1]", "P[bites, 1]"], "P[bites, 1]")],  # X + P
}


def _plain(screen: str) -> str:
    return SGR.sub("", screen)


@POSIX
@pytest.mark.parametrize(("rows", "cols"), [(24, 80), (20, 40)])
@pytest.mark.parametrize("name", list(WALKS))
def test_the_screen_marks_the_worked_cells_operands(name: str, rows: int, cols: int) -> None:
    term = Pty(["run", name, "--step"], rows, cols)
    term.until(r"q quit")
    for number, keys, labels, underlined in WALKS[name]:
        term.send(number.encode() + b"\r")
        term.until(rf"\[(stage {number}/|{number}/)")
        term.send(b"c" + keys)
        text = term.until(re.escape(labels[-1]).replace(r"\ ", " "))
        screen = _plain(text.split("\x1b[2J")[-1] if "\x1b[2J" in text else text)
        joined = " ".join(screen.split())
        for label in labels:
            assert label in joined, (label, screen)
        assert "Example:" in screen
        if underlined is not None:  # an operand on the slide itself: underlined, not reversed
            assert re.search(r"\x1b\[(?:[0-9;]*;)?4m\s*" + re.escape(underlined), text)
            assert "underlined" in joined
        term.send(b"c")  # the cursor off again
    term.send(b"q")
    assert term.wait() == 0
