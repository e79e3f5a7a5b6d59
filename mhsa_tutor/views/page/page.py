"""The trace as one self-contained, offline, interactive HTML page.

Contract:

* ``to_page(trace, view)`` returns one HTML document with all CSS and JS inline
  (``page_assets/``); a Content-Security-Policy forbids every network request.
* Every stage is a ``<section class="stage">`` (title, formula, narration in
  English and Korean, matrices, source check); the script shows one at a time
  and writes ``render.progress_line`` into ``#progress``.
* Every shown number is a ``td`` with ``data-stage``, ``data-head`` (per-head
  stages only), ``data-matrix``, ``data-row`` and ``data-col`` (1-based).
* The arithmetic shown in ``#explain`` for a cell is ``explain_cell``'s label and
  lines joined by newlines (as ``mhsa-tutor explain`` prints them), computed
  here in both languages and embedded as JSON; the page never computes.
* Text from scenario files goes through ``render.safe`` and ``html.escape``.
"""

from __future__ import annotations

import html
import json
from importlib import resources
from typing import Any

import numpy as np

# ---------------------------------------------------------------- adapter: the only calls into the rest of the tutor
# (mathml and page_data are this feature's own modules; everything else is the tutor's public API)
from mhsa_tutor.core.errors import OptionError
from mhsa_tutor.core.numbers import fmt, table_precision, vec
from mhsa_tutor.core.scenario import Checkpoint
from mhsa_tutor.core.stagetext import latex as stage_latex
from mhsa_tutor.core.trace import Matrix, Stage, Trace
from mhsa_tutor.teach.explain import explain_cell
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
)
from mhsa_tutor.views.page.mathml import to_mathml
from mhsa_tutor.views.page.page_data import LinePool, sources
from mhsa_tutor.views.view import View, progress_line, safe, shown_indices

LANGS = ("en", "ko")


def _explain_text(trace: Trace, stage: Stage, name: str, row: int, col: int, precision: int, lang: str) -> str:
    """What ``mhsa-tutor explain`` prints for one cell (0-based row/col), as one string."""
    ex = explain_cell(
        trace, stage.id, f"@{row + 1}", f"@{col + 1}", head=stage.head, matrix=name, precision=precision, lang=lang
    )
    return "\n".join([safe(ex.label), *(safe(line) for line in ex.lines)])


def _ui(key: str, lang: str) -> str:
    return ui(lang)[key]


def latex_formula(trace: Trace, stage: Stage) -> str:
    """The stage's formula in LaTeX, as ``export.latex_formula`` writes it (export sits above the page)."""
    shapes = {("M" if name == "memory" else name): m.values.shape for name, m in stage.matrices.items()}
    return stage_latex(stage.id, stage.head, trace.info, shapes)


def _formula(trace: Trace, stage: Stage, lang: str) -> str:
    """The stage's plain formula in ``lang`` (``narration.stage_formula``)."""
    return stage_formula(stage, lang, trace)


def _checks(trace: Trace, stage: Stage) -> list[tuple[Checkpoint, Any, bool]]:
    """(checkpoint, computed value, matches) for this stage (``trace.verdicts_for``)."""
    return [(v.checkpoint, v.got, v.ok) for v in trace.verdicts_for(stage)]


# ------------------------------------------------------------------------------------------------ page strings

#: The page's own words: ``page_<key>`` in the string catalogues (``lang`` names the other language).
WORDS: dict[str, dict[str, str]] = {
    key: {lg: ui(lg)[f"page_{key}"] for lg in LANGS}
    for key in ("prev", "next", "stages", "lang", "arith", "hint", "keys", "inputs", "legend", "masked", "min", "max")
}
LEVELS = ((0.0, 0.1), (0.1, 0.3), (0.3, 0.5), (0.5, 0.7), (0.7, 0.9), (0.9, 1.0))  # shade level k covers LEVELS[k]
#: Without a script the page is a long document: every stage shown, the controls hidden.
NOSCRIPT_CSS = "section.stage[hidden] { display: block; } .controls, #panel { display: none; }"
#: ``--full`` pages hold at most this many numbers (each with its arithmetic in two languages).
FULL_CELL_LIMIT = 40_000


def _both(texts: dict[str, str], tag: str = "span", cls: str = "") -> str:
    """The same thing in each language; CSS shows the page's current one."""
    extra = f" {cls}" if cls else ""
    return "".join(f'<{tag} lang="{lg}" class="l-{lg}{extra}">{texts[lg]}</{tag}>' for lg in LANGS)


