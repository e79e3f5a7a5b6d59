"""``mhsa-tutor learn``: the course loop, its list, the mistake-book review and the reset.

Everything is read line by line through ``read_line`` (a terminal or a pipe),
so the course is scriptable: at a stage, Enter or ``n`` goes on, ``s`` skips
to the questions, ``q`` stops; a question takes a number (or a fraction) and
``q`` stops; between lessons Enter goes on and ``q`` stops. End of input
stops as ``q`` does. Progress is saved (``io.state_file``) when a lesson
starts, after every missed question and when a lesson ends, so a run that is
killed resumes at the lesson it was in, with every miss already in the book.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field, replace
from pathlib import Path

from rich.console import Console, RenderableType
from rich.text import Text

from mhsa_tutor.core.errors import OptionError
from mhsa_tutor.core.trace import Trace
from mhsa_tutor.io.state_file import load_state, save_state
from mhsa_tutor.strings import ui
from mhsa_tutor.teach.course import LESSONS, Lesson, Mistake, Progress, available, from_json, question, to_json
from mhsa_tutor.views.terminal.render import prose, render_stage
from mhsa_tutor.views.view import View, safe

ReadLine = Callable[[str], "str | None"]
PrintFn = Callable[[Console, RenderableType], None]
FILE = "progress.json"


def warn(text: str) -> None:
    """One line on stderr: ``warning: ...``, in the run's language (``support.error_line``'s Korean)."""
    from mhsa_tutor.cli.support import error_line

    with suppress(OSError, ValueError):
        print("warning: " + error_line(text).removeprefix("error: "), file=sys.stderr, flush=True)


@dataclass
class Course:
    """One ``learn`` session: the lessons of this build, the learner's progress, where it is kept."""

    console: Console
    read_line: ReadLine
    lang: str
    folder: Path
    print_fn: PrintFn
    progress: Progress = field(default_factory=Progress)
    writable: bool = True

    def __post_init__(self) -> None:
        from mhsa_tutor.io.loader import builtin_names

        self.lessons = available(LESSONS, builtin_names())
        self.t = ui(self.lang)
        loaded = load_state(self.folder, FILE, from_json, Progress())
        if loaded.warning:
            warn(loaded.warning)
        self.progress, self.writable = loaded.value, loaded.writable
        self._traces: dict[str, Trace] = {}

    # ------------------------------------------------------------------ state

    def save(self, progress: Progress) -> None:
        """Keep ``progress`` in memory and on disk (a failed write warns once, then stays quiet)."""
        self.progress = progress
        if not self.writable:
            return
        problem = save_state(self.folder, FILE, to_json(progress))
        if problem:
            warn(problem)
            self.writable = False

    def number(self, spec: str) -> int:
        """The 0-based index of a lesson named by its number (1-based) or its id.

        Raises:
            OptionError: neither.
        """
        ids = [lesson.id for lesson in self.lessons]
        text = spec.strip()
        if text.isascii() and text.isdigit() and 1 <= int(text) <= len(ids):
            return int(text) - 1
        if text in ids:
            return ids.index(text)
        raise OptionError(
            f"learn {spec!r}: there is no such lesson; expected a number from 1 to {len(ids)} or one of: "
            f"{', '.join(ids)}"
        )

    def current(self) -> int | None:
        """Where ``learn`` resumes: the current lesson, else the first not done; None when all are done."""
        ids = [lesson.id for lesson in self.lessons]
        if self.progress.current in ids:
            return ids.index(self.progress.current)
        rest = [k for k, i in enumerate(ids) if i not in self.progress.done]
        return rest[0] if rest else None

    def trace(self, name: str) -> Trace:
        from mhsa_tutor.core.engine import run
        from mhsa_tutor.io.loader import load_scenario

        if name not in self._traces:
            self._traces[name] = run(load_scenario(name))
        return self._traces[name]

    def say(self, text: str, style: str = "") -> None:
        self.console.print(prose(Text(safe(text), style=style)))

    # ------------------------------------------------------------------ lessons

    def run_from(self, k: int) -> int:
        """Lessons from ``k`` on, until the last, ``q`` or end of input. Returns the exit code."""
        while True:
            if not self.lesson(k):
                self.say(self.t["learn_stopped"].format(k=k + 1), "bold")
                return 0
            if k + 1 >= len(self.lessons):
                self.say(self.t["learn_course_done"], "bold green")
                if self.progress.book:
                    self.say(self.t["learn_book_waiting"].format(n=len(self.progress.book)))
                self.say(self.t["learn_after"])
                return 0
            k += 1
            nxt = self.lessons[k]
            line = self.read_line(self.t["learn_next_prompt"].format(k=k + 1, title=self._title(nxt)) + " ")
            if line is None or line.strip().lower() in ("q", "quit"):
                self.say(self.t["learn_stopped"].format(k=k + 1), "bold")
                return 0

    def _title(self, lesson: Lesson) -> str:
        return self.t[f"lesson_{lesson.id}_title"]

    def lesson(self, k: int) -> bool:
        """Lesson ``k``: its goal, its stages, its questions. False when the learner stopped."""
        from mhsa_tutor.cli.session import ask_twice
        from mhsa_tutor.io.loader import load_scenario
        from mhsa_tutor.teach.mistakes import Catalogue
        from mhsa_tutor.teach.stagepick import pick

        lesson = self.lessons[k]
        t = self.t
        self.save(self.progress.at(lesson.id))
        trace = self.trace(lesson.scenario)
        self.console.print()
        self.say(t["learn_lesson"].format(k=k + 1, n=len(self.lessons), title=self._title(lesson)), "bold")
        self.say(t["learn_goal"].format(goal=t[f"lesson_{lesson.id}_goal"]), "italic")
        tokens = " · ".join(trace.info.tokens)
        self.say(t["learn_scenario"].format(scenario=lesson.scenario, tokens=tokens), "dim")
        view = View(lang=self.lang, example=True)
        indices = pick(trace, lesson.stages)
        for j, index in enumerate(indices, start=1):
            self.console.print()
            self.print_fn(self.console, render_stage(trace, index, view))
            line = self.read_line(t["learn_walk_prompt"].format(k=j, n=len(indices)) + " ")
            key = None if line is None else line.strip().lower()
            if key is None or key in ("q", "quit"):
                return False
            if key == "s":
                break
        self.console.print()
        self.say(t["learn_questions"].format(n=len(lesson.asks)), "bold")
        catalogue = Catalogue(load_scenario(lesson.scenario), trace)
        right = 0
        for j, ask in enumerate(lesson.asks, start=1):
            outcome = ask_twice(
                trace, question(trace, ask), j, len(lesson.asks), self.console, self.read_line, self.lang, catalogue
            )
            if outcome is None:
                return False
            if outcome:
                right += 1
            else:
                self.save(self.progress.missed(Mistake(lesson.id, lesson.scenario, ask)))
                self.say(t["learn_missed"], "yellow")
        following = self.lessons[k + 1].id if k + 1 < len(self.lessons) else None
        self.save(self.progress.finish(lesson.id, following))
        self.console.print()
        self.say(t["learn_lesson_done"].format(k=k + 1, right=right, n=len(lesson.asks)), "bold green")
        return True

    # ------------------------------------------------------------------ list, review, reset

    def listing(self) -> None:
        """The lessons with ✓ (done), ▶ (current) and ✗N (cells missed)."""
        t = self.t
        self.say(t["learn_list_title"], "bold")
        here = self.current()
        for k, lesson in enumerate(self.lessons):
            mark = "▶" if k == here else "✓" if lesson.id in self.progress.done else " "
            missed = self.progress.misses.get(lesson.id, 0)
            miss = f"  ✗{missed}" if missed else ""
            style = "bold" if k == here else ""
            self.console.print(
                Text(f" {mark} {k + 1:>2}  {self._title(lesson)}  ({lesson.scenario}){miss}", style=style)
            )
        self.say(t["learn_list_hint"], "dim")
        self.say(t["learn_state"].format(path=self.folder / FILE), "dim")

    def review(self) -> int:
        """Ask every cell of the mistake book again; a right answer takes it out."""
        from mhsa_tutor.cli.session import ask_twice
        from mhsa_tutor.io.loader import builtin_names, load_scenario
        from mhsa_tutor.teach.mistakes import Catalogue

        t = self.t
        book = [m for m in self.progress.book if m.scenario in builtin_names()]
        if not book:
            self.say(t["learn_review_none"])
            return 0
        self.say(t["learn_review_title"].format(n=len(book)), "bold")
        right = 0
        for j, mistake in enumerate(book, start=1):
            trace = self.trace(mistake.scenario)
            try:
                q = question(trace, mistake.ask)
            except (KeyError, IndexError):  # a cell this build no longer has: out of the book
                self.save(self.progress.learned(mistake))
                continue
            catalogue = Catalogue(load_scenario(mistake.scenario), trace)
            outcome = ask_twice(trace, q, j, len(book), self.console, self.read_line, self.lang, catalogue)
            if outcome is None:
                break
            if outcome:
                right += 1
                self.save(self.progress.learned(mistake))
        self.console.print()
        self.say(t["learn_review_done"].format(right=right, n=len(book), left=len(self.progress.book)), "bold")
        return 0

    def reset(self, ask: bool) -> int:
        """Start over (after a yes when ``ask``)."""
        t = self.t
        if ask:
            line = self.read_line(
                t["learn_reset_ask"].format(done=len(self.progress.done), book=len(self.progress.book)) + " "
            )
            if line is None or line.strip().lower() not in ("y", "yes", "예", "네", "ㅇ"):
                self.say(t["learn_reset_kept"])
                return 0
        self.save(replace(Progress(), misses={}))  # not over a file that could be neither read nor kept aside
        self.say(t["learn_reset_done"], "bold")
        return 0


