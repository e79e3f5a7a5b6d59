"""What the CLI says around the work: the scenario's own command, what ``export`` wrote, the next steps.

``scenario_command`` rebuilds the scenario as ``mhsa-tutor run`` takes it (a
built-in's name, a path, or ``random`` with the options that make it), so
every hint names a command the learner can paste.
"""

import sys
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from rich.console import Console

    from mhsa_tutor.core.scenario import Scenario
    from mhsa_tutor.core.trace import ScenarioInfo


def scenario_command(
    ref: str,
    scn: "Scenario | ScenarioInfo",
    seed: int | None,
    mask: str | None,
    values: str | None,
    *variant_flags: object,
) -> str:
    """The scenario as ``mhsa-tutor run`` takes it: the name or path, and for ``random`` the options that make it."""
    import shlex

    if ref != "random":
        return shlex.quote(ref)
    parts = ["random", f"--tokens {len(scn.tokens)}", f"--d-model {scn.d_model}", f"--heads {scn.heads}"]
    parts += [f"--seed {seed}"] if seed is not None else []
    parts += [f"--mask {shlex.quote(mask)}"] if mask else []
    parts += [f"--values {shlex.quote(values)}"] if values else []
    names = ("--positions", "--rope", "--bias", "--window", "--kv-heads")
    for name, value in zip(names, variant_flags, strict=True):
        if value is True:
            parts.append(name)
        elif value not in (None, False):
            parts.append(f"{name} {shlex.quote(str(value))}")
    return " ".join(parts)


def say_written(path: str, kind: str, lang: str) -> None:
    """On stderr (stdout may be a pipe the learner reads): what ``export`` wrote and how to open it."""
    import os
    import shlex

    from mhsa_tutor.strings import ui

    t = ui(lang)
    size = os.path.getsize(path)
    shown = f"{size} B" if size < 10_000 else f"{size // 1000} kB"
    opener = "open" if sys.platform == "darwin" else "xdg-open"
    quoted = shlex.quote(path)
    how = t["export_open_" + ("html" if kind == "html" else "svg" if kind in ("svg", "heatmap") else kind)]
    try:
        typer.echo(t["export_wrote"].format(path=quoted, kind=kind, size=shown), err=True)
        typer.echo(how.format(opener=opener, path=quoted), err=True)
    except OSError:  # a closed stderr: the file is written, which is what counts
        pass


def next_steps(console: "Console", command: str, lang: str) -> None:
    """After ``run`` on a terminal: ``--step``, ``quiz``, ``learn`` and the page, with this scenario's command."""
    from rich.text import Text

    from mhsa_tutor.strings import ui
    from mhsa_tutor.views.terminal.render import prose

    console.print()
    console.print(prose(Text(ui(lang)["next_steps"].format(cmd=command), style="bold")))
