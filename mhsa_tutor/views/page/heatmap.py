"""The attention weights as a vector figure (SVG) for papers and slides.

Contract: ``to_heatmap(trace, view)`` returns one standalone SVG document with
one panel per head (the softmax stage's ``A``), query tokens down the left, key
tokens along the top, a colour bar from 0 to 1, and the cells the mask removed
hatched. Each cell is a ``rect`` with ``data-head``, ``data-row``, ``data-col``
(1-based) and a ``<title>`` holding the weight as ``numbers.fmt`` writes it; its
fill is ``colour(weight)``. Written by hand (no plotting library): the figure is
a few hundred rectangles, and the tutor keeps its dependencies to NumPy, Rich
and Typer.
"""

from __future__ import annotations

import itertools
import unicodedata
from xml.sax.saxutils import escape

import numpy as np

# ---------------------------------------------------------------- adapter: the only calls into the rest of the tutor
from mhsa_tutor.core.errors import OptionError
from mhsa_tutor.core.numbers import fmt
from mhsa_tutor.core.trace import Stage, Trace
from mhsa_tutor.strings import LANGS, ui
from mhsa_tutor.views.view import View, safe

#: Colour stops of the scale, weight 0 -> 1 (light to dark blue, readable in greyscale print).
STOPS: tuple[tuple[float, tuple[int, int, int]], ...] = (
    (0.0, (255, 255, 255)),
    (0.25, (198, 219, 239)),
    (0.5, (107, 174, 214)),
    (0.75, (33, 113, 181)),
    (1.0, (8, 48, 107)),
)
MAX_TOKENS = 128  # more rows or columns than this make an unreadable figure
PER_ROW = 4  # panels side by side
#: The figure's few words: ``heatmap_<key>`` in the string catalogues, in each language of the tutor.
WORDS: dict[str, dict[str, str]] = {
    key: {lg: ui(lg)[f"heatmap_{key}"] for lg in LANGS} for key in ("head", "weight", "masked", "title")
}
FONT = "DejaVu Sans, Noto Sans KR, Malgun Gothic, Arial, sans-serif"


def colour(w: float) -> str:
    """``#rrggbb`` for a weight in [0, 1] (clamped), interpolated between ``STOPS``."""
    w = min(1.0, max(0.0, w))
    for (a, ca), (b, cb) in itertools.pairwise(STOPS):
        if w <= b:
            t = (w - a) / (b - a)
            rgb = (round(x + (y - x) * t) for x, y in zip(ca, cb, strict=True))
            return "#" + "".join(f"{v:02x}" for v in rgb)
    return "#{:02x}{:02x}{:02x}".format(*STOPS[-1][1])


def _dark(w: float) -> bool:
    return w > 0.55  # where white text reads better than black on colour(w)


def _text_width(text: str, size: float) -> float:
    return sum(size if unicodedata.east_asian_width(ch) in "WF" else size * 0.62 for ch in text)


def _softmax_stages(trace: Trace) -> list[Stage]:
    return [s for s in trace.stages if s.id == "softmax"]


