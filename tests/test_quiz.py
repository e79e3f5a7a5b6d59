"""quiz: questions from the trace, answers checked against an independent NumPy reference."""

from __future__ import annotations

import io
import math
from collections.abc import Callable

import numpy as np
import numpy.typing as npt
import pytest
from rich.console import Console

from mhsa_tutor.cli.session import run_quiz
from mhsa_tutor.core.engine import run
from mhsa_tutor.core.errors import OptionError
from mhsa_tutor.core.scenario import Scenario
from mhsa_tutor.core.trace import Trace
from mhsa_tutor.io.generate import build_random
from mhsa_tutor.io.loader import load_scenario
from mhsa_tutor.teach.quiz import (
    ASKABLE,
    Question,
    choose_questions,
    is_right,
    parse_answer,
)
from mhsa_tutor.teach.quiz_inference import ASKABLE_INFERENCE
from mhsa_tutor.teach.quiz_text import givens
from tests.conftest import Invoke

Array = npt.NDArray[np.float64]
PROMPT = "answer (q to stop) >"


# ----------------------------------------------------------------- the reference


def reference(scn: Scenario) -> dict[tuple[str, int | None, str], Array]:
    """Every askable matrix, computed here from the scenario's own matrices (no engine code)."""
    assert scn.X is not None and scn.W_Q is not None and scn.W_K is not None and scn.W_V is not None
    H, dk, dv = scn.heads, scn.d_k, scn.d_v
    Q, K, V = scn.X @ scn.W_Q, scn.X @ scn.W_K, scn.X @ scn.W_V
    out: dict[tuple[str, int | None, str], Array] = {
        ("projections", None, "Q"): Q,
        ("projections", None, "K"): K,
        ("projections", None, "V"): V,
    }
    heads = []
    T = len(scn.tokens)
    for h in range(H):
        q, k, v = Q[:, h * dk : (h + 1) * dk], K[:, h * dk : (h + 1) * dk], V[:, h * dv : (h + 1) * dv]
        s = np.array([[float(np.dot(q[i], k[j])) for j in range(T)] for i in range(T)])
        sc = s / math.sqrt(dk)
        future = np.triu(np.ones((T, T)), k=1) > 0  # j > i
        sc_m = np.where(future, -np.inf, sc) if scn.mask == "causal" else sc
        e = np.exp(sc_m - sc_m.max(axis=1, keepdims=True))
        a = e / e.sum(axis=1, keepdims=True)
        z = a @ v
        out[("scores", h + 1, "S")] = s
        out[("scaled", h + 1, "S")] = sc
        out[("softmax", h + 1, "A")] = a
        out[("head_output", h + 1, "Z")] = z
        heads.append(z)
    concat = np.hstack(heads)
    out[("concat", None, "Z")] = concat
    assert scn.W_O is not None
    out[("output", None, "O")] = concat @ scn.W_O
    return out


def answer_of(ref: dict[tuple[str, int | None, str], Array], q: Question) -> float:
    return float(ref[(q.stage, q.head, q.matrix)][q.row, q.col])


# ------------------------------------------------------------------ the harness


def _feed(lines: list[str]) -> tuple[Callable[[str], str | None], list[str]]:
    prompts: list[str] = []
    it = iter(lines)

    def read_line(prompt: str) -> str | None:
        prompts.append(prompt)
        return next(it, None)

    return read_line, prompts


def _quiz(trace: Trace, questions: tuple[Question, ...], lines: list[str], **kw: object) -> tuple[int, str, list[str]]:
    out = io.StringIO()
    console = Console(file=out, width=100, color_system=None)
    read_line, prompts = _feed(lines)
    code = run_quiz(trace, questions, console, read_line, **kw)  # type: ignore[arg-type]
    return code, out.getvalue(), prompts


@pytest.fixture
def small() -> tuple[Scenario, Trace]:
    scn = build_random(3, 4, 2, seed=5)
    return scn, run(scn)


# ---------------------------------------------------------------------- choosing


def test_one_question_per_stage_in_order(small: tuple[Scenario, Trace]) -> None:
    _, trace = small
    qs = choose_questions(trace, seed=1)
    assert [q.stage for q in qs] == [s for s in ASKABLE if s not in ("positions", "rotary", "bias", *ASKABLE_INFERENCE)]


def test_one_round_follows_one_path(small: tuple[Scenario, Trace]) -> None:
    _, trace = small
    for seed in range(10):
        qs = {q.stage: q for q in choose_questions(trace, seed=seed)}
        s, sc, a = qs["scores"], qs["scaled"], qs["softmax"]
        assert (s.head, s.row, s.col) == (sc.head, sc.row, sc.col) == (a.head, a.row, a.col)
        z, c = qs["head_output"], qs["concat"]
        assert z.row == c.row == s.row == qs["output"].row
        assert c.col == (z.head - 1) * trace.info.d_v + z.col  # type: ignore[operator]