def learn_command(lesson: str | None, list_: bool, review: bool, reset: bool, lang: str | None) -> int:
    """``mhsa-tutor learn [N] [--list | --review | --reset] [--lang]``: the exit code.

    The language is ``--lang``, else ``$MHSA_TUTOR_LANG``, else English. Bad
    options exit 2 with one ``error:`` line (``support.errors``).
    """
    import os

    from mhsa_tutor.cli.support import choice, errors, make_console, print_fit, read_line
    from mhsa_tutor.io.state_file import state_dir
    from mhsa_tutor.strings import LANGS

    console = make_console()
    with errors():
        lang = lang or os.environ.get("MHSA_TUTOR_LANG") or "en"
        choice(lang, LANGS, "lang")
        if sum((list_, review, reset, lesson is not None)) > 1:
            raise OptionError("learn: expected at most one of N, --list, --review and --reset")
        course = Course(console, read_line, lang, state_dir(), print_fit)
        if list_:
            course.listing()
            return 0
        if reset:
            return course.reset(ask=sys.stdin is not None and sys.stdin.isatty())
        if review:
            return course.review()
        start = course.number(lesson) if lesson is not None else course.current()
        if start is None:  # every lesson done
            course.say(course.t["learn_course_done"], "bold green")
            course.listing()
            return 0
        try:
            return course.run_from(start)
        except KeyboardInterrupt:
            console.print()
            return 130
    return 2  # pragma: no cover - errors() exits
