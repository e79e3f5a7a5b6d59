"""Edges where a review's hand mutations once survived the whole suite: each test here fails for one of them.

Every test names the mutation it kills. They use small scenarios whose numbers
make the wrong variant visibly different (a rounding that changes the next
stage, memory and query counts that differ, two heads whose columns differ).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from mhsa_tutor.core.engine import run
from mhsa_tutor.core.numbers import fmt, num
from mhsa_tutor.core.trace import Trace
from mhsa_tutor.io.loader import load_scenario
from mhsa_tutor.io.trace_json import from_dict, to_dict
from mhsa_tutor.io.validate import parse_scenario
from mhsa_tutor.teach.explain import explain_cell
from mhsa_tutor.teach.narration import stage_notes
from mhsa_tutor.teach.quiz import choose_questions
from mhsa_tutor.views.export import latex_formula
from mhsa_tutor.views.terminal.matrix import _weight_style, matrix_table
from mhsa_tutor.views.terminal.render import select
from mhsa_tutor.views.view import View

TWO_HEADS = """
title = "two heads, W_O and hand rounding"
tokens = ["a", "b", "c"]
heads = 2
[input]
X = [[0.3, 1.7, -0.6, 0.9], [1.1, -0.4, 0.8, 0.2], [-0.7, 0.5, 1.3, -1.2]]
[weights]
W_Q = [[0.5, -0.3, 0.8, 0.1], [0.2, 0.9, -0.4, 0.6], [-0.7, 0.4, 0.3, 0.5], [0.6, -0.2, 0.1, -0.8]]
W_K = [[0.4, 0.7, -0.5, 0.2], [-0.6, 0.3, 0.9, 0.1], [0.8, -0.1, 0.2, 0.7], [0.1, 0.5, -0.3, 0.4]]
W_V = [[1.0, 0.5, -0.5, 2.0], [0.5, -1.0, 1.5, 0.0], [-1.5, 0.5, 1.0, 1.0], [0.0, 2.0, -0.5, 0.5]]
W_O = [[0.3, -0.7, 0.2, 0.9], [0.8, 0.1, -0.6, 0.4], [-0.2, 0.5, 0.7, -0.3], [0.6, 0.4, 0.1, 0.2]]
"""


def two_heads(rounding: str = "") -> Trace:
    text = TWO_HEADS + (f"[rounding]\n{rounding}\n" if rounding else "")
    return run(parse_scenario(text, origin="t.toml", name="t"))


# ------------------------------------------------------------------- engine: hand rounding paths


@given(st.integers(min_value=0, max_value=3))
@example(1)
@example(0)
def test_output_reads_the_rounded_concat(decimals: int) -> None:
    """Mutation: W_O applied to the unrounded concatenation."""
    trace = two_heads(f"concat = {decimals}")
    concat = trace.find("concat").matrices["Z"]
    assert concat.exact is not None
    w_o = trace.find("params").matrices["W_O"].values
    np.testing.assert_allclose(trace.find("output").matrices["O"].values, concat.values @ w_o, atol=1e-12)
    assert not np.allclose(concat.values @ w_o, concat.exact @ w_o)  # the rounding does change the output


@given(st.integers(min_value=0, max_value=2))
@example(0)
def test_scaling_reads_the_rounded_scores(decimals: int) -> None:
    """Mutation: the scaled stage divides the unrounded scores."""
    trace = two_heads(f"scores = {decimals}")
    for h in (1, 2):
        scores = trace.find("scores", h).matrices["S"]
        scaled = trace.find("scaled", h).matrices["S"].values
        np.testing.assert_allclose(scaled, scores.values / np.sqrt(2), atol=1e-12)
        assert scores.exact is not None


def test_sqrt_sequence_length_counts_the_keys() -> None:
    """Mutation: √(sequence length) counting the queries instead of the keys (cross-attention)."""
    text = """
