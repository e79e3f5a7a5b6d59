"""The command line: Typer commands that only wire scenario -> engine -> trace -> renderers.

Contracts:

* every ``TutorError`` and every bad option becomes exit code 2 and one line
  ``error: ...`` on stderr, never a traceback;
* heavy modules (NumPy, the engine, the renderers) are imported inside the
  commands, so ``mhsa-tutor --help`` starts without NumPy;
* no ``from __future__ import annotations``: Typer evaluates string annotations
  four times per command at every start (~9 ms); names imported only for type
  checking are quoted instead;
* the Console is created here, once per command, and passed down;
* at the process edge (``terminal_io``): SIGTERM/SIGHUP exit 128 + signal after
  the same clean-up as Ctrl-C; a full disk or closed stdout is one ``error:``
  line and exit 1; a broken pipe exits 141 quietly; MemoryError is one line too;
* every size a user asks for is checked against ``limits`` before the work.
"""

import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from typer.core import TyperGroup

from mhsa_tutor import __version__, terminal_io
from mhsa_tutor.errors import OptionError, TutorError
from mhsa_tutor.limits import MAX_COUNT, check_columns, check_count, check_full, full_cells

if TYPE_CHECKING:
    from rich.console import Console, RenderableType

    from mhsa_tutor.generate import RandomSpec
    from mhsa_tutor.render import View
    from mhsa_tutor.scenario import Scenario
    from mhsa_tutor.trace import Trace