def test_same_seed_same_questions(small: tuple[Scenario, Trace]) -> None:
    _, trace = small
    assert choose_questions(trace, count=12, seed=42) == choose_questions(trace, count=12, seed=42)
    others = {choose_questions(trace, count=12, seed=s) for s in range(8)}
    assert len(others) > 1


def test_count_and_stage_filter(small: tuple[Scenario, Trace]) -> None:
    _, trace = small
    few = choose_questions(trace, count=3, seed=0)
    assert [q.stage for q in few] == ["projections", "softmax", "output"]  # spread evenly, in order
    many = choose_questions(trace, count=16, seed=0)
    assert len(many) == 16
    order = [ASKABLE.index(q.stage) for q in many]
    assert order == sorted(order)
    only = choose_questions(trace, ["softmax", "scores"], count=4, seed=0)
    assert [q.stage for q in only] == ["scores", "scores", "softmax", "softmax"]
    assert len({(q.head, q.row, q.col) for q in only if q.stage == "softmax"}) == 2


def test_bad_stage_lists_the_askable_ones(small: tuple[Scenario, Trace]) -> None:
    _, trace = small
    with pytest.raises(OptionError, match="expected one of: projections, scores"):
        choose_questions(trace, ["masked"])
    with pytest.raises(OptionError):
        choose_questions(trace, ["nope"])


def test_causal_softmax_questions_ask_a_visible_key() -> None:
    trace = run(build_random(6, 4, 2, seed=1, mask="causal"))
    for seed in range(20):
        q = choose_questions(trace, ["softmax"], seed=seed)[0]
        assert q.col <= q.row and q.value > 0


def test_givens_show_inputs_not_the_answer(small: tuple[Scenario, Trace]) -> None:
    scn, trace = small
    qs = {q.stage: q for q in choose_questions(trace, seed=3)}
    q = qs["scores"]
    lines = givens(trace, q)
    assert lines[0].startswith(f"q_{scn.tokens[q.row]} = [") and lines[1].startswith(f"k_{scn.tokens[q.col]} = [")
    soft = givens(trace, qs["softmax"])
    assert (
        len(soft) == 1 and soft[0].startswith("S₁[") and " / √d_k = [" in soft[0]
    )  # the scaled scores, named as a formula
    assert len(givens(trace, qs["concat"])) == trace.info.heads


# ------------------------------------------------------------------------ answers


@pytest.mark.parametrize(
    ("text", "value", "tol"),
    [
        ("0.77", 0.77, 0.005),
        ("3", 3.0, 0.5),
        ("-1.50", -1.5, 0.005),
        ("−0.5", -0.5, 0.05),
        ("1.5e-3", 0.0015, 0.00005),
        (" 12 ", 12.0, 0.5),
    ],
)
def test_parse_answer(text: str, value: float, tol: float) -> None:
    a = parse_answer(text)
    assert a is not None
    assert a.value == pytest.approx(value) and a.tolerance == pytest.approx(tol)


@pytest.mark.parametrize("text", ["", "abc", "nan", "inf", "-Infinity", "1,5", "q", "0.7.7"])
def test_not_a_number(text: str) -> None:
    assert parse_answer(text) is None


def test_tolerance_is_half_a_unit_of_the_last_decimal() -> None:
    q = Question("softmax", 1, "A", 0, 0, 0.7685)
    assert is_right(q, parse_answer("0.77"))  # type: ignore[arg-type]
    assert is_right(q, parse_answer("0.7685"))  # type: ignore[arg-type]
    assert not is_right(q, parse_answer("0.76"))  # type: ignore[arg-type]
    assert not is_right(q, parse_answer("0.7680"))  # type: ignore[arg-type]
    edge = Question("softmax", 1, "A", 0, 0, 0.765)
    assert is_right(edge, parse_answer("0.77"))  # type: ignore[arg-type]
    assert not is_right(q, parse_answer("0.77"), tolerance=0.001)  # type: ignore[arg-type]
    assert is_right(q, parse_answer("0.7"), tolerance=0.1)  # type: ignore[arg-type]


def test_a_hand_rounded_stage_accepts_the_exact_value_too() -> None:
    trace = run(load_scenario("acting_machines"))
    q = next(q for q in choose_questions(trace, ["scaled"], count=4, seed=0) if q.exact is not None)
    assert q.exact is not None and q.value != q.exact
    assert is_right(q, parse_answer(f"{q.value:.1f}"))  # type: ignore[arg-type]
    assert is_right(q, parse_answer(f"{q.exact:.4f}"))  # type: ignore[arg-type]


