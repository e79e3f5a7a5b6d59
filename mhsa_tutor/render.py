"""Terminal view of a trace: Stage -> Rich renderable. Never recomputes maths.

Contracts:

* every number comes from the trace and is formatted by ``fmt`` (−∞ as ``-∞``);
* text from scenario files (tokens, titles, notes) goes through ``safe`` and
  into ``rich.text.Text``, so Rich markup and terminal escapes in it never act;
* a matrix taller or wider than ``ELIDE_AT`` is shown as its corners with
  ellipses unless ``full``; attention weights are shaded by value.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rich import box
from rich.console import Console, Group, RenderableType
from rich.measure import Measurement
from rich.padding import Padding
from rich.rule import Rule
from rich.style import Style
from rich.table import Table
from rich.text import Text

from mhsa_tutor.grid import Grid
from mhsa_tutor.narration import checkpoint_text, matrix_caption, stage_formula, stage_notes, stage_title, ui
from mhsa_tutor.numbers import fmt, vec
from mhsa_tutor.stagetext import variants_text
from mhsa_tutor.strings import ARTICLES
from mhsa_tutor.trace import Matrix, Stage, Trace

ELIDE_AT = 12  # show corners of matrices with more rows or columns than this
EDGE = 4  # rows/columns kept on each side when eliding
_BIDI = {chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F)}


@dataclass(frozen=True)
class View:
    """How to show a trace: decimals, eliding, language, narration."""

    precision: int = 4
    full: bool = False
    lang: str = "en"
    narrate: bool = True
    example: bool = False  # work one cell out in full under the formula (the walkthrough)


def safe(text: str) -> str:
    """Make file text inert on a terminal: control and bidi characters become visible escapes."""
    out = []
    for ch in text:
        if ch in _BIDI or (unicodedata.category(ch) == "Cc" and ch not in "\n"):
            out.append(ch.encode("unicode_escape").decode("ascii"))
        else:
            out.append(ch)
    return "".join(out)


def shown_indices(n: int, full: bool) -> list[int | None]:
    """Indices to show along an axis of length n; None marks the ellipsis."""
    if full or n <= ELIDE_AT:
        return list(range(n))
    return [*range(EDGE), None, *range(n - EDGE, n)]


def _weight_style(w: float) -> Style:
    """Background shade for an attention weight in [0, 1]: the larger, the darker."""
    if not 0.0 <= w <= 1.0:
        return Style()
    level = round(w * 5)
    shades = ["", "grey23", "grey35", "dark_cyan", "cyan3", "bright_cyan"]
    if level == 0:
        return Style()
    return Style(bgcolor=shades[level], color="black" if level >= 3 else None, bold=w >= 0.5)


def matrix_table(trace: Trace, name: str, matrix: Matrix, view: View, *, shade: bool = False) -> Grid:
    """One matrix as a table: token labels on token axes, 1..n on feature axes (a ``Grid``: prints as its ``Table``)."""
    values = matrix.values
    rows_n, cols_n = values.shape
    row_labels = trace.labels(matrix.rows, rows_n)
    col_labels = trace.labels(matrix.cols, cols_n)
    table = Grid()
    table.add_column(Text(name, style="bold"), justify="left")
    cols = shown_indices(cols_n, view.full)
    for j in cols:
        table.add_column(Text("…") if j is None else Text(safe(col_labels[j])), justify="right")
    for i in shown_indices(rows_n, view.full):
        if i is None:
            table.add_row(Text("⋮"), *[Text("⋮") for _ in cols])
            continue
        cells: list[Text] = []
        for j in cols:
            if j is None:
                cells.append(Text("…"))
                continue
            x = float(values[i, j])
            cells.append(Text(fmt(x, view.precision), style=_weight_style(x) if shade else ""))
        table.add_row(Text(safe(row_labels[i]), style="bold"), *cells)
    return table


def progress_line(trace: Trace, index: int, lang: str = "en") -> str:
    """``stage 6/15 · head 1 · scaled`` (``단계 6/15 · 헤드 1 · scaled``) for the stage at 0-based ``index``."""
    stage = trace.stages[index]
    t = ui(lang)
    head = " · " + t["progress_head"].format(h=stage.head) if stage.head is not None else ""
    return t["progress"].format(k=index + 1, n=len(trace.stages)) + f"{head} · {stage.id}"


def shapes_line(stage: Stage) -> str:
    """``Q: 2 × 3   K: 2 × 3`` for a stage."""
    return "   ".join(f"{n}: {m.values.shape[0]} × {m.values.shape[1]}" for n, m in stage.matrices.items())


def checkpoint_table(trace: Trace, stage: Stage, view: View) -> Table | None:
    """The source-check table: source value, computed value, decimals, ✓/✗."""
    rows = trace.verdicts_for(stage)
    if not rows:
        return None
    t = ui(view.lang)
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    for head, wrap in ((t["cp_where"], False), (t["cp_source"], True), (t["cp_computed"], True)):
        table.add_column(Text(head, style="bold"), no_wrap=not wrap)
    table.add_column(Text(t["cp_decimals"], style="bold"), no_wrap=True, justify="right")
    table.add_column("", no_wrap=True)
    info = trace.info
    for verdict in rows:
        cp, got, ok = verdict.checkpoint, verdict.got, verdict.ok
        table.add_row(
            Text(safe(cp.where(info.tokens, info.key_tokens))),
            Text(vec(cp.value, cp.decimals)),
            Text(vec(got, cp.decimals)),
            Text(str(cp.decimals)),
            Text("✓", style="green") if ok else Text("✗", style="red bold"),
        )
    return table


def token_list(tokens: tuple[str, ...], full: bool) -> str:
    """``a · b · c``; a long list shows its ends and its length, as matrices do."""
    shown = [safe(tokens[i]) if i is not None else "…" for i in shown_indices(len(tokens), full)]
    more = f"  ({len(tokens)})" if len(shown) < len(tokens) else ""
    return " · ".join(shown) + more


def render_header(trace: Trace, view: View) -> RenderableType:
    """Title and the scenario's facts (tokens, sizes, mask, scale, source)."""
    info = trace.info
    t = ui(view.lang)
    facts = Table.grid(padding=(0, 2))
    facts.add_column(style="bold")
    facts.add_column()
    facts.add_row(t["tokens"], Text(token_list(info.tokens, view.full)))
    if info.memory_tokens is not None:
        facts.add_row(t["memory_tokens"], Text(token_list(info.memory_tokens, view.full)))
    facts.add_row(
        t["sizes"],
        Text(f"d_model = {info.d_model}, heads = {info.heads}, d_k = {info.d_k}, d_v = {info.d_v}"),
    )
    facts.add_row(t["mask_scale"], Text(f"mask = {info.mask}, scale = {info.scale}"))
    if variants_text(info):
        facts.add_row(t["variants"], Text(safe(variants_text(info))))
    if info.article is not None:
        facts.add_row(t["article"], Text(ARTICLES[info.article].full_in(view.lang), overflow="fold"))
    if info.source:
        facts.add_row(t["source"], Text(safe(info.text("source", view.lang))))
    if trace.exact and info.rounding:
        facts.add_row(t["exact"], Text(t["exact_note"]))
    title = Text(safe(info.text("title", view.lang)), style="bold")
    parts: list[RenderableType] = [Rule(title, characters="═"), facts]
    if info.description and view.narrate:
        parts.append(Text(safe(info.text("description", view.lang)), style="italic"))
    return Group(*parts)


