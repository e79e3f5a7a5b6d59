"""A small pseudo-terminal driver for the tests: start the tutor on a pty, read its screen, type, resize."""

from __future__ import annotations

import os
import re
import select
import signal
import struct
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class Pty:
    """The tutor running on a pseudo-terminal of ``rows`` × ``cols``."""

    def __init__(self, args: list[str], rows: int = 24, cols: int = 80, env: dict[str, str] | None = None) -> None:
        import fcntl
        import pty
        import termios

        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child: the tutor on the terminal
            e = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
            e |= {"NO_COLOR": "1", "PYTHONPATH": str(ROOT), "TERM": "xterm-256color", **(env or {})}
            os.execvpe(sys.executable, [sys.executable, "-m", "mhsa_tutor", *args], e)
        fcntl.ioctl(self.fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        self.screen = ""
        self.mark = 0

    def read(self, seconds: float) -> None:
        """Read what the tutor writes for up to ``seconds``."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            ready, _, _ = select.select([self.fd], [], [], 0.05)
            if not ready:
                continue
            try:
                data = os.read(self.fd, 65536)
            except OSError:
                return
            if not data:
                return
            self.screen += data.decode("utf-8", "replace")

    def until(self, pattern: str, timeout: float = 60) -> str:
        """The screen since the last ``until``, once ``pattern`` shows in it (a deadline, not a timing check)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            m = re.search(pattern, self.screen[self.mark :])
            if m:
                text = self.screen[self.mark :]
                self.mark += m.end()
                return text
            before = len(self.screen)
            self.read(0.1)
            if len(self.screen) == before and not self.alive():
                break
        raise AssertionError(f"{pattern!r} never showed; the screen ends with {self.screen[-600:]!r}")

    def send(self, data: bytes) -> None:
        os.write(self.fd, data)

    def resize(self, rows: int, cols: int) -> None:
        """Change the terminal's size (the kernel sends SIGWINCH to the tutor)."""
        import fcntl
        import termios

        fcntl.ioctl(self.fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))

    def alive(self) -> bool:
        pid, _ = os.waitpid(self.pid, os.WNOHANG)
        if pid == 0:
            return True
        self.pid = -1
        return False

    def wait(self, timeout: float = 60) -> int:
        """The exit code (killing the tutor after ``timeout``)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.read(0.05)
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.read(0.1)
                os.close(self.fd)
                return os.waitstatus_to_exitcode(status)
        os.kill(self.pid, signal.SIGKILL)
        os.waitpid(self.pid, 0)
        os.close(self.fd)
        raise AssertionError(f"the tutor did not end; the screen ends with {self.screen[-600:]!r}")


def drive(args: list[str], lines: list[str], folder: Path, rows: int = 24, cols: int = 80) -> str:
    """Run ``mhsa-tutor ARGS`` with its state in ``folder``, typing each line at a prompt; the whole screen."""
    term = Pty(args, rows, cols, {"MHSA_TUTOR_STATE": str(folder)})
    for line in lines:
        term.until(r">\s*$|> \S*$|\] > ")
        term.send(line.encode() + b"\r")
    code = term.wait()
    assert code == 0, term.screen[-600:]
    return term.screen
