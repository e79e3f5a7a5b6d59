"""Export a whole trace: Trace -> markdown, strict JSON, HTML or SVG text.

Contracts:

* ``json`` is the ``mhsa-tutor/trace@1`` document of ``trace.to_dict``, byte for
  byte ``json.dumps(to_dict(trace), ensure_ascii=False, allow_nan=False)`` plus a
  newline, except that control and bidi characters are written as ``\\uXXXX``
  (``text.escape_json``): numbers at full float64 precision, never rounded or elided;
  non-finite values as the strings ``"-inf"``, ``"inf"``, ``"nan"``. It is
  written stage by stage and a few matrix rows at a time, so a big trace never
  exists as one string or one dict.
* ``md`` is GitHub-flavoured markdown: the scenario's facts, then one section per
  stage (heading, narration, the formula in LaTeX between ``$$`` lines) with
  exactly one table per matrix. Text from scenario files is escaped, so it can
  neither break a table nor become markup; numbers are ``numbers.fmt`` with the
  view's precision (``−∞`` with a real minus sign); big matrices are elided as in
  the terminal unless ``view.full``.
* ``html`` is the offline interactive page of ``mhsa_tutor.views.page.page``;
  ``heatmap`` the attention figure of ``mhsa_tutor.views.page.heatmap`` (SVG); both are
  imported only when asked for.
* ``svg`` is the terminal view (``render_header`` and ``render_stage`` for
  every stage) recorded by Rich and exported by Rich (``to_html`` gives the same
  view as HTML).

Nothing here touches the file system: ``mhsa_tutor.io.safe_write`` writes files.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterable
from dataclasses import replace
from typing import BinaryIO, TextIO

import numpy as np
import numpy.typing as npt
from rich._export_format import CONSOLE_SVG_FORMAT
from rich.console import Console, RenderableType

from mhsa_tutor.core import stagetext
from mhsa_tutor.core.errors import OptionError, did_you_mean
from mhsa_tutor.core.numbers import fmt, table_precision, vec
from mhsa_tutor.core.stagetext import variants_text
from mhsa_tutor.core.text import escape_json
from mhsa_tutor.core.trace import Matrix, Stage, Trace
from mhsa_tutor.io.json_rows import rows_text
from mhsa_tutor.io.trace_json import SCHEMA, checks_to_list, rounded_to_dict, scenario_to_dict
from mhsa_tutor.strings import ARTICLES
from mhsa_tutor.teach.narration import (
    check_words,
    checkpoint_text,
    mask_scale_line,
    matrix_caption,
    sizes_line,
    stage_notes,
    stage_title,
    ui,
    value_word,
)
from mhsa_tutor.views.terminal.render import needed_width, render_header, render_stage
from mhsa_tutor.views.view import View, safe, shown_indices, shown_name

#: The export formats, and the file extension of each.
FORMATS: tuple[str, ...] = ("md", "json", "html", "svg", "heatmap", "npz")
EXTENSIONS: dict[str, str] = {
    ".md": "md",
    ".markdown": "md",
    ".json": "json",
    ".html": "html",
    ".htm": "html",
    ".svg": "svg",
    ".npz": "npz",
}
#: Formats written as bytes (``write_npz``), never as text nor to standard output.
BINARY: frozenset[str] = frozenset({"npz"})
#: Formats whose files share an extension with another format's: a heatmap is an SVG picture too.
SAME_KIND: frozenset[tuple[str, str]] = frozenset({(".svg", "heatmap")})
WIDTH = 100  # terminal width recorded for html/svg; widened when a table needs more
CHUNK_ROWS = 64  # matrix rows serialised at a time by the JSON writer

# ----------------------------------------------------------------------------- format


def _binary_to_stdout(fmt_name: str) -> OptionError:
    """The error for a binary format asked of standard output (``-o -``)."""
    return OptionError(
        f"is - (standard output), but {fmt_name} is binary: expected a file name to write it to", "output"
    )


def choose_format(target: str, fmt_name: str | None) -> str:
    """The export format: ``fmt_name`` if given, else from the target's extension.

    ``-`` (stdout) without a format means markdown.

    Raises:
        OptionError: unknown format, an extension that names none, or a format
            that contradicts the target's extension (markdown in ``out.json``).
    """
    dot = target.rfind(".")
    ext = target[dot:].lower() if target != "-" and dot > max(target.rfind("/"), target.rfind("\\")) else ""
    if fmt_name is not None:
        if fmt_name not in FORMATS:
            hint = did_you_mean(fmt_name, FORMATS)
            raise OptionError(f"{fmt_name!r} is not a format; {hint}expected one of: {', '.join(FORMATS)}", "format")
        implied = EXTENSIONS.get(ext)
        if implied is not None and implied != fmt_name and (ext, fmt_name) not in SAME_KIND:
            raise OptionError(
                f"{fmt_name!r} contradicts the output file {target}, whose extension {ext} means {implied}; "
                f"expected {implied}, or a file name ending in .{fmt_name}",
                "format",
            )
        if fmt_name in BINARY and target == "-":
            raise _binary_to_stdout(fmt_name)
        return fmt_name
    if target == "-":
        return "md"
    if ext not in EXTENSIONS:
        what = f"the extension {ext!r}" if ext else "a name without an extension"
        raise OptionError(
            f"is needed: cannot tell the format of {target} from {what}; "
            f"expected a name ending in .md, .json, .html, .svg or .npz, or one of: {'|'.join(FORMATS)}",
            "format",
        )
    return EXTENSIONS[ext]


def write_export(trace: Trace, fmt_name: str, view: View, out: TextIO) -> None:
    """Write ``trace`` in format ``fmt_name`` (one of ``FORMATS``) to ``out``.

    ``view`` sets precision, eliding and language for md/html/svg; JSON ignores
    it (always every number, unrounded).
    """
    if fmt_name in BINARY:
        raise _binary_to_stdout(fmt_name)
    if fmt_name == "json":
        write_json(trace, out)
    elif fmt_name == "md":
        out.write(to_markdown(trace, view))
    elif fmt_name == "html":
        from mhsa_tutor.views.page.page import to_page

        out.write(to_page(trace, view))
    elif fmt_name == "heatmap":
        from mhsa_tutor.views.page.heatmap import to_heatmap

        out.write(to_heatmap(trace, view))
    elif fmt_name == "svg":
        out.write(to_svg(trace, view))
    else:
        raise OptionError(f"unknown export format {fmt_name!r}; expected one of: {', '.join(FORMATS)}")


# ------------------------------------------------------------------------------- JSON


def _dumps(value: object) -> str:
    return escape_json(json.dumps(value, ensure_ascii=False, allow_nan=False))  # hidden characters as \uXXXX


def write_json(trace: Trace, out: TextIO, chunk_rows: int = CHUNK_ROWS) -> None:
    """Stream the ``mhsa-tutor/trace@1`` JSON of ``trace`` to ``out``.

    The text equals ``json.dumps(to_dict(trace), ensure_ascii=False,
    allow_nan=False) + "\\n"``, but at most ``chunk_rows`` matrix rows are held
    as text at a time, written by ``json_rows.rows_text`` (orjson's NumPy serializer
    when the ``fast`` extra is installed).
    """
    scenario = _dumps(scenario_to_dict(trace.info, trace.exact))
    out.write(f'{{"schema": {_dumps(SCHEMA)}, "scenario": {scenario}, "stages": [')
    for i, stage in enumerate(trace.stages):
        if i:
            out.write(", ")
        out.write(
            f'{{"id": {_dumps(stage.id)}, "head": {_dumps(stage.head)}, "title": {_dumps(stage.title)}, '
            f'"formula": {_dumps(stage.formula)}, "matrices": {{'
        )
        for j, (name, m) in enumerate(stage.matrices.items()):
            out.write(f"{', ' if j else ''}{_dumps(name)}: [")
            values = m.values  # (rows, cols)
            for start in range(0, values.shape[0], chunk_rows):
                out.write((", " if start else "") + rows_text(values[start : start + chunk_rows]))  # no brackets
            out.write("]")
        out.write("}")
        rounded = rounded_to_dict(stage)  # hand-rounded stages are a few small matrices: written whole
        if rounded:
            out.write(f', "rounded": {_dumps(rounded)}')
        out.write("}")
    checks = checks_to_list(trace)  # the engine's own checks (decoding, online softmax), when it made some
    out.write("]" + (f', "checks": {_dumps(checks)}' if checks else "") + "}\n")


# -------------------------------------------------------------------------------- NPZ


def npz_key(stage: Stage, name: str) -> str:
    """The name of one matrix in the ``.npz``: ``stage_id/matrix``, or ``stage_id/hN/matrix`` for head N's stage.

    Examples: ``projections/Q``, ``softmax/h2/A``, ``output/O``. A stage id and a
    head name one stage of a trace, so every key is unique (``npz_arrays`` checks).
    """
    return f"{stage.id}/{name}" if stage.head is None else f"{stage.id}/h{stage.head}/{name}"


def npz_arrays(trace: Trace) -> dict[str, npt.NDArray[np.float64]]:
    """Every matrix of every stage, in the trace's order, as the engine's float64 arrays (no copies), by ``npz_key``."""
    arrays: dict[str, npt.NDArray[np.float64]] = {}
    for stage in trace.stages:
        for name, m in stage.matrices.items():
            key = npz_key(stage, name)
            if key in arrays:  # not on any trace the engine makes; a silent overwrite would lose a matrix
                raise ValueError(f"two matrices would be stored as {key!r}")
            arrays[key] = np.asarray(m.values, dtype=np.float64)
    return arrays


def write_npz(trace: Trace, out: BinaryIO) -> None:
    """Write the trace's matrices as one uncompressed NumPy ``.npz`` (``numpy.savez``) to the binary file ``out``.

    ``numpy.load(path, allow_pickle=False)`` gives back exactly the trace's arrays
    (float64, every bit, ``-inf`` and ``nan`` as they are), keyed by ``npz_key``, in
    the trace's order. Only the matrices: the scenario, titles, formulas, hand
    rounding and checks are in the JSON export.
    """
    np.savez(out, allow_pickle=False, **npz_arrays(trace))


def to_json(trace: Trace) -> str:
    """The whole JSON document as one string (see ``write_json``)."""
    buf = io.StringIO()
    write_json(trace, buf)
    return buf.getvalue()


# --------------------------------------------------------------------------- markdown

_LATEX_NAMES = {"memory": "M"}
_MD_ACTIVE = re.compile(r"([\\`*_{}\[\]<>#|~&$!])")
_BLOCK_START = re.compile(r"^(\s*)([-+=>]|\d+(?=[.)]))")


def md_text(text: str) -> str:
    """Scenario or catalogue text made inert in markdown: one line, markup escaped.

    Control characters become visible escapes (``render.safe``), whitespace runs
    one space, and every character that markdown, GFM tables or GitHub math act
    on is backslash-escaped, so ``|`` cannot split a table cell.
    """
    one_line = " ".join(safe(text).replace("\n", " ").split())
    escaped = _MD_ACTIVE.sub(r"\\\1", one_line)
    return _BLOCK_START.sub(_escape_block_start, escaped)


def _escape_block_start(m: re.Match[str]) -> str:
    """``- x`` -> ``\\- x``; ``3. x`` -> ``3\\. x``: the backslash goes before the punctuation, the one
    character CommonMark lets it escape (before a digit it would be shown as a backslash)."""
    lead, mark = m.group(1), m.group(2)
    if mark[0].isdigit():  # an ordered-list marker: the digits stay, the dot or parenthesis is escaped
        return f"{lead}{mark}\\"
    return f"{lead}\\{mark}"


def md_number(x: float, precision: int) -> str:
    """One number for a markdown table: ``numbers.fmt``, with −∞ written with a minus sign."""
    s = fmt(x, precision)
    return "−" + s[1:] if s.endswith("∞") and s.startswith("-") else s


def latex_formula(trace: Trace, stage: Stage, lang: str = "en") -> str:
    """The stage's formula in LaTeX (the stage table's template, ``stagetext.latex``)."""
    shapes = {_LATEX_NAMES.get(name, name): m.values.shape for name, m in stage.matrices.items()}
    return stagetext.latex(stage.id, stage.head, trace.info, shapes, lang)


def md_table(trace: Trace, name: str, matrix: Matrix, view: View) -> list[str]:
    """One matrix as GitHub table lines: token labels, ``fmt`` numbers, elided unless full.

    The table has ``1 + len(shown_indices(cols))`` columns and
    ``len(shown_indices(rows))`` body rows; ``…`` / ``⋮`` mark elided ones.
    """
    values = matrix.values  # (rows, cols)
    rows_n, cols_n = values.shape
    row_labels = trace.shown_labels(matrix.rows, rows_n)
    col_labels = trace.shown_labels(matrix.cols, cols_n)
    cols = shown_indices(cols_n, view.full)
    decimals = table_precision(values, view.precision)
    header = [f"**{md_text(shown_name(name))}**", *("…" if j is None else md_text(col_labels[j]) for j in cols)]
    lines = [_md_row(header), _md_row([":---", *("---:" for _ in cols)])]
    for i in shown_indices(rows_n, view.full):
        if i is None:
            lines.append(_md_row(["⋮", *("⋮" for _ in cols)]))
            continue
        cells = ("…" if j is None else md_number(float(values[i, j]), decimals) for j in cols)
        lines.append(_md_row([f"**{md_text(row_labels[i])}**", *cells]))
    return lines


def _md_row(cells: Iterable[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def md_header(trace: Trace, view: View) -> list[str]:
    """Title, the scenario's facts as a list, and its description."""
    info = trace.info
    t = ui(view.lang)
    lines = [f"# {md_text(info.text('title', view.lang))}", ""]
    lines.append(f"- **{t['tokens']}**: {' · '.join(md_text(x) for x in info.tokens)}")
    if info.memory_tokens is not None:
        lines.append(f"- **{t['memory_tokens']}**: {' · '.join(md_text(x) for x in info.memory_tokens)}")
    lines.append(f"- **{t['sizes']}**: {md_text(sizes_line(info, view.lang))}")
    lines.append(f"- **{md_text(t['mask_scale'])}**: {md_text(mask_scale_line(info, view.lang))}")
    if variants_text(info):
        lines.append(f"- **{md_text(t['variants'])}**: {md_text(variants_text(info, view.lang))}")
    if info.article is not None:
        lines.append(f"- **{t['article']}**: {md_text(ARTICLES[info.article].full_in(view.lang))}")
    if info.source:
        lines.append(f"- **{t['source']}**: {md_text(info.text('source', view.lang))}")
    if trace.exact and info.rounding:
        lines.append(f"- **{md_text(t['exact'])}**: {md_text(t['exact_note'])}")
    lines.append("")
    if info.description and view.narrate:
        lines += [f"*{md_text(info.text('description', view.lang))}*", ""]
    return lines


