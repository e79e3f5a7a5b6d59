"""The data a page embeds besides its HTML: which cells a cell reads, and a compact line pool.

Pure functions of the trace's structure (stage ids, heads, sizes); no number is
computed here. ``sources`` drives the highlighting of the cells a clicked cell
came from, compiled from the rules of ``core.reads`` (the operands explain
writes out); ``LinePool`` stores the explanations' lines once each, with their
digit runs apart from the text around them, so a BERT-size page stays small.
"""

from __future__ import annotations

import re

from mhsa_tutor.core.reads import Layout, Read, operand_head, present, resolve, rule, source
from mhsa_tutor.core.trace import Trace

# ------------------------------------------------------------------------------------------------ sources


def sources(trace: Trace) -> dict[str, list[list[object]]]:
    """Which cells each clicked cell reads, as rules keyed ``"stage index|matrix"`` (from ``core.reads``).

    A rule is ``[stage index, matrix, row kind, row offset, col kind, col offset, lo, hi]``:
    kind ``r``/``c`` means the clicked row/column (plus the offset), ``*`` every one; the
    rule applies when the clicked column is within ``lo..hi`` (1-based, 0 = any). Rules of
    the same stage and matrix highlight cells of one table (a rotated feature and its partner).
    A read whose column mapping differs from column to column (a head's block of the
    concatenation, the RoPE partner) becomes one rule per run of columns with the same
    source head and offset.
    """
    at = {(s.id, s.head): i for i, s in enumerate(trace.stages)}
    lay = Layout.of_trace(trace)
    out: dict[str, list[list[object]]] = {}
    for i, s in enumerate(trace.stages):
        for name, m in s.matrices.items():
            reads = [read for read in rule(s.id, name).reads if not read.optional or present(lay, read)]
            rules = [r for read in reads for r in _compile(lay, at, read, s.id, s.head, m.values.shape[1])]
            if rules:
                out[f"{i}|{name}"] = rules
    return out


_KIND = {"row": "r", "col": "c", "all": "*"}


def _compile(
    lay: Layout, at: dict[tuple[str, int | None], int], read: Read, stage_id: str, head: int | None, n_cols: int
) -> list[list[object]]:
    """One read as page rules: one per run of clicked columns that share the source head and column offset."""
    sid, name = source(lay, read)
    if read.cols != "col":
        h = operand_head(lay, read, stage_id, head, 0)
        return [[at[(sid, h)], name, _KIND[read.rows], 0, _KIND[read.cols], 0, 0, 0]]
    runs: list[list[object]] = []
    for j in range(n_cols):
        op = resolve(lay, read, stage_id, head, 0, j)
        assert op.col is not None
        key = [at[(sid, op.head)], name, _KIND[read.rows], 0, "c", op.col - j]
        if runs and runs[-1][:6] == key:
            runs[-1][7] = j + 1
        else:
            runs.append([*key, j + 1, j + 1])
    if len(runs) == 1 and read.head == "same":  # one source and offset for every column: no range
        runs[0][6:] = [0, 0]
    return runs


#: A number as the explanations write it: digits with a decimal point, a minus sign, an exponent,
#: and a negative factor's parentheses, so lines that differ only in numbers share one template.
_DIGITS = re.compile(r"\(−\d+(?:\.\d+)?(?:e[−+]?\d+)?\)|−?\d+(?:\.\d+)?(?:e[−+]?\d+)?")


class LinePool:
    """Explanations as ids into one list of distinct lines, each line a template and its digit runs.

    The BERT-size page repeats lines and, even more, lines that differ only in their
    numbers: a line is stored as ``"t,d1,d2,…"`` where ``t`` indexes ``templates``
    (the line with every digit run replaced by NUL, which ``safe`` text never holds)
    and ``d1, d2, …`` are the digit runs, put back in order by the page.
    """

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.templates: list[str] = []
        self._at: dict[str, int] = {}
        self._tpl: dict[str, int] = {}

    def _encode(self, line: str) -> str:
        template = _DIGITS.sub("\0", line)
        t = self._tpl.setdefault(template, len(self.templates))
        if t == len(self.templates):
            self.templates.append(template)
        return ",".join([str(t), *_DIGITS.findall(line)])

    def ids(self, text: str) -> list[int]:
        out = []
        for line in text.split("\n"):
            if line not in self._at:
                self._at[line] = len(self.lines)
                self.lines.append(self._encode(line))
            out.append(self._at[line])
        return out
