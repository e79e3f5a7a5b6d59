"""Jupyter's displays: a trace as the interactive page in a frame sized to its content, a stage as a table.

Contract:

* ``notebook_bundle(trace)`` gives ``text/html`` (the page in a sandboxed
  ``iframe``, whose CSS and JS cannot touch the notebook's, followed by a small
  script that sets the frame's height to what the page posts, and tells the page
  the notebook's theme) and a one-line ``text/plain``. The page inside is light
  unless the notebook is dark (JupyterLab's ``data-jp-theme-light``), and has
  the theme toggle; it folds the scenario's facts and the stage list so that
  the stage shows first.
* ``stage_bundle(stage)`` gives a small HTML table per matrix (corners of big
  ones, as the page elides them), its title and formula, and a ``text/plain``
  line: the notebook's own styles, no script.
"""

from __future__ import annotations

import html

import numpy as np
import numpy.typing as npt

from mhsa_tutor.core.errors import LimitError
from mhsa_tutor.core.limits import check_text, text_cost
from mhsa_tutor.core.numbers import fmt
from mhsa_tutor.core.trace import Stage, Trace
from mhsa_tutor.views.page.page import to_page
from mhsa_tutor.views.view import View, safe, shown_indices

#: The frame's height before the page reports its own (and where scripts in outputs do not run).
NOTEBOOK_START_PX = 640
#: Sets the frame's height to what the page inside posts (``{mhsaTutor: 1, height}``), and posts the
#: notebook's theme to the page (JupyterLab's ``data-jp-theme-light``; other front ends: light).
NOTEBOOK_SIZER = """<script>(() => {
  const frame = document.currentScript.previousElementSibling;
  const theme = () => (document.body.dataset.jpThemeLight === "false" ? "dark" : "light");
  window.addEventListener("message", (e) => {
    if (e.source !== frame.contentWindow || !e.data || e.data.mhsaTutor !== 1) return;
    frame.style.height = Math.ceil(e.data.height) + 2 + "px";
    if (e.data.ready) frame.contentWindow.postMessage({ mhsaTutorTheme: theme() }, "*");
  });
})();</script>"""


def notebook_bundle(trace: Trace, view: View | None = None) -> dict[str, str]:
    """Jupyter's display of a trace (see the module contract). A trace whose page would pass the text
    budget (``limits.text_cost``, checked before the page is built) shows only the line, with the limit."""
    info = trace.info
    try:
        check_text(text_cost(info.tokens, info.key_tokens, heads=info.heads, output="html"), "html", info.name)
    except LimitError as err:
        return {"text/plain": f"<Trace {info.name}: {len(trace.stages)} stages; no page: {err}>"}
    page = to_page(trace, view or View()).replace("<html ", '<html data-embed="notebook" data-theme="light" ', 1)
    title = html.escape(f"{safe(info.title)} · mhsa-tutor", quote=True)
    frame = (
        f'<iframe class="mhsa-tutor" title="{title}" sandbox="allow-scripts" '
        f'style="width: 100%; height: {NOTEBOOK_START_PX}px; border: 1px solid #8a8a8a; border-radius: 4px" '
        f'srcdoc="{html.escape(page, quote=True)}"></iframe>{NOTEBOOK_SIZER}'
    )
    plain = (
        f"<Trace {info.name}: {len(trace.stages)} stages, tokens {' · '.join(safe(t) for t in info.tokens)}, "
        f"d_model {info.d_model}, heads {info.heads}>"
    )
    return {"text/html": frame, "text/plain": plain}


def _table(name: str, a: npt.NDArray[np.float64], precision: int) -> str:
    """One matrix as a plain HTML table, rows and columns numbered, big ones elided to their corners."""
    rows, cols = shown_indices(a.shape[0], False), shown_indices(a.shape[1], False)
    head = "".join("<th>…</th>" if j is None else f"<th>{j + 1}</th>" for j in cols)
    body = []
    for i in rows:
        if i is None:
            body.append("<tr><th>⋮</th>" + "<td>⋮</td>" * len(cols) + "</tr>")
            continue
        tds = "".join("<td>…</td>" if j is None else f"<td>{fmt(float(a[i, j]), precision)}</td>" for j in cols)
        body.append(f"<tr><th>{i + 1}</th>{tds}</tr>")
    caption = f"{html.escape(name)}: {a.shape[0]} × {a.shape[1]}"
    return (
        f'<table class="mhsa-tutor-matrix"><caption>{caption}</caption><thead><tr><th></th>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>"
    )


def stage_bundle(stage: Stage, precision: int = 4) -> dict[str, str]:
    """Jupyter's display of one stage (see the module contract)."""
    tables = "".join(_table(name, m.values, precision) for name, m in stage.matrices.items())
    shapes = ", ".join(f"{name} {m.values.shape[0]}×{m.values.shape[1]}" for name, m in stage.matrices.items())
    head = f", head {stage.head}" if stage.head is not None else ""
    html_text = (
        f'<div class="mhsa-tutor-stage"><p><strong>{html.escape(safe(stage.title))}</strong> '
        f"<code>{html.escape(safe(stage.formula))}</code></p>"
        f'<div style="display: flex; flex-wrap: wrap; gap: 1em; overflow-x: auto">{tables}</div></div>'
    )
    return {"text/html": html_text, "text/plain": f"<Stage {stage.id}{head}: {shapes}>"}