# --------------------------------------------------------------------- the loop


def test_scripted_quiz_right_and_wrong(small: tuple[Scenario, Trace]) -> None:
    scn, trace = small
    ref = reference(scn)
    qs = choose_questions(trace, seed=7)
    wrong = {1, 3}  # 0-based positions answered wrongly
    lines = [f"{answer_of(ref, q) + 1.5:.4f}" if k in wrong else f"{answer_of(ref, q):.4f}" for k, q in enumerate(qs)]
    code, text, prompts = _quiz(trace, qs, lines, seed=7)
    assert code == 0
    assert len(prompts) == len(qs)
    assert text.count("✓ Right") == len(qs) - len(wrong)
    assert text.count("✗ Not quite") == len(wrong)
    assert "seed 7: --seed 7 asks these questions again." in text
    # after a wrong answer comes the explain arithmetic of that cell, ending with its value
    after = text.split("✗ Not quite")[1].split("Question")[0]
    assert "q_" in after and "·" in after  # scores: q · k written out term by term
    last = text.rstrip().splitlines()[-1]
    assert last == f"score: {len(qs) - len(wrong)}/{len(qs)}"
    revisit = next(line for line in text.splitlines() if line.startswith("Worth revisiting"))
    assert f"{qs[1].stage}, {qs[3].stage}." in revisit


def test_all_right_nothing_to_revisit(small: tuple[Scenario, Trace]) -> None:
    scn, trace = small
    ref = reference(scn)
    qs = choose_questions(trace, count=10, seed=2)
    code, text, _ = _quiz(trace, qs, [f"{answer_of(ref, q):.6f}" for q in qs])
    assert code == 0 and "Nothing to revisit" in text
    assert text.rstrip().endswith("score: 10/10")


def test_not_a_number_is_asked_again(small: tuple[Scenario, Trace]) -> None:
    scn, trace = small
    ref = reference(scn)
    qs = choose_questions(trace, count=1, seed=0)
    code, text, prompts = _quiz(trace, qs, ["abc", "", "1,5", f"{answer_of(ref, qs[0]):.4f}"])
    assert code == 0
    assert len(prompts) == 4
    assert text.count("is not a number") == 3
    assert text.rstrip().endswith("score: 1/1")


def test_q_ends_with_the_summary(small: tuple[Scenario, Trace]) -> None:
    scn, trace = small
    qs = choose_questions(trace, seed=0)
    code, text, prompts = _quiz(trace, qs, [f"{answer_of(reference(scn), qs[0]):.4f}", "q", "1"])
    assert code == 0 and len(prompts) == 2
    assert f"Stopped after 1 of {len(qs)} questions." in text
    assert text.rstrip().endswith("score: 1/1")


def test_end_of_input_ends_cleanly(small: tuple[Scenario, Trace]) -> None:
    _, trace = small
    qs = choose_questions(trace, seed=0)
    code, text, _ = _quiz(trace, qs, ["0"])
    assert code == 0
    assert "No question was answered" not in text
    assert text.rstrip().endswith("/1")
    code, text, _ = _quiz(trace, qs, [])
    assert code == 0 and "No question was answered." in text and text.rstrip().endswith("score: 0/0")


def test_ctrl_c_prints_the_summary_and_exits_130(small: tuple[Scenario, Trace]) -> None:
    _, trace = small
    qs = choose_questions(trace, seed=0)

    def interrupt(prompt: str) -> str | None:
        raise KeyboardInterrupt

    out = io.StringIO()
    code = run_quiz(trace, qs, Console(file=out, width=100, color_system=None), interrupt)
    assert code == 130 and out.getvalue().rstrip().endswith("score: 0/0")


def test_korean(small: tuple[Scenario, Trace]) -> None:
    _, trace = small
    qs = choose_questions(trace, count=2, seed=0)
    code, text, prompts = _quiz(trace, qs, ["0", "0"], lang="ko")
    assert code == 0 and "문제 1/2" in text and "요약" in text
    assert prompts[0].startswith("답 (q: 끝내기)")
    assert text.rstrip().splitlines()[-1].startswith("맞힌 문제: ")  # 점수 is the attention score (strings.terms)


# ------------------------------------------------------------------- the CLI


def _cli_answers(seed: int, wrong: set[int]) -> tuple[str, int]:
    """Piped input for `quiz random --seed S`: right answers except at ``wrong``."""
    scn = build_random(3, 4, 2, seed=seed)
    qs = choose_questions(run(scn), seed=seed)
    ref = reference(scn)
    lines = [f"{answer_of(ref, q) + (3 if k in wrong else 0):.4f}" for k, q in enumerate(qs)]
    return "\n".join(lines) + "\n", len(qs)