def render_stage(trace: Trace, index: int, view: View) -> RenderableType:
    """One stage: header with title and formula, narration, shapes, matrices, checks."""
    stage = trace.stages[index]
    parts: list[RenderableType] = []
    head = Text()
    head.append(progress_line(trace, index, view.lang), style="dim")
    head.append("  ")
    head.append(stage_title(stage, view.lang), style="bold")
    parts.append(Rule(head, align="left"))
    parts.append(Text(stage_formula(stage, view.lang, trace), style="bold cyan"))
    if view.example:
        parts.extend(_example(trace, stage, view))
    if view.narrate:
        for kind, text in stage_notes(trace, stage, view.lang):
            style = "yellow" if kind == "pitfall" else ""
            parts.append(Text(safe(text), style=style))
    parts.append(Text(shapes_line(stage), style="dim"))
    for name, m in stage.matrices.items():
        caption = matrix_caption(trace, stage, name, m, view.lang)
        if caption:
            parts.append(Text(caption, style="dim italic"))
        table = matrix_table(trace, name, m, view, shade=stage.id == "softmax")
        parts.append(Padding(table, (0, 0, 0, 2), expand=False))
    cps = checkpoint_table(trace, stage, view)
    if cps is not None:
        parts.append(Text(ui(view.lang)["cp_title"], style="bold"))
        parts.append(Padding(cps, (0, 0, 0, 2), expand=False))
        for note in checkpoint_text(trace, stage, view.lang):
            parts.append(Text(safe(note), style="yellow"))
    return Group(*parts)


def _example(trace: Trace, stage: Stage, view: View) -> list[RenderableType]:
    """One cell of the stage worked out with its real numbers (see explain)."""
    from mhsa_tutor.explain import example_cell, explain_cell

    cell = example_cell(trace, stage)
    if cell is None:
        return []
    name, row, col = cell
    ex = explain_cell(trace, stage.id, row, col, head=stage.head, matrix=name, precision=view.precision, lang=view.lang)
    out: list[RenderableType] = [Text(f"{ui(view.lang)['example']} {safe(ex.label)}", style="bold")]
    out.extend(Text("  " + safe(line)) for line in ex.lines)
    return out


def select(trace: Trace, stage_ids: Sequence[str] = (), head: int | None = None) -> list[int]:
    """Indices of the stages to show: all, or those with the given ids / head.

    A head filter keeps the shared (not per-head) stages only when no stage
    filter is given, so ``--head 2`` alone shows the whole path through head 2.
    """
    out = []
    for i, s in enumerate(trace.stages):
        if stage_ids and s.id not in stage_ids:
            continue
        if head is not None and s.head is not None and s.head != head:
            continue
        out.append(i)
    return out


def needed_width(console: Console, renderables: Iterable[RenderableType]) -> int:
    """The width at which no matrix or check table among ``renderables`` is squeezed.

    Prose wraps to any width; a table cannot go below its minimum (its no-wrap
    columns), so printing at least this wide never truncates a number.
    """
    wide = console.options.update(width=100_000)
    need = 0
    for part in renderables:
        for p in part.renderables if isinstance(part, Group) else [part]:
            if isinstance(p, (Table, Padding)):
                need = max(need, Measurement.get(console, wide, p).minimum)
    return need


def render_trace(trace: Trace, indices: Iterable[int], view: View) -> list[RenderableType]:
    """The whole run view: header, then each selected stage."""
    return [render_header(trace, view), *(render_stage(trace, i, view) for i in indices)]
