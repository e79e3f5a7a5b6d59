"""Write a file safely: whole or not at all, and never over a file without ``force``.

Contract of ``write_file``:

* the target's folder must exist and the target must be a regular file, a
  symlink to one (the link is replaced, never followed into another folder)
  or a new name: a device, FIFO, socket or folder is refused even with ``force``;
* an existing target (even a dangling symlink) is left untouched unless ``force``;
* the text is written under a temporary name in the target's folder, flushed
  to disk, then renamed onto the target (hard-linked when not forcing, so a
  file that appears meanwhile is not overwritten either); on any error or
  interrupt (Ctrl-C, or SIGTERM/SIGHUP as the CLI turns them into exceptions)
  the temporary file is removed, so no half file is ever left;
* every problem is an ``ExportError`` whose message names the path.

Nothing here prints or exits.
"""

from __future__ import annotations

import os
import secrets
import signal
import stat
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TextIO

from mhsa_tutor.core.errors import ExportError
from mhsa_tutor.io.source_file import kind_of


def write_file(path: str | os.PathLike[str], write: Callable[[TextIO], None], *, force: bool = False) -> None:
    """Write a UTF-8 text file through ``write(out)``, atomically.

    Args:
        path: the file to write.
        write: called once with the open temporary file; writes the content.
        force: replace the file if it exists.

    Raises:
        ExportError: the file exists (without ``force``), its folder is missing,
            it is a folder, or the system refuses the write.
    """
    target = Path(path)
    check_target(target, force=force)
    tmp: Path | None = None
    try:
        with _signals_held():  # no signal between creating the file and knowing its name
            fd, tmp = _create_temp(target.parent, target.name)
        with os.fdopen(fd, "w", encoding="utf-8", errors="backslashreplace", newline="\n") as out:
            if force and target.is_file():  # keep the replaced file's permissions
                os.chmod(out.fileno(), stat.S_IMODE(target.stat().st_mode))
            write(out)
            out.flush()
            os.fsync(out.fileno())
        _publish(tmp, target, force)
    except OSError as exc:
        raise ExportError(f"{target}: cannot write: {exc.strerror or exc}") from exc
    finally:
        if tmp is not None:
            with _signals_held(), suppress(OSError):
                os.unlink(tmp)


@contextmanager
def _signals_held() -> Iterator[None]:
    """Hold Ctrl-C, SIGTERM and SIGHUP back for a moment (they arrive, and raise, right after)."""
    names = ("SIGINT", "SIGTERM", "SIGHUP")
    held = {sig for sig in (getattr(signal, n, None) for n in names) if sig is not None}
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def check_target(path: str | os.PathLike[str], *, force: bool = False) -> None:
    """Fail early if ``write_file(path, ..., force=force)`` cannot succeed for a plain reason.

    Raises:
        ExportError: ``path`` is a folder, its folder is missing, or it exists
            and ``force`` is False.
    """
    target = Path(path)
    folder = target.parent
    try:
        _check_kind(target)
        if target.is_dir():
            raise ExportError(f"{target}: is a folder; expected a file name to write")
        if not folder.is_dir():
            what = "is not a folder" if folder.exists() else "does not exist"
            raise ExportError(f"{target}: the folder {folder} {what}")
        if not force and os.path.lexists(target):
            raise ExportError(f"{target}: already exists; use --force to overwrite it")
    except OSError as exc:  # e.g. a name too long for the file system
        raise ExportError(f"{target}: cannot be written ({exc.strerror or exc})") from None


def _check_kind(target: Path) -> None:
    """Refuse a target that is not a regular file, a symlink to one, a dangling symlink or a new name.

    A device, FIFO, socket or folder (or a symlink to one) is never replaced,
    with or without ``force``: writing "over" /dev/null must not turn it into a file.
    """
    if in_system_folder(target):
        raise ExportError(
            f"{target}: is in {target.parent}, a folder of the system's devices or processes; "
            "expected a file in a folder of your own"
        )
    try:
        own = target.lstat()
    except FileNotFoundError:
        return  # a new name
    if stat.S_ISLNK(own.st_mode):
        try:
            mode = target.stat().st_mode
        except FileNotFoundError:
            return  # a dangling symlink: replaced by the new file, never followed
        what = "a symlink to " + kind_of(mode)
    else:
        mode = own.st_mode
        what = kind_of(mode)
    if not stat.S_ISREG(mode) and not stat.S_ISDIR(mode):  # a folder has its own message (check_target)
        raise ExportError(f"{target}: is {what}; expected a regular file (or a new name) to write")


#: Folders whose entries are devices, processes or kernel state, never documents (/dev/stdout is a link there).
SYSTEM_FOLDERS = (Path("/dev"), Path("/proc"), Path("/sys"))


def in_system_folder(target: Path) -> bool:
    """True when the target's folder (symlinks resolved) is /dev, /proc, /sys or inside one."""
    try:
        folder = target.parent.resolve()
    except (OSError, RuntimeError):
        return False
    return any(folder == top or top in folder.parents for top in SYSTEM_FOLDERS)


def _create_temp(folder: Path, name: str) -> tuple[int, Path]:
    """Create a new, hidden temporary file beside the target (mode 0o666 less the umask)."""
    while True:
        tmp = folder / f".{name[:200]}.{secrets.token_hex(4)}.tmp"
        try:
            return os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666), tmp
        except FileExistsError:
            continue


def _publish(tmp: Path, target: Path, force: bool) -> None:
    """Move the finished temporary file onto the target (the caller removes what is left)."""
    if force:
        _check_kind(target)  # a device or FIFO that appeared since the first check is not replaced either
        os.replace(tmp, target)
        return
    try:
        os.link(tmp, target)  # fails if the target appeared since the check
    except FileExistsError:
        raise ExportError(f"{target}: already exists; use --force to overwrite it") from None
    except OSError:  # no hard links on this file system: check, then rename
        if os.path.lexists(target):
            raise ExportError(f"{target}: already exists; use --force to overwrite it") from None
        os.replace(tmp, target)
