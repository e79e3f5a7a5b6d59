"""What every view shares: how to show a trace (``View``), the eliding rule, the progress line, and
``safe`` for file text. No Rich here, so the terminal and the page views stay independent of each other.
"""

from __future__ import annotations

from dataclasses import dataclass

from mhsa_tutor.core.text import escape_controls
from mhsa_tutor.core.trace import Trace
from mhsa_tutor.strings import ui

ELIDE_AT = 12  # show corners of matrices with more rows or columns than this
EDGE = 4  # rows/columns kept on each side when eliding


@dataclass(frozen=True)
class View:
    """How to show a trace: decimals, eliding, language, narration."""

    precision: int = 4
    full: bool = False
    lang: str = "en"
    narrate: bool = True
    example: bool = False  # work one cell out in full under the formula (the walkthrough)
    fit: bool = True  # lay matrices out for the console's width (False: the export's fixed corners)
    #: the walkthrough: cells to mark, as (matrix name, 0-based row, 0-based col); empty: the example cell
    marks: tuple[tuple[str, int, int], ...] = ()
    folded: bool = False  # the stepper: notes beyond the first behind a key, after the matrices


def safe(text: str) -> str:
    """Make file text inert on a terminal: control and bidi characters become visible escapes (``text``)."""
    return escape_controls(text)


def shown_indices(n: int, full: bool) -> list[int | None]:
    """Indices to show along an axis of length n; None marks the ellipsis."""
    if full or n <= ELIDE_AT:
        return list(range(n))
    return [*range(EDGE), None, *range(n - EDGE, n)]


def shown_name(name: str) -> str:
    """How a matrix is named on screen: the memory of cross-attention is M, as in the formulas."""
    return "M" if name == "memory" else name


def progress_line(trace: Trace, index: int, lang: str = "en") -> str:
    """``stage 6/15 · head 1 · scaled`` (``단계 6/15 · 헤드 1 · 스케일링한 점수``) for the stage at 0-based ``index``.

    English names the stage by its id (what ``--stage`` takes, a contract of the page's ``data-progress``);
    other languages by its name in the catalogue (the number works for ``--stage`` too)."""
    stage = trace.stages[index]
    t = ui(lang)
    head = " · " + t["progress_head"].format(h=stage.head) if stage.head is not None else ""
    name = stage.id if lang == "en" else t[f"stage_name_{stage.id}"]
    return t["progress"].format(k=index + 1, n=len(trace.stages)) + f"{head} · {name}"
