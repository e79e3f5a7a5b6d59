"""The course behind ``mhsa-tutor learn``: lessons as data rows, and the learner's progress. No I/O.

A lesson is one row of ``LESSONS``: an id, a built-in scenario, the stages it
walks (``run --stage`` specs: ids or the numbers the headers show) and the
cells it asks (``Ask``). Its title and one-sentence goal are strings
(``lesson_<id>_title`` / ``lesson_<id>_goal`` in ``strings/en.py`` and
``strings/ko.py``), as every word the learner reads is. A row whose scenario
or stages are not (yet) in this build is left out of the course (``available``),
so a lesson for a feature another change adds can be written before it lands:
add the row, its two strings in both languages, and it appears once its
scenario does.

``Progress`` is the learner's state: lessons done, the current one, misses per
lesson and the mistake book (cells answered wrong twice). It converts to and
from a JSON-able dict (``to_json`` / ``from_json``, which raises ``ValueError``
on anything malformed); ``io.progress_file`` stores it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from mhsa_tutor.core.trace import Trace
from mhsa_tutor.teach.quiz import Question


@dataclass(frozen=True)
class Ask:
    """One cell a lesson asks: stage id, head (per-head stages), matrix, 0-based row and column."""

    stage: str
    head: int | None
    matrix: str
    row: int
    col: int


@dataclass(frozen=True)
class Lesson:
    """One lesson: ``id`` (stable: progress files name it), built-in ``scenario``, ``stages`` to walk, ``asks``."""

    id: str
    scenario: str
    stages: tuple[str, ...]
    asks: tuple[Ask, ...]


#: The course, in order: from the first dot product to the modern variants.
LESSONS: tuple[Lesson, ...] = (
    Lesson(
        "projections",
        "first_steps",
        ("input", "params", "projections"),
        (Ask("projections", None, "K", 1, 2), Ask("projections", None, "V", 2, 1)),
    ),
    Lesson(
        "scores",
        "first_steps",
        ("4", "5"),
        (Ask("scores", 1, "S", 1, 0), Ask("scores", 1, "S", 2, 1)),
    ),
    Lesson("scaling", "first_steps", ("6",), (Ask("scaled", 1, "S", 1, 1),)),
    Lesson("softmax", "first_steps", ("7",), (Ask("softmax", 1, "A", 1, 1), Ask("softmax", 1, "A", 0, 0))),
    Lesson("weighted_sum", "first_steps", ("8",), (Ask("head_output", 1, "Z", 1, 1),)),
    Lesson(
        "heads",
        "first_steps",
        ("9-13", "concat", "output"),
        (Ask("scores", 2, "S", 1, 0), Ask("concat", None, "Z", 0, 2), Ask("output", None, "O", 1, 3)),
    ),
    Lesson("causal", "by_hand", ("5-9",), (Ask("softmax", 1, "A", 1, 0),)),
    Lesson("positions", "sinusoidal_positions", ("positions", "projections"), (Ask("positions", None, "P", 1, 0),)),
    Lesson("rope", "rope_by_hand", ("rotary", "scores"), (Ask("scores", 1, "S", 2, 1),)),
    Lesson("alibi", "alibi", ("3-7",), (Ask("bias", 1, "S", 2, 0),)),
    Lesson("gqa", "grouped_query", ("split", "scores"), (Ask("scores", 2, "S", 2, 0),)),
    Lesson("sliding_window", "sliding_window", ("masked", "softmax"), (Ask("softmax", 1, "A", 3, 2),)),
    Lesson("padding", "padding_mask", ("masked", "softmax"), (Ask("softmax", 1, "A", 2, 1),)),
    # Placeholder, shown once its scenario lands (projection biases); then inference-time attention:
    Lesson("projection_bias", "projection_bias", ("params", "projections"), (Ask("projections", None, "Q", 0, 0),)),
    Lesson(
        "kv_cache",
        "kv_cache",
        ("decode_qkv", "kv_cache", "decode_scores", "decode_softmax", "decode_output"),
        (Ask("decode_qkv", 1, "q", 0, 0), Ask("decode_scores", 1, "S", 0, 1), Ask("decode_output", 1, "Z", 0, 0)),
    ),
    Lesson(
        "online_softmax",
        "online_softmax",
        ("online_softmax",),
        (Ask("online_softmax", 1, "r", 3, 1), Ask("online_softmax", 1, "l", 3, 1), Ask("online_softmax", 1, "Z", 4, 0)),
    ),
)


def available(lessons: Sequence[Lesson], builtins: Sequence[str]) -> tuple[Lesson, ...]:
    """The lessons whose scenario is a built-in of this build, in order."""
    have = set(builtins)
    return tuple(lesson for lesson in lessons if lesson.scenario in have)


def question(trace: Trace, ask: Ask) -> Question:
    """The quiz question for one asked cell, with the trace's value (and the exact one, if rounded by hand).

    Raises:
        KeyError / IndexError: the cell is not in the trace (a test checks every lesson's cells).
    """
    m = trace.find(ask.stage, ask.head).matrices[ask.matrix]
    value = float(m.values[ask.row, ask.col])
    exact = float(m.exact[ask.row, ask.col]) if m.exact is not None else None
    return Question(ask.stage, ask.head, ask.matrix, ask.row, ask.col, value, exact)


# ------------------------------------------------------------------------------------------------ progress


@dataclass(frozen=True)
class Mistake:
    """A cell in the mistake book: which lesson, which scenario, which cell."""

    lesson: str
    scenario: str
    ask: Ask


@dataclass(frozen=True)
class Progress:
    """The learner's state: ``done`` lesson ids, ``current`` lesson id, ``misses`` per lesson, the mistake book."""

    done: tuple[str, ...] = ()
    current: str | None = None
    misses: Mapping[str, int] = field(default_factory=dict)
    book: tuple[Mistake, ...] = ()

    def finish(self, lesson: str, following: str | None) -> Progress:
        """``lesson`` done; the current lesson becomes ``following`` (None: the course is over)."""
        done = self.done if lesson in self.done else (*self.done, lesson)
        return replace(self, done=done, current=following)

    def at(self, lesson: str) -> Progress:
        """The current lesson becomes ``lesson`` (a jump, or the start of one)."""
        return replace(self, current=lesson)

    def missed(self, mistake: Mistake) -> Progress:
        """One more miss in ``mistake.lesson``; the cell goes into the book (once)."""
        misses = dict(self.misses)
        misses[mistake.lesson] = misses.get(mistake.lesson, 0) + 1
        book = self.book if mistake in self.book else (*self.book, mistake)
        return replace(self, misses=misses, book=book)

    def learned(self, mistake: Mistake) -> Progress:
        """The cell answered right on review: out of the book."""
        return replace(self, book=tuple(m for m in self.book if m != mistake))


VERSION = 1


def to_json(p: Progress) -> dict[str, Any]:
    """The progress as a JSON-able dict (``version`` first)."""
    return {
        "version": VERSION,
        "done": list(p.done),
        "current": p.current,
        "misses": dict(p.misses),
        "mistakes": [
            {"lesson": m.lesson, "scenario": m.scenario, **vars(m.ask)}  # stage, head, matrix, row, col
            for m in p.book
        ],
    }


def from_json(data: object) -> Progress:
    """The progress a dict holds.

    Raises:
        ValueError: not a progress dict of this version, or a field of the wrong type.
    """
    if not isinstance(data, dict) or data.get("version") != VERSION:
        raise ValueError(f"expected a progress record of version {VERSION}")
    done, current, misses, mistakes = (data.get(k) for k in ("done", "current", "misses", "mistakes"))
    if not (isinstance(done, list) and all(isinstance(x, str) for x in done)):
        raise ValueError("done: expected a list of lesson ids")
    if current is not None and not isinstance(current, str):
        raise ValueError("current: expected a lesson id or null")
    if not (isinstance(misses, dict) and all(isinstance(v, int) and v >= 0 for v in misses.values())):
        raise ValueError("misses: expected counts by lesson id")
    if not isinstance(mistakes, list):
        raise ValueError("mistakes: expected a list")
    book = []
    for m in mistakes:
        if not isinstance(m, dict):
            raise ValueError("mistakes: expected records")
        try:
            ask = Ask(str(m["stage"]), m["head"], str(m["matrix"]), int(m["row"]), int(m["col"]))
            if ask.head is not None and not isinstance(ask.head, int):
                raise ValueError("head")
            book.append(Mistake(str(m["lesson"]), str(m["scenario"]), ask))
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"mistakes: a malformed record ({exc})") from None
    return Progress(tuple(done), current, {str(k): v for k, v in misses.items()}, tuple(book))
