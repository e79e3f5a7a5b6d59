"""Terminal view of a trace: Stage -> Rich renderable. Never recomputes maths.

Contracts:

* every number comes from the trace and is formatted by ``fmt`` (−∞ as ``-∞``);
* text from scenario files (tokens, titles, notes) goes through ``safe`` and
  into ``rich.text.Text``, so Rich markup and terminal escapes in it never act;
* nothing is wider than the console: prose wraps at the width, capped at a
  readable measure (``PROSE``); a matrix shows as many columns as fit, the
  middle ones dropped behind a ``…`` column, and as many rows as the screen
  holds (``FitMatrix``; ``full`` shows all); text tables wrap their text
  columns and never cut a name or a number;
* the export's fixed layout (``View.fit`` False) keeps the corners of a matrix
  taller or wider than ``ELIDE_AT``; attention weights are shaded by value.
"""

from __future__ import annotations

from collections.abc import Container, Iterable, Mapping, Sequence

from rich import box
from rich.console import Console, Group, RenderableType
from rich.measure import Measurement
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from mhsa_tutor.core.numbers import vec
from mhsa_tutor.core.stagetext import variants_text
from mhsa_tutor.core.trace import Stage, Trace
from mhsa_tutor.strings import ARTICLES
from mhsa_tutor.teach.narration import (
    check_words,
    checkpoint_text,
    mask_scale_line,
    matrix_caption,
    sizes_line,
    stage_formula,
    stage_notes,
    stage_title,
    ui,
    value_word,
)
from mhsa_tutor.views.terminal.layout import PROSE as PROSE
from mhsa_tutor.views.terminal.layout import Heading, Stacked
from mhsa_tutor.views.terminal.layout import prose as prose
from mhsa_tutor.views.terminal.matrix import MARK as MARK  # where the stepper and the tests find them
from mhsa_tutor.views.terminal.matrix import READ as READ
from mhsa_tutor.views.terminal.matrix import FitMatrix, Indent
from mhsa_tutor.views.terminal.matrix import _weight_style as _weight_style
from mhsa_tutor.views.terminal.matrix import matrix_table as matrix_table
from mhsa_tutor.views.view import View, progress_line, safe, shown_indices, shown_name


def shapes_line(stage: Stage) -> str:
    """``Q: 2 × 3   K: 2 × 3`` for a stage."""
    return "   ".join(f"{shown_name(n)}: {m.values.shape[0]} × {m.values.shape[1]}" for n, m in stage.matrices.items())


def checkpoint_table(trace: Trace, stage: Stage, view: View) -> Stacked | None:
    """The source-check table: source value, computed value, decimals, ✓/✗ (one paragraph a check when narrow)."""
    rows = trace.verdicts_for(stage)
    if not rows:
        return None
    t = ui(view.lang)
    _, column = check_words(trace, stage, view.lang)
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    for head in (t["cp_where"], column, t["cp_computed"]):
        table.add_column(Text(head, style="bold"))
    table.add_column(Text(t["cp_decimals"], style="bold"), no_wrap=True, justify="right")
    table.add_column("", no_wrap=True)
    info = trace.info
    lines: list[Text] = []
    for verdict in rows:
        cp, got, ok = verdict.checkpoint, verdict.got, verdict.ok
        where = safe(cp.where(info.tokens, info.key_tokens))
        mark = Text("✓", style="green") if ok else Text("✗", style="red bold")
        source, computed = vec(cp.value, cp.decimals), vec(got, cp.decimals)
        table.add_row(Text(where), Text(source), Text(computed), Text(str(cp.decimals)), mark)
        said = value_word(cp.printed, view.lang)
        line = Text.assemble(mark, f" {where}: {said} {source}, {t['cp_computed']} {computed} ")
        line.append(f"({t['cp_decimals']} {cp.decimals})")
        lines.append(line)
    return Stacked(table, lines)


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
    facts.add_column(overflow="fold")  # a long URL breaks; words wrap
    facts.add_row(t["tokens"], Text(token_list(info.tokens, view.full)))
    if info.memory_tokens is not None:
        facts.add_row(t["memory_tokens"], Text(token_list(info.memory_tokens, view.full)))
    facts.add_row(
        t["sizes"],
        Text(sizes_line(info, view.lang)),
    )
    facts.add_row(t["mask_scale"], Text(mask_scale_line(info, view.lang)))
    if variants_text(info):
        facts.add_row(t["variants"], Text(safe(variants_text(info, view.lang))))
    if info.article is not None:
        facts.add_row(t["article"], Text(ARTICLES[info.article].full_in(view.lang), overflow="fold"))
    if info.source:
        facts.add_row(t["source"], Text(safe(info.text("source", view.lang))))
    if trace.exact and info.rounding:
        facts.add_row(t["exact"], Text(t["exact_note"]))
    parts: list[RenderableType] = [
        Heading(Text(safe(info.text("title", view.lang)), style="bold"), characters="═"),
        facts,
    ]
    if info.description and view.narrate:
        parts.append(prose(Text(safe(info.text("description", view.lang)), style="italic")))
    return Group(*parts)