def _words(key: str, tag: str = "span", cls: str = "") -> str:
    return _both({lg: html.escape(WORDS[key][lg]) for lg in LANGS}, tag, cls)


def _esc(text: str) -> str:
    return html.escape(safe(text))


def _asset(name: str) -> str:
    return resources.files("mhsa_tutor.views.page").joinpath("assets", name).read_text(encoding="utf-8")


def _json_script(data: object) -> str:
    """JSON that cannot end its ``<script>`` early (every ``<`` escaped)."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return text.replace("<", "\\u003c").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def level(w: float) -> int:
    """Shade level 0..5 of an attention weight (as the terminal shades it); -1 outside [0, 1]."""
    return round(w * 5) if 0.0 <= w <= 1.0 else -1


# ------------------------------------------------------------------------------------------------ explanations


def explanations(trace: Trace, view: View) -> tuple[LinePool, dict[str, list[list[int]]]]:
    """Every shown cell's arithmetic in each language: (line pool, ``"i|matrix|row|col"`` -> line ids).

    Each value is ``[en ids]`` when Korean reads the same, else ``[en ids, ko ids]``.
    """
    pool = LinePool()
    out: dict[str, list[list[int]]] = {}
    for i, s in enumerate(trace.stages):
        for name, m in s.matrices.items():
            n_rows, n_cols = m.values.shape
            cols = [c for c in shown_indices(n_cols, view.full) if c is not None]
            for r in shown_indices(n_rows, view.full):
                if r is None:
                    continue
                for c in cols:
                    texts = [_explain_text(trace, s, name, r, c, view.precision, lg) for lg in LANGS]
                    ids = [pool.ids(texts[0])] if texts[0] == texts[1] else [pool.ids(t) for t in texts]
                    out[f"{i}|{name}|{r + 1}|{c + 1}"] = ids
    return pool, out


# ------------------------------------------------------------------------------------------------ HTML pieces


def _masked_cells(trace: Trace, stage: Stage) -> np.ndarray | None:
    """Where the mask set the scores of this softmax's head to −∞ (bool, rows × keys), if masked."""
    if stage.id != "softmax":
        return None
    for s in trace.stages:
        if s.id == "masked" and s.head == stage.head:
            return np.isneginf(s.matrices["S"].values)
    return None