def _panel(trace: Trace, stage: Stage, x0: float, y0: float, geo: dict[str, float], view: View) -> list[str]:
    """One head: title, column and row labels, the cells (hatched where masked), a frame."""
    A = stage.matrices["A"].values  # (T, Tk)
    rows, cols = trace.shown_labels("tokens", A.shape[0]), trace.shown_labels("keys", A.shape[1])
    masked = next(
        (np.isneginf(s.matrices["S"].values) for s in trace.stages if s.id == "masked" and s.head == stage.head), None
    )
    cs, fs, left, top = geo["cell"], geo["font"], geo["left"], geo["top"]
    gx, gy = x0 + left, y0 + top
    out = [f'<g class="panel" data-head="{stage.head}">']
    out.append(
        f'<text x="{gx + cs * A.shape[1] / 2:.1f}" y="{y0 + fs * 1.3:.1f}" text-anchor="middle" '
        f'font-weight="bold" font-size="{fs * 1.15:.1f}">{_word("head", view).format(h=stage.head)}</text>'
    )
    for j, label in enumerate(cols):
        x, y = gx + cs * (j + 0.5), gy - fs * 0.4
        out.append(
            f'<text class="col-label" x="{x:.1f}" y="{y:.1f}" transform="rotate(-45 {x:.1f} {y:.1f})">'
            f"{escape(safe(label))}</text>"
        )
    for i, label in enumerate(rows):
        out.append(
            f'<text class="row-label" x="{gx - fs * 0.4:.1f}" y="{gy + cs * (i + 0.5) + fs * 0.35:.1f}" '
            f'text-anchor="end">{escape(safe(label))}</text>'
        )
    numbers = cs >= fs * 3.2
    for i in range(A.shape[0]):
        for j in range(A.shape[1]):
            w = float(A[i, j])
            x, y = gx + cs * j, gy + cs * i
            is_masked = masked is not None and bool(masked[i, j])
            cls = ' class="masked"' if is_masked else ""
            tip = f"A[{safe(rows[i])}, {safe(cols[j])}] = {fmt(w, view.precision)}" + (
                _word("masked", view) if is_masked else ""
            )
            out.append(
                f'<rect{cls} x="{x:.1f}" y="{y:.1f}" width="{cs:.1f}" height="{cs:.1f}" fill="{colour(w)}" '
                f'data-head="{stage.head}" data-row="{i + 1}" data-col="{j + 1}"><title>{escape(tip)}</title></rect>'
            )
            if is_masked:
                out.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{cs:.1f}" height="{cs:.1f}" fill="url(#hatch)"/>')
            elif numbers:
                ink = "#ffffff" if _dark(w) else "#000000"
                out.append(
                    f'<text x="{x + cs / 2:.1f}" y="{y + cs / 2 + fs * 0.35:.1f}" text-anchor="middle" '
                    f'fill="{ink}" font-size="{fs * 0.9:.1f}">{fmt(w, min(view.precision, 2))}</text>'
                )
    out.append(
        f'<rect x="{gx:.1f}" y="{gy:.1f}" width="{cs * A.shape[1]:.1f}" height="{cs * A.shape[0]:.1f}" '
        'fill="none" stroke="#444444" stroke-width="1"/>'
    )
    out.append("</g>")
    return out


def _word(key: str, view: View) -> str:
    return WORDS[key].get(view.lang, WORDS[key]["en"])


def _colour_bar(x: float, y: float, height: float, fs: float, label: str) -> list[str]:
    stops = "".join(f'<stop offset="{1 - o:g}" stop-color="{colour(o)}"/>' for o, _ in reversed(STOPS))
    out = [
        f'<defs><linearGradient id="scale" x1="0" y1="0" x2="0" y2="1">{stops}</linearGradient></defs>',
        f'<g class="colour-bar"><rect x="{x:.1f}" y="{y:.1f}" width="{fs * 1.2:.1f}" height="{height:.1f}" '
        'fill="url(#scale)" stroke="#444444"/>',
    ]
    for v in (0.0, 0.25, 0.5, 0.75, 1.0):
        ty = y + height * (1 - v)
        out.append(
            f'<line x1="{x + fs * 1.2:.1f}" y1="{ty:.1f}" x2="{x + fs * 1.6:.1f}" y2="{ty:.1f}" stroke="#444444"/>'
        )
        out.append(f'<text x="{x + fs * 1.8:.1f}" y="{ty + fs * 0.35:.1f}">{v:g}</text>')
    out.append(f'<text x="{x:.1f}" y="{y - fs * 0.8:.1f}">{escape(label)}</text></g>')
    return out


def to_heatmap(trace: Trace, view: View) -> str:
    """The attention weights of every head as one SVG document (see the module contract).

    Raises:
        OptionError: no softmax stage, or more than ``MAX_TOKENS`` tokens on an axis.
    """
    stages = _softmax_stages(trace)
    if not stages:
        raise OptionError(f"{trace.info.name} has no attention weights to draw")
    n_rows, n_cols = stages[0].matrices["A"].values.shape
    if max(n_rows, n_cols) > MAX_TOKENS:
        raise OptionError(
            f"--format heatmap draws at most {MAX_TOKENS} tokens on an axis; {trace.info.name} has "
            f"{n_rows} × {n_cols} weights per head (use --format html, which shows the corners)"
        )
    cell = max(6.0, min(44.0, 360.0 / max(n_rows, n_cols)))
    fs = max(5.0, min(13.0, cell * 0.45))
    labels_r = trace.shown_labels("tokens", n_rows)
    labels_c = trace.shown_labels("keys", n_cols)
    left = max(_text_width(safe(t), fs) for t in labels_r) + fs
    top = max(_text_width(safe(t), fs) for t in labels_c) * 0.72 + fs * 3
    geo = {"cell": cell, "font": fs, "left": left, "top": top}
    pw, ph = left + cell * n_cols + fs * 2, top + cell * n_rows + fs * 2
    per_row = min(PER_ROW, len(stages))
    n_panel_rows = -(-len(stages) // per_row)
    title_h = fs * 3
    bar_x = pw * per_row + fs
    width, height = bar_x + fs * 5, title_h + ph * n_panel_rows
    body = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.1f} {height:.1f}" font-family="{FONT}" font-size="{fs:.1f}" fill="#000000">',
        f"<title>{escape(safe(trace.info.text('title', view.lang)))}: {_word('title', view)}</title>",
        '<defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
        '<rect width="6" height="6" fill="#eeeeee"/>'
        '<line x1="0" y1="0" x2="0" y2="6" stroke="#888888" stroke-width="2"/>'
        "</pattern></defs>",
        f'<rect width="{width:.1f}" height="{height:.1f}" fill="#ffffff"/>',
        f'<text x="{fs:.1f}" y="{fs * 1.8:.1f}" font-size="{fs * 1.3:.1f}" font-weight="bold">'
        f"{escape(safe(trace.info.text('title', view.lang)))}</text>",
    ]
    for k, stage in enumerate(stages):
        body += _panel(trace, stage, pw * (k % per_row), title_h + ph * (k // per_row), geo, view)
    body += _colour_bar(bar_x, title_h + top, cell * n_rows, fs, _word("weight", view))
    body.append("</svg>")
    return "\n".join(body) + "\n"
