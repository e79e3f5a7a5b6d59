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
from typing import TYPE_CHECKING, Annotated

import typer

from mhsa_tutor import __version__
from mhsa_tutor.cli import terminal_io
from mhsa_tutor.cli.hints import next_steps, say_written, scenario_command
from mhsa_tutor.cli.inputs import check_text_budget, input_files, load_ref, source_of, trace_of, variants_of, view_of
from mhsa_tutor.cli.support import (
    BiasOpt,
    BiasTermsOpt,
    BlockOpt,
    DecodeOpt,
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
    at_least,
    at_most,
    choice,
    errors,
    make_console,
    print_fit,
    print_wide,
    read_line,
)
from mhsa_tutor.core.errors import OptionError
from mhsa_tutor.core.limits import MAX_COUNT, MAX_SEED, check_count, check_full, full_cells
from mhsa_tutor.core.stages import STAGE_IDS
from mhsa_tutor.strings import LANGS

if TYPE_CHECKING:
    pass


app = typer.Typer(
    cls=Group,
    name="mhsa-tutor",
    help="Multi-head self-attention, computed by hand in front of you, one stage at a time.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


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


# ---------------------------------------------------------------------------- commands


@app.command("list")
def list_cmd(lang: LangOpt = "en") -> None:
    """List the built-in scenarios: name, title, what each shows, tokens, heads, source."""
    from mhsa_tutor.io.loader import builtin_names
    from mhsa_tutor.views.terminal.listing import scenario_list

    console = make_console()
    with errors():
        choice(lang, LANGS, "lang")
        console.print(scenario_list([load_ref(name) for name in builtin_names()], lang))


@app.command()
def run(
    scenario: ScenarioArg,
    stage: Annotated[
        list[str] | None,
        typer.Option(
            "--stage",
            "-s",
            metavar="STAGE",
            help=f"Show only this stage: an id ({', '.join(STAGE_IDS)}), the number a header shows (8) "
            "or a range (5-7); repeatable.",
        ),
    ] = None,
    head: Annotated[
        str | None, typer.Option("--head", metavar="N", help="Show only this head's per-head stages (1-based).")
    ] = None,
    precision: PrecisionOpt = 4,
    exact: ExactOpt = False,
    full: FullOpt = False,
    lang: LangOpt = "en",
    brief: Annotated[bool, typer.Option("--brief", help="Matrices only, without the narration.")] = False,
    step: Annotated[
        bool,
        typer.Option(
            "--step",
            help="Walk through one stage at a time: → next, ← back, number+Enter jump, l stages, q quit "
            "(piped: one line a key, Enter/n, b, number, q, ?).",
        ),
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
    bias_terms: BiasTermsOpt = None,
    decode: DecodeOpt = None,
    block: BlockOpt = None,
) -> None:
    """Show every stage of multi-head attention for a scenario, in order."""
    from mhsa_tutor.teach.stagepick import head_number, pick
    from mhsa_tutor.views.terminal.render import render_header, render_stage

    console = make_console()
    with errors():
        variants = variants_of(positions, rope, bias, window, kv_heads, bias_terms, decode, block)
        trace = trace_of(source_of(scenario, tokens, d_model, heads, seed, mask, values, variants), exact, "run", full)
        view = view_of(precision, full, lang, narrate=not brief)
        indices = pick(trace, list(stage or []), head_number(head, trace))
        if full:
            check_full(full_cells(trace.stages[i] for i in indices))  # the budget, before laying anything out
        show = print_wide if full else print_fit
        command = scenario_command(scenario, trace.info, seed, mask, values, positions, rope, bias, window, kv_heads)
        if step and sys.stdin is not None and sys.stdin.isatty() and sys.stdout.isatty():
            from mhsa_tutor.views.terminal.keys import alternate_screen, raw_keys
            from mhsa_tutor.views.terminal.slides import slides

            with raw_keys(sys.stdin.fileno()) as read_key, alternate_screen(sys.stdout):
                code = slides(trace, indices, view, console, read_key, show, command)
            raise typer.Exit(code)
        if step:  # piped: the line protocol (a contract)
            from mhsa_tutor.cli.session import walk

            raise typer.Exit(walk(trace, indices, view, console, read_line, show, command))
        show(console, render_header(trace, view))
        for i in indices:
            console.print()
            show(console, render_stage(trace, i, view))
        if sys.stdout.isatty():  # a person reading, not a pipe or a file: what to do next
            next_steps(console, command, lang)


@app.command()
def explain(
    scenario: ScenarioArg,
    stage: Annotated[
        str,
        typer.Option(
            "--stage",
            "-s",
            metavar="STAGE",
            help=f"Stage id ({', '.join(STAGE_IDS)}) or the number a header shows (8 for stage 8/16).",
        ),
    ],
    row: Annotated[str, typer.Option("--row", "-r", metavar="ROW", help="Row: 1-based position or token name.")],
    col: Annotated[str, typer.Option("--col", "-c", metavar="COL", help="Column: 1-based position or token name.")],
    head: Annotated[
        str | None, typer.Option("--head", metavar="N", help="Head, for per-head stages (default 1).")
    ] = None,
    matrix: Annotated[
        str | None,
        typer.Option(
            "--matrix", "-m", metavar="NAME", help="Which matrix of the stage, e.g. Q, K or V (default: first)."
        ),
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
    bias_terms: BiasTermsOpt = None,
    decode: DecodeOpt = None,
    block: BlockOpt = None,
) -> None:
    """Show how one number was computed, with its real numbers, term by term."""
    from rich.text import Text

    from mhsa_tutor.teach.explain import explain_cell
    from mhsa_tutor.teach.stagepick import head_number, stage_by_number
    from mhsa_tutor.views.view import safe

    console = make_console()
    with errors():
        variants = variants_of(positions, rope, bias, window, kv_heads, bias_terms, decode, block)
        trace = trace_of(source_of(scenario, tokens, d_model, heads, seed, mask, values, variants), exact, "explain")
        view_of(precision, False, lang)
        stage, h = stage_by_number(trace, stage, head_number(head, trace))
        ex = explain_cell(trace, stage, row, col, head=h, matrix=matrix, precision=precision, lang=lang)
        console.print(Text(safe(ex.label), style="bold"))  # arithmetic, not prose: wrapped only at the width
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
            metavar="md|json|html|svg|heatmap|npz",
            help="Output format (default: from FILE's extension; markdown for -): html is an offline interactive "
            "page, svg the terminal view, heatmap an SVG figure of the attention weights, npz every matrix as "
            "NumPy float64 arrays (numpy.load).",
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
    bias_terms: BiasTermsOpt = None,
    decode: DecodeOpt = None,
    block: BlockOpt = None,
) -> None:
    """Write the whole trace as markdown, an interactive HTML page, SVG, an attention heatmap, JSON or NumPy arrays."""
    from mhsa_tutor.io.safe_write import check_target, write_binary, write_file
    from mhsa_tutor.views.export import choose_format, write_export, write_npz

    with errors():
        if not output:
            raise OptionError("is empty; expected a file name, or - for standard output", "output")
        inputs = input_files(scenario)  # the export may not replace the file it is made from
        if output != "-":
            check_target(output, force=force, inputs=inputs)
        kind = choose_format(output, fmt)
        variants = variants_of(positions, rope, bias, window, kv_heads, bias_terms, decode, block)
        budget = "json" if kind == "npz" else kind  # the npz holds the JSON's numbers and none of its text
        trace = trace_of(source_of(scenario, tokens, d_model, heads, seed, mask, values, variants), exact, budget, full)
        view = view_of(precision, full, lang)
        if full and kind not in ("json", "html", "npz"):  # JSON never elides; the page has its own, lower limit
            check_full(full_cells(trace.stages))
        if output == "-":
            write_export(trace, kind, view, sys.stdout)
        elif kind == "npz":
            write_binary(output, lambda out: write_npz(trace, out), force=force, inputs=inputs)
            say_written(output, kind, lang)
        else:
            write_file(output, lambda out: write_export(trace, kind, view, out), force=force, inputs=inputs)
            say_written(output, kind, lang)


@app.command()
def quiz(
    scenario: ScenarioArg,
    stage: Annotated[
        list[str] | None,
        typer.Option(
            "--stage",
            "-s",
            metavar="STAGE",
            help="Ask only about this stage id (repeatable): projections, scores, scaled, softmax, head_output, "
            "concat or output.",
        ),
    ] = None,
    count: Annotated[
        int | None,
        typer.Option("--count", "-n", metavar="N", help="Number of questions, 1 or more (default: one per stage)."),
    ] = None,
    seed: Annotated[
        int | None,
        typer.Option(
            "--seed",
            metavar="N",
            help="Same seed, same questions (and, for random, same numbers). Default: a fresh one.",
        ),
    ] = None,
    tolerance: Annotated[
        float | None,
        typer.Option(
            "--tolerance",
            metavar="X",
            help="Accept answers this close (default: half a unit of the last decimal typed).",
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
    bias_terms: BiasTermsOpt = None,
    decode: DecodeOpt = None,
    block: BlockOpt = None,
) -> None:
    """Practise by hand: compute one cell of each stage yourself; the tutor checks it and shows how.

    Answers are read line by line (piped input works); q or end of input ends
    the quiz with the summary, whose last line is `score: right/answered`.
    """
    import secrets

    from mhsa_tutor.cli.session import run_quiz
    from mhsa_tutor.teach.quiz import ASKABLE, choose_questions

    console = make_console()
    with errors():
        choice(lang, LANGS, "lang")  # before any work, as every other command
        at_least(seed, 0, "seed")
        at_most(seed, MAX_SEED, "seed")
        at_least(count, 1, "count")
        at_least(tolerance, 0, "tolerance")
        if tolerance is not None and not tolerance < float("inf"):
            raise OptionError(f"{tolerance} is not usable; expected a finite number >= 0", "tolerance")
        if count is not None:
            check_count("--count", count, MAX_COUNT, "questions")  # before any work
        seed = secrets.randbelow(1_000_000) if seed is None else seed
        random_seed = seed if scenario == "random" else None
        from mhsa_tutor.core.engine import run as run_engine

        scn = load_ref(
            source_of(
                scenario,
                tokens,
                d_model,
                heads,
                random_seed,
                mask,
                values,
                variants_of(positions, rope, bias, window, kv_heads, bias_terms, decode, block),
            )
        )
        check_text_budget(scn, "quiz", count=count or len(ASKABLE))  # before any work
        trace = run_engine(scn)
        questions = choose_questions(trace, list(stage or []), count, seed)
        command = scenario_command(scenario, scn, random_seed, mask, values, positions, rope, bias, window, kv_heads)
        code = run_quiz(
            trace,
            questions,
            console,
            read_line,
            lang=lang,
            tolerance=tolerance,
            seed=seed,
            scenario=scn,
            command=command,
        )
        raise typer.Exit(code)


@app.command()
def learn(
    lesson: Annotated[
        str | None,
        typer.Argument(metavar="[N]", help="Go to lesson N (its number in --list, or its id); default: resume."),
    ] = None,
    list_: Annotated[bool, typer.Option("--list", help="List the lessons: ✓ done, ▶ current, ✗ cells missed.")] = False,
    review: Annotated[bool, typer.Option("--review", help="Ask the cells of your mistake book again.")] = False,
    reset: Annotated[bool, typer.Option("--reset", help="Start the course over (asks first on a terminal).")] = False,
    lang: LangOpt = "en",
) -> None:
    """The guided course: short lessons from the first dot product to RoPE, ALiBi, GQA and masks.

    Each lesson walks a few stages, then asks you to compute cells (two tries; a
    cell missed twice goes into your mistake book). Progress is kept in your
    state folder (MHSA_TUTOR_STATE, else XDG_STATE_HOME; learn --list says
    where). Piped, it reads one line per answer or key, like run --step.
    """
    from mhsa_tutor.cli.learn import learn_command

    raise typer.Exit(learn_command(lesson, list_, review, reset, lang))


@app.command()
def new(
    file: Annotated[str, typer.Argument(metavar="FILE", help="The scenario file to write, e.g. mine.toml.")],
    tokens: Annotated[
        str, typer.Option("--tokens", metavar="TEXT", help='The tokens, separated by spaces, e.g. "the cat sat".')
    ],
    d_model: Annotated[int, typer.Option("--d-model", metavar="N", help="Width of each token's vector.")] = 4,
    heads: Annotated[int, typer.Option("--heads", metavar="N", help="Number of heads; must divide --d-model.")] = 2,
    mask: Annotated[
        str,
        typer.Option("--mask", metavar="none|causal|sliding", help="none, causal (no looking ahead) or sliding."),
    ] = "none",
    seed: Annotated[int, typer.Option("--seed", metavar="N", help="Same seed, same numbers.")] = 0,
    values: Annotated[
        str,
        typer.Option(
            "--values",
            metavar="small-int|normal",
            help="small-int: integers -2 … 2, to work by hand; normal: Gaussian, 2 decimals.",
        ),
    ] = "small-int",
    force: Annotated[bool, typer.Option("--force", help="Overwrite FILE if it exists.")] = False,
    lang: Annotated[
        str,
        typer.Option(
            "--lang",
            metavar="en|ko",
            envvar="MHSA_TUTOR_LANG",
            show_envvar=False,
            help="Language of the file's comments.",
        ),
    ] = "en",
    positions: PositionsOpt = None,
    rope: RopeOpt = None,
    bias: BiasOpt = None,
    window: WindowOpt = None,
    kv_heads: KvHeadsOpt = None,
    bias_terms: BiasTermsOpt = None,
    decode: DecodeOpt = None,
    block: BlockOpt = None,
) -> None:
    """Write a new, commented scenario file with generated numbers, to edit and run."""
    import shlex
    from pathlib import Path
    from typing import TextIO

    from rich.text import Text

    from mhsa_tutor.io.generate import build_new
    from mhsa_tutor.io.newfile import check_readable, scenario_toml
    from mhsa_tutor.io.safe_write import check_target, write_file
    from mhsa_tutor.strings import ui
    from mhsa_tutor.views.view import safe

    console = make_console()
    with errors():
        choice(lang, LANGS, "lang")
        at_least(seed, 0, "seed")
        at_most(seed, MAX_SEED, "seed")
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
            variants=variants_of(positions, rope, bias, window, kv_heads, bias_terms, decode, block),
        )
        text = scenario_toml(scn, values=values, seed=seed, path=file, lang=lang)
        check_readable(text, file, path.stem, values)  # never write a file that `run` refuses

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


@app.command("from-model")
def from_model(
    path: Annotated[
        str,
        typer.Argument(
            metavar="PATH",
            help="A local Hugging Face checkpoint folder: config.json, model.safetensors, tokenizer.json.",
        ),
    ],
    text: Annotated[str, typer.Option("--text", metavar="TEXT", help="Your text, tokenized by the model's tokenizer.")],
    output: Annotated[str, typer.Option("-o", "--output", metavar="FILE", help="The scenario file to write.")],
    layer: Annotated[int, typer.Option("--layer", metavar="L", help="Which attention layer, from 0.")] = 0,
    arrays: Annotated[
        str,
        typer.Option(
            "--arrays",
            metavar="auto|inline|npz",
            help=(
                "Where the matrices go: in FILE (inline), in an .npz file beside it (npz), "
                "or inline when it fits (auto)."
            ),
        ),
    ] = "auto",
    force: Annotated[bool, typer.Option("--force", help="Overwrite FILE if it exists.")] = False,
    lang: Annotated[str, typer.Option("--lang", metavar="en|ko", help="Language of the closing line.")] = "en",
) -> None:
    """Write one attention layer of a local GPT-2, BERT or Llama-family checkpoint, on your text, as a scenario."""
    import os
    import shlex
    from typing import BinaryIO, TextIO

    from rich.text import Text

    from mhsa_tutor.io.checkpoint import ARRAYS, arrays_path, layer_scenario
    from mhsa_tutor.io.checkpoint import FILES as CHECKPOINT_FILES
    from mhsa_tutor.io.safe_write import check_target, write_binary, write_file
    from mhsa_tutor.strings import ui
    from mhsa_tutor.views.view import safe

    console = make_console()
    with errors():
        choice(lang, LANGS, "lang")
        choice(arrays, ARRAYS, "arrays")
        inputs = tuple(os.path.join(path, name) for name in CHECKPOINT_FILES)  # never written over, even with --force
        npz = arrays_path(output)
        check_target(output, force=force, inputs=inputs)
        if arrays == "npz":
            check_target(npz, force=force, inputs=(*inputs, output))
        made = layer_scenario(path, text, layer, arrays=arrays, arrays_name=os.path.basename(npz))
        if made.arrays:
            check_target(npz, force=force, inputs=(*inputs, output))  # both checked before either is written

        def write(out: TextIO) -> None:
            out.write(made.text)

        def write_arrays(out: BinaryIO) -> None:
            import numpy as np

            np.savez(out, allow_pickle=False, **made.arrays)

        new_npz = made.arrays and not os.path.lexists(npz)
        if made.arrays:  # the arrays first: a scenario file never names an arrays file that is not there
            write_binary(npz, write_arrays, force=force, inputs=(*inputs, output))
        try:
            write_file(output, write, force=force, inputs=inputs)
        except BaseException:
            if new_npz:  # the pair is written whole or not at all
                os.unlink(npz)
            raise
        done = ui(lang)["from_model_wrote"].format(
            path=output,
            cmd=shlex.quote(output if "/" in output or output.endswith(".toml") else f"./{output}"),
            model=made.model_type,
            layer=made.layer,
            T=len(made.tokens),
            d=made.d_model,
            h=made.heads,
        )
        if made.arrays:
            mb = os.path.getsize(npz) / 1e6
            done += "\n" + ui(lang)["from_model_arrays"].format(npz=npz, mb=f"{mb:,.1f}", path=output)
        console.print(Text(safe(done)))


def main() -> None:
    """Entry point of the ``mhsa-tutor`` script."""
    app()
