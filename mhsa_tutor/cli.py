"""The command line: Typer commands that only wire scenario -> engine -> trace -> renderers.

Contracts:

* every ``TutorError`` and every bad option becomes exit code 2 and one line
  ``error: ...`` on stderr, never a traceback (``cli_support``);
* heavy modules (NumPy, the engine, the renderers) are imported inside the
  commands, so ``mhsa-tutor --help`` starts without NumPy;
* no ``from __future__ import annotations``: Typer evaluates string annotations
  four times per command at every start (~9 ms); names imported only for type
  checking are quoted instead;
* the Console is created here, once per command, and passed down.
"""

import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Annotated

import typer

from mhsa_tutor import __version__
from mhsa_tutor.cli_support import (
    BiasOpt,
    DModelOpt,
    ExactOpt,
    FullOpt,
    Group,
    HeadsOpt,
    KvHeadsOpt,
    LangOpt,
    MaskOpt,
    PositionsOpt,
    PrecisionOpt,
    RopeOpt,
    ScenarioArg,
    SeedOpt,
    TokensOpt,
    ValuesOpt,
    WindowOpt,
    choice,
    errors,
    make_console,
    print_wide,
    read_line,
)
from mhsa_tutor.errors import OptionError
from mhsa_tutor.strings import LANGS

if TYPE_CHECKING:
    from mhsa_tutor.generate import RandomSpec
    from mhsa_tutor.render import View
    from mhsa_tutor.scenario import Scenario
    from mhsa_tutor.trace import Trace
    from mhsa_tutor.variant_options import VariantOptions


