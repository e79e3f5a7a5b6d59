"""Odd input found in review: each gets exit code 2 (or a clean answer), never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from mhsa_tutor.core.engine import run
from mhsa_tutor.core.errors import ScenarioError
from mhsa_tutor.io.loader import load_scenario
from mhsa_tutor.io.validate import parse_scenario
from mhsa_tutor.teach.explain import explain_cell
from mhsa_tutor.teach.quiz import parse_answer
from tests.conftest import Invoke


def _one_error_line(r: object) -> str:
    assert r.exit_code == 2, (r.stdout, r.stderr)  # type: ignore[attr-defined]
    err: str = r.stderr  # type: ignore[attr-defined]
    assert err.startswith("error: ") and err.count("\n") == 1 and "Traceback" not in err
    return err


@pytest.mark.parametrize(
    "args",
    [
        ["run", "random", "--seed", "-1"],
        ["quiz", "acting_machines", "--seed", "-1"],
        ["new", "x.toml", "--tokens", "a b", "--seed", "-1"],
        ["explain", "by_hand", "-s", "softmax", "-r", "²", "-c", "1"],
        ["explain", "by_hand", "-s", "softmax", "-r", "9" * 5000, "-c", "1"],
    ],
)
def test_bad_numbers_in_options(
    invoke: Invoke, args: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    _one_error_line(invoke(args))
    assert not (tmp_path / "x.toml").exists()


def test_output_name_too_long(invoke: Invoke, tmp_path: Path) -> None:
    err = _one_error_line(invoke(["export", "acting_machines", "-o", str(tmp_path / ("a" * 300 + ".md"))]))
    assert "cannot be written" in err
    assert list(tmp_path.iterdir()) == []


def test_bare_command_prints_help_once(invoke: Invoke) -> None:
    r = invoke([])
    assert r.exit_code == 0
    assert r.stdout.count("Usage:") == 1


def test_step_ignores_odd_digits(invoke: Invoke) -> None:
    r = invoke(["run", "acting_machines", "--step", "--brief"], input="²\n" + "9" * 4000 + "\nq\n")
    assert r.exit_code == 0 and "Traceback" not in r.stdout + r.stderr
    assert "Unknown key '²'" in r.stdout


@pytest.mark.parametrize("text", ["1e400", "1e999999999", "-1e400", "1_000", "inf", "nan"])
def test_quiz_answers_beyond_float_are_not_numbers(text: str) -> None:
    assert parse_answer(text) is None


def test_quiz_survives_huge_answer(invoke: Invoke) -> None:
    r = invoke(["quiz", "acting_machines", "--count", "1", "--seed", "1"], input="1e400\n10\n")
    assert r.exit_code == 0, r.stderr
    assert "is not a number" in r.stdout and r.stdout.rstrip().splitlines()[-1].startswith("score: ")


def test_scenario_too_big_is_refused_before_computing() -> None:
    n = 3000
    rows = ", ".join("[1, 2]" for _ in range(n))
    toks = ", ".join(f'"t{i}"' for i in range(n))
    text = f'title = "big"\ntokens = [{toks}]\nheads = 2\n[input]\nQ = [{rows}]\nK = [{rows}]\nV = [{rows}]\n'
    with pytest.raises(ScenarioError, match=r"big.toml: tokens has 3000 tokens.*at most 16,777,216"):
        parse_scenario(text, origin="big.toml", name="big")


def test_token_with_line_break_is_refused() -> None:
    text = 'title = "x"\ntokens = ["a\\nb"]\nheads = 1\n[input]\nQ = [[1]]\nK = [[1]]\nV = [[1]]\n'
    with pytest.raises(ScenarioError, match=r"x.toml: tokens\[1\] contains a line break"):
        parse_scenario(text, origin="x.toml", name="x")


def test_markdown_says_why_a_checkpoint_differs(invoke: Invoke) -> None:
    r = invoke(["export", "acting_machines", "--exact", "-o", "-"])
    assert r.exit_code == 0
    assert "0.7685 needs the scaled scores rounded to 1 decimal first" in r.stdout


def test_long_softmax_sum_is_elided_but_keeps_its_own_term() -> None:
    from mhsa_tutor.io.generate import RandomSpec

    spec = RandomSpec.from_options("random", tokens=40, d_model=4, heads=2, seed=0, mask=None, values="normal")
    assert spec is not None
    trace = run(spec.build())
    ex = explain_cell(trace, "softmax", "t20", "t10")
    terms = [line for line in ex.lines if line.startswith("   e^(")]
    assert len(terms) == 9 and terms[4].endswith("[t10]")
    assert sum(int(line.split()[1]) for line in ex.lines if line.startswith("   … ")) == 40 - 9


def test_masked_diagonal_is_always_visible() -> None:
    ex = explain_cell(run(load_scenario("by_hand")), "masked", "love", "love")
    assert "may always attend to itself" in ex.lines[0]