title = "cross, scaled by the number of keys"
tokens = ["q1", "q2"]
memory_tokens = ["k1", "k2", "k3", "k4", "k5"]
heads = 1
scale = "sqrt_seq_len"
[input]
X = [[1.0, 0.0], [0.0, 2.0]]
memory = [[1.0, 1.0], [2.0, 0.0], [0.0, 3.0], [1.0, -1.0], [0.5, 0.5]]
[weights]
W_Q = [[1.0, 0.0], [0.0, 1.0]]
W_K = [[1.0, 0.0], [0.0, 1.0]]
W_V = [[1.0, 0.0], [0.0, 1.0]]
"""
    trace = run(parse_scenario(text, origin="t.toml", name="t"))
    assert trace.info.scale_divisor == pytest.approx(np.sqrt(5))
    raw = trace.find("scores", 1).matrices["S"].values
    np.testing.assert_allclose(trace.find("scaled", 1).matrices["S"].values, raw / np.sqrt(5))


# ------------------------------------------------------------------------------ numbers shown


def test_no_negative_zero_is_printed() -> None:
    """Mutation: '-0.0000' printed for a tiny negative number."""
    assert fmt(-1e-7, 4) == "0.0000"
    assert fmt(-0.00004, 4) == "0.0000"
    assert fmt(-0.00005, 4) == "−0.0001"


def test_tiny_values_are_not_printed_as_zero() -> None:
    """Mutation: tiny but non-zero numbers in the arithmetic shown as 0."""
    assert num(1.47e-10, 4) == "1.47e−10"
    assert num(-3e-6, 4) == "−3.00e−06"
    assert num(0.0, 4) == "0"


@pytest.mark.parametrize(
    ("w", "bg", "black", "bold"),
    [
        (0.05, None, False, False),
        (0.2, "grey23", False, False),
        (0.4, "grey35", False, False),
        (0.6, "dark_cyan", True, True),
        (0.8, "cyan3", True, True),
        (1.0, "bright_cyan", True, True),
    ],
)
def test_shading_levels(w: float, bg: str | None, black: bool, bold: bool) -> None:
    """Mutation: the shading levels of attention weights shifted."""
    style = _weight_style(w)
    assert (style.bgcolor.name if style.bgcolor else None) == bg
    assert (style.color is not None and style.color.name == "black") == black
    assert bool(style.bold) == bold


def test_only_softmax_tables_are_shaded() -> None:
    trace = two_heads()
    a = trace.find("softmax", 1).matrices["A"]
    shaded = matrix_table(trace, "A", a, View(), shade=True).table()
    plain = matrix_table(trace, "A", a, View(), shade=False).table()
    assert any(str(c.style) for col in shaded.columns for c in col.cells if hasattr(c, "style"))
    assert not any(str(c.style) for col in plain.columns[1:] for c in col.cells if hasattr(c, "style"))


# ------------------------------------------------------------------------- head columns


def test_latex_split_columns() -> None:
    """Mutation: the LaTeX of the split stage off by one column."""
    trace = two_heads()
    tex = latex_formula(trace, trace.find("split", 2))
    assert r"columns } 3 \text{ to } 4" in tex
    assert r"columns } 3 \text{ to } 4 \text{ of } V" in tex
    assert r"columns } 1 \text{ to } 2" in latex_formula(trace, trace.find("split", 1))


def test_explain_split_names_the_source_column() -> None:
    """Mutation: explain's split source column off by one."""
    trace = two_heads()
    proj = trace.find("projections").matrices["Q"].values
    for j in (1, 2):
        ex = explain_cell(trace, "split", "b", str(j), head=2)
        assert f"= Q[b, {2 + j}]" in ex.lines[0]
        assert ex.value == proj[1, 2 + j - 1]


