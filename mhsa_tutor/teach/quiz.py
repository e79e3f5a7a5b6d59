"""The quiz's logic: which cells to ask, what to show, whether an answer is right. No I/O.

* ``choose_questions`` picks cells of the askable stages (``ASKABLE``), in the
  order a person meets them. Each round follows one path through the maths:
  one head h, one query row i, one key column j, one value column c, so the
  scaled question is the same cell as the score question, the softmax weight
  the same cell again, and so on. The same seed gives the same questions.
* ``givens`` lists the inputs a question needs (the two vectors, the row of
  scores…) from the trace, never the answer; ``parse_answer`` and
  ``is_right`` check an answer: right when within half a unit of the last
  decimal typed (``0.77`` accepts ``0.765 … 0.775``) but never looser than 5 %
  of the value or 0.005 (so ``0`` is not right for 0.47), or within an explicit
  tolerance; more digits never cost a mark (half a unit of the displayed
  precision, ``PRECISION``, or finer is right); for a stage the scenario
  rounds by hand, the exact value counts too.
* ``diagnose`` compares a wrong answer with what the common mistakes give on
  this scenario (``mistakes.Catalogue``: the engine run on variants of the
  scenario, or NumPy on the trace's arrays) and names the one it matches,
  with its fix and this scenario's numbers.
* the interactive loop that asks them is ``session.run_quiz``.

Every sentence comes from ``strings``; token names go through ``safe``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import numpy as np

from mhsa_tutor.core.errors import OptionError
from mhsa_tutor.core.limits import MAX_COUNT, check_count
from mhsa_tutor.core.reads import head_columns, per_head
from mhsa_tutor.core.stages import ASKABLE_STAGES
from mhsa_tutor.core.trace import Trace
from mhsa_tutor.teach.mistakes import Catalogue, Cell, Slip
from mhsa_tutor.teach.quiz_inference import ASKABLE_INFERENCE, cell_for

ReadLine = Callable[[str], "str | None"]

#: Stages with a number to compute, in the order a person meets them (the stage table's ``askable``).
ASKABLE: tuple[str, ...] = ASKABLE_STAGES
PRECISION = 4  # decimals of the numbers shown in the givens and answers


@dataclass(frozen=True)
class Question:
    """One cell to compute: ``row`` / ``col`` are 0-based; ``value`` is the trace's.

    ``exact`` is the unrounded value when the scenario rounds the stage by hand.
    """

    stage: str
    head: int | None
    matrix: str
    row: int
    col: int
    value: float
    exact: float | None = None


@dataclass(frozen=True)
class Answer:
    """A number the learner typed (``text``, as typed) and the tolerance its decimals imply."""

    value: float
    tolerance: float
    text: str = ""


@dataclass(frozen=True)
class Outcome:
    """One answered question."""

    question: Question
    answer: Answer
    right: bool


# ---------------------------------------------------------------------- questions


def askable_stages(trace: Trace) -> tuple[str, ...]:
    """The askable stage ids this trace has, in order: those with at least one number to compute.

    A stage whose every value is NaN (every key of every query blocked: all padding) has no
    answer anyone could type, so it has no question.
    """
    present = {s.id for s in trace.stages if any(np.isfinite(m.values).any() for m in s.matrices.values())}
    return tuple(s for s in ASKABLE if s in present)


@dataclass(frozen=True)
class _Path:
    """The cells one round follows: head, query row, key row, column in the head, projection."""

    head: int
    row: int
    key: int
    col: int
    proj: str
    proj_col: int
    out_col: int


def _draw_path(trace: Trace, rng: np.random.Generator) -> _Path:
    info = trace.info
    T, Tk = len(info.tokens), len(info.key_tokens)
    row = int(rng.integers(T))
    # under a causal mask, a later key has weight 0: ask about one the query can see
    key = int(rng.integers(min(row + 1, Tk))) if info.mask == "causal" else int(rng.integers(Tk))
    if info.mask in ("sliding", "custom") or info.padding is not None:  # the keys each row can see
        seen = trace.find("masked", 1).matrices["S"].values != -np.inf  # (T, Tk)
        rows = np.flatnonzero(seen.any(axis=1))
        if rows.size:
            row = int(rows[int(rng.integers(rows.size))])
            keys = np.flatnonzero(seen[row])
            key = int(keys[int(rng.integers(keys.size))])
    proj = ("Q", "K", "V")[int(rng.integers(3))]
    width = info.d_v if proj == "V" else info.d_k
    out = trace.stages[-1].matrices.get("O")
    return _Path(
        head=int(rng.integers(info.heads)) + 1,
        row=row,
        key=key,
        col=int(rng.integers(info.d_v)),
        proj=proj,
        proj_col=int(rng.integers(width)),
        out_col=int(rng.integers(out.values.shape[1])) if out is not None else 0,
    )


def _paths(trace: Trace, n: int, rng: np.random.Generator) -> list[_Path]:
    """n rounds, avoiding repeats of (head, row, key) while the scenario has fresh ones."""
    info = trace.info
    distinct = info.heads * len(info.tokens) * len(info.key_tokens)
    out: list[_Path] = []
    seen: set[tuple[int, int, int]] = set()
    for _ in range(n):
        p = _draw_path(trace, rng)
        for _ in range(20):
            if (p.head, p.row, p.key) not in seen or len(seen) >= distinct:
                break
            p = _draw_path(trace, rng)
        seen.add((p.head, p.row, p.key))
        out.append(p)
    return out


def _positions_cell(trace: Trace, p: _Path) -> tuple[str, int, int]:
    """Sinusoidal: a cell of P (computed from its position); learned: of X + P."""
    info = trace.info
    return ("P" if info.positions == "sinusoidal" else "X"), p.row, (p.head - 1 + p.proj_col) % info.d_model


def _projections_cell(trace: Trace, p: _Path) -> tuple[str, int, int]:
    """A column of the path's head in Q, or of its key/value head in K and V (GQA: K, V have G heads' columns)."""
    info = trace.info
    width = info.d_v if p.proj == "V" else info.d_k
    block = p.head if p.proj == "Q" else info.kv_head(p.head)
    return p.proj, (p.row if p.proj == "Q" else p.key), head_columns(block, width)[0] - 1 + p.proj_col


def _rotary_cell(trace: Trace, p: _Path) -> tuple[str, int, int]:
    info = trace.info
    name = "Q" if p.proj == "Q" else "K"
    return name, (p.row if name == "Q" else p.key), p.proj_col % (info.rope_dims or info.d_k)  # a turned feature


def _concat_cell(trace: Trace, p: _Path) -> tuple[str, int, int]:
    info = trace.info
    return "Z", p.row, head_columns(p.head, info.d_v)[0] - 1 + p.col


def _inference_cell(stage_id: str) -> Callable[[Trace, _Path], tuple[str, int, int]]:
    """An inference stage's cell: it depends on the blocks and the cache, so ``cell_for`` reads the trace."""

    def cell(trace: Trace, p: _Path) -> tuple[str, int, int]:
        return cell_for(trace, stage_id, p.head, p.row, p.key, p.col, p.proj_col + "QKV".index(p.proj))

    return cell


