"""The signals that end the program: one list, read by the CLI (which turns them into an exception, so
every clean-up runs) and by ``safe_write`` (which holds them back while it names a temporary file).

Imports only ``signal``, so the CLI can read it at start without slowing ``--help``.
"""

from __future__ import annotations

import signal

#: Signals whose default action ends the process and that a program may catch: each is turned into an
#: exception by the CLI (``terminal_io.handle_signals``), so the same clean-up as Ctrl-C runs. Faults
#: (SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGSYS, SIGTRAP) are left alone: nothing safe runs after them;
#: SIGPIPE is reported as a broken pipe and SIGXFSZ as a failed write (Python ignores both).
TERMINATING_SIGNALS: tuple[str, ...] = (
    "SIGHUP",
    "SIGTERM",
    "SIGQUIT",
    "SIGUSR1",
    "SIGUSR2",
    "SIGALRM",
    "SIGVTALRM",
    "SIGPROF",
    "SIGXCPU",
    "SIGPOLL",
    "SIGPWR",
    "SIGSTKFLT",
)


def terminating_signals() -> tuple[int, ...]:
    """The numbers of ``TERMINATING_SIGNALS`` this system has, and its real-time signals."""
    found = {int(sig) for sig in (getattr(signal, n, None) for n in TERMINATING_SIGNALS) if sig is not None}
    low, high = getattr(signal, "SIGRTMIN", None), getattr(signal, "SIGRTMAX", None)
    if low is not None and high is not None:
        found.update(range(int(low), int(high) + 1))
    return tuple(sorted(found))
