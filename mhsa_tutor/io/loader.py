"""Where scenarios come from: built-in names and file paths, read and validated.

``load_scenario("acting_machines")`` reads a built-in (shipped in the wheel, or
``scenarios/`` of a checkout); any path is read as a file. The text is checked
by ``validate.parse_scenario``. Failures are ``ScenarioError`` with one line.
"""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path
from typing import Literal

from mhsa_tutor.core.errors import ScenarioError, did_you_mean
from mhsa_tutor.core.scenario import Scenario
from mhsa_tutor.io.source_file import read_scenario_bytes
from mhsa_tutor.io.validate import parse_scenario

_NAME_RE = re.compile(r"^[a-z0-9_]{1,64}$")


def builtin_dir() -> Path:
    """Folder of the built-in scenarios: in the wheel, or ``scenarios/`` of a checkout."""
    packaged = resources.files("mhsa_tutor") / "scenarios"
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parents[2] / "scenarios"


def builtin_names() -> tuple[str, ...]:
    """Names of the built-in scenarios, sorted."""
    folder = builtin_dir()
    if not folder.is_dir():
        return ()
    return tuple(sorted(p.stem for p in folder.glob("*.toml") if _NAME_RE.match(p.stem)))


def resolve(ref: str) -> Path:
    """Turn a built-in name or a path into the path of a scenario file.

    A bare name (no slash, no ``.toml``) resolves only inside the built-in
    set, so no name can escape to another folder. Anything else is a path.

    Raises:
        ScenarioError: unknown name (with the closest built-in), missing path,
            or a folder.
    """
    names = builtin_names()
    looks_like_path = "/" in ref or "\\" in ref or ref.endswith(".toml") or ref in (".", "..")
    if not looks_like_path:
        if ref in names:
            return builtin_dir() / f"{ref}.toml"
        if not ref or _kind(ref) == "missing":
            hint = did_you_mean(ref.lower(), names, cutoff=0.5)
            raise ScenarioError(
                repr(ref),
                f"is not a built-in scenario or a file; {hint}`mhsa-tutor list` shows the built-ins",
                colon=False,
            )
    kind = _kind(ref)
    if kind == "folder":
        raise ScenarioError(ref, "is a folder, expected a scenario file (.toml)")
    if kind == "missing":
        raise ScenarioError(ref, "does not exist")
    return Path(ref)


def _kind(ref: str) -> Literal["folder", "file", "missing"]:
    """What a path names; an OS refusal (name too long, ...) is a ScenarioError."""
    try:
        path = Path(ref)
        if path.is_dir():
            return "folder"
        return "file" if path.exists() else "missing"
    except (OSError, ValueError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        shown = repr(ref) if len(ref) <= 80 else repr(ref[:77] + "...")
        raise ScenarioError(shown, f"cannot be used as a path ({reason})") from None


def load_scenario(ref: str | Path) -> Scenario:
    """Load and validate a scenario from a built-in name or a file path.

    Args:
        ref: a built-in name such as ``"acting_machines"`` or a path to a TOML file.

    Returns:
        The validated, frozen Scenario.

    Raises:
        ScenarioError: anything wrong with the file, with one clear message.
    """
    path = resolve(str(ref)) if not isinstance(ref, Path) else ref
    origin = path.name if path.parent == builtin_dir() else str(ref)
    raw = read_scenario_bytes(path, origin)  # regular files only, at most limits.MAX_SCENARIO_BYTES
    return parse_scenario(raw, origin=origin, name=path.stem, folder=path.parent)
