"""The learner's state on disk: one JSON file in the user's state folder, never lost, never half-written.

* ``state_dir``: ``$MHSA_TUTOR_STATE`` if set, else ``$XDG_STATE_HOME/mhsa-tutor``,
  else ``~/.local/state/mhsa-tutor`` (the XDG Base Directory default).
* ``load_state``: the JSON object in ``folder/name``. A missing file is a fresh
  start without a word. A file that cannot be read, is not UTF-8 JSON, or that
  the caller's ``check`` rejects is moved aside (renamed ``name.bad-<time>``,
  never deleted) and costs one warning line; if it cannot even be moved aside,
  the state is marked read-only, so saving never overwrites it.
* ``save_state``: writes the whole object under a temporary name in the same
  folder, flushes it to disk (fsync), renames it onto the file and fsyncs the
  folder (``safe_write.write_file``): a kill at any moment leaves the old file
  or the new one, whole. Temporary files a killed run left behind are removed.

Nothing here prints: warnings are returned as strings for the CLI to show.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Mapping
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from mhsa_tutor.core.errors import ExportError
from mhsa_tutor.io.safe_write import write_file

T = TypeVar("T")

#: The largest state file read (a mistake book of thousands of cells is far below it).
MAX_STATE_BYTES = 4_000_000


def state_dir(env: Mapping[str, str] | None = None) -> Path:
    """The folder of the learner's state (see the module docstring for the order)."""
    env = os.environ if env is None else env
    if env.get("MHSA_TUTOR_STATE"):
        return Path(env["MHSA_TUTOR_STATE"])
    base = env.get("XDG_STATE_HOME") or ""
    root = Path(base) if base and Path(base).is_absolute() else Path.home() / ".local" / "state"
    return root / "mhsa-tutor"


@dataclass(frozen=True)
class Loaded:
    """What ``load_state`` found: the value, a warning to show (or None), whether saving is safe."""

    value: Any
    warning: str | None = None
    writable: bool = True


def load_state(folder: Path, name: str, check: Callable[[object], T], fresh: T) -> Loaded:
    """The state in ``folder/name``, through ``check`` (raises ValueError when malformed); ``fresh`` if none."""
    path = folder / name
    try:
        with open(path, "rb") as f:
            raw = f.read(MAX_STATE_BYTES + 1)
    except FileNotFoundError:
        return Loaded(fresh)
    except OSError as exc:
        return _aside(path, fresh, f"cannot be read ({exc.strerror or exc})")
    try:
        if len(raw) > MAX_STATE_BYTES:
            raise ValueError(f"larger than {MAX_STATE_BYTES} bytes")
        return Loaded(check(json.loads(raw.decode("utf-8"))))
    except (ValueError, RecursionError) as exc:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        return _aside(path, fresh, f"is not a state file this version reads ({str(exc)[:80]})")


def _aside(path: Path, fresh: T, why: str) -> Loaded:
    """Move a bad state file aside (kept, renamed) and start fresh; read-only if it cannot be moved."""
    keep = path.with_name(f"{path.name}.bad-{time.strftime('%Y%m%dT%H%M%S')}")
    n = 1
    while keep.exists():
        keep, n = keep.with_name(f"{path.name}.bad-{time.strftime('%Y%m%dT%H%M%S')}-{n}"), n + 1
    try:
        os.replace(path, keep)
    except OSError:
        return Loaded(fresh, f"{path} {why}; starting afresh, and this run's progress will not be saved", False)
    return Loaded(fresh, f"{path} {why}; kept as {keep.name}, starting afresh")


def save_state(folder: Path, name: str, value: object) -> str | None:
    """Write ``value`` as JSON to ``folder/name`` atomically; a warning line if it could not be saved."""
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)  # a private state folder (XDG), never world-writable
        text = json.dumps(value, ensure_ascii=False, indent=1) + "\n"
        _sweep(folder, name)
        write_file(folder / name, lambda out: print(text, end="", file=out), force=True)
        _sync_folder(folder)
    except (OSError, ExportError) as exc:
        return f"{folder / name}: progress not saved ({exc})"
    return None


def _sweep(folder: Path, name: str) -> None:
    """Remove the temporary files of a run killed mid-write (``.name.xxxxxxxx.tmp``, older than a minute)."""
    now = time.time()
    for tmp in folder.glob(f".{name}.*.tmp"):
        with suppress(OSError):
            if now - tmp.stat().st_mtime > 60:
                tmp.unlink()


def _sync_folder(folder: Path) -> None:
    """fsync the folder, so the rename itself survives a power cut (where the system allows it)."""
    with suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
