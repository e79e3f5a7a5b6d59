"""The sweep: every command on every built-in and on generated variant scenarios, with no traceback.

For each scenario: ``run`` (plain, Korean and brief, or exact and full, in turn), ``run --step`` piped
through every stage and back, ``quiz`` on three seeds with right, wrong, unreadable and missing
answers, ``explain`` on the four corner cells of every matrix of every stage and head (the command
itself once per stage and matrix, the rest in-process), and JSON, HTML and one of markdown, SVG and
the heatmap in turn. Each ends with exit 0, or 2 with one ``error:`` line; none prints a traceback.
Everything runs in-process (Typer's CliRunner), so the whole sweep stays within seconds.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from mhsa_tutor.core.engine import run
from mhsa_tutor.core.trace import Trace
from mhsa_tutor.io.generate import build_random
from mhsa_tutor.io.loader import builtin_names, load_scenario
from mhsa_tutor.io.variant_options import VariantOptions
from mhsa_tutor.teach.explain import explain_cell
from tests.conftest import Invoke
from tests.variant_scenarios import RANDOM_ARGS

#: (label, the scenario's arguments on the command line)
SCENARIOS: list[tuple[str, list[str]]] = [
    *((name, [name]) for name in builtin_names()),
    *((name, ["random", *args]) for name, args in RANDOM_ARGS.items()),
]


def _ok(result: object, what: str) -> None:
    code = getattr(result, "exit_code")  # noqa: B009
    out = getattr(result, "output")  # noqa: B009
    assert "Traceback" not in out, f"{what}: {out[-2000:]}"
    exc = getattr(result, "exception")  # noqa: B009
    if exc is not None and not isinstance(exc, SystemExit):
        raise AssertionError(f"{what}: {exc!r}") from exc
    assert code in (0, 2), f"{what}: exit {code}: {out[-500:]}"
    if code == 2:
        errors = [line for line in out.splitlines() if line.startswith("error:")]
        assert len(errors) == 1, f"{what}: {out[-500:]}"


def _trace(args: list[str]) -> Trace:
    """The trace the command line's scenario gives (to know its stages and shapes)."""
    if args[0] != "random":
        return run(load_scenario(args[0]))
    flags = [a for a in args if a == "--rope"]
    rest = [a for a in args[1:] if a != "--rope"]
    opts = dict(zip(rest[0::2], rest[1::2], strict=True))
    variants = VariantOptions(
        positions=opts.get("--positions"),
        rope=bool(flags) or None,
        bias=opts.get("--bias"),
        window=int(opts["--window"]) if "--window" in opts else None,
        kv_heads=int(opts["--kv-heads"]) if "--kv-heads" in opts else None,
    )
    scn = build_random(
        int(opts["--tokens"]),
        int(opts["--d-model"]),
        int(opts["--heads"]),
        int(opts.get("--seed", "0")),
        opts.get("--mask", "none"),
        variants=variants,
    )
    return run(scn)


@pytest.mark.parametrize("k", range(len(SCENARIOS)), ids=[s[0] for s in SCENARIOS])
def test_every_command_on_every_scenario(k: int, invoke: Invoke, tmp_path: Path) -> None:
    """The options and formats that cost most rotate over the scenarios (each still meets many of them)."""
    label, args = SCENARIOS[k]
    extra = ([], ["--lang", "ko", "--brief"], ["--exact", "--precision", "2", "--full"])[k % 3]
    _ok(invoke(["run", *args, *extra]), f"run {label} {extra}")
    trace = _trace(args)
    n = len(trace.stages)
    walk = "\n".join(["n"] * (n + 1) + ["b", "b", "2", "?", "l", "q"]) + "\n"
    _ok(invoke(["run", *args, "--step", *(["--lang", "ko"] if k % 2 else [])], input=walk), f"run --step {label}")
    for seed in range(3):
        answers = ["0", "abc", "0.5", "", "-1e3", "q"][2 * seed :]
        result = invoke(["quiz", *args, "--seed", str(seed + k), "--count", "14"], input="\n".join(answers) + "\n")
        _ok(result, f"quiz {label} --seed {seed + k}")
    asked: set[tuple[str, str]] = set()
    for index, stage in enumerate(trace.stages):
        head = [] if stage.head is None else ["--head", str(stage.head)]
        for name, m in stage.matrices.items():
            rows, cols = m.values.shape
            for r, c in [(1, 1), (1, cols), (rows, 1), (rows, cols)]:  # every corner of every stage and head
                explain_cell(trace, stage.id, f"@{r}", f"@{c}", head=stage.head, matrix=name, lang=("en", "ko")[k % 2])
            if (stage.id, name) in asked:
                continue  # the command itself: once per stage and matrix, on a corner that turns with the stage
            asked.add((stage.id, name))
            r, c = [(1, 1), (1, cols), (rows, 1), (rows, cols)][index % 4]
            cell = ["--stage", stage.id, *head, "--matrix", name, "--row", f"@{r}", "--col", f"@{c}"]
            _ok(invoke(["explain", *args, *cell]), f"explain {label} {cell}")
    _ok(invoke(["explain", *args, "--stage", "nonsense", "--row", "1", "--col", "1"]), "explain a bad stage")
    formats = ["json", "html", ("md", "svg", "heatmap")[k % 3]]
    for fmt in formats:
        out = tmp_path / f"{label}.{fmt}"
        _ok(invoke(["export", *args, "-o", str(out), "--format", fmt]), f"export {label} {fmt}")
        assert out.stat().st_size > 0
