"""The ``--step`` walkthrough on a terminal: one stage a screen, single keys, like slides.

``slides`` is used when stdin and stdout are both a terminal (the CLI reads
keys with ``keys.raw_keys`` on the alternate screen, ``keys.alternate_screen``);
piped input keeps ``session.walk``'s line protocol. It takes the console, a
``read_key`` function (one key name or character per call, ``""`` at end of
input, ``"resize"`` when the terminal changed size; see ``keys``) and the print
function, so tests feed keys without a terminal.

Keys: → n space Enter next · ← b back · g Home first · G End last · digits
then Enter jump · l ? the numbered list of stages (↑ ↓ move its ▶, Enter goes there) · ↑ ↓ PgUp PgDn scroll a
stage taller than the screen · c a cursor over the stage's cells (arrows move
it, Tab changes matrix; the cell is marked and its arithmetic shown, as a
click does on the page) · i the stage's other notes (folded behind this key:
the matrix comes first) · q Esc quit (Esc first clears typed digits, leaves
the cursor or closes the list).

Each stage starts on a clean screen with its heading; the worked example's
cell (or the cursor's) is reversed in its matrix, the cells it reads (from
``core.reads``) underlined where the slide shows them and listed under
``Example:`` with the stage they come from (``worked``). The footer keeps the keys first and ``q quit``
always whole: one line when the keys and where you are fit, else two (where
you are above, the keys below), with a message wrapped above them. The last
stage ends with what to do next.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

from rich.console import Console, RenderableType
from rich.text import Text

from mhsa_tutor.core.errors import TutorError
from mhsa_tutor.core.trace import Trace
from mhsa_tutor.strings import ui
from mhsa_tutor.teach.narration import stage_title
from mhsa_tutor.views.terminal.keys import ReadKey
from mhsa_tutor.views.terminal.render import prose, render_header, render_stage
from mhsa_tutor.views.view import View, progress_line

PrintFn = Callable[[Console, RenderableType], None]
NEXT = frozenset({"right", "n", " ", "enter"})
BACK = frozenset({"left", "b"})
SCROLL = {"up": -1, "down": 1}
MOVE = {"up": (-1, 0), "down": (1, 0), "left": (0, -1), "right": (0, 1)}
MAX_MESSAGE_LINES = 3


class Slides:
    """The state of one walk: stage, scroll offset, typed digits, list shown, notes unfolded, cell cursor."""

    def __init__(
        self,
        trace: Trace,
        indices: Sequence[int],
        view: View,
        console: Console,
        print_fn: PrintFn,
        command: str | None = None,
    ) -> None:
        self.trace, self.indices, self.console, self.print_fn = trace, list(indices), console, print_fn
        self.view = view
        self.step_view = replace(view, example=True, folded=True)
        self.t = ui(view.lang)
        self.command = command or trace.info.name
        self.pos = 0
        self.top = 0
        self.digits = ""
        self.listing = False
        self.unfolded = False
        self.cursor: tuple[str, int, int] | None = None
        self.follow = False  # scroll so the cursor's arithmetic shows (after the cursor moved)
        self.message = ""
        self._cache: dict[tuple[object, ...], list[str]] = {}

    # ------------------------------------------------------------------ drawing

    def _capture(self, parts: Sequence[RenderableType]) -> list[str]:
        with self.console.capture() as cap:
            for part in parts:
                self.print_fn(self.console, part)
        return cap.get().splitlines()

    def page(self) -> list[str]:
        """The lines of what is shown: the current stage (the scenario's header above the first), or the list."""
        key = (self.pos, self.listing, self.unfolded, self.cursor, self.console.width, self.console.height)
        if key not in self._cache:
            if self.listing:
                self._cache[key] = self._capture([self._stage_list()])
            else:
                index = self.indices[self.pos]
                view = replace(self.step_view, folded=not self.unfolded, marks=(self.cursor,) if self.cursor else ())
                parts = [render_stage(self.trace, index, view)]
                if self.pos == 0:
                    parts = [render_header(self.trace, self.view), Text(), *parts]
                if self.pos == len(self.indices) - 1:  # the end: what to do next
                    parts += [Text(), prose(Text(self.t["step_next"].format(cmd=self.command), style="bold"))]
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

    def footer(self, body: int | None = None) -> list[Text]:
        """The footer's lines, last line last: a wrapped message, where we are, and the keys (first, whole).

        ``body``: the page lines on screen above it (default: all but one line).
        """
        width = self.console.width
        cursor = self.cursor is not None
        keys = self.t["slide_cursor_keys" if cursor else "slide_keys"]
        if Text(keys).cell_len > width:
            keys = self.t["slide_cursor_keys_short" if cursor else "slide_keys_short"]
        where = [f"[{progress_line(self.trace, self.indices[self.pos], self.view.lang)}]"]
        lines = self.page()
        body = self.console.height - 1 if body is None else body
        if len(lines) > body:
            last = min(self.top + body, len(lines))
            where.append(self.t["slide_scroll"].format(a=self.top + 1, b=last, n=len(lines)))
        if self.digits:
            where.append(self.t["slide_jump"].format(n=self.digits))
        status = "  ".join(where)
        out: list[Text] = []
        if self.message:
            wrapped = Text(self.message, style="bold").wrap(self.console, width)
            out.extend(list(wrapped)[:MAX_MESSAGE_LINES])
        one = f"{keys}  {status}"
        if Text(one).cell_len <= width:
            out.append(Text(one, style="reverse"))
            return out
        if Text(status).cell_len > width:  # narrow: the stage number only
            status = status.replace(where[0], f"[{self.short()}]", 1)
        top = Text(status, style="reverse")
        top.truncate(width, overflow="ellipsis")
        bottom = Text(keys, style="reverse")
        bottom.truncate(width, overflow="ellipsis")  # "q quit" comes first: never the part cut
        return [*out, top, bottom]

    def layout(self) -> tuple[int, list[Text]]:
        """The page lines on screen and the footer below them, which take the screen's height together."""
        body = max(1, self.console.height - len(self.footer()))
        self.top = max(0, min(self.top, len(self.page()) - body))
        foot = self.footer(body)
        return max(1, self.console.height - len(foot)), foot

    def short(self) -> str:
        """``7/15``: where we are, for a narrow status line."""
        return f"{self.indices[self.pos] + 1}/{len(self.trace.stages)}"

    def draw(self) -> None:
        """Clear the screen, show the page from ``top`` and the footer."""
        lines = self.page()
        if self.follow:  # the cursor moved: its arithmetic ("Example: …") in the lower half of the screen
            self.follow = False
            label = self.t["example"]
            at = next((k for k, line in enumerate(lines) if label in line), None)
            body = self.layout()[0]
            if at is not None and not self.top <= at < self.top + body - 4:
                self.top = max(0, at - body // 2)
        body, foot = self.layout()
        self.console.clear()  # on a terminal; elsewhere (a test's console) a new line separates the screens
        if not self.console.is_terminal:
            self.console.file.write("\n")
        shown = lines[self.top : self.top + body]
        self.console.file.write("\n".join(shown) + "\n" * (body - len(shown) + 1))
        for k, line in enumerate(foot):
            self.console.print(line, end="" if k == len(foot) - 1 else "\n", soft_wrap=True)
        self.console.file.flush()

    # ------------------------------------------------------------------ keys

    def go(self, pos: int) -> None:
        """Show the stage at ``pos`` (a position in ``indices``) from its top."""
        self.pos, self.top, self.listing, self.cursor, self.unfolded = pos, 0, False, None, False

    def jump(self) -> None:
        """Go to the stage number typed (as the headers show it)."""
        n, self.digits = int(self.digits), ""
        if n - 1 in self.indices:
            self.go(self.indices.index(n - 1))
        else:
            total = len(self.trace.stages)
            valid = ", ".join(str(i + 1) for i in self.indices) if len(self.indices) < total else f"1–{total}"
            self.message = self.t["step_nostage"].format(n=n, valid=valid)

    def toggle_cursor(self) -> None:
        """Put a cursor on the worked example's cell (or the first cell), or take it away."""
        from mhsa_tutor.teach.explain import example_cell

        if self.cursor is not None:
            self.cursor = None
            return
        stage = self.trace.stages[self.indices[self.pos]]
        if stage.id in ("input", "params") or not stage.matrices:
            self.message = self.t["slide_no_cells"]
            return
        cell = example_cell(self.trace, stage)
        name = next(iter(stage.matrices))
        self.cursor = (cell[0], int(cell[1][1:]) - 1, int(cell[2][1:]) - 1) if cell else (name, 0, 0)

    def move(self, key: str) -> None:
        """Move the cursor one cell (arrows, h j k l), or to the next matrix of the stage (Tab)."""
        assert self.cursor is not None
        stage = self.trace.stages[self.indices[self.pos]]
        name, i, j = self.cursor
        if key == "tab":
            names = list(stage.matrices)
            name = names[(names.index(name) + 1) % len(names)]
        else:
            di, dj = MOVE[key]
            i, j = i + di, j + dj
        rows, cols = stage.matrices[name].values.shape
        self.cursor = (name, max(0, min(i, rows - 1)), max(0, min(j, cols - 1)))

    def key(self, key: str) -> bool:
        """Act on one key; False when the walk ends."""
        self.message = ""
        last = len(self.indices) - 1
        if key == "resize":  # the terminal changed size: draw again at the new size
            return True
        if key == "" or key == "q":
            return False
        if key == "esc":
            if not (self.digits or self.listing or self.cursor):
                return False
            self.digits, self.listing, self.cursor = "", False, None
        elif key.isascii() and key.isdigit():
            self.digits = (self.digits + key)[:9]
        elif key == "backspace":
            self.digits = self.digits[:-1]
        elif key == "enter" and self.digits:
            self.jump()
        elif key == "enter" and self.listing:
            self.go(self.pos)
        elif self.cursor is not None and (key in MOVE or key == "tab"):
            self.move(key)
            self.follow = True
        elif self.listing and key in SCROLL:  # the list: ▶ moves, Enter goes there
            self.pos = max(0, min(self.pos + SCROLL[key], last))
            body = self.layout()[0]
            line = self.pos + 1  # the list's title is line 0
            self.top = min(max(self.top, line - body + 1), line)
        elif key == "c" and not self.listing:
            self.toggle_cursor()
            self.follow = self.cursor is not None
        elif key == "i" and not self.listing:
            self.unfolded = not self.unfolded
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
            self.top += (self.layout()[0] - 1) * (1 if key == "pgdn" else -1)
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
    command: str | None = None,
) -> int:
    """Walk the stages at ``indices`` one screen at a time, reading single keys.

    Args:
        command: the scenario as ``mhsa-tutor run`` takes it, for the next steps on the last stage.

    Returns:
        The exit code: 0 on ``q``, Esc or end of input; 130 on Ctrl-C.
    """
    walk = Slides(trace, indices, view, console, print_fn, command)
    try:
        while True:
            try:
                walk.draw()
            except TutorError as exc:  # a cell the cursor cannot explain: say so, keep walking
                walk.cursor, walk.message = None, str(exc)
                continue
            if not walk.key(read_key()):
                break
    except KeyboardInterrupt:
        console.file.write("\n")
        return 130
    console.file.write("\n")
    return 0