def render_stage(trace: Trace, index: int, view: View) -> RenderableType:
    """One stage: header with title and formula, narration, shapes, matrices, checks."""
    stage = trace.stages[index]
    parts: list[RenderableType] = []
    head = Text()
    head.append(progress_line(trace, index, view.lang), style="dim")
    head.append("  ")
    head.append(stage_title(stage, view.lang), style="bold")
    parts.append(Heading(head, align="left"))
    parts.append(prose(Text(stage_formula(stage, view.lang, trace), style="bold cyan")))
    notes = stage_notes(trace, stage, view.lang) if view.narrate else []
    if view.example:  # the walkthrough: the first note, the matrices, the worked cell, then the rest
        if notes:
            parts.append(prose(Text(safe(notes[0][1]), style="yellow" if notes[0][0] == "pitfall" else "")))
        from mhsa_tutor.views.terminal.worked import marks_of, worked_example

        marks = marks_of(trace, stage, view)
        parts.extend(_matrices(trace, stage, view, marks.example, marks.here))
        parts.extend(worked_example(trace, stage, view, marks))
        rest = notes[1:]
        if rest and view.folded:
            kinds = sum(kind == "pitfall" for kind, _ in rest)
            parts.append(prose(Text(ui(view.lang)["step_folded"].format(n=len(rest), pitfalls=kinds), style="dim")))
            rest = []
        for kind, text in rest:
            parts.append(prose(Text(safe(text), style="yellow" if kind == "pitfall" else "")))
    else:
        for kind, text in notes:
            parts.append(prose(Text(safe(text), style="yellow" if kind == "pitfall" else "")))
        parts.extend(_matrices(trace, stage, view, {}))
    cps = checkpoint_table(trace, stage, view)
    if cps is not None:
        parts.append(Text(check_words(trace, stage, view.lang)[0], style="bold"))
        parts.append(Padding(cps, (0, 0, 0, 2), expand=False))
        for note in checkpoint_text(trace, stage, view.lang):
            parts.append(prose(Text(safe(note), style="yellow")))
    return Group(*parts)


def _matrices(
    trace: Trace,
    stage: Stage,
    view: View,
    marks: Mapping[str, Container[tuple[int, int]]],
    reads: Mapping[str, Container[tuple[int, int]]] | None = None,
) -> list[RenderableType]:
    """The shapes line, then each matrix of the stage (captioned, shaded if weights, marked cells, the cells
    the marked one reads underlined)."""
    parts: list[RenderableType] = [prose(Text(shapes_line(stage), style="dim"))]
    for name, m in stage.matrices.items():
        caption = matrix_caption(trace, stage, name, m, view.lang)
        if caption:
            parts.append(prose(Text(caption, style="dim italic")))
        shade = stage.id == "softmax"
        marked = marks.get(name, frozenset())
        read = (reads or {}).get(name, frozenset())
        table = (
            FitMatrix(trace, name, m, view, shade, marked, read)
            if view.fit
            else matrix_table(trace, name, m, view, shade=shade, marked=marked, read=read)
        )
        parts.append(Indent(table))
    return parts


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
