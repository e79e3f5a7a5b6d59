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
* at the process edge (``terminal_io``): every terminating signal (SIGTERM,
  SIGHUP, SIGQUIT, ...) exits 128 + signal after the same clean-up as Ctrl-C;
  a full disk or closed stdout is one ``error:`` line and exit 1; a broken pipe
  exits 141 quietly; MemoryError is one line too; a ``COLUMNS`` or ``LINES``
  outside the budget (``limits``) is refused first; ``COLUMNS=0`` is unset.

Imports neither NumPy nor Rich at module level, so ``--help`` stays fast.
"""

import os
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer._click.core import Context
from typer._click.formatting import HelpFormatter
from typer.core import TyperGroup

from mhsa_tutor.cli import terminal_io
from mhsa_tutor.core.errors import OptionError, TutorError
from mhsa_tutor.core.limits import MAX_COLUMNS, check_columns

if TYPE_CHECKING:
    from rich.console import Console, RenderableType


def error_line(message: str, exc: TutorError | None = None) -> str:
    """``error: …`` on one line, with control characters made visible.

    Under Korean the message is put in Korean (``strings.errors_ko``) from the parts of ``exc``
    (file, field, option, message) when it is given; the ``error:`` prefix stays for scripts.
    """
    from mhsa_tutor.views.view import safe

    if RUN_LANG.get() == "ko":
        message = korean_message(message, exc)
    return "error: " + " ".join(safe(message).split())


def korean_message(line: str, exc: TutorError | None) -> str:
    """The Korean of an error ``line``, read from the parts of ``exc`` when it has them."""
    from mhsa_tutor.core.errors import ScenarioError
    from mhsa_tutor.strings.errors_ko import korean

    try:
        if isinstance(exc, ScenarioError):
            return korean(line, message=exc.message, origin=exc.origin, field=exc.field, colon=exc.colon)
        if isinstance(exc, OptionError):
            return korean(line, message=exc.message, option=f"--{exc.option}" if exc.option else None)
        return korean(line)
    except (KeyError, IndexError, ValueError):  # a template that does not fit: the English line, never a traceback
        return line


def user_message(exc: TutorError) -> str:
    """The text a user sees for a library error: option errors get their flag."""
    if isinstance(exc, OptionError) and exc.option:
        sep = ": " if exc.message.startswith("expected") else " "
        return f"--{exc.option}{sep}{exc.message}"
    return str(exc)


#: The widest layout: a larger ``COLUMNS`` is capped, not obeyed.
#: The widest the help runs: a readable measure, however wide the terminal.
HELP_WIDTH = 80


def terminal_width() -> int:
    """The terminal's width, or ``COLUMNS``, or 80 when piped; capped at ``MAX_COLUMNS``."""
    from rich.console import Console

    return min(Console().width, MAX_COLUMNS)


def help_width() -> int:
    """The width of ``--help``: the terminal's, at most ``HELP_WIDTH``."""
    return min(terminal_width(), HELP_WIDTH)


#: The language of the help and the errors of this run: ``--lang`` on the command line, else
#: ``MHSA_TUTOR_LANG``, else English (set by ``Group.main`` before Click parses anything).
RUN_LANG: ContextVar[str] = ContextVar("RUN_LANG", default="en")


def run_lang(args: Sequence[str]) -> str:
    """The language a run asks for: ``--lang X`` / ``--lang=X`` in ``args``, else ``MHSA_TUTOR_LANG``, else en.

    Only a known language counts here; a bad one is reported by the command itself.
    """
    from mhsa_tutor.strings import LANGS

    lang = os.environ.get(LANG_ENV, "en")
    lang = lang if lang in LANGS else "en"
    for k, a in enumerate(args):
        given = (
            args[k + 1]
            if a == "--lang" and k + 1 < len(args)
            else a.split("=", 1)[1]
            if a.startswith("--lang=")
            else ""
        )
        if given in LANGS:
            lang = given
    return lang


def help_text(text: str) -> str:
    """A help text in the run's language (``strings.help_ko`` for Korean; the text itself otherwise).

    Click appends ``[default: x]`` and ``[required]`` to an option's help: those brackets are translated too.
    """
    if RUN_LANG.get() != "ko" or not text:
        return text
    from mhsa_tutor.strings.help_ko import HELP, WORDS

    body, extra = re.match(r"(.*?)((?:\s+\[[^\]]*\])*)$", text, re.S).groups()  # type: ignore[union-attr]
    body = body.strip()
    if body in HELP:
        body = HELP[body]
    elif body.endswith("..."):  # a command's short help, cut by Click: the start of a known text
        full = next((v for k, v in HELP.items() if k.startswith(body[:-3].rstrip())), None)
        body = _shorten(full) if full is not None else body
    for word in ("default", "required"):
        extra = extra.replace(f"[{word}", f"[{WORDS[word]}")
    return body + extra