#: Which cell of each askable stage a round asks, from its path: (matrix, row, col), 0-based.
CELL_OF_PATH: dict[str, Callable[[Trace, _Path], tuple[str, int, int]]] = {
    "positions": _positions_cell,
    "projections": _projections_cell,
    "rotary": _rotary_cell,
    "scores": lambda trace, p: ("S", p.row, p.key),
    "scaled": lambda trace, p: ("S", p.row, p.key),
    "bias": lambda trace, p: ("S", p.row, p.key),
    "softmax": lambda trace, p: ("A", p.row, p.key),
    "head_output": lambda trace, p: ("Z", p.row, p.col),
    "concat": _concat_cell,
    "output": lambda trace, p: ("O", p.row, p.out_col),
    # the inference stages: which cell depends on the blocks and the cache (never a −∞ or NaN one)
    **{sid: _inference_cell(sid) for sid in ASKABLE_INFERENCE},
}


def _question(trace: Trace, stage_id: str, p: _Path) -> Question:
    head = p.head if per_head(stage_id) else None
    stage = trace.find(stage_id, head)
    name, row, col = CELL_OF_PATH[stage_id](trace, p)
    m = stage.matrices[name]
    if not np.isfinite(m.values[row, col]):  # a row with every key blocked (NaN): ask the first cell that has a number
        finite = np.argwhere(np.isfinite(m.values))
        if finite.size:
            row, col = (int(x) for x in finite[0])
    exact = float(m.exact[row, col]) if m.exact is not None else None
    return Question(stage_id, head, name, row, col, float(m.values[row, col]), exact)


