"""The page's practice mode: questions on the cells of each stage, checked offline by the page.

Contract: ``practice(trace, view)`` returns, per stage index that has a number
to compute (``quiz.ASKABLE``), a few questions on shown cells. Every number the
page's check compares is computed here by the terminal quiz's own code and
embedded; the script only parses the typed number (half a unit of its last
decimal, as ``quiz.parse_answer``) and compares:

* right when ``|typed − v| ≤ tol + slack`` for ``v`` the value (or its exact
  value, when the scenario rounds by hand), where
  ``tol = min(max(half unit typed, lo), hi)``; ``lo`` and ``hi`` are
  ``quiz.answer_tolerance`` for the finest and the coarsest answer, so the
  result is ``quiz.is_right``'s;
* a wrong answer names the first mistake (``mistakes.Catalogue`` order) whose
  value it matches and the right value does not (``quiz.matching_slip``), with
  ``quiz_text.slip_sentence``'s words in each language; the typed text replaces
  ``GOT``, which stands for it.

A question is an object: ``m`` matrix, ``r`` / ``c`` row and column (1-based),
``v`` value, ``x`` exact value or null, ``lo`` / ``hi`` the tolerance's bounds,
``label`` the cell as the quiz names it, ``shown`` the value as the quiz shows
it, ``ask`` the question in words (ids per language), ``giv`` the givens (ids,
empty when too long) and ``slips``, each ``[value, kind, en ids × 2, ko ids × 2]``
(see ``GOT``);
text goes through the page's ``LinePool`` (ids of lines).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from mhsa_tutor.core.numbers import num
from mhsa_tutor.core.trace import Stage, Trace
from mhsa_tutor.strings.particles import resolve
from mhsa_tutor.teach.mistakes import Catalogue, Cell
from mhsa_tutor.teach.quiz import ASKABLE, PRECISION, Answer, Question, answer_tolerance
from mhsa_tutor.teach.quiz_text import ask_text, givens, label, slip_sentence
from mhsa_tutor.views.view import View, safe, shown_indices

#: Questions per stage (each head's stage has its own).
PER_STAGE = 3
#: Above this many numbers in the trace the page embeds no questions: naming mistakes runs the engine
#: on about ten variants of the scenario (at BERT-base size, ~20 million numbers, that is most of a
#: minute), and the terminal quiz asks the same questions one at a time.
PRACTICE_LIMIT = 1_000_000
#: Givens longer than this (a BERT-size row of 768 numbers) are left out: the page shows the matrices.
GIVENS_LIMIT = 400
LANGS = ("en", "ko")
#: Stands for the typed answer in a mistake's sentence (the page puts the typed text there). Each
#: sentence is written twice, with ``GOT`` followed by a digit whose reading ends in a consonant ("1",
#: 일) and by one whose reading ends in a vowel ("2", 이), so that a Korean particle after the answer
#: (``{got}은(는)``) is chosen by ``strings.particles``; the page takes the one that fits the last digit
#: typed (``consonant_digits``) and puts the typed text in place of ``GOT`` and the digit.
GOT = "⟦got⟧"
GOT_AFTER = ("1", "2")
Ids = Callable[[str], list[int]]


def _matrices(trace: Trace, stage: Stage) -> list[str]:
    """The matrices a question on this stage asks about (as the terminal quiz does)."""
    if stage.id == "positions":
        return ["P" if trace.info.positions == "sinusoidal" else "X"]
    if stage.id == "bias":
        return ["S"]
    return list(stage.matrices)


def _visible(trace: Trace, stage: Stage) -> np.ndarray | None:
    """Where a query sees its key (rows × keys), for the stages after the mask; None where all do."""
    if stage.id not in ("scores", "scaled", "bias", "softmax") or stage.head is None:
        return None
    try:
        return np.asarray(trace.find("masked", stage.head).matrices["S"].values != -np.inf)
    except KeyError:
        return None


def _cells(trace: Trace, stage: Stage, view: View, seed: int) -> list[tuple[str, int, int]]:
    """Up to ``PER_STAGE`` shown cells (0-based) of this stage, drawn with a fixed seed."""
    rng = np.random.default_rng(seed)
    names = _matrices(trace, stage)
    seen = _visible(trace, stage)
    out: list[tuple[str, int, int]] = []
    for k in range(PER_STAGE):
        name = names[k % len(names)]
        m = stage.matrices[name].values
        rows = [r for r in shown_indices(m.shape[0], view.full) if r is not None]
        cols = [c for c in shown_indices(m.shape[1], view.full) if c is not None]
        pairs = [(r, c) for r in rows for c in cols if (seen is None or seen[r, c]) and math.isfinite(m[r, c])]
        pairs = [p for p in pairs if (name, *p) not in out]
        if pairs:
            r, c = pairs[int(rng.integers(len(pairs)))]
            out.append((name, r, c))
    return out


def _question(trace: Trace, stage: Stage, name: str, r: int, c: int) -> Question:
    m = stage.matrices[name]
    exact = float(m.exact[r, c]) if m.exact is not None else None
    return Question(stage.id, stage.head, name, r, c, float(m.values[r, c]), exact)


def practice(trace: Trace, view: View, ids: Ids) -> dict[str, list[dict[str, object]]]:
    """The questions of every askable stage, keyed by stage index (see the module contract); none above
    ``PRACTICE_LIMIT`` numbers."""
    if practice_numbers(trace) > PRACTICE_LIMIT:
        return {}
    catalogue = Catalogue(trace.scenario, trace) if trace.scenario is not None else None
    out: dict[str, list[dict[str, object]]] = {}
    for i, stage in enumerate(trace.stages):
        if stage.id not in ASKABLE:
            continue
        qs: list[dict[str, object]] = []
        for name, r, c in _cells(trace, stage, view, seed=i):
            q = _question(trace, stage, name, r, c)
            lo = answer_tolerance(q, Answer(q.value, 0.0))
            hi = answer_tolerance(q, Answer(q.value, math.inf))
            prompt = [ids(safe(ask_text(trace, q, lg))) for lg in LANGS]
            lines = [safe(g) for g in givens(trace, q)]
            given = ids("\n".join(lines)) if lines and max(map(len, lines)) <= GIVENS_LIMIT else []
            slips: list[object] = []
            if catalogue is not None:
                for slip in catalogue.slips(Cell(q.stage, q.head, q.matrix, q.row, q.col)):
                    words = [
                        ids(safe(slip_sentence(trace, catalogue, q, slip, GOT + digit, lg)))
                        for lg in LANGS
                        for digit in GOT_AFTER
                    ]
                    slips.append([slip.value, slip.kind, *words])
            qs.append(
                {
                    "m": name,
                    "r": r + 1,
                    "c": c + 1,
                    "v": q.value,
                    "x": q.exact,
                    "lo": lo,
                    "hi": hi,
                    "label": safe(label(trace, q)),
                    "shown": num(q.value, PRECISION),
                    "ask": prompt,
                    "giv": given,
                    "slips": slips,
                }
            )
        if qs:
            out[str(i)] = qs
    return out


def practice_numbers(trace: Trace) -> int:
    """How many numbers the trace holds (what ``PRACTICE_LIMIT`` bounds)."""
    return sum(m.values.size for s in trace.stages for m in s.matrices.values())


def consonant_digits() -> str:
    """The digits whose Korean reading ends in a consonant (영, 일, 삼, 육, 칠, 팔): a number typed with
    one of them last takes 은, 이, 을 (a number ending in 0 is read with 십, 백, 천 or 만: a consonant too)."""
    return "".join(d for d in "0123456789" if resolve(f"{d}은(는)").endswith("은"))
