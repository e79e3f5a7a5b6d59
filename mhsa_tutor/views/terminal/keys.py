"""Single key presses from a terminal: raw (cbreak) mode, escape sequences decoded to key names.

``raw_keys(fd)`` is a context manager that puts the terminal in cbreak mode
(no echo, no line editing, Ctrl-C still interrupts) and yields a function
that waits for one key and returns it: a character (``"n"``, ``"7"``) or a
name (``"right"``, ``"left"``, ``"up"``, ``"down"``, ``"pgup"``, ``"pgdn"``,
``"home"``, ``"end"``, ``"enter"``, ``"esc"``, ``"backspace"``; ``""`` at end
of input). The terminal's settings are restored on every way out: normal
exit, Ctrl-C, an exception. ``decode`` turns the bytes of one key press into
its name, so tests feed bytes without a terminal.
"""

from __future__ import annotations

import os
import select
from collections.abc import Callable, Iterator
from contextlib import contextmanager

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
SINGLE: dict[bytes, str] = {b"\r": "enter", b"\n": "enter", b"\x1b": "esc", b"\x7f": "backspace", b"\x08": "backspace"}

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
    try:
        tty.setcbreak(fd)

        def read_key() -> str:
            data = _read_press(fd)
            return decode(data) if data else ""

        yield read_key
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)
