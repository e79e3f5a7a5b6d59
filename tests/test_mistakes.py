"""The quiz names the mistake: each common mistake's value, from the engine on a variant, is named as that mistake."""

from __future__ import annotations

import io
import math
from collections import defaultdict
from dataclasses import replace

import numpy as np
import pytest
from rich.console import Console

from mhsa_tutor.cli.session import run_quiz
from mhsa_tutor.core.engine import run
from mhsa_tutor.core.scenario import Scenario
from mhsa_tutor.core.trace import Trace
from mhsa_tutor.io.generate import build_random
from mhsa_tutor.io.loader import builtin_names, load_scenario
from mhsa_tutor.io.variant_options import VariantOptions
from mhsa_tutor.teach.mistakes import CATALOGUE, Catalogue, Cell
from mhsa_tutor.teach.quiz import ASKABLE, Question, is_right, matching_slip, parse_answer
from mhsa_tutor.teach.quiz_text import diagnose
from tests.conftest import Invoke


def _scenarios() -> dict[str, Scenario]:
    out = {name: load_scenario(name) for name in builtin_names()}
    causal = build_random(4, 4, 2, seed=3, mask="causal")
    out["random_causal"] = causal
    out["random_causal_sqrt_t"] = replace(causal, scale="sqrt_seq_len")
    out["random_rounded"] = replace(build_random(3, 4, 2, seed=7), rounding={"scaled": 1})
    out["random_normal"] = build_random(5, 6, 3, seed=1, values="normal", mask="causal")
    biased = VariantOptions(bias_terms=True)  # projection biases: "no_bias" is named on these two
    out["random_biases"] = build_random(3, 4, 2, seed=2, variants=biased)
    out["random_biases_normal"] = build_random(4, 6, 3, seed=4, values="normal", mask="causal", variants=biased)
    decoding = VariantOptions(rope=True, kv_heads=2, decode=2)
    out["random_decode"] = build_random(5, 8, 4, seed=3, mask="causal", values="normal", variants=decoding)
    out["random_tiled"] = build_random(6, 4, 1, seed=5, values="normal", variants=VariantOptions(block=2))
    return out


SCENARIOS = _scenarios()


def _cells(trace: Trace) -> list[Question]:
    """Every askable cell of the trace, as a question."""
    out = []
    for s in trace.stages:
        if s.id not in ASKABLE:
            continue
        for name, m in s.matrices.items():
            rows, cols = m.values.shape
            for i in range(rows):
                for j in range(cols):
                    exact = float(m.exact[i, j]) if m.exact is not None else None
                    out.append(Question(s.id, s.head, name, i, j, float(m.values[i, j]), exact))
    return out


def _named() -> dict[str, set[str]]:
    """For each mistake, the scenarios on which a value it gives (typed to 4 decimals) is named as it."""
    named: dict[str, set[str]] = defaultdict(set)
    for name, scn in SCENARIOS.items():
        trace = run(scn)
        cat = Catalogue(scn, trace)
        for q in _cells(trace):
            if not np.isfinite(q.value):
                continue  # a row with every key blocked: the quiz never asks it (NaN)
            slips = cat.slips(Cell(q.stage, q.head, q.matrix, q.row, q.col))
            for slip in slips:
                if slip.kind in named and name in named[slip.kind]:
                    continue
                others = [s.value for s in slips if s.kind != slip.kind]
                if abs(slip.value - q.value) < 1e-3 or any(abs(slip.value - v) < 1e-3 for v in others):
                    continue  # not told apart from the right value or another mistake: nothing to test here
                answer = parse_answer(f"{slip.value:.4f}")
                assert answer is not None
                assert not is_right(q, answer)
                found = matching_slip(cat, q, answer)
                assert found is not None and found.kind == slip.kind, (name, q, slip, found)
                named[slip.kind].add(name)
    return named


NAMED = _named()


#: mistakes of one variant, each named on its built-in in tests/test_diagnosis.py
ONE_VARIANT = {"mask_after_renorm", "window_ignored", "padding_ignored", "wrong_kv_head", "rope_pairing"}


@pytest.mark.parametrize("kind", [k for k in CATALOGUE if k not in ONE_VARIANT])
def test_each_mistake_is_named_on_two_scenarios(kind: str) -> None:
    assert len(NAMED[kind]) >= 2, (kind, NAMED[kind])


def test_masking_after_the_softmax_and_renormalising_gives_the_right_weights() -> None:
    for name in ("by_hand", "random_causal", "random_normal"):
        scn = SCENARIOS[name]
        trace = run(scn)
        cat = Catalogue(scn, trace)
        seen = 0
        for q in _cells(trace):
            for slip in cat.slips(Cell(q.stage, q.head, q.matrix, q.row, q.col)):
                if slip.kind == "mask_after_renorm":
                    assert slip.value == pytest.approx(q.value, abs=1e-12)
                    seen += 1
        assert seen


