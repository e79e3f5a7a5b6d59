"""Read a scenario path safely: regular files only, never more than the size limit.

Contract of ``read_scenario_bytes``:

* the path is opened without blocking (a FIFO with no writer does not hang)
  and checked with ``fstat`` on the open file, so what is checked is what is read;
* FIFOs, devices, sockets and folders are refused, whatever their name;
* at most ``limits.MAX_SCENARIO_BYTES`` bytes are read; a larger file (or one
  that grows while being read) is refused, naming the cap;
* every problem is a ``ScenarioError`` naming the path.

Nothing here prints or exits.
"""

from __future__ import annotations

import os
import stat

from mhsa_tutor.core.errors import ScenarioError
from mhsa_tutor.core.limits import MAX_SCENARIO_BYTES


def kind_of(mode: int) -> str:
    """A file type in words: ``a folder``, ``a FIFO (named pipe)``, ``a device``, ``a socket``."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _kind_without_opening(path: str | os.PathLike[str]) -> str | None:
    """What ``path`` is when it is not a regular file (``a socket``…), from ``stat``; None if it is one or unknown."""
    try:
        mode = os.stat(path).st_mode
    except (OSError, ValueError):
        return None
    return None if stat.S_ISREG(mode) else kind_of(mode)


def read_scenario_bytes(path: str | os.PathLike[str], origin: str, limit: int = MAX_SCENARIO_BYTES) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes.

    Args:
        path: the file to read.
        origin: how the file is named in messages.
        limit: the largest size accepted.

    Raises:
        ScenarioError: missing, not a regular file, larger than ``limit`` or unreadable.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise ScenarioError(origin, "does not exist") from None
    except IsADirectoryError:
        raise ScenarioError(origin, "is a folder, expected a scenario file (.toml)") from None
    except (OSError, ValueError) as exc:
        kind = _kind_without_opening(path)  # a socket cannot be opened at all (ENXIO): say what it is
        if kind is not None:
            raise ScenarioError(origin, f"is {kind}, expected a regular scenario file (.toml)") from None
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise ScenarioError(origin, f"cannot be read ({reason})") from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise ScenarioError(origin, f"is {kind_of(mode)}, expected a regular scenario file (.toml)")
        size = os.fstat(fd).st_size
        if size > limit:
            raise ScenarioError(origin, f"is {size:,} bytes; the limit for a scenario file is {limit:,} bytes")
        chunks: list[bytes] = []
        total = 0
        while True:
            chunk = os.read(fd, min(65536, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:
                raise ScenarioError(
                    origin, f"is over {limit:,} bytes; the limit for a scenario file is {limit:,} bytes"
                )
        return b"".join(chunks)
    except OSError as exc:
        raise ScenarioError(origin, f"cannot be read ({exc.strerror or exc})") from None
    finally:
        os.close(fd)
