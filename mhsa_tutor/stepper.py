"""The ``--step`` walkthrough: one stage at a time, driven by lines of input.

``walk`` takes the console, an input function and a print function, so tests
drive it with a list of lines and the CLI with stdin (a terminal or a pipe).
Keys: Enter or ``n`` next, ``b`` back, a number jumps to that stage, ``q``
quits, ``?`` lists the keys. End of input ends the walk with exit code 0;
Ctrl-C with 130.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

from rich.console import Console, RenderableType
from rich.text import Text

from mhsa_tutor.narration import ui
from mhsa_tutor.render import View, progress_line, render_header, render_stage
from mhsa_tutor.trace import Trace

ReadLine = Callable[[str], "str | None"]
PrintFn = Callable[[Console, RenderableType], None]


def walk(
    trace: Trace,
    indices: Sequence[int],
    view: View,
    console: Console,
    read_line: ReadLine,
    print_fn: PrintFn,
) -> int:
    """Walk the stages at ``indices`` (positions in ``trace.stages``) interactively.

    Args:
        read_line: shows a prompt and returns the line typed (without newline),
            or None at end of input; may raise EOFError or KeyboardInterrupt.
        print_fn: prints a renderable on the console.

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
            line = read_line(f"[{progress_line(trace, indices[pos])}] {t['step_prompt']} ")
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
                console.print(Text(t["step_end"]))
                return 0
            pos += 1
            show = True
        elif key == "b":
            if pos == 0:
                console.print(Text(t["step_first"]))
            else:
                pos -= 1
                show = True
        elif key == "q":
            return 0
        elif key in ("?", "h", "help"):
            console.print(Text(t["step_help"]))
        elif _is_number(key) and int(key) - 1 in indices:
            pos = list(indices).index(int(key) - 1)
            show = True
        elif _is_number(key):
            shown = ", ".join(str(i + 1) for i in indices) if len(indices) < total else f"1–{total}"
            console.print(Text(t["step_nostage"].format(n=key, valid=shown)))
        else:
            console.print(Text(t["step_unknown"].format(key=line.strip())))


def _is_number(key: str) -> bool:
    """A stage number as typed: ASCII digits only (not ², not 5000 digits)."""
    return key.isascii() and key.isdecimal() and len(key) <= 9
