"""explain: the arithmetic of one cell, checked against numbers computed here from the scenario."""

from __future__ import annotations

import math

import numpy as np
import pytest

from mhsa_tutor.core.engine import run
from mhsa_tutor.core.errors import OptionError
from mhsa_tutor.core.numbers import num
from mhsa_tutor.io.loader import load_scenario
from mhsa_tutor.teach.explain import explain_cell
from tests.conftest import Invoke


def _terms(a: np.ndarray, b: np.ndarray) -> str:
    return " + ".join(f"{num(x)}×{num(y) if y >= 0 else '(' + num(y) + ')'}" for x, y in zip(a, b, strict=True))


def test_projection_term_by_term() -> None:
    scn = load_scenario("i_am_a_student")
    ex = explain_cell(run(scn), "projections", "I", "2", matrix="K")
    assert scn.X is not None and scn.W_K is not None
    expected = float(scn.X[0] @ scn.W_K[:, 1])
    assert ex.lines[1] == "= " + _terms(scn.X[0], scn.W_K[:, 1])
    assert ex.lines[1] == "= 1×0 + 1×0 + 1×0 + 1×0"
    assert ex.lines[-1] == f"= {num(expected)}"
    assert ex.value == expected


def test_score_is_dot_of_head_slices() -> None:
    scn = load_scenario("by_hand")
    assert scn.X is not None and scn.W_Q is not None and scn.W_K is not None
    q = (scn.X @ scn.W_Q)[2, 2:4]  # head 2 = columns 3-4
    k = (scn.X @ scn.W_K)[1, 2:4]
    ex = explain_cell(run(scn), "scores", "hand", "love", head=2)
    assert ex.lines[1] == "= " + _terms(q, k)
    assert ex.value == pytest.approx(float(q @ k))


def test_scaled_shows_divisor_and_rounding() -> None:
    scn = load_scenario("acting_machines")
    ex = explain_cell(run(scn), "scaled", "Machines", "Acting")
    raw = 10.0  # q_Machines · k_Acting = 2×1 + 0×3 + 2×4
    assert ex.lines[0] == f"S₁[Machines, Acting] / √d_k = 10 / √3, √3 ≈ {num(math.sqrt(3))}"
    assert ex.lines[1] == f"≈ {num(raw / math.sqrt(3))}"
    assert ex.value == 5.8 and ex.exact == pytest.approx(raw / math.sqrt(3))
    assert "5.8" in ex.lines[-1] and num(raw / math.sqrt(3), 6) in ex.lines[-1]


def test_scaled_by_sequence_length() -> None:
    ex = explain_cell(run(load_scenario("by_hand")), "scaled", "1", "1")
    assert "/ √T" in ex.lines[0] and "√4 = " in ex.lines[0] and "/ 2" in ex.lines[0]


def test_masked_says_why() -> None:
    trace = run(load_scenario("by_hand"))
    blocked = explain_cell(trace, "masked", "I", "love")
    kept = explain_cell(trace, "masked", "love", "I")
    assert blocked.lines[-1].endswith("= −∞") and "j > i" in blocked.lines[0]
    assert "j ≤ i" in kept.lines[0] and kept.value == trace.find("scaled", 1).matrices["S"].values[1, 0]


def test_softmax_writes_every_term_and_the_max_shift() -> None:
    scn = load_scenario("illustrated")
    assert scn.X is not None and scn.W_Q is not None and scn.W_K is not None
    s = (scn.X @ scn.W_Q)[2] @ (scn.X @ scn.W_K).T  # unscaled scores of x3
    ex = explain_cell(run(scn), "softmax", "x3", "x2")
    m = float(s.max())
    assert num(m) in ex.lines[0]
    for k, sk in enumerate(s):
        e = math.exp(sk - m)
        sign = "=" if sk == m else "≈"  # e^0 = 1 exactly; every other term is rounded
        line = f"   e^({num(sk)} − {num(m)}) {sign} {num(e, 6)}  [x{k + 1}]"
        assert line in ex.lines
    expected = math.exp(s[1] - m) / sum(math.exp(x - m) for x in s)
    assert ex.lines[-1] == f"≈ {num(expected)}"  # 0.8805…: rounded, so never "="


def test_softmax_with_minus_infinity_terms() -> None:
    ex = explain_cell(run(load_scenario("by_hand")), "softmax", "I", "I", head=2)
    assert any("e^(−∞ − 1) = 0" in line for line in ex.lines)
    assert ex.value == 1.0


