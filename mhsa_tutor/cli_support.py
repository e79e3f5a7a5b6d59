"""The CLI's boundary: options declared once, errors turned into one line and an exit code.

* ``Group`` is Typer's command group with every usage error (Typer's own and
  every ``TutorError``) shown as one plain ``error:`` line and exit code 2,
  never a traceback; nothing below it calls ``sys.exit``.
* The ``...Opt`` aliases declare each option once (``Annotated``), with the
  six options of the generated ``random`` scenario in their own help panel.
  Choices (``--lang``, ``--mask``, ``--values``, ``--format``) are plain
  strings checked by the library, which names the closest valid choice.
* ``errors()`` maps ``TutorError`` to exit code 2; an ``OptionError`` is shown
  with its flag (``--row 5 is out of range …``).
* at the process edge (``terminal_io``): SIGTERM/SIGHUP exit 128 + signal after
  the same clean-up as Ctrl-C; a full disk or closed stdout is one ``error:``
  line and exit 1; a broken pipe exits 141 quietly; MemoryError is one line too;
  a ``COLUMNS`` or ``LINES`` outside the budget (``limits``) is refused first.

Imports neither NumPy nor Rich at module level, so ``--help`` stays fast.
"""

import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperGroup

from mhsa_tutor import terminal_io
from mhsa_tutor.errors import OptionError, TutorError
from mhsa_tutor.limits import check_columns

if TYPE_CHECKING:
    from rich.console import Console, RenderableType


def error_line(message: str) -> str:
    """``error: …`` on one line, with control characters made visible."""
    from mhsa_tutor.render import safe

    return "error: " + " ".join(safe(message).split())


def user_message(exc: TutorError) -> str:
    """The text a user sees for a library error: option errors get their flag."""
    if isinstance(exc, OptionError) and exc.option:
        return f"--{exc.option} {exc.message}"
    return str(exc)


class Group(TyperGroup):
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
                code = self._main(args, prog_name, complete_var, **extra)
                terminal_io.flush_stdout()
        except terminal_io.Signalled as sig:  # SIGTERM, SIGHUP: cleaned up as for Ctrl-C
            code = 128 + sig.signum
        except MemoryError:  # the budget (limits.py) should prevent it; never a traceback
            typer.echo(error_line("out of memory; try smaller sizes (the limits are in the README)"), err=True)
            code = 1
        except terminal_io.OutputFailed as failure:  # full disk, closed or broken stdout
            code = terminal_io.exit_code_for(failure)
        except OSError as exc:  # a write to stdout while parsing (--help): no file name
            if exc.filename is not None:
                raise
            code = terminal_io.exit_code_for(terminal_io.OutputFailed(exc))
        if standalone_mode:
            raise SystemExit(code)
        return code

    def _main(self, args: Sequence[str] | None, prog_name: str | None, complete_var: str | None, **extra: Any) -> int:
        """Typer's main without its exits: usage errors, Ctrl-C and the COLUMNS check become exit codes."""
        from typer._click.exceptions import NoArgsIsHelpError

        try:
            check_columns(os.environ.get("COLUMNS"), os.environ.get("LINES"))
            rv = super().main(args, prog_name or "mhsa-tutor", complete_var, standalone_mode=False, **extra)
            return rv if isinstance(rv, int) else 0
        except typer.Abort:
            return 130
        except NoArgsIsHelpError:
            return 0  # Typer has printed the help already
        except TutorError as exc:
            typer.echo(error_line(user_message(exc)), err=True)
            return 2
        except typer.TyperException as exc:  # Typer's (vendored Click's) usage errors
            fmt = getattr(exc, "format_message", None)
            typer.echo(error_line(fmt() if fmt is not None else str(exc)), err=True)
            return int(getattr(exc, "exit_code", 2))

    def invoke(self, ctx: Any) -> Any:
        """Run the command; a failed write to standard output (an OSError without a file name) is ``OutputFailed``."""
        try:
            return super().invoke(ctx)
        except OSError as exc:
            if exc.filename is not None:
                raise
            raise terminal_io.OutputFailed(exc) from None


@contextmanager
def errors() -> Iterator[None]:
    """Turn domain errors into exit code 2 with one clear line."""
    try:
        yield
    except TutorError as exc:
        typer.echo(error_line(user_message(exc)), err=True)
        raise typer.Exit(2) from None


def make_console() -> "Console":
    """The one Console of a command (plain when piped)."""
    from rich.console import Console

    console = Console(highlight=False, emoji=False)
    console.on_broken_pipe = terminal_io.broken_pipe  # type: ignore[method-assign]  # not Rich's exit 1
    return console


def print_wide(console: "Console", renderable: "RenderableType") -> None:
    """Print without squeezing wide tables: render at least as wide as the content needs."""
    from mhsa_tutor.render import needed_width

    need = needed_width(console, [renderable])
    width = console.width
    console.width = max(width, need)
    try:
        console.print(renderable, crop=False)
    finally:
        console.width = width


def read_line(prompt: str) -> str | None:
    """One line from stdin (terminal or pipe); None at end of input."""
    terminal_io.write_stdout(prompt)  # through sys.stdout and its encoding (click's echo may bypass it)
    line = terminal_io.read_stdin_line()  # at most limits.MAX_LINE characters; closed or undecodable: the end
    if line is None:
        terminal_io.write_stdout("\n")
    return line


def choice(value: str, options: Sequence[str], option: str) -> str:
    """``value`` if it is one of ``options``.

    Raises:
        OptionError: naming the option and the closest choice.
    """
    from mhsa_tutor.errors import did_you_mean

    if value not in options:
        hint = did_you_mean(value, options)
        raise OptionError(f"{value!r} is not a choice; {hint}expected one of: {', '.join(options)}", option)
    return value


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
LangOpt = Annotated[str, typer.Option("--lang", metavar="en|ko", help="Narration language.")]

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
MaskOpt = Annotated[
    str | None,
    typer.Option("--mask", metavar="none|causal", help="Mask (default none).", rich_help_panel=_RANDOM),
]
ValuesOpt = Annotated[
    str | None,
    typer.Option(
        "--values",
        metavar="small-int|normal",
        help="small-int: integers -2 … 2 (default); normal: Gaussian, weights scaled by 1/√d_model.",
        rich_help_panel=_RANDOM,
    ),
]
