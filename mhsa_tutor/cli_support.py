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

Imports neither NumPy nor Rich at module level, so ``--help`` stays fast.
"""

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperGroup

from mhsa_tutor.errors import OptionError, TutorError

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
        from typer._click.exceptions import NoArgsIsHelpError

        try:
            rv = super().main(args, prog_name or "mhsa-tutor", complete_var, standalone_mode=False, **extra)
            code = rv if isinstance(rv, int) else 0
        except typer.Abort:
            code = 130
        except NoArgsIsHelpError:
            code = 0  # Typer has printed the help already
        except typer.TyperException as exc:  # Typer's (vendored Click's) usage errors
            fmt = getattr(exc, "format_message", None)
            typer.echo(error_line(fmt() if fmt is not None else str(exc)), err=True)
            code = getattr(exc, "exit_code", 2)
        if standalone_mode:
            raise SystemExit(code)
        return code


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

    return Console(highlight=False, emoji=False)


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
    import sys

    typer.echo(prompt, nl=False)
    line = sys.stdin.readline()
    if not line:
        typer.echo()
        return None
    return line.rstrip("\r\n")


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
    typer.Option(
        "--mask",
        metavar="none|causal|sliding",
        help="Mask (default none); sliding needs --window.",
        rich_help_panel=_RANDOM,
    ),
]
PositionsOpt = Annotated[
    str | None,
    typer.Option(
        "--positions",
        metavar="none|sinusoidal|learned",
        help="Absolute positions added to X (default none).",
        rich_help_panel=_RANDOM,
    ),
]
RopeOpt = Annotated[
    bool | None,
    typer.Option("--rope", help="Rotary positions (RoPE) on Q and K; d_k must be even.", rich_help_panel=_RANDOM),
]
BiasOpt = Annotated[
    str | None,
    typer.Option("--bias", metavar="none|alibi", help="ALiBi distance bias on the scores.", rich_help_panel=_RANDOM),
]
WindowOpt = Annotated[
    int | None,
    typer.Option("--window", help="Sliding window W (with --mask sliding).", rich_help_panel=_RANDOM),
]
KvHeadsOpt = Annotated[
    int | None,
    typer.Option("--kv-heads", help="Key/value heads G (GQA/MQA); must divide --heads.", rich_help_panel=_RANDOM),
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
