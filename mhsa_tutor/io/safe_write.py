"""Write a file safely: whole or not at all, and never over a file without ``force``.

Contract of ``write_file``:

* the target's folder must exist and the target must be a regular file, a
  symlink to one (the link is replaced, never followed into another folder)
  or a new name: a device, FIFO, socket or folder is refused even with ``force``;
  so is an empty name and a name ending in ``/`` (a folder's name, never a file's);
* the target is never one of the files the output is made from (``inputs``):
  compared as ``cp`` does, by the file itself (``samefile``: hard and symbolic
  links too) and by the resolved path, even with ``force``;
* an existing target (even a dangling symlink) is left untouched unless ``force``;
* the new file's mode is 0o666 less the umask; a replaced regular file keeps
  its permissions, but a mode is never read through a symlink, and the set-user-ID,
  set-group-ID, sticky and world-writable bits are never set on what is written;
* the text is written under a temporary name in the target's folder, flushed
  to disk, then renamed onto the target (hard-linked when not forcing, so a
  file that appears meanwhile is not overwritten either); on any error or
  interrupt (Ctrl-C, or any terminating signal the CLI turns into an exception)
  the temporary file is removed, so no half file is ever left;
* every problem is an ``ExportError`` whose message names the path.

Nothing here prints or exits.
"""

from __future__ import annotations

import os
import secrets
import signal
import stat
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO, Any, BinaryIO, TextIO

from mhsa_tutor.core.errors import ExportError
from mhsa_tutor.io.signals import terminating_signals
from mhsa_tutor.io.source_file import kind_of

#: Bits never set on a written file: set-user-ID, set-group-ID, sticky, and writable by everyone.
_NEVER_SET = stat.S_ISUID | stat.S_ISGID | stat.S_ISVTX | stat.S_IWOTH


def write_file(
    path: str | os.PathLike[str],
    write: Callable[[TextIO], None],
    *,
    force: bool = False,
    inputs: Sequence[str | os.PathLike[str]] = (),
) -> None:
    """Write a UTF-8 text file through ``write(out)``, atomically.

    Args:
        path: the file to write.
        write: called once with the open temporary file; writes the content.
        force: replace the file if it exists.
        inputs: the files the content is made from; the target may be none of them.

    Raises:
        ExportError: the file exists (without ``force``), is one of ``inputs``,
            its folder is missing, it is a folder, or the system refuses the write.
    """

    def opened(fd: int) -> IO[str]:
        return os.fdopen(fd, "w", encoding="utf-8", errors="backslashreplace", newline="\n")

    _write_atomic(path, opened, write, force, inputs)


def write_binary(
    path: str | os.PathLike[str],
    write: Callable[[BinaryIO], None],
    *,
    force: bool = False,
    inputs: Sequence[str | os.PathLike[str]] = (),
) -> None:
    """``write_file`` for bytes: ``write(out)`` gets the temporary file opened in binary mode (seekable)."""

    def opened(fd: int) -> IO[bytes]:
        return os.fdopen(fd, "wb")

    _write_atomic(path, opened, write, force, inputs)


def _write_atomic(
    path: str | os.PathLike[str],
    opened: Callable[[int], IO[Any]],
    write: Callable[[Any], None],
    force: bool,
    inputs: Sequence[str | os.PathLike[str]],
) -> None:
    """The one way a file is written (see the module's contract); ``opened`` wraps the temporary file's fd."""
    target = Path(path)
    check_target(path, force=force, inputs=inputs)
    tmp: Path | None = None
    try:
        with _signals_held():  # no signal between creating the file and knowing its name
            fd, tmp = _create_temp(target.parent, target.name)
        with opened(fd) as out:
            os.chmod(out.fileno(), _mode_for(target, force, os.fstat(out.fileno()).st_mode))
            write(out)
            out.flush()
            os.fsync(out.fileno())
        _publish(tmp, target, force, inputs)
    except OSError as exc:
        raise ExportError(f"{target}: cannot write: {exc.strerror or exc}") from exc
    finally:
        if tmp is not None:
            with _signals_held(), suppress(OSError):
                os.unlink(tmp)


def _mode_for(target: Path, force: bool, created: int) -> int:
    """The mode of the new file: a replaced regular file's (never through a link), else ``created``'s.

    ``created`` is the temporary file's mode, 0o666 less the umask. Either way the
    bits in ``_NEVER_SET`` are cleared: no export is ever set-ID, sticky or world-writable.
    """
    mode = stat.S_IMODE(created)
    if force:
        with suppress(OSError):
            own = target.lstat()  # the target itself: a symlink's target lends it nothing
            if stat.S_ISREG(own.st_mode):
                mode = stat.S_IMODE(own.st_mode)
    return mode & ~_NEVER_SET


@contextmanager
def _signals_held() -> Iterator[None]:
    """Hold Ctrl-C and every terminating signal back for a moment (they arrive, and raise, right after)."""
    held = {int(signal.SIGINT), *terminating_signals()}
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def check_target(
    path: str | os.PathLike[str], *, force: bool = False, inputs: Sequence[str | os.PathLike[str]] = ()
) -> None:
    """Fail early if ``write_file(path, ..., force=force, inputs=inputs)`` cannot succeed for a plain reason.

    Raises:
        ExportError: ``path`` is empty, names a folder (an existing one, or a name
            ending in ``/``), is one of ``inputs``, its folder is missing, or it
            exists and ``force`` is False.
    """
    name = os.fspath(path)
    if not name:
        raise ExportError("the file name is empty; expected a file name to write")
    if name.endswith(("/", os.sep)):
        raise ExportError(f"{name}: ends with /, so it names a folder; expected a file name to write")
    target = Path(path)
    folder = target.parent
    try:
        _check_kind(target)
        _check_not_input(target, inputs)
        if target.is_dir():
            raise ExportError(f"{target}: is a folder; expected a file name to write")
        if not folder.is_dir():
            what = "is not a folder" if folder.exists() else "does not exist"
            raise ExportError(f"{target}: the folder {folder} {what}")
        if not force and os.path.lexists(target):
            raise ExportError(f"{target}: already exists; use --force to overwrite it")
    except OSError as exc:  # e.g. a name too long for the file system
        raise ExportError(f"{target}: cannot be written ({exc.strerror or exc})") from None


def _check_not_input(target: Path, inputs: Sequence[str | os.PathLike[str]]) -> None:
    """Refuse a target that is one of the input files, as ``cp`` and ``sort -o`` do.

    Two names are the same file when ``os.path.samefile`` says so (one file, one
    inode: a hard link, a symlink to it, another spelling of its path) or when
    their resolved paths are equal.
    """
    for given in inputs:
        source = Path(given)
        same = False
        with suppress(OSError, ValueError):
            same = os.path.realpath(target) == os.path.realpath(source)
        if not same:
            with suppress(OSError, ValueError):
                same = os.path.samefile(target, source)
        if same:
            raise ExportError(
                f"{target}: is {source}, a file this output is made from; writing it would replace "
                "its own input; expected another file name"
            )


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


def _publish(tmp: Path, target: Path, force: bool, inputs: Sequence[str | os.PathLike[str]] = ()) -> None:
    """Move the finished temporary file onto the target (the caller removes what is left)."""
    _check_not_input(target, inputs)  # a link to the input that appeared meanwhile is not followed either
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
