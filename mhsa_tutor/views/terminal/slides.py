"""The ``--step`` walkthrough on a terminal: one stage a screen, single keys, like slides.

``slides`` is used when stdin and stdout are both a terminal (the CLI reads
keys with ``keys.raw_keys``); piped input keeps ``session.walk``'s line
protocol. It takes the console, a ``read_key`` function (one key name or
character per call, ``""`` at end of input; see ``keys``) and the print
function, so tests feed keys without a terminal.

Keys: → n space Enter next · ← b back · g Home first · G End last · digits
then Enter jump · l ? the numbered list of stages · ↑ ↓ PgUp PgDn scroll a
stage taller than the screen · q Esc quit (Esc first clears typed digits or
closes the list). Each stage starts on a clean screen with its heading; the
last line of the screen is the status line (where you are, the keys, a
message).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

from rich.console import Console, RenderableType
from rich.text import Text

from mhsa_tutor.core.trace import Trace
from mhsa_tutor.strings import ui
from mhsa_tutor.teach.narration import stage_title
from mhsa_tutor.views.terminal.keys import ReadKey
from mhsa_tutor.views.terminal.render import render_header, render_stage
from mhsa_tutor.views.view import View, progress_line

PrintFn = Callable[[Console, RenderableType], None]
NEXT = frozenset({"right", "n", " ", "enter"})
BACK = frozenset({"left", "b"})
SCROLL = {"up": -1, "down": 1}


class Slides:
    """The state of one walk: which stage, the scroll offset, typed digits, the list shown or not."""

    def __init__(self, trace: Trace, indices: Sequence[int], view: View, console: Console, print_fn: PrintFn) -> None:
        self.trace, self.indices, self.console, self.print_fn = trace, list(indices), console, print_fn
        self.view = view
        self.step_view = replace(view, example=True)
        self.t = ui(view.lang)
        self.pos = 0
        self.top = 0
        self.digits = ""
        self.listing = False
        self.message = ""
        self._cache: dict[tuple[int, bool, int], list[str]] = {}

    # ------------------------------------------------------------------ drawing

    def _capture(self, parts: Sequence[RenderableType]) -> list[str]:
        with self.console.capture() as cap:
            for part in parts:
                self.print_fn(self.console, part)
        return cap.get().splitlines()

    def page(self) -> list[str]:
        """The lines of what is shown: the current stage (the scenario's header above the first), or the list."""
        key = (self.pos, self.listing, self.console.width)
        if key not in self._cache:
            if self.listing:
                self._cache[key] = self._capture([self._stage_list()])
            else:
                index = self.indices[self.pos]
                parts = [render_stage(self.trace, index, self.step_view)]
                if self.pos == 0:
                    parts = [render_header(self.trace, self.view), Text(), *parts]
                self._cache[key] = self._capture(parts)
        return self._cache[key]

    def _stage_list(self) -> Text:
        text = Text(self.t["slide_list_title"] + "\n", style="bold")
        for k, i in enumerate(self.indices):
            stage = self.trace.stages[i]
            mark = "▶" if k == self.pos else " "
            line = f"{mark} {i + 1:>3}  {stage_title(stage, self.view.lang)}  ({stage.id})\n"
            text.append(line, style="bold" if k == self.pos else "")
        text.append(self.t["slide_list_hint"])
        return text

    def body_height(self) -> int:
        """Lines of the page on one screen (the last line is the status line)."""
        return max(1, self.console.height - 1)

    def status(self) -> str:
        """Where we are, what scrolls, typed digits, a message, and the keys."""
        lines = self.page()
        body = self.body_height()
        parts = [f"[{progress_line(self.trace, self.indices[self.pos], self.view.lang)}]"]
        if len(lines) > body:
            last = min(self.top + body, len(lines))
            parts.append(self.t["slide_scroll"].format(a=self.top + 1, b=last, n=len(lines)))
        if self.digits:
            parts.append(self.t["slide_jump"].format(n=self.digits))
        parts.append(self.message or self.t["slide_keys"])
        return "  ".join(parts)

    def short(self) -> str:
        """``7/15``: where we are, for a narrow status line."""
        return f"{self.indices[self.pos] + 1}/{len(self.trace.stages)}"

    def draw(self) -> None:
        """Clear the screen, show the page from ``top`` and the status line."""
        lines = self.page()
        body = self.body_height()
        self.top = max(0, min(self.top, len(lines) - body))
        self.console.clear()  # on a terminal; elsewhere (a test's console) a new line separates the screens
        if not self.console.is_terminal:
            self.console.file.write("\n")
        shown = lines[self.top : self.top + body]
        self.console.file.write("\n".join(shown) + "\n" * (body - len(shown) + 1))
        text = self.status()
        if Text(text).cell_len > self.console.width:  # narrow: the stage number only, so the keys still show
            text = text.replace(
                f"[{progress_line(self.trace, self.indices[self.pos], self.view.lang)}]", f"[{self.short()}]", 1
            )
        status = Text(text, style="reverse")
        status.truncate(self.console.width, overflow="ellipsis")
        self.console.print(status, end="", soft_wrap=True)
        self.console.file.flush()

    # ------------------------------------------------------------------ keys

    def go(self, pos: int) -> None:
        """Show the stage at ``pos`` (a position in ``indices``) from its top."""
        self.pos, self.top, self.listing = pos, 0, False

    def jump(self) -> None:
        """Go to the stage number typed (as the headers show it)."""
        n, self.digits = int(self.digits), ""
        if n - 1 in self.indices:
            self.go(self.indices.index(n - 1))
        else:
            total = len(self.trace.stages)
            valid = ", ".join(str(i + 1) for i in self.indices) if len(self.indices) < total else f"1–{total}"
            self.message = self.t["step_nostage"].format(n=n, valid=valid)

    def key(self, key: str) -> bool:
        """Act on one key; False when the walk ends."""
        self.message = ""
        last = len(self.indices) - 1
        if key == "" or key == "q":
            return False
        if key == "esc":
            if not (self.digits or self.listing):
                return False
            self.digits, self.listing = "", False
        elif key.isascii() and key.isdigit():
            self.digits = (self.digits + key)[:9]
        elif key == "backspace":
            self.digits = self.digits[:-1]
        elif key == "enter" and self.digits:
            self.jump()
        elif key == "enter" and self.listing:
            self.listing = False
        elif key in NEXT:
            if self.pos == last and not self.listing:
                self.message = self.t["step_end"]
            else:
                self.go(min(self.pos + (not self.listing), last))
        elif key in BACK:
            if self.pos == 0 and not self.listing:
                self.message = self.t["step_first"]
            else:
                self.go(max(self.pos - (not self.listing), 0))
        elif key in ("g", "home"):
            self.go(0)
        elif key in ("G", "end"):
            self.go(last)
        elif key in ("l", "?"):
            self.listing, self.top = not self.listing, 0
        elif key in SCROLL:
            self.top += SCROLL[key]
        elif key in ("pgup", "pgdn"):
            self.top += (self.body_height() - 1) * (1 if key == "pgdn" else -1)
        else:
            self.message = self.t["slide_unknown"].format(key=key)
        self.top = max(self.top, 0)
        return True


def slides(
    trace: Trace,
    indices: Sequence[int],
    view: View,
    console: Console,
    read_key: ReadKey,
    print_fn: PrintFn,
) -> int:
    """Walk the stages at ``indices`` one screen at a time, reading single keys.

    Returns:
        The exit code: 0 on ``q``, Esc or end of input; 130 on Ctrl-C.
    """
    walk = Slides(trace, indices, view, console, print_fn)
    try:
        while True:
            walk.draw()
            if not walk.key(read_key()):
                break
    except KeyboardInterrupt:
        console.file.write("\n")
        return 130
    console.file.write("\n")
    return 0