app = typer.Typer(
    cls=Group,
    name="mhsa-tutor",
    help="Multi-head self-attention, computed by hand in front of you, one stage at a time.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"mhsa-tutor {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """Multi-head self-attention, computed by hand in front of you, one stage at a time."""


def _load(ref: "str | RandomSpec") -> "Scenario":
    """A built-in or file scenario, or the generated one that ``random`` (or a RandomSpec) stands for."""
    if isinstance(ref, str) and ref != "random":
        from mhsa_tutor.loader import load_scenario

        return load_scenario(ref)
    from mhsa_tutor.generate import RandomSpec

    return (ref if isinstance(ref, RandomSpec) else RandomSpec()).build()


def _source(
    name: str,
    tokens: int | None,
    d_model: int | None,
    heads: int | None,
    seed: int | None,
    mask: str | None,
    values: str | None,
    variants: "VariantOptions | None" = None,
) -> "str | RandomSpec":
    """The scenario to load: ``name``, or the RandomSpec for ``random`` (random-only options checked)."""
    from mhsa_tutor.generate import RandomSpec

    spec = RandomSpec.from_options(
        name,
        tokens=tokens,
        d_model=d_model,
        heads=heads,
        seed=seed,
        mask=mask,
        values=values,
        variants=variants,
    )
    return name if spec is None else spec


def _variants(
    positions: str | None, rope: bool | None, bias: str | None, window: int | None, kv_heads: int | None
) -> "VariantOptions":
    """The variant options of a command, as one record."""
    from mhsa_tutor.variant_options import VariantOptions

    return VariantOptions(positions=positions, rope=rope, bias=bias, window=window, kv_heads=kv_heads)


def _trace(ref: "str | RandomSpec", exact: bool) -> "Trace":
    from mhsa_tutor.engine import run as run_engine

    return run_engine(_load(ref), exact=exact)


def _view(precision: int, full: bool, lang: str, narrate: bool = True) -> "View":
    from mhsa_tutor.render import View

    choice(lang, LANGS, "lang")
    return View(precision=precision, full=full, lang=lang, narrate=narrate)


def _check_stage_head(trace: "Trace", stages: Sequence[str], head: int | None) -> None:
    from mhsa_tutor.errors import did_you_mean

    present = list(dict.fromkeys(s.id for s in trace.stages))
    for sid in stages:
        if sid not in present:
            hint = did_you_mean(sid, present)
            raise OptionError(
                f"{sid!r} is not a stage of {trace.info.name}; {hint}expected one of: {', '.join(present)}", "stage"
            )
    if head is not None and not 1 <= head <= trace.info.heads:
        raise OptionError(f"{head} is out of range; {trace.info.name} has heads 1 to {trace.info.heads}", "head")


# ---------------------------------------------------------------------------- commands


@app.command("list")
def list_cmd() -> None:
    """List the built-in scenarios: name, title, tokens, heads, source."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    from mhsa_tutor.loader import builtin_names
    from mhsa_tutor.render import safe
    from mhsa_tutor.strings import ARTICLES

    console = make_console()
    with errors():
        table = Table(box=box.SIMPLE_HEAD)
        for col in ("name", "title", "tokens", "heads", "article"):
            table.add_column(col)
        for name in builtin_names():
            scn = _load(name)
            source = ARTICLES[scn.article].short if scn.article is not None else scn.source
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
    lang: LangOpt = "en",
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
    positions: PositionsOpt = None,
    rope: RopeOpt = None,
    bias: BiasOpt = None,
    window: WindowOpt = None,
    kv_heads: KvHeadsOpt = None,
) -> None:
    """Show every stage of multi-head attention for a scenario, in order."""
    from mhsa_tutor.render import render_header, render_stage, select

    console = make_console()
    with errors():
        trace = _trace(
            _source(
                scenario, tokens, d_model, heads, seed, mask, values, _variants(positions, rope, bias, window, kv_heads)
            ),
            exact,
        )
        stages = list(stage or [])
        _check_stage_head(trace, stages, head)
        view = _view(precision, full, lang, narrate=not brief)
        indices = select(trace, stages, head)
        if step:
            from mhsa_tutor.session import walk

            raise typer.Exit(walk(trace, indices, view, console, read_line, print_wide))
        print_wide(console, render_header(trace, view))
        for i in indices:
            console.print()
            print_wide(console, render_stage(trace, i, view))


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
    lang: LangOpt = "en",
    tokens: TokensOpt = None,
    d_model: DModelOpt = None,
    heads: HeadsOpt = None,
    seed: SeedOpt = None,
    mask: MaskOpt = None,
    values: ValuesOpt = None,
    positions: PositionsOpt = None,
    rope: RopeOpt = None,
    bias: BiasOpt = None,
    window: WindowOpt = None,
    kv_heads: KvHeadsOpt = None,
) -> None:
    """Show how one number was computed, with its real numbers, term by term."""
    from rich.text import Text

    from mhsa_tutor.explain import explain_cell
    from mhsa_tutor.render import safe

    console = make_console()
    with errors():
        trace = _trace(
            _source(
                scenario, tokens, d_model, heads, seed, mask, values, _variants(positions, rope, bias, window, kv_heads)
            ),
            exact,
        )
        ex = explain_cell(trace, stage, row, col, head=head, matrix=matrix, precision=precision, lang=lang)
        console.print(Text(safe(ex.label), style="bold"))
        for line in ex.lines:
            console.print(Text(safe(line)))


@app.command()
def export(
    scenario: ScenarioArg,
    output: Annotated[
        str, typer.Option("--output", "-o", metavar="FILE", help="File to write, or - for standard output.")
    ],
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            metavar="md|json|html|svg|heatmap",
            help="Output format (default: from FILE's extension; markdown for -): html is an offline interactive "
            "page, svg the terminal view, heatmap an SVG figure of the attention weights.",
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite FILE if it exists.")] = False,
    lang: LangOpt = "en",
    precision: PrecisionOpt = 4,
    exact: ExactOpt = False,
    full: FullOpt = False,
    tokens: TokensOpt = None,
    d_model: DModelOpt = None,
    heads: HeadsOpt = None,
    seed: SeedOpt = None,
    mask: MaskOpt = None,
    values: ValuesOpt = None,
    positions: PositionsOpt = None,
    rope: RopeOpt = None,
    bias: BiasOpt = None,
    window: WindowOpt = None,
    kv_heads: KvHeadsOpt = None,
) -> None:
    """Write the whole trace as markdown, an interactive HTML page, SVG, an attention heatmap or JSON."""
    from mhsa_tutor.export import choose_format, write_export
    from mhsa_tutor.safe_write import check_target, write_file

    with errors():
        if output != "-":
            check_target(output, force=force)
        kind = choose_format(output, fmt)
        trace = _trace(
            _source(
                scenario, tokens, d_model, heads, seed, mask, values, _variants(positions, rope, bias, window, kv_heads)
            ),
            exact,
        )
        view = _view(precision, full, lang)
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
    lang: LangOpt = "en",
    tokens: TokensOpt = None,
    d_model: DModelOpt = None,
    heads: HeadsOpt = None,
    mask: MaskOpt = None,
    values: ValuesOpt = None,
    positions: PositionsOpt = None,
    rope: RopeOpt = None,
    bias: BiasOpt = None,
    window: WindowOpt = None,
    kv_heads: KvHeadsOpt = None,
) -> None:
    """Practise by hand: compute one cell of each stage yourself; the tutor checks it and shows how.

    Answers are read line by line (piped input works); q or end of input ends
    the quiz with the summary, whose last line is `score: right/answered`.
    """
    import secrets

    from mhsa_tutor.quiz import choose_questions
    from mhsa_tutor.session import run_quiz

    console = make_console()
    with errors():
        seed = secrets.randbelow(1_000_000) if seed is None else seed
        random_seed = seed if scenario == "random" else None
        trace = _trace(
            _source(
                scenario,
                tokens,
                d_model,
                heads,
                random_seed,
                mask,
                values,
                _variants(positions, rope, bias, window, kv_heads),
            ),
            False,
        )
        questions = choose_questions(trace, list(stage or []), count, seed)
        raise typer.Exit(run_quiz(trace, questions, console, read_line, lang=lang, tolerance=tolerance, seed=seed))


@app.command()
def new(
    file: Annotated[str, typer.Argument(metavar="FILE", help="The scenario file to write, e.g. mine.toml.")],
    tokens: Annotated[str, typer.Option("--tokens", help='The tokens, separated by spaces, e.g. "the cat sat".')],
    d_model: Annotated[int, typer.Option("--d-model", help="Width of each token's vector.")] = 4,
    heads: Annotated[int, typer.Option("--heads", help="Number of heads; must divide --d-model.")] = 2,
    mask: Annotated[
        str,
        typer.Option("--mask", metavar="none|causal|sliding", help="none, causal (no looking ahead) or sliding."),
    ] = "none",
    seed: Annotated[int, typer.Option("--seed", min=0, help="Same seed, same numbers.")] = 0,
    values: Annotated[
        str,
        typer.Option(
            "--values",
            metavar="small-int|normal",
            help="small-int: integers -2 … 2, to work by hand; normal: Gaussian, 2 decimals.",
        ),
    ] = "small-int",
    force: Annotated[bool, typer.Option("--force", help="Overwrite FILE if it exists.")] = False,
    lang: Annotated[str, typer.Option("--lang", metavar="en|ko", help="Language of the file's comments.")] = "en",
    positions: PositionsOpt = None,
    rope: RopeOpt = None,
    bias: BiasOpt = None,
    window: WindowOpt = None,
    kv_heads: KvHeadsOpt = None,
) -> None:
    """Write a new, commented scenario file with generated numbers, to edit and run."""
    import shlex
    from pathlib import Path
    from typing import TextIO

    from rich.text import Text

    from mhsa_tutor.generate import build_new, scenario_toml
    from mhsa_tutor.render import safe
    from mhsa_tutor.safe_write import check_target, write_file
    from mhsa_tutor.strings import ui

    console = make_console()
    with errors():
        choice(lang, LANGS, "lang")
        check_target(file, force=force)
        path = Path(file)
        scn = build_new(
            tokens.split(),
            d_model=d_model,
            heads=heads,
            seed=seed,
            mask=mask,
            values=values,
            name=path.stem,
            origin=file,
            variants=_variants(positions, rope, bias, window, kv_heads),
        )
        text = scenario_toml(scn, values=values, seed=seed, path=file, lang=lang)

        def write(out: TextIO) -> None:
            out.write(text)

        write_file(file, write, force=force)
        done = ui(lang)["new_wrote"].format(
            path=file,
            cmd=shlex.quote(file if "/" in file or file.endswith(".toml") else f"./{file}"),
            T=len(scn.tokens),
            d=scn.d_model,
            h=scn.heads,
        )
        console.print(Text(safe(done)))


def main() -> None:
    """Entry point of the ``mhsa-tutor`` script."""
    app()
