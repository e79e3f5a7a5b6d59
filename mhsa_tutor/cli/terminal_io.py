"""The process edge: standard streams, signals and how a failed write ends the program.

Contract:

* ``prepare_streams`` makes every output encoding safe: characters the
  encoding cannot hold (∞ under ``PYTHONIOENCODING=ascii``, undecodable bytes of
  an argument) are written as ``\\u221e``-style escapes instead of raising; a
  closed standard output (``>&-``) becomes a stream whose writes fail, so
  nothing reports success without its output;
* ``handle_signals`` turns every terminating signal a program may catch
  (``signals.TERMINATING_SIGNALS``: SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGALRM,
  ... and the real-time signals) into ``Signalled``, raised where the program
  is, so ``finally`` blocks (the terminal's settings, the temporary file of an
  export) run exactly as for Ctrl-C; the exit code is 128 + the signal's number.
  A signal the parent set to be ignored (``nohup``) stays ignored;
* ``read_stdin_line`` reads at most ``limits.MAX_LINE`` characters; a closed or
  undecodable standard input is the end of input;
* ``OutputFailed`` carries a failed write to standard output; ``exit_code_for``
  says how it ends: a broken pipe quietly with 141 (128 + SIGPIPE), anything
  else (a full disk, a closed stream) with one ``error:`` line and 1.

Only the CLI calls this module.
"""

from __future__ import annotations

import errno
import io
import os
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from types import FrameType

from mhsa_tutor.core.errors import InputError
from mhsa_tutor.core.limits import MAX_LINE
from mhsa_tutor.io.signals import terminating_signals

EXIT_BROKEN_PIPE = 128 + 13  # what a shell reports for a process ended by SIGPIPE


class Signalled(BaseException):
    """A terminating signal (SIGTERM, SIGHUP, SIGQUIT, ...) arrived; like KeyboardInterrupt, not caught by
    ``except Exception``."""

    def __init__(self, signum: int) -> None:
        self.signum = signum
        super().__init__(f"signal {signum}")


class OutputFailed(Exception):
    """Writing to standard output failed (``errno`` from the OSError)."""

    def __init__(self, exc: OSError) -> None:
        self.errno = exc.errno
        self.reason = exc.strerror or str(exc)
        super().__init__(self.reason)


class _ClosedStdout(io.TextIOBase):
    """Standard output when file descriptor 1 was closed at start: every write fails."""

    encoding = "utf-8"
    errors = "strict"

    def write(self, s: str) -> int:
        raise OSError(errno.EBADF, "standard output is closed")

    def isatty(self) -> bool:
        return False


def prepare_streams() -> None:
    """Make stdout and stderr write escapes for what their encoding cannot hold; mark a closed stdout."""
    if sys.stdout is None:
        sys.stdout = _ClosedStdout()
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            with suppress(ValueError, OSError):
                stream.reconfigure(errors="backslashreplace")


def unset_zero_size() -> None:
    """Remove ``COLUMNS`` or ``LINES`` when it is 0 (``COLUMNS=0``, ``LINES=00``): no size at all.

    Rich would lay everything out 0 columns wide (nothing printed) and wrapping
    would fail; Python's ``shutil.get_terminal_size`` reads a 0 as not set, and so
    does the tutor: the terminal's own size is used, or 80 × 25 when piped.
    """
    for name in ("COLUMNS", "LINES"):
        text = os.environ.get(name, "").strip()
        if text.isdecimal() and int(text[:18]) == 0:
            del os.environ[name]


def _raise_signalled(signum: int, frame: FrameType | None) -> None:
    raise Signalled(signum)


@contextmanager
def handle_signals() -> Iterator[None]:
    """While inside, every terminating signal left at its default raises ``Signalled`` (main thread only)."""
    previous: dict[int, object] = {}
    try:
        for sig in terminating_signals():
            with suppress(ValueError, OSError, RuntimeError):  # not the main thread, or not catchable: leave it
                if signal.getsignal(sig) == signal.SIG_DFL:  # an ignored one (nohup's SIGHUP) stays ignored
                    previous[sig] = signal.signal(sig, _raise_signalled)
        yield
    finally:
        for sig, handler in previous.items():
            with suppress(ValueError, OSError, TypeError):
                signal.signal(sig, handler)  # type: ignore[arg-type]


def read_stdin_line(limit: int = MAX_LINE) -> str | None:
    """One line of standard input without its line break; None at end of input.

    A closed standard input (``<&-``) or bytes that are not UTF-8 end the input
    too (with a note on stderr for the latter).

    Raises:
        InputError: the line is longer than ``limit`` characters (nothing more is read).
    """
    stdin = sys.stdin
    if stdin is None:
        return None
    try:
        line = stdin.readline(limit + 1)
    except UnicodeDecodeError:
        with suppress(OSError, ValueError):
            sys.stderr.write(note_line("standard input is not UTF-8 text; stopping as at the end of input") + "\n")
        return None
    except (OSError, ValueError):  # closed or unreadable
        return None
    if not line:
        return None
    body = line.rstrip("\r\n")
    if len(body) > limit:
        raise InputError(f"standard input: a line is longer than {limit:,} characters; the limit is {limit:,}")
    return body


def note_line(message: str) -> str:
    """``note: …`` in the run's language (``support.error_line``'s Korean)."""
    from mhsa_tutor.cli.support import error_line  # support imports this module

    return "note: " + error_line(message).removeprefix("error: ")


def write_stdout(text: str) -> None:
    """Write and flush ``text`` on standard output (a prompt), in its own encoding with escapes."""
    sys.stdout.write(text)
    sys.stdout.flush()


def broken_pipe() -> None:
    """Rich's ``Console.on_broken_pipe``: report the broken pipe like any failed write."""
    raise OutputFailed(BrokenPipeError(errno.EPIPE, "Broken pipe"))


def flush_stdout() -> None:
    """Flush standard output now, so a full disk is reported instead of failing at exit.

    Raises:
        OutputFailed: the write failed.
    """
    if sys.stdout is None:
        return
    try:
        sys.stdout.flush()
    except OSError as exc:
        raise OutputFailed(exc) from None


def exit_code_for(failure: OutputFailed) -> int:
    """Print the one ``error:`` line (none for a broken pipe), silence stdout, and give the exit code."""
    silence_stdout()
    if failure.errno == errno.EPIPE:
        return EXIT_BROKEN_PIPE
    from mhsa_tutor.cli.support import error_line  # at the edge, in the run's language; support imports this module

    with suppress(OSError, ValueError):
        sys.stderr.write(error_line(f"cannot write to standard output: {failure.reason}") + "\n")
        sys.stderr.flush()
    return 1


def silence_stdout() -> None:
    """Point file descriptor 1 at the null device, so the flush at exit cannot fail again."""
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):
        return
    with suppress(OSError):
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, fd)
        os.close(null)
