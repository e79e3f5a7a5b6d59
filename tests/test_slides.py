"""--step on a terminal: single keys (fed to ``slides`` directly, and through a real pseudo-terminal)."""

from __future__ import annotations

import io
import os
import re
import select
import struct
import sys
import time
from collections.abc import Iterator

import pytest
from rich.console import Console, RenderableType

from mhsa_tutor.core.engine import run
from mhsa_tutor.io.loader import load_scenario
from mhsa_tutor.views.terminal.keys import decode
from mhsa_tutor.views.terminal.render import select as select_stages
from mhsa_tutor.views.terminal.slides import slides
from mhsa_tutor.views.view import View

STATUS = re.compile(r"\[stage (\d+)/(\d+)[^\]]*\]")


def _slides(name: str, keys: list[str], height: int = 200, width: int = 160) -> tuple[int, list[int], str]:
    """Run the walk with these keys; the stage of each screen drawn, from its status line."""
    trace = run(load_scenario(name))
    out = io.StringIO()
    console = Console(file=out, width=width, height=height, color_system=None)
    feed: Iterator[str] = iter(keys)

    def show(c: Console, r: RenderableType) -> None:
        c.print(r)

    code = slides(trace, select_stages(trace), View(), console, lambda: next(feed, ""), show)
    text = out.getvalue()
    return code, [int(m.group(1)) for m in STATUS.finditer(text)], text


def test_keys_move_like_slides() -> None:
    keys = ["right", "n", " ", "enter", "left", "b", "G", "g", "end", "home", "q"]
    code, shown, _ = _slides("by_hand", keys)
    assert code == 0
    assert shown == [1, 2, 3, 4, 5, 4, 3, 16, 1, 16, 1]


def test_digits_then_enter_jump_and_a_missing_stage_is_named() -> None:
    code, shown, text = _slides("acting_machines", ["5", "enter", "9", "enter", "esc"])
    assert code == 0
    assert shown == [1, 1, 5, 5, 5]
    assert "There is no stage 9 here; choose 1–7." in text


def test_the_list_names_every_stage_and_esc_closes_it() -> None:
    code, shown, text = _slides("acting_machines", ["l", "esc", "?", "3", "enter", "q"])
    assert code == 0 and shown[-1] == 3
    listing = text.split("Stages (number then Enter goes there)")[1]
    for n, title in ((1, "Input"), (5, "Head 1: attention weights"), (7, "Concatenate the heads")):
        assert re.search(rf"{n}\s+{re.escape(title)}", listing), title
    assert "Keys: → n space Enter next" in listing


def test_a_tall_stage_scrolls_and_keeps_its_heading_on_top() -> None:
    _, _, text = _slides("dog_ate_food", ["7", "enter", "down", "pgdn", "pgup", "up", "q"], height=20)
    assert "lines 1–19 of" in text and "lines 2–20 of" in text
    statuses = [m.group(0) for m in re.finditer(r"\[stage [^\]]*\][^\n]*", text)]
    screens = re.split(r"\[stage [^\]]*\][^\n]*", text)  # screens[k] is drawn above statuses[k]
    k = next(k for k, s in enumerate(statuses) if s.startswith("[stage 7/15"))
    assert screens[k].lstrip().startswith("stage 7/15 · head 1 · softmax")  # a clean screen, heading first
    assert "lines 1–19 of" in statuses[k]


def test_end_of_stages_and_first_stage_say_so_and_unknown_keys_are_named() -> None:
    _, _, text = _slides("acting_machines", ["left", "x", "G", "right", ""])
    assert "This is the first stage." in text
    assert "'x' is not a key here" in text
    assert "That was the last stage." in text


def test_a_narrow_status_line_keeps_the_keys() -> None:
    _, _, text = _slides("dog_ate_food", ["7", "enter", "q"], height=20, width=40)
    assert "[7/15]  lines 1–18 of" in text  # two footer lines: where we are, then the keys
    assert "\nq quit · → next · ← back · l list\n" in text  # the keys first, and "q quit" whole
    assert all(len(line) <= 40 for line in text.splitlines())


def test_escape_sequences_decode() -> None:
    assert [decode(b) for b in (b"\x1b[C", b"\x1b[D", b"\x1bOC", b"\x1b[5~", b"\x1b[6~", b"\x1b[H", b"\x1b[F")] == [
        "right",
        "left",
        "right",
        "pgup",
        "pgdn",
        "home",
        "end",
    ]
    assert [decode(b) for b in (b"\r", b"\x1b", b"\x7f", b"l", "é".encode())] == ["enter", "esc", "backspace", "l", "é"]