def choose_questions(
    trace: Trace, stages: Sequence[str] = (), count: int | None = None, seed: int = 0
) -> tuple[Question, ...]:
    """The questions of one quiz, in the order a person meets the stages.

    Args:
        trace: the run to ask about.
        stages: askable stage ids to keep (empty: all the trace has).
        count: how many questions (default: one per stage). Fewer than the
            stages picks stages spread evenly from the first to the last; more
            asks several cells of each, still in stage order.
        seed: the same seed gives the same questions.

    Raises:
        OptionError: a stage that is not askable in this trace, or count < 1.
    """
    have = askable_stages(trace)
    if not have:
        raise OptionError(
            f"has nothing to ask in {trace.info.name}: every value is NaN (every key is blocked)", "stage"
        )
    for sid in stages:
        if sid not in have:
            raise OptionError(
                f"{sid!r} has no question in {trace.info.name}; {_why_not(trace, sid)}"
                f"expected one of: {', '.join(have)}",
                "stage",
            )
    chosen = [s for s in have if not stages or s in stages]
    n = len(chosen) if count is None else count
    if n < 1:
        raise OptionError(f"{n} is out of range; expected 1 or more", "count")
    check_count("the question count", n, MAX_COUNT, "questions")
    K = len(chosen)
    if n >= K:  # every stage, each ⌊n/K⌋ or ⌈n/K⌉ times
        order = [chosen[k * K // n] for k in range(n)]
    else:  # n distinct stages spread from the first to the last
        order = [chosen[int(k * (K - 1) / (n - 1) + 0.5) if n > 1 else 0] for k in range(n)]
    rng = np.random.default_rng(seed)
    paths = _paths(trace, math.ceil(n / K), rng)
    out = []
    asked: dict[str, int] = {}  # questions so far per stage: linear, not order[:k].count(sid)
    for sid in order:
        out.append(_question(trace, sid, paths[asked.get(sid, 0)]))
        asked[sid] = asked.get(sid, 0) + 1
    return tuple(out)


def _why_not(trace: Trace, sid: str) -> str:
    """``"every value is NaN …; "`` when the stage exists but has no number to ask, else ``""``."""
    if sid in ASKABLE and any(s.id == sid for s in trace.stages):
        return "every value is NaN (every key of every query is blocked); "
    return ""


# ------------------------------------------------------------------------ answers


def parse_answer(text: str) -> Answer | None:
    """The number typed, with half a unit of its last decimal as tolerance; None if not a number.

    A fraction ``3/2`` (or ``-1/3``) is its exact value, with no tolerance of its
    own (``answer_tolerance`` still allows half a unit of the quiz's precision).

    ``0.77`` -> tolerance 0.005, ``3`` -> 0.5, ``1.5e-3`` -> 0.00005. A real
    minus sign (−) is accepted; infinities and NaN are not numbers here.
    """
    cleaned = text.strip().replace("−", "-").replace(" ", "")
    if cleaned.count("/") == 1:  # a fraction, 3/2: exact, so only the displayed precision's slack
        top, bottom = (parse_answer(part) for part in cleaned.split("/"))
        if top is None or bottom is None or bottom.value == 0:
            return None
        value = top.value / bottom.value
        return Answer(value, 0.0, cleaned) if math.isfinite(value) else None
    try:
        d = Decimal(cleaned)
    except InvalidOperation:
        return None
    if not d.is_finite() or not cleaned or "_" in cleaned:
        return None
    exponent = d.as_tuple().exponent
    assert isinstance(exponent, int)  # finite
    value = float(d)
    if not math.isfinite(value) or not -300 <= exponent <= 300:
        return None  # beyond float64: not an answer anyone computed by hand
    return Answer(value, 0.5 * 10.0**exponent, cleaned)


#: Without --tolerance, an answer must also be within 5 % of the value (or 0.005): half a unit of
#: a bare "0" is 0.5, which would pass 0.47 for a weight; two significant figures are asked for.
RELATIVE_CAP = 0.05
ABSOLUTE_FLOOR = 0.005


def is_right(question: Question, answer: Answer, tolerance: float | None = None) -> bool:
    """True when the answer is within tolerance of the trace's value (or of its exact value).

    The default tolerance is half a unit of the last decimal typed, capped at
    ``max(RELATIVE_CAP·|value|, ABSOLUTE_FLOOR)`` so that too few digits are not right.
    """
    tol = answer_tolerance(question, answer, tolerance)
    slack = 1e-9 * max(1.0, abs(question.value))  # binary cannot hold 0.765 exactly
    targets = [question.value] + ([question.exact] if question.exact is not None else [])
    return any(abs(answer.value - v) <= tol + slack for v in targets)


#: Half a unit of the precision the quiz shows: typing more digits than that is never wrong.
DISPLAYED = 0.5 * 10.0**-PRECISION


def answer_tolerance(question: Question, answer: Answer, tolerance: float | None = None) -> float:
    """How far from the value an answer may be: ``tolerance``, or the digits typed within the caps."""
    if tolerance is not None:
        return tolerance
    cap = max(RELATIVE_CAP * abs(question.value), ABSOLUTE_FLOOR)
    return min(max(answer.tolerance, DISPLAYED), cap)


def matching_slips(
    catalogue: Catalogue, question: Question, answer: Answer, tolerance: float | None = None
) -> list[Slip]:
    """Every mistake whose value the (wrong) answer matches and the right value does not, one per kind.

    The tolerance is the one the answer is marked with (``answer_tolerance``), so a mistake is named
    exactly when the answer would be marked right had the mistake been the computation.
    """
    tol = answer_tolerance(question, answer, tolerance)
    cell = Cell(question.stage, question.head, question.matrix, question.row, question.col)
    out: list[Slip] = []
    for slip in catalogue.slips(cell):
        slack = 1e-9 * max(1.0, abs(slip.value))
        fits = abs(answer.value - slip.value) <= tol + slack and abs(slip.value - question.value) > tol + slack
        if fits and all(s.kind != slip.kind for s in out):
            out.append(slip)
    return out


def matching_slip(
    catalogue: Catalogue, question: Question, answer: Answer, tolerance: float | None = None
) -> Slip | None:
    """The first mistake whose value the (wrong) answer matches, and that the right value does not."""
    tol = answer_tolerance(question, answer, tolerance)
    cell = Cell(question.stage, question.head, question.matrix, question.row, question.col)
    for slip in catalogue.slips(cell):
        slack = 1e-9 * max(1.0, abs(slip.value))
        if abs(answer.value - slip.value) <= tol + slack and abs(slip.value - question.value) > tol + slack:
            return slip
    return None