def matrix_html(trace: Trace, stage: Stage, name: str, m: Matrix, view: View) -> str:
    """One matrix as a table with token labels; every shown number a contract ``td``."""
    values = m.values  # (rows, cols)
    n_rows, n_cols = values.shape
    row_labels, col_labels = trace.shown_labels(m.rows, n_rows), trace.shown_labels(m.cols, n_cols)
    cols = shown_indices(n_cols, view.full)
    decimals = table_precision(values, view.precision)
    shade = stage.id == "softmax"
    masked = _masked_cells(trace, stage)
    head = f' data-head="{stage.head}"' if stage.head is not None else ""
    attrs = f'data-stage="{stage.id}"{head} data-matrix="{html.escape(name)}"'
    out = [f'<table class="matrix"><thead><tr><th scope="col" class="corner">{html.escape(name)}</th>']
    out += ['<th class="gap">…</th>' if j is None else f'<th scope="col">{_esc(col_labels[j])}</th>' for j in cols]
    out.append("</tr></thead><tbody>")
    for i in shown_indices(n_rows, view.full):
        if i is None:
            out.append('<tr class="gap"><th>⋮</th>' + '<td class="gap">⋮</td>' * len(cols) + "</tr>")
            continue
        out.append(f'<tr><th scope="row">{_esc(row_labels[i])}</th>')
        for j in cols:
            if j is None:
                out.append('<td class="gap">…</td>')
                continue
            x = float(values[i, j])
            cls = []
            if shade and level(x) >= 0:
                cls.append(f"w{level(x)}")
            if masked is not None and masked[i, j]:
                cls.append("masked")
            if x == float("-inf"):
                cls.append("neginf")
            c = f' class="{" ".join(cls)}"' if cls else ""
            out.append(f'<td{c} {attrs} data-row="{i + 1}" data-col="{j + 1}">{fmt(x, decimals)}</td>')
        out.append("</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def legend_html(m: Matrix, masked: bool, precision: int) -> str:
    """The shading's scale, and this matrix's smallest and largest weight."""
    lo, hi = float(np.min(m.values)), float(np.max(m.values))
    items = "".join(f'<li><span class="swatch w{k}"></span>{a:g}–{b:g}</li>' for k, (a, b) in enumerate(LEVELS))
    if masked:
        items += f'<li><span class="swatch masked"></span>{_words("masked")}</li>'
    mm = f"{_words('min')} {fmt(lo, precision)} · {_words('max')} {fmt(hi, precision)}"
    return f'<div class="legend">{_words("legend", "p")}<ul>{items}</ul><p>{mm}</p></div>'


def _checks_html(trace: Trace, stage: Stage) -> str:
    rows = _checks(trace, stage)
    if not rows:
        return ""
    info = trace.info
    words = {lg: check_words(trace, stage, lg) for lg in LANGS}
    heads = "".join(
        f"<th scope='col'>{_both({lg: words[lg][1] if k == 'cp_source' else _ui(k, lg) for lg in LANGS})}</th>"
        for k in ("cp_where", "cp_source", "cp_computed", "cp_decimals")
    )
    body = "".join(
        f"<tr><td>{_esc(cp.where(info.tokens, info.key_tokens))}</td><td>{vec(cp.value, cp.decimals)}</td>"
        f"<td>{vec(got, cp.decimals)}</td><td>{cp.decimals}</td>"
        f"<td class='{'ok' if ok else 'bad'}'>{'✓' if ok else '✗'}</td></tr>"
        for cp, got, ok in rows
    )
    notes = {
        lg: "".join(f"<p class='pitfall'>{_esc(n)}</p>" for n in checkpoint_text(trace, stage, lg)) for lg in LANGS
    }
    title = _both({lg: words[lg][0] for lg in LANGS}, "h3")
    table = f"<table><thead><tr>{heads}<th></th></tr></thead><tbody>{body}</tbody></table>"
    return f'<div class="checks">{title}{table}{_both(notes, "div")}</div>'


def stage_html(trace: Trace, index: int, view: View) -> str:
    """One stage as a ``section``: title, formula, narration, matrices (and legend), source check."""
    s = trace.stages[index]
    parts = [f'<h2 tabindex="-1">{index + 1}. {_both({lg: _esc(stage_title(s, lg)) for lg in LANGS})}</h2>']
    parts.append(f'<div class="math">{to_mathml(latex_formula(trace, s))}</div>')
    parts.append(_both({lg: _esc(_formula(trace, s, lg)) for lg in LANGS}, "p", "formula"))
    if view.narrate:
        notes = {
            lg: "".join(f'<p class="{html.escape(kind)}">{_esc(text)}</p>' for kind, text in stage_notes(trace, s, lg))
            for lg in LANGS
        }
        parts.append(_both(notes, "div", "notes"))
    for name, m in s.matrices.items():
        n_rows, n_cols = m.values.shape
        caption = {lg: f"{html.escape(name)}: {n_rows} × {n_cols}" for lg in LANGS}
        rounded = {lg: matrix_caption(trace, s, name, m, lg) or "" for lg in LANGS}
        if rounded["en"]:
            caption = {lg: f"{caption[lg]} · {_esc(rounded[lg])}" for lg in LANGS}
        parts.append(
            f'<figure>{_both(caption, "figcaption")}<div class="scroll">{matrix_html(trace, s, name, m, view)}</div>'
        )
        if s.id == "softmax":
            parts.append(legend_html(m, _masked_cells(trace, s) is not None, view.precision))
        parts.append("</figure>")
    parts.append(_checks_html(trace, s))
    progress = html.escape(progress_line(trace, index))
    progress_ko = html.escape(progress_line(trace, index, "ko"))
    hidden = " hidden" if index else ""  # the script shows one stage at a time; print shows all
    attrs = (
        f'id="stage-{index + 1}" data-index="{index}" data-progress="{progress}" '
        f'data-progress-ko="{progress_ko}"{hidden}'
    )
    return f'<section class="stage" {attrs}>{"".join(parts)}</section>'


def header_html(trace: Trace, view: View) -> str:
    """Title and the scenario's facts."""
    info = trace.info

    def row(key: str, value: str) -> str:
        return f"<dt>{_both({lg: _ui(key, lg) for lg in LANGS})}</dt><dd>{value}</dd>"

    facts = row("tokens", " · ".join(_esc(t) for t in info.tokens))
    if info.memory_tokens is not None:
        facts += row("memory_tokens", " · ".join(_esc(t) for t in info.memory_tokens))
    facts += row("sizes", _both({lg: _esc(sizes_line(info, lg)) for lg in LANGS}))
    facts += row("mask_scale", _both({lg: _esc(mask_scale_line(info, lg)) for lg in LANGS}))
    if info.source:
        facts += row("source", _both({lg: _esc(info.text("source", lg)) for lg in LANGS}))
    if trace.exact and info.rounding:
        facts += row("exact", _both({lg: html.escape(_ui("exact_note", lg)) for lg in LANGS}))
    desc = ""
    if info.description and view.narrate:
        desc = f'<p class="description">{_both({lg: _esc(info.text("description", lg)) for lg in LANGS})}</p>'
    return f"<h1>{_both({lg: _esc(info.text('title', lg)) for lg in LANGS})}</h1><dl class='facts'>{facts}</dl>{desc}"


def _nav_html(trace: Trace) -> str:
    items = "".join(
        f'<li><a href="#stage-{i + 1}" data-go="{i}">{i + 1}. '
        f"{_both({lg: _esc(stage_title(s, lg)) for lg in LANGS})}</a></li>"
        for i, s in enumerate(trace.stages)
    )
    return f'<nav id="stage-list" aria-label="stages">{_words("stages", "h2")}<ol>{items}</ol></nav>'


def _check_size(trace: Trace, view: View) -> None:
    if not view.full:
        return
    cells = sum(m.values.size for s in trace.stages for m in s.matrices.values())
    if cells > FULL_CELL_LIMIT:
        raise OptionError(
            f"--full would put {cells} numbers in the page; a browser holds at most {FULL_CELL_LIMIT} "
            "(each with its arithmetic in two languages); leave out --full to show the corners of big matrices"
        )


def to_page(trace: Trace, view: View) -> str:
    """The whole trace as one offline interactive HTML page (see the module contract).

    Raises:
        OptionError: ``view.full`` and more numbers than ``FULL_CELL_LIMIT``.
    """
    _check_size(trace, view)
    lang = view.lang if view.lang in LANGS else "en"
    pool, ex = explanations(trace, view)
    data = {"templates": pool.templates, "lines": pool.lines, "ex": ex, "src": sources(trace)}
    controls = (
        f'<div class="controls"><button type="button" id="prev">{_words("prev")}</button>'
        f'<span id="progress" aria-live="polite">{html.escape(progress_line(trace, 0, lang))}</span>'
        f'<button type="button" id="next">{_words("next")}</button>'
        f'<button type="button" id="lang-toggle">{_words("lang")}</button></div>'
    )
    stages = "".join(stage_html(trace, i, view) for i in range(len(trace.stages)))
    panel = (
        f'<aside id="panel">{_words("arith", "h2")}<pre id="explain" aria-live="polite">{_words("hint")}</pre>'
        f'<div id="sources"></div>{_words("keys", "p", "keys")}</aside>'
    )
    titles = " ".join(f'data-title-{lg}="{_esc(trace.info.text("title", lg))} · mhsa-tutor"' for lg in LANGS)
    csp = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:"
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}" data-lang="{lang}"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{csp}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_esc(trace.info.text('title', lang))} · mhsa-tutor</title><style>{_asset('page.css')}</style>"
        f"<noscript><style>{NOSCRIPT_CSS}</style></noscript>"
        "</head>"
        f"<body {titles}><header>{header_html(trace, view)}{controls}</header>"
        f'<div class="layout">{_nav_html(trace)}<main id="stages">{stages}</main>{panel}</div>'
        f'<script type="application/json" id="data">{_json_script(data)}</script>'
        f"<script>{_asset('page.js')}</script></body></html>\n"
    )


def notebook_bundle(trace: Trace, view: View | None = None) -> dict[str, str]:
    """Jupyter's display of a trace: the page in a sandboxed ``iframe`` (its CSS and JS cannot
    touch the notebook's), and a one-line ``text/plain`` fallback."""
    page = to_page(trace, view or View())
    info = trace.info
    title = html.escape(f"{safe(info.title)} · mhsa-tutor", quote=True)
    frame = (
        f'<iframe class="mhsa-tutor" title="{title}" sandbox="allow-scripts" '
        'style="width: 100%; height: 760px; border: 1px solid #8a8a8a; border-radius: 4px" '
        f'srcdoc="{html.escape(page, quote=True)}"></iframe>'
    )
    plain = (
        f"<Trace {info.name}: {len(trace.stages)} stages, tokens {' · '.join(safe(t) for t in info.tokens)}, "
        f"d_model {info.d_model}, heads {info.heads}>"
    )
    return {"text/html": frame, "text/plain": plain}