def md_stage(trace: Trace, index: int, view: View) -> list[str]:
    """One stage: heading, narration (pitfalls as quotes), LaTeX formula, one table per matrix, checks."""
    stage = trace.stages[index]
    lines = [f"## {index + 1}. {md_text(stage_title(stage, view.lang))}", ""]
    if view.narrate:
        for kind, text in stage_notes(trace, stage, view.lang):
            lines += [f"> ⚠️ {md_text(text)}" if kind == "pitfall" else md_text(text), ""]
    lines += ["$$", latex_formula(trace, stage, view.lang), "$$", ""]
    for name, m in stage.matrices.items():
        caption = matrix_caption(trace, stage, name, m, view.lang)
        if caption:
            lines += [f"*{md_text(caption)}*", ""]
        lines += [*md_table(trace, name, m, view), ""]
    checks = trace.verdicts_for(stage)
    if checks:
        t = ui(view.lang)
        lines += [f"**{md_text(check_words(trace, stage, view.lang)[0])}**", ""]
        for verdict in checks:
            cp, got, ok = verdict.checkpoint, verdict.got, verdict.ok
            where = md_text(cp.where(trace.info.tokens, trace.info.key_tokens))
            lines.append(
                f"- {where}: {value_word(cp.printed, view.lang)} {vec(cp.value, cp.decimals)}, "
                f"{t['cp_computed']} {vec(got, cp.decimals)} "
                f"({t['cp_decimals']} {cp.decimals}) {'✓' if ok else '✗'}"
            )
        lines.append("")
        lines += [item for note in checkpoint_text(trace, stage, view.lang) for item in (f"> {md_text(note)}", "")]
    return lines