def test_cli_quiz_random_piped(invoke: Invoke) -> None:
    text, n = _cli_answers(11, {0})
    r = invoke(["quiz", "random", "--seed", "11"], input=text)
    assert r.exit_code == 0, r.stderr
    assert r.stdout.rstrip().splitlines()[-1] == f"score: {n - 1}/{n}"
    assert "Worth revisiting: projections." in r.stdout
    again = invoke(["quiz", "random", "--seed", "11"], input=text)
    assert again.stdout == r.stdout


def test_cli_quiz_builtin_end_of_input(invoke: Invoke) -> None:
    r = invoke(["quiz", "acting_machines", "--seed", "1", "--stage", "softmax"], input="")
    assert r.exit_code == 0, r.stderr
    assert r.stdout.rstrip().endswith("score: 0/0")


def test_cli_quiz_tolerance_and_count(invoke: Invoke) -> None:
    r = invoke(["quiz", "acting_machines", "--seed", "1", "--count", "2", "--tolerance", "1000"], input="0\n0\n")
    assert r.exit_code == 0, r.stderr
    assert "±1000" in r.stdout
    assert r.stdout.rstrip().endswith("score: 2/2")


def test_cli_quiz_bad_options(invoke: Invoke) -> None:
    for args in (["--stage", "masked"], ["--count", "0"], ["--tokens", "3"], ["--tolerance", "-1"]):
        r = invoke(["quiz", "acting_machines", *args], input="")
        assert r.exit_code == 2, args
        assert r.stderr.startswith("error: ") and r.stderr.count("\n") == 1


@pytest.mark.parametrize("name", ["acting_machines", "by_hand", "cross_attention", "dog_ate_food", "illustrated"])
def test_every_builtin_every_count(name: str) -> None:
    trace = run(load_scenario(name))
    stages = [s for s in ASKABLE if any(st.id == s for st in trace.stages)]
    for n in range(1, 16):
        qs = choose_questions(trace, count=n, seed=n)
        assert len(qs) == n
        order = [stages.index(q.stage) for q in qs]
        assert order == sorted(order)
        assert len(set(order)) == min(n, len(stages))
    qs = choose_questions(trace, count=2 * len(stages), seed=3)
    for lang in ("en", "ko"):  # every stage answered wrongly: every explain path runs
        code, text, _ = _quiz(trace, qs, ["12345"] * len(qs), lang=lang)
        score = "score" if lang == "en" else "맞힌 문제"
        assert code == 0 and text.rstrip().splitlines()[-1].startswith(f"{score}: 0/{len(qs)}")


def test_too_few_digits_are_not_right() -> None:
    """Half a unit of a bare "0" is 0.5; the 5 % cap keeps it from passing a weight of 0.47."""
    from mhsa_tutor.teach.quiz import Question, is_right, parse_answer

    weight = Question("softmax", 1, "A", 0, 1, 0.4683, None)
    zero, close, two_digits = parse_answer("0"), parse_answer("0.47"), parse_answer("0.5")
    assert zero is not None and close is not None and two_digits is not None
    assert not is_right(weight, zero)
    assert is_right(weight, close)
    assert not is_right(weight, two_digits)  # 0.5 is 6.8 % off
    tiny = Question("softmax", 1, "A", 0, 1, 0.0001, None)
    assert is_right(tiny, zero)  # within 0.005 of a tiny weight
    assert is_right(weight, zero, tolerance=0.5)  # an explicit --tolerance is taken as given


# ----------------------------------------------------------------- GQA / MQA (K and V have G heads' columns)


@pytest.mark.parametrize("kv_heads", [1, 2])
def test_gqa_questions_ask_real_cells_of_the_key_value_head(kv_heads: int) -> None:
    from mhsa_tutor.io.variant_options import VariantOptions

    scenarios = [load_scenario("grouped_query"), build_random(3, 8, 4, 2, variants=VariantOptions(kv_heads=kv_heads))]
    for scn in scenarios:
        trace = run(scn)
        for seed in range(40):
            for q in choose_questions(trace, seed=seed, count=2 * len(ASKABLE)):
                assert givens(trace, q)
                if q.stage == "projections" and q.matrix != "Q":
                    assert q.col < trace.find("projections").matrices[q.matrix].values.shape[1]


def test_quiz_on_grouped_query_ends_cleanly(invoke: Invoke) -> None:
    for seed in ("1", "2", "3"):
        result = invoke(["quiz", "grouped_query", "--seed", seed, "--count", "12"], input="q\n")
        assert result.exit_code == 0, result.output
        assert "Traceback" not in result.output
