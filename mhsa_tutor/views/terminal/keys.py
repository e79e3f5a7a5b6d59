"""Single key presses from a terminal: raw (cbreak) mode, escape sequences decoded to key names.

``raw_keys(fd)`` is a context manager that puts the terminal in cbreak mode
(no echo, no line editing, Ctrl-C still interrupts) and yields a function
that waits for one key and returns it: a character (``"n"``, ``"7"``) or a
name (``"right"``, ``"left"``, ``"up"``, ``"down"``, ``"pgup"``, ``"pgdn"``,
``"home"``, ``"end"``, ``"enter"``, ``"esc"``, ``"backspace"``, ``"tab"``; ``""`` at end
of input; ``"resize"`` as soon as the terminal changes size, from SIGWINCH).
Keys typed before it starts are kept (the mode changes with ``TCSANOW``, not
``TCSAFLUSH``). The terminal's settings are restored on every way out: normal
exit, Ctrl-C, an exception. ``alternate_screen`` draws on the terminal's
alternate screen and gives the shell's screen back, as it was, on every way
out. ``decode`` turns the bytes of one key press into its name, so tests feed
bytes without a terminal.
"""

from __future__ import annotations

import os
import select
import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from typing import TextIO

#: Escape sequences of the keys the stepper knows (xterm, VT100 and Linux console forms).
SEQUENCES: dict[bytes, str] = {
    b"\x1b[A": "up",
    b"\x1b[B": "down",
    b"\x1b[C": "right",
    b"\x1b[D": "left",
    b"\x1bOA": "up",
    b"\x1bOB": "down",
    b"\x1bOC": "right",
    b"\x1bOD": "left",
    b"\x1b[5~": "pgup",
    b"\x1b[6~": "pgdn",
    b"\x1b[H": "home",
    b"\x1b[F": "end",
    b"\x1bOH": "home",
    b"\x1bOF": "end",
    b"\x1b[1~": "home",
    b"\x1b[4~": "end",
    b"\x1b[7~": "home",
    b"\x1b[8~": "end",
}
SINGLE: dict[bytes, str] = {
    b"\r": "enter",
    b"\n": "enter",
    b"\x1b": "esc",
    b"\x7f": "backspace",
    b"\x08": "backspace",
    b"\t": "tab",
}

ReadKey = Callable[[], str]


def decode(data: bytes) -> str:
    """The key one press sent: a name for special keys, else the character (``"?"`` if not UTF-8)."""
    if data in SEQUENCES:
        return SEQUENCES[data]
    if data in SINGLE:
        return SINGLE[data]
    if data.startswith(b"\x1b"):
        return "unknown"
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return "unknown"


def _read_press(fd: int) -> bytes:
    """The bytes of one key press: an escape sequence, or one UTF-8 character."""
    first = os.read(fd, 1)
    if not first:
        return b""
    if first == b"\x1b":
        data = first
        while len(data) < 8 and select.select([fd], [], [], 0.05)[0]:
            data += os.read(fd, 1)
            if data in SEQUENCES or (len(data) > 2 and (data[-1:].isalpha() or data.endswith(b"~"))):
                break
        return data
    lead = first[0]
    more = 1 if lead >> 5 == 0b110 else 2 if lead >> 4 == 0b1110 else 3 if lead >> 3 == 0b11110 else 0
    return first + (os.read(fd, more) if more else b"")


@contextmanager
def raw_keys(fd: int) -> Iterator[ReadKey]:
    """Cbreak mode on the terminal ``fd`` for the ``with`` block; yields the key reader.

    The previous settings come back on every exit path (also Ctrl-C and exceptions).
    """
    import termios
    import tty

    saved = termios.tcgetattr(fd)
    wake_r, wake_w = os.pipe()
    for end in (wake_r, wake_w):
        os.set_blocking(end, False)

    def on_resize(_signum: int, _frame: object) -> None:
        with suppress(OSError):
            os.write(wake_w, b"r")

    previous = None
    with suppress(ValueError, AttributeError):  # not the main thread, or no SIGWINCH: no live resize
        previous = signal.signal(signal.SIGWINCH, on_resize)
    try:
        tty.setcbreak(fd, termios.TCSANOW)  # TCSANOW: keys typed while the tutor started are kept

        def read_key() -> str:
            ready = select.select([fd, wake_r], [], [])[0]
            if wake_r in ready:
                with suppress(OSError):
                    while os.read(wake_r, 64):
                        pass
                return "resize"
            data = _read_press(fd)
            return decode(data) if data else ""

        yield read_key
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)
        if previous is not None:
            signal.signal(signal.SIGWINCH, previous)
        os.close(wake_r)
        os.close(wake_w)


#: xterm's alternate screen (1049: saves the cursor, switches, clears) and the cursor's visibility.
ENTER_ALTERNATE = "\x1b[?1049h\x1b[?25l"
LEAVE_ALTERNATE = "\x1b[?25h\x1b[?1049l"


@contextmanager
def alternate_screen(out: TextIO) -> Iterator[None]:
    """Draw on the alternate screen for the ``with`` block; the shell's screen comes back on every way out."""
    out.write(ENTER_ALTERNATE)
    out.flush()
    try:
        yield
    finally:
        with suppress(OSError, ValueError):
            out.write(LEAVE_ALTERNATE)
            out.flush()