def to_markdown(trace: Trace, view: View) -> str:
    """The whole trace as GitHub-flavoured markdown (see the module contract)."""
    lines = md_header(trace, view)
    for i in range(len(trace.stages)):
        lines += md_stage(trace, i, view)
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- html, svg


def _renderables(trace: Trace, view: View) -> list[RenderableType]:
    view = replace(view, fit=False)  # a page: the fixed layout, as wide as its widest matrix
    return [render_header(trace, view), *(render_stage(trace, i, view) for i in range(len(trace.stages)))]


def record(trace: Trace, view: View) -> Console:
    """A recording Console that has printed the terminal view of every stage."""
    parts = _renderables(trace, view)
    probe = Console(file=io.StringIO(), width=WIDTH, highlight=False, emoji=False)
    width = max(WIDTH, needed_width(probe, parts[1:]))  # the header's prose wraps instead
    console = Console(
        record=True,
        file=io.StringIO(),
        width=width,
        color_system="truecolor",
        force_terminal=True,
        no_color=False,
        highlight=False,
        emoji=False,
    )
    for i, part in enumerate(parts):
        if i:
            console.print()
        console.print(part, crop=False)
    return console


def to_html(trace: Trace, view: View) -> str:
    """The terminal view of the whole trace as an HTML page (Rich's ``export_html``)."""
    return record(trace, view).export_html()


def to_svg(trace: Trace, view: View) -> str:
    """The terminal view of the whole trace as an SVG image (Rich's ``export_svg``)."""
    return record(trace, view).export_svg(
        title=safe(trace.info.text("title", view.lang)), code_format=OFFLINE_SVG_FORMAT
    )


def _offline(template: str) -> str:
    """Rich's SVG template without its web fonts: ``local("FiraCode-Regular")`` stays (the machine's own
    font, no request); the ``url("https://cdnjs…")`` sources go, so opening the image asks no server."""
    return re.sub(r',\s*url\("[^"]*"\)\s*format\("[^"]*"\)', "", template)


#: The template of ``to_svg``: the image is drawn from what is in it and on the machine, never the network.
OFFLINE_SVG_FORMAT = _offline(CONSOLE_SVG_FORMAT)
