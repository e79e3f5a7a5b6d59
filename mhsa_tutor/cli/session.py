"""The interactive sessions: the ``--step`` walkthrough and the quiz loop.

Both take the console, an input function (``read_line``: shows a prompt and
returns the line typed, or None at end of input) and, for the walk, a print
function, so tests drive them with a list of lines and the CLI with stdin (a
terminal or a pipe).

* ``walk``: one stage at a time. Keys: Enter or ``n`` next, ``b`` back, a
  number jumps to that stage, ``q`` quits, ``?`` lists the keys. End of input
  ends the walk with exit code 0; Ctrl-C with 130.
* ``run_quiz`` asks the questions of ``quiz.choose_questions``, reads one line
  per answer, says right or wrong, shows the ``explain`` arithmetic after a
  wrong answer and, when a common mistake gives that answer on this
  scenario, names it with its fix; it ends with a summary whose last line is ``score: k/N``, N
  being the questions answered so far (a question left with ``q`` or at end of
  input is not counted).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

from rich.console import Console, RenderableType
from rich.text import Text

from mhsa_tutor.core.numbers import num
from mhsa_tutor.core.scenario import Scenario
from mhsa_tutor.core.trace import Trace
from mhsa_tutor.strings import ui
from mhsa_tutor.teach.explain import explain_cell
from mhsa_tutor.teach.mistakes import Catalogue
from mhsa_tutor.teach.quiz import PRECISION, Answer, Outcome, Question, is_right, parse_answer
from mhsa_tutor.teach.quiz_text import ask_text, diagnose, givens, label, summary_lines, where
from mhsa_tutor.views.terminal.render import prose, render_header, render_stage
from mhsa_tutor.views.view import View, progress_line, safe

ReadLine = Callable[[str], "str | None"]
PrintFn = Callable[[Console, RenderableType], None]


def walk(
    trace: Trace,
    indices: Sequence[int],
    view: View,
    console: Console,
    read_line: ReadLine,
    print_fn: PrintFn,
    command: str | None = None,
) -> int:
    """Walk the stages at ``indices`` (positions in ``trace.stages``) interactively.

    Args:
        read_line: shows a prompt and returns the line typed (without newline),
            or None at end of input; may raise EOFError or KeyboardInterrupt.
        print_fn: prints a renderable on the console.
        command: the scenario as ``mhsa-tutor run`` takes it, for what to do after the last stage.

    Returns:
        The exit code: 0 when the walk ends (last stage, ``q`` or end of input),
        130 on Ctrl-C.
    """
    t = ui(view.lang)
    step_view = replace(view, example=True)
    total = len(trace.stages)
    pos = 0
    show = True
    print_fn(console, render_header(trace, view))
    while True:
        if show:
            console.print()
            print_fn(console, render_stage(trace, indices[pos], step_view))
            show = False
        try:
            line = read_line(f"[{progress_line(trace, indices[pos], view.lang)}] {t['step_prompt']} ")
        except EOFError:
            return 0
        except KeyboardInterrupt:
            console.print()
            return 130
        if line is None:
            return 0
        key = line.strip().lower()
        if key in ("", "n"):
            if pos == len(indices) - 1:
                console.print(prose(Text(t["step_end"])))
                console.print(prose(Text(t["step_next"].format(cmd=command or trace.info.name))))
                return 0
            pos += 1
            show = True
        elif key == "b":
            if pos == 0:
                console.print(prose(Text(t["step_first"])))
            else:
                pos -= 1
                show = True
        elif key == "q":
            return 0
        elif key in ("?", "h", "help"):
            console.print(prose(Text(t["step_help"])))
        elif _is_number(key) and int(key) - 1 in indices:
            pos = list(indices).index(int(key) - 1)
            show = True
        elif _is_number(key):
            shown = ", ".join(str(i + 1) for i in indices) if len(indices) < total else f"1–{total}"
            console.print(prose(Text(t["step_nostage"].format(n=key, valid=shown))))
        else:
            console.print(prose(Text(t["step_unknown"].format(key=line.strip()))))


def _is_number(key: str) -> bool:
    """A stage number as typed: ASCII digits only (not ², not 5000 digits)."""
    return key.isascii() and key.isdecimal() and len(key) <= 9


def run_quiz(
    trace: Trace,
    questions: Sequence[Question],
    console: Console,
    read_line: ReadLine,
    *,
    lang: str = "en",
    tolerance: float | None = None,
    seed: int | None = None,
    scenario: Scenario | None = None,
    command: str | None = None,
) -> int:
    """Ask the questions one by one, check each answer, then print the summary.

    Args:
        read_line: shows a prompt and returns the line typed (without newline),
            or None at end of input; may raise EOFError or KeyboardInterrupt.
        tolerance: accept answers within this distance (default: half a unit
            in the last decimal typed).
        seed: shown in the header, so the learner can ask the same questions again.
        scenario: the scenario of ``trace``; with it, a wrong answer that a
            common mistake gives is named with its fix (``quiz.diagnose``).
        command: the scenario as ``mhsa-tutor run`` takes it, for the summary's hint.

    Returns:
        The exit code: 0 after the last question, ``q`` or end of input; 130 on
        Ctrl-C. The summary is printed in every case.
    """
    t = ui(lang)
    outcomes: list[Outcome] = []
    n = len(questions)
    console.print(prose(Text(t["quiz_title"].format(title=safe(trace.info.text("title", lang)), n=n), style="bold")))
    rule = t["quiz_rule_tol"].format(tol=num(tolerance, 12)) if tolerance is not None else t["quiz_rule"]
    console.print(prose(Text(rule)))
    if seed is not None:
        console.print(prose(Text(t["quiz_seed"].format(seed=seed), style="dim")))
    code = 0
    catalogue = Catalogue(scenario, trace) if scenario is not None else None
    try:
        for k, q in enumerate(questions, start=1):
            answer = _ask(trace, q, k, n, console, read_line, lang)
            if answer is None:
                break
            right = is_right(q, answer, tolerance)
            outcomes.append(Outcome(q, answer, right))
            _verdict(trace, q, answer, right, console, lang)
            if right:
                continue
            _working(trace, q, console, lang)
            why = None if catalogue is None else diagnose(trace, catalogue, q, answer, lang, tolerance)
            if why is not None:
                console.print(prose(Text(safe(why), style="yellow")))
    except KeyboardInterrupt:
        console.print()
        code = 130
    console.print()
    for i, line in enumerate(summary_lines(trace, outcomes, n, lang, command)):
        console.print(prose(Text(safe(line), style="bold" if i == 0 else "")))
    return code


def ask_twice(
    trace: Trace,
    q: Question,
    k: int,
    n: int,
    console: Console,
    read_line: ReadLine,
    lang: str,
    catalogue: Catalogue | None,
) -> bool | None:
    """One question of ``learn``: two tries; True right, False missed twice (answer shown), None stopped.

    A first wrong answer gets the diagnosis (when a common mistake gives it) and
    the cell's arithmetic up to its last step, then another try; a second gets
    the value and the whole arithmetic.
    """
    t = ui(lang)
    answer = _ask(trace, q, k, n, console, read_line, lang)
    for attempt in (1, 2):
        if answer is None:
            return None
        if is_right(q, answer):
            _verdict(trace, q, answer, True, console, lang)
            return True
        why = None if catalogue is None else diagnose(trace, catalogue, q, answer, lang)
        if attempt == 2:
            _verdict(trace, q, answer, False, console, lang)
            _working(trace, q, console, lang)
            if why is not None:
                console.print(prose(Text(safe(why), style="yellow")))
            return False
        console.print(prose(Text(safe(t["learn_try_again"].format(got=answer.text)), style="red")))
        if why is not None:
            console.print(prose(Text(safe(why), style="yellow")))
        _working(trace, q, console, lang, last_step=False)
        answer = _read_answer(console, read_line, lang)
    return None  # pragma: no cover - the loop returns


def _ask(trace: Trace, q: Question, k: int, n: int, console: Console, read_line: ReadLine, lang: str) -> Answer | None:
    """Show one question and read until a number (None on ``q`` or end of input)."""
    t = ui(lang)
    console.print()
    console.print(prose(Text(f"{t['quiz_question'].format(k=k, n=n)} · {where(q, lang)}", style="bold")))
    console.print(prose(Text(safe(ask_text(trace, q, lang)))))
    for given in givens(trace, q):
        console.print(prose(Text("  " + safe(given))))
    return _read_answer(console, read_line, lang)


def _read_answer(console: Console, read_line: ReadLine, lang: str) -> Answer | None:
    """Read lines until a number (None on ``q`` or end of input)."""
    t = ui(lang)
    while True:
        try:
            line = read_line(f"{t['quiz_prompt']} ")
        except EOFError:
            return None
        if line is None or line.strip().lower() in ("q", "quit"):
            return None
        answer = parse_answer(line)
        if answer is not None:
            return answer
        console.print(prose(Text(safe(t["quiz_not_number"].format(text=line.strip())), style="yellow")))


def _verdict(trace: Trace, q: Question, answer: Answer, right: bool, console: Console, lang: str) -> None:
    """Right, or wrong with the value (the working follows)."""
    t = ui(lang)
    fields = {"label": label(trace, q), "value": num(q.value, PRECISION), "got": answer.text}
    if right:
        console.print(prose(Text(safe(t["quiz_right"].format(**fields)), style="green")))
        return
    console.print(prose(Text(safe(t["quiz_wrong"].format(**fields)), style="red")))


def _working(trace: Trace, q: Question, console: Console, lang: str, *, last_step: bool = True) -> None:
    """The cell's arithmetic from ``explain``, after a wrong answer (without its result line: ``last_step=False``)."""
    ex = explain_cell(
        trace, q.stage, f"@{q.row + 1}", f"@{q.col + 1}", head=q.head, matrix=q.matrix, precision=PRECISION, lang=lang
    )
    for line in ex.lines if last_step else ex.lines[:-1]:
        console.print(prose(Text("  " + safe(line))))
