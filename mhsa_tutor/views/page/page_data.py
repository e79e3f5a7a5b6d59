"""The data a page embeds besides its HTML: which cells a cell reads, and a compact line pool.

Pure functions of the trace's structure (stage ids, heads, sizes); no number is
computed here. ``sources`` drives the highlighting of the cells a clicked cell
came from, compiled from the rules of ``core.reads`` (the operands explain
writes out); ``LinePool`` stores the explanations' lines once each, with their
digit runs apart from the text around them, so a BERT-size page stays small.
"""

from __future__ import annotations

import re

from mhsa_tutor.core.reads import Layout, Read, applies, operand_head, present, resolve, rule, source
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
            reads = [read for read in rule(s.id, name).reads if (not read.optional or present(lay, read))]
            rules = [r for read in reads for r in _compile(lay, at, read, s.id, s.head, m.values.shape, name)]
            if rules:
                out[f"{i}|{name}"] = rules
    return out


_KIND = {"row": "r", "col": "c", "all": "*"}
#: Row kinds whose cells do not depend on the clicked row's own index beyond an offset.
_ROW_SHIFT = {"row": ("r", 0), "col": ("c", 0), "all": ("*", 0)}


def _simple(read: Read) -> bool:
    """A read of the ordinary stages: row, column or every one, the column mapped by head or partner."""
    return (
        read.when == ""
        and read.rows in _KIND
        and (read.cols in _KIND)
        and not read.col_map.startswith(("prev", "block", "feature", "last", "head_partner", "kv_head_partner"))
    )


def _compile(
    lay: Layout, at: dict[tuple[str, int | None], int], read: Read, stage_id: str, head: int | None,
    shape: tuple[int, int], matrix: str,
) -> list[list[object]]:  # fmt: skip
    """One read as page rules: one per run of clicked columns that share the source head and column offset."""
    if not _simple(read):
        return _compile_cells(lay, at, read, stage_id, head, shape, matrix)
    sid, name = source(lay, read)
    if read.cols != "col":
        h = operand_head(lay, read, stage_id, head, 0)
        return [[at[(sid, h)], name, _KIND[read.rows], 0, _KIND[read.cols], 0, 0, 0]]
    runs: list[list[object]] = []
    for j in range(shape[1]):
        op = resolve(lay, read, stage_id, head, 0, j, matrix)
        assert op is not None and op.col is not None
        key = [at[(sid, op.head)], name, _KIND[read.rows], 0, "c", op.col - j]
        if runs and runs[-1][:6] == key:
            runs[-1][7] = j + 1
        else:
            runs.append([*key, j + 1, j + 1])
    if len(runs) == 1 and read.head == "same":  # one source and offset for every column: no range
        runs[0][6:] = [0, 0]
    return runs


def _axis(kind: str, at: int | tuple[int, int] | None, clicked: int) -> tuple[str, object]:
    """(kind, offset) of one axis of an operand: one index relative to the clicked row (``r``) or column
    (``c``), every one (``*``), or a span of 1-based indices (``=``)."""
    if at is None:
        return "*", 0
    if isinstance(at, tuple):
        return "=", [at[0] + 1, at[1] + 1]
    return kind, at - clicked


def _compile_cells(
    lay: Layout, at: dict[tuple[str, int | None], int], read: Read, stage_id: str, head: int | None,
    shape: tuple[int, int], matrix: str,
) -> list[list[object]]:  # fmt: skip
    """A read of the inference stages as page rules, clicked column by clicked column (and row by row where
    the cells depend on the row: the cache up to a step, the prefill's rows or a step's)."""
    by_row = read.when in ("prefill", "decoded") or "upto" in (read.rows, read.cols)
    rows = range(shape[0]) if by_row else range(1)
    out: list[list[object]] = []
    for i in rows:
        if not applies(lay, read, i):
            continue
        for j in range(shape[1]):
            op = resolve(lay, read, stage_id, head, i, j, matrix)
            if op is None:
                continue
            # a row that follows the clicked row (its own, its token's, its cache row), else the clicked column
            rk, ro = _axis("r", op.row_at, i) if read.rows in ("row", "step", "cached") else _axis("c", op.row_at, j)
            ck, co = _axis("c", op.col_at, j)
            rule: list[object] = [at[(op.stage, op.head)], op.matrix, rk, ro, ck, co, j + 1, j + 1]
            if by_row:
                rule += [i + 1, i + 1]
            if out and out[-1][:6] == rule[:6] and out[-1][8:] == rule[8:] and out[-1][7] == j:
                out[-1][7] = j + 1  # the same cells for the next column: one run
            else:
                out.append(rule)
    return out


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
