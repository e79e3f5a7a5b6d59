"""The quiz's diagnosis: every matching mistake named, the standard named as the standard, the new classes."""

from __future__ import annotations

from functools import cache

import numpy as np
import pytest

from mhsa_tutor.core.engine import run
from mhsa_tutor.core.scenario import Scenario
from mhsa_tutor.core.trace import Trace
from mhsa_tutor.io.loader import builtin_names, load_scenario
from mhsa_tutor.strings import table
from mhsa_tutor.teach.mistakes import Catalogue, Cell
from mhsa_tutor.teach.quiz import ABSOLUTE_FLOOR, RELATIVE_CAP, Question, parse_answer
from mhsa_tutor.teach.quiz_text import diagnose


@cache
def _load(name: str) -> tuple[Scenario, Trace, Catalogue]:
    scn = load_scenario(name)
    trace = run(scn)
    return scn, trace, Catalogue(scn, trace)


def _question(trace: Trace, stage: str, head: int | None, matrix: str, row: int, col: int) -> Question:
    m = trace.find(stage, head).matrices[matrix]
    return Question(stage, head, matrix, row, col, float(m.values[row, col]), None)


def _telling(name: str, stage: str, matrix: str, kind: str) -> Cell:
    """The first cell of head 1 (a number the quiz may ask) where mistake ``kind`` gives another value."""
    _, trace, cat = _load(name)
    st = trace.find(stage, 1 if any(s.id == stage and s.head == 1 for s in trace.stages) else None)
    values = st.matrices[matrix].values
    for (i, j), v in np.ndenumerate(values):
        if not np.isfinite(v):
            continue
        cell = Cell(stage, st.head, matrix, i, j)
        if any(s.kind == kind and abs(s.value - v) > 1e-3 for s in cat.slips(cell)):
            return cell
    raise AssertionError((name, stage, kind, "no cell tells this mistake apart"))


def _say(name: str, cell: Cell, kind: str, lang: str = "en") -> str:
    _, trace, cat = _load(name)
    slip = next(s for s in cat.slips(cell) if s.kind == kind)
    q = _question(trace, cell.stage, cell.head, cell.matrix, cell.row, cell.col)
    answer = parse_answer(f"{slip.value:.6f}")
    assert answer is not None
    text = diagnose(trace, cat, q, answer, lang)
    assert text is not None
    return text


def test_illustrated_sqrt_dk_is_named_the_standard_not_the_sequence_length() -> None:
    text = _say("illustrated", Cell("softmax", 1, "A", 0, 1), "by_sqrt_dk")
    assert "standard" in text and "T = d_k = 3" in text
    assert "sequence length" not in text
    ko = _say("illustrated", Cell("softmax", 1, "A", 0, 1), "by_sqrt_dk", "ko")
    assert "T = d_k = 3이라" in ko and "(이)" not in ko  # the copula after a number read aloud (삼)


def test_by_hand_sqrt_dk_is_the_standard_not_a_slip() -> None:
    text = _say("by_hand", _telling("by_hand", "scaled", "S", "by_sqrt_dk"), "by_sqrt_dk")
    assert "standard" in text and "Vaswani" in text


def test_a_forgotten_mask_is_called_that() -> None:
    text = _say("by_hand", Cell("softmax", 1, "A", 0, 2), "no_mask")
    assert "leaves the mask out" in text and "before the mask" not in text


@pytest.mark.parametrize(
    ("name", "cell", "kind", "words"),
    [
        ("sliding_window", Cell("softmax", 1, "A", 3, 0), "window_ignored", "sliding window"),
        ("padding_mask", _telling("padding_mask", "softmax", "A", "padding_ignored"), "padding_ignored", "padding"),
        ("grouped_query", Cell("scores", 1, "S", 0, 1), "wrong_kv_head", "key/value head 2"),
        ("rope_by_hand", Cell("scores", 1, "S", 2, 0), "rope_pairing", "'interleaved' way"),
    ],
)
def test_new_mistake_classes(name: str, cell: Cell, kind: str, words: str) -> None:
    assert words in _say(name, cell, kind)
    assert _say(name, cell, kind, "ko")  # said in Korean too


def test_every_matching_mistake_is_named() -> None:
    """Somewhere two mistakes give the same number: the diagnosis names both."""
    found = 0
    for name in builtin_names():
        _, trace, cat = _load(name)
        for stage in trace.stages:
            if stage.id not in ("scaled", "softmax", "head_output") or stage.head != 1:
                continue
            m = next(iter(stage.matrices.values()))
            rows, cols = m.values.shape
            for i in range(min(rows, 3)):
                for j in range(min(cols, 3)):
                    name_m = next(iter(stage.matrices))
                    slips = cat.slips(Cell(stage.id, 1, name_m, i, j))
                    q = _question(trace, stage.id, 1, name_m, i, j)
                    for a in slips:
                        same = {b.kind for b in slips if abs(b.value - a.value) < 1e-9} - {"by_sqrt_t"}
                        if len(same) < 2 or abs(a.value - q.value) < 1e-3:
                            continue
                        answer = parse_answer(f"{a.value:.6f}")
                        assert answer is not None
                        text = diagnose(trace, cat, q, answer, "en")
                        assert text is not None and "more than one mistake" in text, (name, stage.id, same)
                        found += 1
    assert found > 0


def test_the_tolerance_rule_is_stated_as_applied() -> None:
    rule = table("en").ui["quiz_rule"]
    assert f"{RELATIVE_CAP:.0%}".replace("%", " %") in rule and f"{ABSOLUTE_FLOOR:g}" in rule