class _Group(TyperGroup):
    """Typer's group, with every usage error as one plain ``error:`` line (exit 2)."""

    def main(  # type: ignore[override]
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        terminal_io.prepare_streams()
        try:
            with terminal_io.handle_signals():
                rv = self._main(args, prog_name, complete_var, **extra)
                terminal_io.flush_stdout()
        except terminal_io.Signalled as sig:  # SIGTERM, SIGHUP: cleaned up as for Ctrl-C
            sys.exit(128 + sig.signum)
        except MemoryError:  # the budget (limits.py) should prevent it; never a traceback
            _fail("out of memory; try smaller sizes (the limits are in the README)", 1)
        except terminal_io.OutputFailed as failure:  # full disk, closed or broken stdout
            sys.exit(terminal_io.exit_code_for(failure))
        except OSError as exc:  # a write to stdout while parsing (--help): no file name
            if exc.filename is not None:
                raise
            sys.exit(terminal_io.exit_code_for(terminal_io.OutputFailed(exc)))
        code = rv if isinstance(rv, int) else 0
        if standalone_mode:
            sys.exit(code)
        return rv

    def _main(self, args: Sequence[str] | None, prog_name: str | None, complete_var: str | None, **extra: Any) -> Any:
        """Typer's main without its exits: usage errors, Ctrl-C and the budget's COLUMNS check become exits here."""
        try:
            check_columns(os.environ.get("COLUMNS"), os.environ.get("LINES"))
            return super().main(args, prog_name or "mhsa-tutor", complete_var, standalone_mode=False, **extra)
        except typer.Abort:
            sys.exit(130)
        except TutorError as exc:
            _fail(str(exc))
        except typer.TyperException as exc:  # Typer's (vendored Click's) usage errors
            ctx = getattr(exc, "ctx", None)
            if exc.__class__.__name__ == "NoArgsIsHelpError" and ctx is not None:
                sys.exit(0)  # Typer has printed the help already
            fmt = getattr(exc, "format_message", None)
            _fail(fmt() if fmt is not None else str(exc), getattr(exc, "exit_code", 2))

    def invoke(self, ctx: Any) -> Any:
        """Run the command; a failed write to standard output (an OSError without a file name) is ``OutputFailed``."""
        try:
            return super().invoke(ctx)
        except OSError as exc:
            if exc.filename is not None:
                raise
            raise terminal_io.OutputFailed(exc) from None


def _fail(message: str, code: int = 2) -> NoReturn:
    """Print one ``error:`` line on stderr (control characters made visible) and exit."""
    from mhsa_tutor.render import safe

    line = " ".join(safe(message).split())
    typer.echo(f"error: {line}", err=True)
    sys.exit(code)


app = typer.Typer(
    cls=_Group,
    name="mhsa-tutor",
    help="Multi-head self-attention, computed by hand in front of you, one stage at a time.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


class Lang(StrEnum):
    """Narration language."""

    en = "en"
    ko = "ko"


@contextmanager
def _errors() -> Iterator[None]:
    """Turn domain errors into exit code 2 with one clear line."""
    try:
        yield
    except TutorError as exc:
        _fail(str(exc))


def _console() -> "Console":
    from rich.console import Console

    console = Console(highlight=False, emoji=False)
    console.on_broken_pipe = terminal_io.broken_pipe  # type: ignore[method-assign]  # not Rich's exit 1
    return console


def _print(console: "Console", renderable: "RenderableType") -> None:
    """Print without squeezing wide tables: render at least as wide as the content needs."""
    from mhsa_tutor.render import needed_width

    need = needed_width(console, [renderable])
    width = console.width
    console.width = max(width, need)
    try:
        console.print(renderable, crop=False)
    finally:
        console.width = width


def _version(value: bool) -> None:
    if value:
        try:  # an eager option runs before the command: its failed write is reported here
            typer.echo(f"mhsa-tutor {__version__}")
        except OSError as exc:
            raise terminal_io.OutputFailed(exc) from None
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """Multi-head self-attention, computed by hand in front of you, one stage at a time."""


# ----------------------------------------------------------------------------- options

ScenarioArg = Annotated[
    str,
    typer.Argument(
        metavar="NAME|PATH",
        help="A built-in scenario (see `list`), a scenario .toml file, or `random` (generated; see its options).",
    ),
]
PrecisionOpt = Annotated[int, typer.Option("--precision", "-p", min=0, max=12, help="Decimals shown.")]
ExactOpt = Annotated[
    bool, typer.Option("--exact", help="Ignore the source's hand rounding (the scenario's rounding table).")
]
FullOpt = Annotated[bool, typer.Option("--full", help="Show big matrices whole instead of their corners.")]
LangOpt = Annotated[Lang, typer.Option("--lang", help="Narration language.")]


class MaskChoice(StrEnum):
    """Mask of a generated scenario."""

    none = "none"
    causal = "causal"


class ValuesChoice(StrEnum):
    """Numbers of a generated scenario."""

    small_int = "small-int"
    normal = "normal"


_RANDOM = "Scenario `random` (generated, no file; without these options: 3 tokens, d_model 4, 2 heads)"
TokensOpt = Annotated[
    int | None, typer.Option("--tokens", help="Number of tokens, named t1 … tT.", rich_help_panel=_RANDOM)
]
DModelOpt = Annotated[
    int | None, typer.Option("--d-model", help="Width of each token's vector.", rich_help_panel=_RANDOM)
]
HeadsOpt = Annotated[
    int | None, typer.Option("--heads", help="Number of heads; must divide --d-model.", rich_help_panel=_RANDOM)
]
SeedOpt = Annotated[
    int | None, typer.Option("--seed", min=0, help="Same seed, same numbers (default 0).", rich_help_panel=_RANDOM)
]
MaskOpt = Annotated[MaskChoice | None, typer.Option("--mask", help="Mask (default none).", rich_help_panel=_RANDOM)]
ValuesOpt = Annotated[
    ValuesChoice | None,
    typer.Option(
        "--values",
        help="small-int: integers -2 … 2 (default); normal: Gaussian, weights scaled by 1/√d_model.",
        rich_help_panel=_RANDOM,
    ),
]


def _load(ref: "str | RandomSpec") -> "Scenario":
    """A built-in or file scenario, or the generated one that ``random`` (or a RandomSpec) stands for."""
    if isinstance(ref, str) and ref != "random":
        from mhsa_tutor.scenario import load_scenario

        return load_scenario(ref)
    from mhsa_tutor.generate import RandomSpec

    return (ref if isinstance(ref, RandomSpec) else RandomSpec()).build()


def _source(
    name: str,
    tokens: int | None,
    d_model: int | None,
    heads: int | None,
    seed: int | None,
    mask: MaskChoice | None,
    values: ValuesChoice | None,
) -> "str | RandomSpec":
    """The scenario to load: ``name``, or the RandomSpec for ``random`` (random-only options checked)."""
    from mhsa_tutor.generate import RandomSpec

    spec = RandomSpec.from_options(
        name,
        tokens=tokens,
        d_model=d_model,
        heads=heads,
        seed=seed,
        mask=mask.value if mask is not None else None,
        values=values.value if values is not None else None,
    )
    return name if spec is None else spec


def _trace(ref: "str | RandomSpec", exact: bool) -> "Trace":
    from mhsa_tutor.engine import run as run_engine

    return run_engine(_load(ref), exact=exact)


def _view(precision: int, full: bool, lang: Lang, narrate: bool = True) -> "View":
    from mhsa_tutor.render import View

    return View(precision=precision, full=full, lang=lang.value, narrate=narrate)


def _check_stage_head(trace: "Trace", stages: Sequence[str], head: int | None) -> None:
    present = list(dict.fromkeys(s.id for s in trace.stages))
    for sid in stages:
        if sid not in present:
            raise OptionError(
                f"--stage {sid!r} is not a stage of {trace.info.name}; expected one of: {', '.join(present)}"
            )
    if head is not None and not 1 <= head <= trace.info.heads:
        raise OptionError(f"--head {head} is out of range; {trace.info.name} has heads 1 to {trace.info.heads}")


# ---------------------------------------------------------------------------- commands


@app.command("list")
def list_cmd() -> None:
    """List the built-in scenarios: name, title, tokens, heads, source."""
    import re

    from rich import box
    from rich.table import Table
    from rich.text import Text

    from mhsa_tutor.render import safe
    from mhsa_tutor.scenario import builtin_names

    console = _console()
    with _errors():
        table = Table(box=box.SIMPLE_HEAD)
        for col in ("name", "title", "tokens", "heads", "source"):
            table.add_column(col)
        for name in builtin_names():
            scn = _load(name)
            source = re.split(r" \(|; |\. ", scn.source, maxsplit=1)[0]  # its first clause
            source = source if len(source) <= 40 else source[:39] + "…"
            table.add_row(
                Text(name, style="bold"),
                Text(safe(scn.title)),
                Text(safe(" ".join(scn.tokens))),
                Text(str(scn.heads)),
                Text(safe(source)),
            )
        console.print(table)


@app.command()
def run(
    scenario: ScenarioArg,
    stage: Annotated[
        list[str] | None, typer.Option("--stage", "-s", help="Show only this stage id (repeatable).")
    ] = None,
    head: Annotated[int | None, typer.Option("--head", help="Show only this head's per-head stages (1-based).")] = None,
    precision: PrecisionOpt = 4,
    exact: ExactOpt = False,
    full: FullOpt = False,
    lang: LangOpt = Lang.en,
    brief: Annotated[bool, typer.Option("--brief", help="Matrices only, without the narration.")] = False,
    step: Annotated[
        bool, typer.Option("--step", help="Walk through one stage at a time (Enter, b, number, q, ?).")
    ] = False,
    tokens: TokensOpt = None,
    d_model: DModelOpt = None,
    heads: HeadsOpt = None,
    seed: SeedOpt = None,
    mask: MaskOpt = None,
    values: ValuesOpt = None,
) -> None:
    """Show every stage of multi-head attention for a scenario, in order."""
    from mhsa_tutor.render import render_header, render_stage, select

    console = _console()
    with _errors():
        trace = _trace(_source(scenario, tokens, d_model, heads, seed, mask, values), exact)
        stages = list(stage or [])
        _check_stage_head(trace, stages, head)
        view = _view(precision, full, lang, narrate=not brief)
        indices = select(trace, stages, head)
        if full:
            check_full(full_cells(trace.stages[i] for i in indices))  # the budget, before laying anything out
        if step:
            from mhsa_tutor.stepper import walk

            raise typer.Exit(walk(trace, indices, view, console, _read_line, _print))
        _print(console, render_header(trace, view))
        for i in indices:
            console.print()
            _print(console, render_stage(trace, i, view))


@app.command()
def explain(
    scenario: ScenarioArg,
    stage: Annotated[str, typer.Option("--stage", "-s", help="Stage id, e.g. scores, softmax, head_output.")],
    row: Annotated[str, typer.Option("--row", "-r", help="Row: 1-based position or token name.")],
    col: Annotated[str, typer.Option("--col", "-c", help="Column: 1-based position or token name.")],
    head: Annotated[int | None, typer.Option("--head", help="Head, for per-head stages (default 1).")] = None,
    matrix: Annotated[
        str | None, typer.Option("--matrix", "-m", help="Which matrix of the stage, e.g. Q, K or V (default: first).")
    ] = None,
    precision: PrecisionOpt = 4,
    exact: ExactOpt = False,
    lang: LangOpt = Lang.en,
    tokens: TokensOpt = None,
    d_model: DModelOpt = None,
    heads: HeadsOpt = None,
    seed: SeedOpt = None,
    mask: MaskOpt = None,
    values: ValuesOpt = None,
) -> None:
    """Show how one number was computed, with its real numbers, term by term."""
    from rich.text import Text

    from mhsa_tutor.explain import explain_cell
    from mhsa_tutor.render import safe

    console = _console()
    with _errors():
        trace = _trace(_source(scenario, tokens, d_model, heads, seed, mask, values), exact)
        ex = explain_cell(trace, stage, row, col, head=head, matrix=matrix, precision=precision, lang=lang.value)
        console.print(Text(safe(ex.label), style="bold"))
        for line in ex.lines:
            console.print(Text(safe(line)))


class ExportFormat(StrEnum):
    """Export formats (``export.FORMATS``)."""

    md = "md"
    json = "json"
    html = "html"
    svg = "svg"


@app.command()
def export(
    scenario: ScenarioArg,
    output: Annotated[
        str, typer.Option("--output", "-o", metavar="FILE", help="File to write, or - for standard output.")
    ],
    fmt: Annotated[
        ExportFormat | None,
        typer.Option("--format", help="Output format (default: from FILE's extension; markdown for -)."),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite FILE if it exists.")] = False,
    lang: LangOpt = Lang.en,
    precision: PrecisionOpt = 4,
    exact: ExactOpt = False,
    full: FullOpt = False,
    tokens: TokensOpt = None,
    d_model: DModelOpt = None,
    heads: HeadsOpt = None,
    seed: SeedOpt = None,
    mask: MaskOpt = None,
    values: ValuesOpt = None,
) -> None:
    """Write the whole trace as markdown, HTML, SVG or JSON (every number at full precision)."""
    from mhsa_tutor.export import choose_format, write_export
    from mhsa_tutor.safe_write import check_target, write_file

    with _errors():
        if output != "-":
            check_target(output, force=force)
        kind = choose_format(output, fmt.value if fmt is not None else None)
        trace = _trace(_source(scenario, tokens, d_model, heads, seed, mask, values), exact)
        view = _view(precision, full, lang)
        if full and kind != "json":  # JSON never elides; the other formats lay every number out
            check_full(full_cells(trace.stages))
        if output == "-":
            write_export(trace, kind, view, sys.stdout)
        else:
            write_file(output, lambda out: write_export(trace, kind, view, out), force=force)


@app.command()
def quiz(
    scenario: ScenarioArg,
    stage: Annotated[
        list[str] | None, typer.Option("--stage", "-s", help="Ask only about this stage id (repeatable).")
    ] = None,
    count: Annotated[
        int | None, typer.Option("--count", "-n", min=1, help="Number of questions (default: one per stage).")
    ] = None,
    seed: Annotated[
        int | None,
        typer.Option(
            "--seed", min=0, help="Same seed, same questions (and, for random, same numbers). Default: a fresh one."
        ),
    ] = None,
    tolerance: Annotated[
        float | None,
        typer.Option(
            "--tolerance", min=0.0, help="Accept answers this close (default: half a unit of the last decimal typed)."
        ),
    ] = None,
    lang: LangOpt = Lang.en,
    tokens: TokensOpt = None,
    d_model: DModelOpt = None,
    heads: HeadsOpt = None,
    mask: MaskOpt = None,
    values: ValuesOpt = None,
) -> None:
    """Practise by hand: compute one cell of each stage yourself; the tutor checks it and shows how.

    Answers are read line by line (piped input works); q or end of input ends
    the quiz with the summary, whose last line is `score: right/answered`.
    """
    import secrets

    from mhsa_tutor.quiz import choose_questions, run_quiz

    console = _console()
    with _errors():
        if tolerance is not None and not 0.0 <= tolerance < float("inf"):
            raise OptionError(f"--tolerance {tolerance} is not usable; expected a finite number >= 0")
        if count is not None:
            check_count("--count", count, MAX_COUNT, "questions")  # before any work
        seed = secrets.randbelow(1_000_000) if seed is None else seed
        random_seed = seed if scenario == "random" else None
        trace = _trace(_source(scenario, tokens, d_model, heads, random_seed, mask, values), False)
        questions = choose_questions(trace, list(stage or []), count, seed)
        raise typer.Exit(
            run_quiz(trace, questions, console, _read_line, lang=lang.value, tolerance=tolerance, seed=seed)
        )


@app.command()
def new(
    file: Annotated[str, typer.Argument(metavar="FILE", help="The scenario file to write, e.g. mine.toml.")],
    tokens: Annotated[str, typer.Option("--tokens", help='The tokens, separated by spaces, e.g. "the cat sat".')],
    d_model: Annotated[int, typer.Option("--d-model", help="Width of each token's vector.")] = 4,
    heads: Annotated[int, typer.Option("--heads", help="Number of heads; must divide --d-model.")] = 2,
    mask: Annotated[MaskChoice, typer.Option("--mask", help="none, or causal (no looking ahead).")] = MaskChoice.none,
    seed: Annotated[int, typer.Option("--seed", min=0, help="Same seed, same numbers.")] = 0,
    values: Annotated[
        ValuesChoice,
        typer.Option("--values", help="small-int: integers -2 … 2, to work by hand; normal: Gaussian, 2 decimals."),
    ] = ValuesChoice.small_int,
    force: Annotated[bool, typer.Option("--force", help="Overwrite FILE if it exists.")] = False,
    lang: Annotated[Lang, typer.Option("--lang", help="Language of the file's comments.")] = Lang.en,
) -> None:
    """Write a new, commented scenario file with generated numbers, to edit and run."""
    import shlex
    from pathlib import Path
    from typing import TextIO

    from rich.text import Text

    from mhsa_tutor.generate import build_new, scenario_toml
    from mhsa_tutor.narration import ui
    from mhsa_tutor.render import safe
    from mhsa_tutor.safe_write import check_target, write_file

    console = _console()
    with _errors():
        check_target(file, force=force)
        path = Path(file)
        scn = build_new(
            tokens.split(),
            d_model=d_model,
            heads=heads,
            seed=seed,
            mask=mask.value,
            values=values.value,
            name=path.stem,
            origin=file,
        )
        text = scenario_toml(scn, values=values.value, seed=seed, path=file, lang=lang.value)

        def write(out: TextIO) -> None:
            out.write(text)

        write_file(file, write, force=force)
        done = ui(lang.value)["new_wrote"].format(
            path=file,
            cmd=shlex.quote(file if "/" in file or file.endswith(".toml") else f"./{file}"),
            T=len(scn.tokens),
            d=scn.d_model,
            h=scn.heads,
        )
        console.print(Text(safe(done)))


def _read_line(prompt: str) -> str | None:
    """One line from stdin (terminal or pipe); None at end of input."""
    terminal_io.write_stdout(prompt)  # through sys.stdout and its encoding (click's echo may bypass it)
    line = terminal_io.read_stdin_line()  # at most limits.MAX_LINE characters; closed or undecodable: the end
    if line is None:
        terminal_io.write_stdout("\n")
    return line


def main() -> None:
    """Entry point of the ``mhsa-tutor`` script."""
    app()
