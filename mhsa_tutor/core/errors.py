"""Domain errors. The CLI turns every TutorError into one line on stderr and exit code 2.

Nothing here prints or exits: a helper that hits bad input raises, and only the
CLI decides what the user sees. Library messages name fields and values, never
command-line flags: the CLI adds those (``OptionError.option``).
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence


def did_you_mean(word: str, options: Sequence[str], cutoff: float = 0.6) -> str:
    """``"did you mean mask? "`` for the closest option, or ``""``: the one hint every message uses."""
    same_case = [o for o in options if o.casefold() == word.casefold()]  # b_q means b_Q, not b_V
    close = same_case or difflib.get_close_matches(word, options, n=1, cutoff=cutoff)
    return f"did you mean {close[0]}? " if close else ""


class TutorError(Exception):
    """Any problem the user can fix: bad scenario, bad option, unwritable path."""


class ScenarioError(TutorError):
    """A scenario file (or built-in name) that cannot be used.

    ``str(err)`` is the whole user-facing line without the ``error:`` prefix:
    ``"<origin>: <field> <problem>"`` (``colon=False``: ``"'name' is not …"``,
    when the origin is the subject of the sentence).
    """

    def __init__(self, origin: str, message: str, field: str | None = None, *, colon: bool = True) -> None:
        self.origin = origin
        self.field = field
        self.message = message
        self.colon = colon
        where = f"{field} " if field else ""
        super().__init__(f"{origin}{':' if colon else ''} {where}{message}")


class OptionError(TutorError):
    """A choice that does not fit the scenario (bad stage, head, row...).

    ``option`` names the choice (``"row"``, ``"stage"``…) or is None;
    ``message`` says what is wrong with it. ``str(err)`` is
    ``"<option> <message>"``; the CLI shows ``--<option> <message>``.
    """

    def __init__(self, message: str, option: str | None = None) -> None:
        self.option = option
        self.message = message
        super().__init__(f"{option} {message}" if option else message)


class ExportError(TutorError):
    """The export target cannot be written (exists, missing folder, not writable)."""


class LimitError(TutorError):
    """A size over the tutor's resource budget (``mhsa_tutor.core.limits``); names the limit and the cost."""


class InputError(TutorError):
    """A line of interactive input that cannot be used (longer than the limit)."""