# ------------------------------------------------------------ a real terminal


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
def test_step_in_a_pseudo_terminal_reads_single_keys() -> None:
    import fcntl
    import pty
    import termios

    pid, fd = pty.fork()
    if pid == 0:  # the child: the tutor on the terminal
        env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
        env["NO_COLOR"] = "1"
        os.execvpe(sys.executable, [sys.executable, "-m", "mhsa_tutor", "run", "by_hand", "--step"], env)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 80, 0, 0))
    screen = ""

    def until(pattern: str) -> str:
        """Read the terminal until ``pattern`` shows (a generous deadline, not a timing check)."""
        nonlocal screen
        deadline = time.monotonic() + 60
        start = len(screen)
        while time.monotonic() < deadline:
            ready, _, _ = select.select([fd], [], [], 0.1)
            if ready:
                try:
                    data = os.read(fd, 65536)
                except OSError:
                    break
                if not data:
                    break
                screen += data.decode("utf-8", "replace")
                if re.search(pattern, screen[start:]):
                    return screen[start:]
        raise AssertionError(f"{pattern!r} never showed; the screen ends with {screen[-500:]!r}")

    try:
        first = until(r"\[stage 1/16 · input\]")
        assert "Multi-headed self-attention by hand" in first  # the scenario's title on the first screen
        os.write(fd, b"\x1b[C")  # →, no newline
        assert "Learned weights" in until(r"\[stage 2/16 · params\]")
        os.write(fd, b"n")
        until(r"\[stage 3/16 · projections\]")
        os.write(fd, b"\x1b[D")  # ←
        until(r"\[stage 2/16 · params\]")
        os.write(fd, b"l")  # the list of stages
        listing = until(r"Keys: ")
        assert re.search(r"8\s+Head 1: attention weights", listing)
        os.write(fd, b"8")
        until(r"go to stage 8")
        os.write(fd, b"\r")
        until(r"\[stage 8/16 · head 1 · softmax\]")
        os.write(fd, b"q")
        _, status = os.waitpid(pid, 0)
        assert os.waitstatus_to_exitcode(status) == 0
        assert "Unknown key" not in screen and "Traceback" not in screen
    finally:
        os.close(fd)


_WRAPPER = """
import signal, subprocess, sys, termios
signal.signal(signal.SIGINT, signal.SIG_IGN)  # the wrapper outlives a Ctrl-C; the tutor gets it
before = termios.tcgetattr(0)
r = subprocess.run(
    [sys.executable, "-m", "mhsa_tutor", "run", "acting_machines", "--step"],
    preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
)
after = termios.tcgetattr(0)
print("EXIT", r.returncode, "RESTORED", before == after, flush=True)
"""


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
@pytest.mark.parametrize(("key", "code"), [(b"q", 0), (b"\x03", 130)], ids=["q", "ctrl-c"])
def test_the_terminal_is_restored_on_quit_and_on_ctrl_c(key: bytes, code: int) -> None:
    import fcntl
    import pty
    import termios

    pid, fd = pty.fork()
    if pid == 0:
        env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
        env["NO_COLOR"] = "1"
        os.execvpe(sys.executable, [sys.executable, "-c", _WRAPPER], env)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 80, 0, 0))
    screen = ""
    deadline = time.monotonic() + 60
    sent = quit_sent = False
    resend_at = deadline
    try:
        while time.monotonic() < deadline and not re.search(r"RESTORED (True|False)", screen):
            ready, _, _ = select.select([fd], [], [], 0.1)
            if ready:
                try:
                    data = os.read(fd, 65536)
                except OSError:
                    break
                if not data:
                    break
                screen += data.decode("utf-8", "replace")
            if not sent and re.search(r"\[(stage )?1/7", screen):  # the status line (shortened when narrow)
                os.write(fd, b"\x1b[C")
                sent = True
            if sent and not quit_sent and re.search(r"\[(stage )?2/7", screen):
                os.write(fd, key)
                quit_sent, resend_at = True, time.monotonic() + 10
            elif quit_sent and time.monotonic() > resend_at:  # a key that raced the redraw on a loaded machine
                os.write(fd, key)
                resend_at = deadline
        if not re.search(r"RESTORED (True|False)", screen):
            os.kill(pid, 9)
        os.waitpid(pid, 0)
    finally:
        os.close(fd)
    assert f"EXIT {code} RESTORED True" in screen, screen[-400:]