def test_head_filter_drops_the_other_heads() -> None:
    """Mutation: `--head` keeping other heads' stages."""
    trace = two_heads()
    kept = [trace.stages[i] for i in select(trace, (), 2)]
    assert all(s.head in (None, 2) for s in kept)
    assert any(s.head == 2 for s in kept) and any(s.head is None for s in kept)
    only = [trace.stages[i] for i in select(trace, ("softmax",), 1)]
    assert [(s.id, s.head) for s in only] == [("softmax", 1)]


@pytest.mark.parametrize("seed", range(8))
def test_quiz_projection_column_belongs_to_the_round_head(seed: int) -> None:
    """Mutation: the quiz's projection question ignoring the round's head."""
    trace = two_heads()
    questions = choose_questions(trace, ("projections", "scores"), 6, seed)
    proj = [q for q in questions if q.stage == "projections"]
    scores = [q for q in questions if q.stage == "scores"]
    assert len(proj) == len(scores) == 3
    for p, s in zip(proj, scores, strict=True):
        assert s.head is not None and p.col // trace.info.d_k + 1 == s.head


# ------------------------------------------------------------------------- JSON and words


def test_from_dict_keeps_every_axis() -> None:
    """Mutation: from_dict swapping row and column axes."""
    trace = run(load_scenario("cross_attention"))
    back = from_dict(to_dict(trace))
    for a, b in zip(trace.stages, back.stages, strict=True):
        for name, m in a.matrices.items():
            assert (b.matrices[name].rows, b.matrices[name].cols) == (m.rows, m.cols), (a.id, name)
    assert back.find("softmax", 1).matrices["A"].rows == "tokens"
    assert back.find("softmax", 1).matrices["A"].cols == "keys"


def test_narration_quotes_the_memory_width() -> None:
    """Mutation: the params narration using d_model for the width of the memory rows."""
    text = """
title = "memory wider than X"
tokens = ["q1", "q2"]
memory_tokens = ["k1", "k2", "k3"]
heads = 1
[input]
X = [[1.0, 0.0], [0.0, 1.0]]
memory = [[1.0, 0.0, 2.0, 1.0], [0.0, 1.0, 0.0, 1.0], [1.0, 1.0, 1.0, 0.0]]
[weights]
W_Q = [[1.0, 0.0], [0.0, 1.0]]
W_K = [[1.0, 0.0], [0.0, 1.0], [1.0, 0.0], [0.0, 1.0]]
W_V = [[1.0, 0.0], [0.0, 1.0], [1.0, 0.0], [0.0, 1.0]]
"""
    trace = run(parse_scenario(text, origin="t.toml", name="t"))
    notes = " ".join(t for _, t in stage_notes(trace, trace.find("params"), "en"))
    assert "(4 numbers each)" in notes and "d_model = 2 numbers" in notes


def test_records_are_read_only() -> None:
    """Stage mappings, scenario rounding and every array a renderer sees cannot be changed."""
    trace = run(load_scenario("acting_machines"))
    stage = trace.find("softmax", 1)
    with pytest.raises(TypeError):
        stage.matrices["A"] = stage.matrices["A"]  # type: ignore[index]
    with pytest.raises(ValueError, match="read-only"):
        stage.matrices["A"].values[0, 0] = 0.0
    with pytest.raises(ValueError, match="read-only"):
        stage.aux["exp"][0, 0] = 0.0
    scn = load_scenario("acting_machines")
    with pytest.raises(TypeError):
        scn.rounding["scaled"] = 2  # type: ignore[index]
    for cp in scn.expected:
        assert not cp.value.flags.writeable


@given(st.lists(st.floats(min_value=-1e6, max_value=1e6), min_size=1, max_size=20), st.integers(0, 6))
@example([0.125, 2.0], 2)
@example([1e-9, 1.0], 4)
def test_all_shown_exactly_agrees_with_one_at_a_time(xs: list[float], p: int) -> None:
    """The vectorised check of long sums says what the per-number check says."""
    from mhsa_tutor.core.numbers import all_shown_exactly, is_shown_exactly

    assert all_shown_exactly(np.array(xs), p) == all(is_shown_exactly(x, p) for x in xs)