def cells(text: str) -> int:
    """Terminal cells of ``text``: a wide character (Hangul) takes two."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def wrap_cells(text: str, width: int) -> list[str]:
    """``text`` wrapped at spaces to lines of at most ``width`` cells (a longer word stays whole);
    paragraphs (blank lines) are kept."""
    out: list[str] = []
    for k, para in enumerate(text.split("\n\n")):
        if k:
            out.append("")
        line = ""
        for word in para.split():
            joined = f"{line} {word}" if line else word
            if line and cells(joined) > width:
                out.append(line)
                line = word
            else:
                line = joined
        out.append(line)
    return out


def _shorten(text: str, limit: int = 40) -> str:
    """The first sentence of a Korean help text, cut to about ``limit`` characters."""
    first = text.split(". ")[0].split(":")[0].rstrip(".")
    return first if len(first) <= limit else first[: limit - 1] + "…"


class Formatter(HelpFormatter):
    """Click's help formatter, with a narrower option column on a narrow terminal (never wider than it),
    in the run's language (``RUN_LANG``)."""

    def write_dl(self, rows: Sequence[tuple[str, str]], col_max: int = 30, col_spacing: int = 2) -> None:
        """A definition list whose first column takes at most a third of the width, without type labels.

        Typer writes an argument's Python type after its metavar (``NAME|PATH <str>``); the metavar says it.
        """
        rows = [(re.sub(r" <[\w\[\], |]+>$", "", term), help_text(text)) for term, text in rows]
        col_max = min(col_max, max(8, (self.width - 4) // 3))
        if RUN_LANG.get() == "en":
            super().write_dl(rows, col_max, col_spacing)
            return
        first_col = min(max((len(t) for t, _ in rows), default=0), col_max) + col_spacing
        pad = " " * (first_col + self.current_indent)
        for term, text in rows:  # Click's layout, wrapped by terminal cells (Hangul is two cells wide)
            self.write(f"{'':>{self.current_indent}}{term}")
            if not text:
                self.write("\n")
                continue
            if len(term) <= first_col - col_spacing:
                self.write(" " * (first_col - len(term)))
            else:
                self.write("\n" + pad)
            lines = wrap_cells(text, max(self.width - first_col - 2, 10))
            self.write(lines[0] + "\n" + "".join(f"{pad}{line}\n" for line in lines[1:]))

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        """``Usage: mhsa-tutor run [OPTIONS] …`` (``사용법: …`` in Korean)."""
        if RUN_LANG.get() == "ko":
            from mhsa_tutor.strings.help_ko import WORDS

            prefix = WORDS["Usage: "]
            for en in ("[OPTIONS]", "COMMAND", "[ARGS]..."):
                args = args.replace(en, WORDS[en])
        super().write_usage(prog, args, prefix)

    def write_heading(self, heading: str) -> None:
        """A section heading (``Options`` …), translated; a help panel's title too."""
        if RUN_LANG.get() == "ko":
            from mhsa_tutor.strings.help_ko import WORDS

            heading = WORDS.get(heading, help_text(heading))
        super().write_heading(heading)

    def write_text(self, text: str) -> None:
        """A command's help paragraph(s), translated as one text (wrapped by cells when not English)."""
        if RUN_LANG.get() == "en":
            super().write_text(text)
            return
        indent = " " * self.current_indent
        lines = wrap_cells(help_text(text), self.width - self.current_indent)
        self.write("".join(f"{indent}{line}\n" if line else "\n" for line in lines))


# The help of every command is laid out by Formatter (click makes it from the Context class).
Context.formatter_class = Formatter


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
        except terminal_io.Signalled as sig:  # SIGTERM, SIGHUP, SIGQUIT, ...: cleaned up as for Ctrl-C
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
        import sys

        from typer._click.exceptions import NoArgsIsHelpError

        RUN_LANG.set(run_lang(list(args) if args is not None else sys.argv[1:]))
        try:
            check_columns(os.environ.get("COLUMNS"), os.environ.get("LINES"))
            terminal_io.unset_zero_size()  # COLUMNS=0: the terminal's width or 80, as shutil reads it
            extra.setdefault("terminal_width", help_width())
            rv = super().main(args, prog_name or "mhsa-tutor", complete_var, standalone_mode=False, **extra)
            return rv if isinstance(rv, int) else 0
        except typer.Abort:
            return 130
        except NoArgsIsHelpError as exc:
            typer.echo(exc.format_message())  # the help, as for --help
            return 0
        except TutorError as exc:
            typer.echo(error_line(user_message(exc), exc), err=True)
            return 2
        except typer.TyperException as exc:  # Typer's (vendored Click's) usage errors
            typer.echo(error_line(typer_message(exc)), err=True)
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
        typer.echo(error_line(user_message(exc), exc), err=True)
        raise typer.Exit(2) from None


def make_console() -> "Console":
    """The one Console of a command (plain when piped), as wide as the terminal, ``COLUMNS`` or 80.

    A huge ``COLUMNS`` is capped at ``MAX_COLUMNS``.
    """
    from rich.console import Console

    console = Console(highlight=False, emoji=False)
    console.on_broken_pipe = terminal_io.broken_pipe  # type: ignore[method-assign]  # not Rich's exit 1
    if console.width > MAX_COLUMNS:  # set only then: otherwise the width follows a resized terminal
        console.width = MAX_COLUMNS
    return console


def print_fit(console: "Console", renderable: "RenderableType") -> None:
    """Print at the console's width (the renderers lay themselves out to fit it)."""
    console.print(renderable)


def print_wide(console: "Console", renderable: "RenderableType") -> None:
    """Print without squeezing wide tables (``--full``): render at least as wide as the content needs."""
    from mhsa_tutor.views.terminal.render import needed_width

    need = needed_width(console, [renderable])
    width = console.width
    console.width = max(width, need)
    try:
        console.print(renderable, crop=False)
    finally:
        console.width = width


def _wrapped(prompt: str) -> str:
    """The prompt wrapped at the terminal's width (in cells), its last line left open for the answer."""
    from rich.console import Console
    from rich.text import Text

    width = terminal_width()
    if Text(prompt).cell_len < width:
        return prompt
    lines = Text(prompt.rstrip()).wrap(Console(width=width), width)
    return "\n".join(line.plain.rstrip() for line in lines) + " "


def read_line(prompt: str) -> str | None:
    """One line from stdin (terminal or pipe); None at end of input."""
    import sys

    terminal_io.write_stdout(_wrapped(prompt))  # through sys.stdout and its encoding (click's echo may bypass it)
    line = terminal_io.read_stdin_line()  # at most limits.MAX_LINE characters; closed or undecodable: the end
    if line is None or sys.stdin is None or not sys.stdin.isatty():
        terminal_io.write_stdout("\n")  # piped: nothing echoed the line, so end the prompt's line here
    return line


def at_least(value: float | None, low: float, option: str, top: float | None = None) -> None:
    """Check a number option's range (None: not given).

    Raises:
        OptionError: ``--seed: expected a whole number, 0 or more, got -1``.
    """
    if value is None or (low <= value and (top is None or value <= top)):
        return
    kind = "a whole number" if isinstance(value, int) else "a number"
    span = f"from {_shown(low)} to {_shown(top)}" if top is not None else f", {_shown(low)} or more"
    raise OptionError(f"expected {kind}{'' if span.startswith(',') else ' '}{span}, got {_shown(value)}", option)


def at_most(value: int | None, top: int, option: str) -> None:
    """Check a whole-number option against its limit (None: not given).

    Raises:
        OptionError: ``--seed 2**70 is over the limit; expected a whole number from 0 to 18,446,744,073,709,551,615``.
    """
    if value is not None and value > top:
        raise OptionError(f"{value} is over the limit; expected a whole number from 0 to {top:,}", option)


def _shown(x: float) -> str:
    """A bound or a value as typed: whole numbers in full (never ``1e+23``), others as ``:g``."""
    return str(x) if isinstance(x, int) else f"{x:g}"


#: What a number option expects, for Typer's errors on values that are not numbers at all.
EXPECTS = {
    "precision": "a whole number from 0 to 12",
    "count": "a whole number, 1 or more",
    "seed": "a whole number, 0 or more",
    "tolerance": "a number, 0 or more",
    "tokens": "a whole number, 1 or more",
    "d_model": "a whole number, 1 or more",
    "heads": "a whole number, 1 or more",
}


def typer_message(exc: Exception) -> str:
    """A usage error from Typer in plain words, naming the option: ``--seed: expected …, got 'x'``."""
    from typer._click.exceptions import BadParameter

    fmt = getattr(exc, "format_message", None)
    text = fmt() if fmt is not None else str(exc)
    cause = exc.__cause__
    param = getattr(exc, "param", None)
    if not isinstance(exc, BadParameter) or param is None or cause is None or not hasattr(cause, "errors"):
        return text
    errors = cause.errors()
    value = errors[0].get("input") if errors else None
    flag = max(getattr(param, "opts", None) or [f"--{param.name}"], key=len)
    expected = EXPECTS.get(param.name or "", "a number")
    return f"{flag}: expected {expected}, got {value!r}"


def choice(value: str, options: Sequence[str], option: str) -> str:
    """``value`` if it is one of ``options``.

    Raises:
        OptionError: naming the option and the closest choice.
    """
    from mhsa_tutor.core.errors import did_you_mean

    if value not in options:
        hint = did_you_mean(value, options)
        raise OptionError(f"{value!r} is not a choice; {hint}expected one of: {', '.join(options)}", option)
    return value


# ----------------------------------------------------------------------------- options

ScenarioArg = Annotated[
    str,
    typer.Argument(
        metavar="NAME|PATH",
        help=(
            "A built-in scenario (see `list`), a scenario .toml file, or `random`: generated, 3 tokens, "
            "d_model 4, 2 heads unless --tokens, --d-model, --heads, --seed, --mask or --values say otherwise."
        ),
    ),
]
PrecisionOpt = Annotated[
    int, typer.Option("--precision", "-p", metavar="N", help="Decimals shown, 0 to 12.", show_default=True)
]
ExactOpt = Annotated[
    bool, typer.Option("--exact", help="Ignore the source's hand rounding (the scenario's rounding table).")
]
FullOpt = Annotated[bool, typer.Option("--full", help="Show big matrices whole instead of their corners.")]
#: The language of every command, its help and its errors: ``--lang``, else ``MHSA_TUTOR_LANG``, else English.
LANG_ENV = "MHSA_TUTOR_LANG"
LangOpt = Annotated[
    str, typer.Option("--lang", metavar="en|ko", envvar=LANG_ENV, show_envvar=False, help="Narration language.")
]

_RANDOM = "Scenario `random` (generated, no file; without these options: 3 tokens, d_model 4, 2 heads)"
TokensOpt = Annotated[
    int | None, typer.Option("--tokens", metavar="N", help="Number of tokens, named t1 … tT.", rich_help_panel=_RANDOM)
]
DModelOpt = Annotated[
    int | None, typer.Option("--d-model", metavar="N", help="Width of each token's vector.", rich_help_panel=_RANDOM)
]
HeadsOpt = Annotated[
    int | None,
    typer.Option("--heads", metavar="N", help="Number of heads; must divide --d-model.", rich_help_panel=_RANDOM),
]
SeedOpt = Annotated[
    int | None,
    typer.Option("--seed", metavar="N", help="Same seed, same numbers (default 0).", rich_help_panel=_RANDOM),
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
BiasTermsOpt = Annotated[
    bool | None,
    typer.Option(
        "--bias-terms",
        help="Projection biases b_Q, b_K, b_V, b_O (as nn.MultiheadAttention(bias=True)); not ALiBi's --bias.",
        rich_help_panel=_RANDOM,
    ),
]
DecodeOpt = Annotated[
    int | None,
    typer.Option(
        "--decode",
        metavar="N",
        help="Generate the last N tokens one at a time with a KV cache (with --mask causal or sliding).",
        rich_help_panel=_RANDOM,
    ),
]
BlockOpt = Annotated[
    int | None,
    typer.Option(
        "--block",
        metavar="B",
        help="Also compute the softmax and A·V as FlashAttention does: online, over key blocks of B.",
        rich_help_panel=_RANDOM,
    ),
]
ValuesOpt = Annotated[
    str | None,
    typer.Option(
        "--values",
        metavar="small-int|normal",
        help="small-int: integers -2 … 2 (the default up to 8 tokens and d_model 8); normal: Gaussian, weights "
        "scaled by 1/√d_model, so scores stay moderate at any size (the default above).",
        rich_help_panel=_RANDOM,
    ),
]