def test_the_values_are_the_mistakes() -> None:
    """Each value checked against its definition, independently of the catalogue's code."""
    scn = SCENARIOS["random_causal"]
    trace = run(scn)
    cat = Catalogue(scn, trace)
    s = trace.find("scores", 1).matrices["S"].values
    dk = trace.info.d_k

    def slip(cell: Cell, kind: str) -> float:
        return next(x.value for x in cat.slips(cell) if x.kind == kind)

    assert slip(Cell("scaled", 1, "S", 2, 1), "unscaled") == s[2, 1]
    assert slip(Cell("scaled", 1, "S", 2, 1), "by_dk") == pytest.approx(s[2, 1] / dk)
    assert slip(Cell("scaled", 1, "S", 2, 1), "transposed") == pytest.approx(s[1, 2] / math.sqrt(dk))
    unscaled = run(replace(scn, scale="none")).find("softmax", 1).matrices["A"].values
    assert slip(Cell("softmax", 1, "A", 3, 0), "unscaled") == pytest.approx(unscaled[3, 0])
    sc = np.where(np.triu(np.ones((4, 4)), 1) > 0, -np.inf, s / math.sqrt(dk))
    cols = np.exp(sc) / np.exp(sc).sum(axis=0, keepdims=True)
    assert slip(Cell("softmax", 1, "A", 3, 0), "wrong_axis") == pytest.approx(cols[3, 0])
    full = np.exp(s / math.sqrt(dk)) / np.exp(s / math.sqrt(dk)).sum(axis=1, keepdims=True)
    assert slip(Cell("softmax", 1, "A", 2, 1), "no_mask") == pytest.approx(full[2, 1])  # the mask left out
    z = [trace.find("head_output", h).matrices["Z"].values for h in (1, 2)]
    assert slip(Cell("concat", None, "Z", 1, 3), "added") == pytest.approx(z[0][1, 1] + z[1][1, 1])
    assert slip(Cell("concat", None, "Z", 1, 3), "other_head") == pytest.approx(z[0][1, 1])
    concat = trace.find("concat").matrices["Z"].values
    assert slip(Cell("output", None, "O", 1, 2), "no_wo") == concat[1, 2]


def test_the_words_name_the_mistake_and_its_fix_with_this_scenarios_numbers() -> None:
    scn = SCENARIOS["dog_ate_food"]
    trace = run(scn)
    cat = Catalogue(scn, trace)
    raw = trace.find("scores", 1).matrices["S"].values
    i, j = map(int, np.argwhere(raw != 0)[0])
    q = Question("scaled", 1, "S", i, j, float(trace.find("scaled", 1).matrices["S"].values[i, j]))
    text = f"{raw[i, j]:g}"
    answer = parse_answer(text)
    assert answer is not None
    words = diagnose(trace, cat, q, answer, "en")
    assert words == f"Your {text} is the unscaled score q·k: divide it by √d_k = 1.4142."
    ko = diagnose(trace, cat, q, answer, "ko")
    assert ko is not None and "스케일링하기 전의 점수" in ko and "1.4142" in ko


def test_more_digits_never_cost_a_mark() -> None:
    q = Question("output", None, "O", 0, 0, 1.26894)
    for text in ("1.2689", "1.26890", "1.268900"):
        assert is_right(q, parse_answer(text)), text  # type: ignore[arg-type]
    two = Question("scores", 1, "S", 0, 0, 2.0)
    assert is_right(two, parse_answer("2.00001"))  # type: ignore[arg-type]
    assert not is_right(two, parse_answer("2.001"))  # type: ignore[arg-type]


def test_the_quiz_says_it(invoke: Invoke) -> None:
    scn = SCENARIOS["acting_machines"]
    trace = run(scn)
    q = Question("scaled", 1, "S", 1, 0, float(trace.find("scaled", 1).matrices["S"].values[1, 0]))
    raw = trace.find("scores", 1).matrices["S"].values[1, 0]
    out = io.StringIO()
    feed = iter([f"{raw:g}"])
    run_quiz(trace, (q,), Console(file=out, width=100), lambda _: next(feed, None), scenario=scn)
    assert f"Your {raw:g} is the unscaled score q·k: divide it by √d_k = 1.7321." in out.getvalue()


def _variant_scenarios() -> dict[str, Scenario]:
    from tests.variant_scenarios import named

    out = {n: s for n, s in SCENARIOS.items() if n in ("sliding_window", "alibi", "rope_by_hand", "padding_mask")}
    out |= {n: s for n, s in named().items() if n != "sin_pos"}  # positions alone keep the classic attention
    out["sliding_plain"] = build_random(5, 4, 2, seed=2, mask="sliding", variants=VariantOptions(window=2))
    return out


@pytest.mark.parametrize("name", list(_variant_scenarios()))
def test_classic_mistakes_are_not_offered_on_the_variants(name: str) -> None:
    """The NumPy mistakes are written for a causal or no mask, no RoPE, no ALiBi, no GQA: a sliding window,
    a custom or padding mask or any other variant would make them name a wrong value."""
    from mhsa_tutor.teach.mistakes import CLASSIC_ONLY

    scn = _variant_scenarios()[name]
    trace = run(scn)
    cat = Catalogue(scn, trace)
    for q in _cells(trace):
        kinds = {s.kind for s in cat.slips(Cell(q.stage, q.head, q.matrix, q.row, q.col))}
        assert not kinds & CLASSIC_ONLY, (name, q, kinds & CLASSIC_ONLY)
