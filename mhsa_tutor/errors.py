"""Domain errors. The CLI turns every TutorError into one line on stderr and exit code 2.

Nothing here prints or exits: a helper that hits bad input raises, and only the
CLI decides what the user sees.
"""

from __future__ import annotations


class TutorError(Exception):
    """Any problem the user can fix: bad scenario, bad option, unwritable path."""


class ScenarioError(TutorError):
    """A scenario file (or built-in name) that cannot be used.

    ``str(err)`` is the whole user-facing line without the ``error:`` prefix:
    ``"<origin>: <field> <problem>"``.
    """

    def __init__(self, origin: str, message: str, field: str | None = None) -> None:
        self.origin = origin
        self.field = field
        self.message = message
        where = f"{field} " if field else ""
        super().__init__(f"{origin}: {where}{message}")


class OptionError(TutorError):
    """A command-line option that does not fit the scenario (bad stage, head, row...)."""


class ExportError(TutorError):
    """The export target cannot be written (exists, missing folder, not writable)."""


class LimitError(TutorError):
    """A size over the tutor's resource budget (``mhsa_tutor.limits``); names the limit and the cost."""


class InputError(TutorError):
    """A line of interactive input that cannot be used (longer than the limit)."""