def test_head_output_is_weighted_sum() -> None:
    trace = run(load_scenario("acting_machines"))
    ex = explain_cell(trace, "head_output", "Machines", "1")
    assert ex.lines[1] == "≈ 0.7685×1 + 0.2315×3"  # the weights shown are rounded
    assert ex.lines[-1] == "≈ 1.463"  # 0.76852…·1 + 0.23148…·3 = 1.46295…


def test_concat_names_its_head_and_column() -> None:
    trace = run(load_scenario("dog_ate_food"))
    ex = explain_cell(trace, "concat", "it", "3")
    assert "head 2" in ex.lines[0] and "column 1" in ex.lines[0]
    assert ex.value == trace.find("head_output", 2).matrices["Z"].values[5, 0]


def test_output_is_z_times_w_o_column() -> None:
    scn = load_scenario("dog_ate_food")
    trace = run(scn)
    z = trace.find("concat").matrices["Z"].values[5]
    assert scn.W_O is not None
    ex = explain_cell(trace, "output", "it", "4")
    assert ex.lines[1] == "≈ " + _terms(z, scn.W_O[:, 3])  # z is rounded to 4 decimals
    assert ex.value == pytest.approx(float(z @ scn.W_O[:, 3]))


@pytest.mark.parametrize(
    ("kwargs", "needle"),
    [
        ({"stage_id": "bogus", "row": "1", "col": "1"}, "expected one of: input"),
        ({"stage_id": "softmax", "row": "1", "col": "1", "head": 3}, "heads 1 to 2"),
        ({"stage_id": "softmax", "row": "9", "col": "1"}, "expected 1 to 4"),
        ({"stage_id": "softmax", "row": "Bob", "col": "1"}, "I, love, hand, maths"),
        ({"stage_id": "projections", "row": "1", "col": "1", "matrix": "W"}, "expected one of: Q, K, V"),
        ({"stage_id": "concat", "row": "1", "col": "1", "head": 2}, "per-head"),
    ],
)
def test_bad_cell_lists_valid_choices(kwargs: dict[str, object], needle: str) -> None:
    trace = run(load_scenario("by_hand"))
    with pytest.raises(OptionError, match=needle):
        explain_cell(trace, **kwargs)  # type: ignore[arg-type]


def test_cli_explain_and_its_errors(invoke: Invoke) -> None:
    ok = invoke(["explain", "i_am_a_student", "--stage", "scaled", "--row", "I", "--col", "I"])
    assert ok.exit_code == 0, ok.stderr
    assert "3 / √4 = 3 / 2" in ok.stdout and ok.stdout.rstrip().endswith("= 1.5")
    bad = invoke(["explain", "i_am_a_student", "--stage", "scaled", "--row", "you", "--col", "I"])
    assert bad.exit_code == 2
    assert bad.stderr.startswith("error: --row 'you' is not a token") and bad.stderr.count("\n") == 1
    assert "I, am, a, student" in bad.stderr


def test_display_rounds_half_up_with_one_minus_sign() -> None:
    from mhsa_tutor.core.numbers import eq, fmt, signed

    assert fmt(0.125, 2) == "0.13" and fmt(2.675, 2) == "2.68" and fmt(-0.125, 2) == "−0.13"
    assert num(0.125, 2) == "0.13" and fmt(float("-inf"), 2) == "−∞"
    assert eq(2.0, 4) == "= 2" and eq(math.sqrt(3), 4) == "≈ 1.7321" and signed(-2.0, 4) == "(−2)"


@pytest.mark.parametrize("precision", [0, 1, 2, 4, 6])
def test_explain_never_claims_false_equality(precision: int) -> None:
    from mhsa_tutor.io.loader import builtin_names
    from mhsa_tutor.teach.explain import example_cell

    for name in builtin_names():
        trace = run(load_scenario(name))
        for stage in trace.stages:
            cell = example_cell(trace, stage)
            if cell is None:
                continue
            m, r, c = cell
            ex = explain_cell(trace, stage.id, r, c, head=stage.head, matrix=m, precision=precision)
            last = next(line for line in reversed(ex.lines) if line.startswith(("= ", "≈ ")) or " = " in line)
            shown = ex.exact if ex.exact is not None else ex.value
            if last.startswith("= "):
                got = float(last[2:].replace("−", "-"))
                assert got == pytest.approx(shown, rel=1e-9, abs=1e-12), (name, stage.id, precision, ex.lines)
