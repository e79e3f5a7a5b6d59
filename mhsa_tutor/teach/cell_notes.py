"""The conditions of the sentences ``explain`` says about one cell, stated once and checked when said.

Narration has ``narration.CONDITIONS`` (one predicate per note, read from the
trace). The sentences of ``explain`` that describe a cell (why a mask blocks
or keeps it) have theirs here, keyed by their catalogue key: ``pick`` chooses
the first candidate whose condition holds for the cell, and ``say`` formats a
sentence only after checking its condition, so a sentence cannot be printed
where it is false (``say`` raises ``FalseNote``, a bug, never a user error).
``tests/test_notes_true.py`` explains every masked cell of every built-in and
of generated scenarios, so each condition is exercised.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

__all__ = ["CELL_CONDITIONS", "At", "FalseNote", "pick", "say"]


class FalseNote(AssertionError):
    """A sentence was about to be said where its condition is false: a bug in the caller."""


@dataclass(frozen=True)
class At:
    """What the mask sentences depend on: query ``i`` and key ``j`` (0-based), the window, who blocked it."""

    i: int
    j: int
    window: int = 0
    by_rule: bool = False
    by_padding: bool = False


#: catalogue key -> when the sentence is true of a cell
CELL_CONDITIONS: dict[str, Callable[[At], bool]] = {
    "ex_blocked": lambda a: a.j > a.i,  # "comes after: j > i, the causal mask blocks it"
    "ex_self": lambda a: a.i == a.j,
    "ex_kept": lambda a: a.j <= a.i,
    "ex_blocked_sliding": lambda a: a.j <= a.i - a.window,  # "W or more places before"
    "ex_blocked_sliding_future": lambda a: a.j > a.i,  # "after: the window only looks back"
    "ex_kept_sliding": lambda a: a.i - a.window < a.j <= a.i,
    "ex_blocked_custom": lambda a: a.by_rule,
    "ex_kept_custom": lambda a: not a.by_rule,
    "ex_blocked_padding": lambda a: a.by_padding,
}


def pick(keys: Sequence[str], at: At) -> str | None:
    """The first of ``keys`` whose condition holds at ``at``, or None."""
    return next((k for k in keys if CELL_CONDITIONS[k](at)), None)


def say(t: Mapping[str, str], key: str, at: At, **fields: object) -> str:
    """The sentence ``key`` of catalogue ``t`` filled with ``fields``, after checking it is true at ``at``.

    Raises:
        FalseNote: the sentence's condition does not hold for this cell.
    """
    if not CELL_CONDITIONS[key](at):
        raise FalseNote(f"{key} is false at row {at.i + 1}, column {at.j + 1}")
    return t[key].format(**fields)
