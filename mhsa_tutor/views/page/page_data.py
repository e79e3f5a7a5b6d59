"""The data a page embeds besides its HTML: which cells a cell reads, and a compact line pool.

Pure functions of the trace's structure (stage ids, heads, sizes); no number is
computed here. ``sources`` drives the highlighting of the cells a clicked cell
came from; ``LinePool`` stores the explanations' lines once each, with their
digit runs apart from the text around them, so a BERT-size page stays small.
"""

from __future__ import annotations

import re

from mhsa_tutor.core.trace import Trace

# ------------------------------------------------------------------------------------------------ sources


def _index(trace: Trace) -> dict[tuple[str, int | None], int]:
    return {(s.id, s.head): i for i, s in enumerate(trace.stages)}


def sources(trace: Trace) -> dict[str, list[list[object]]]:
    """Which cells each clicked cell reads, as rules keyed ``"stage index|matrix"``.

    A rule is ``[stage index, matrix, row kind, row offset, col kind, col offset, lo, hi]``:
    kind ``r``/``c`` means the clicked row/column (plus the offset), ``*`` every one; the
    rule applies when the clicked column is within ``lo..hi`` (1-based, 0 = any).
    """
    at = _index(trace)
    info = trace.info
    out: dict[str, list[list[object]]] = {}
    proj = at.get(("projections", None), at.get(("input", None)))
    for i, s in enumerate(trace.stages):
        h = s.head
        for name in s.matrices:
            rules: list[list[object]] = []
            if s.id == "projections":
                memory = name in ("K", "V") and "memory" in trace.stages[at[("input", None)]].matrices
                x_at = at.get(("positions", None), at[("input", None)])  # X + P when positions are added
                rules = [
                    [at[("input", None)], "memory", "r", 0, "*", 0, 0, 0]
                    if memory
                    else [x_at, "X", "r", 0, "*", 0, 0, 0],
                    [at[("params", None)], f"W_{name}", "*", 0, "c", 0, 0, 0],
                ]
                if f"b_{name}" in info.biases:  # + b[j]: the bias of the clicked column
                    rules.append([at[("params", None)], f"b_{name}", "*", 0, "c", 0, 0, 0])
            elif s.id == "positions" and name == "X":  # X + P: the same cell of X and of P
                rules = [[at[("input", None)], "X", "r", 0, "c", 0, 0, 0], [i, "P", "r", 0, "c", 0, 0, 0]]
            elif s.id == "split" and h is not None and proj is not None:
                width = info.d_v if name == "V" else info.d_k
                src_head = h if name == "Q" else info.kv_head(h)  # GQA: K and V of the shared key/value head
                rules = [[proj, name, "r", 0, "c", (src_head - 1) * width, 0, 0]]
            elif s.id == "rotary" and h is not None:  # a rotated feature reads its pair: the row before rotation
                rules = [[at[("split", h)], name, "r", 0, "*", 0, 0, 0]]
            elif s.id == "scores" and h is not None:
                qk = at.get(("rotary", h), at[("split", h)])
                rules = [[qk, "Q", "r", 0, "*", 0, 0, 0], [qk, "K", "c", 0, "*", 0, 0, 0]]
            elif s.id in ("scaled", "bias", "masked", "softmax") and h is not None and name != "B":
                before = ("masked", "bias", "scaled", "scores")
                prev = next(at[(p, h)] for p in before if (p, h) in at and at[(p, h)] < i)
                rules = [[prev, "S", "r", 0, "*" if s.id == "softmax" else "c", 0, 0, 0]]
                if s.id == "bias":
                    rules.append([i, "B", "r", 0, "c", 0, 0, 0])
            elif s.id == "head_output" and h is not None:
                rules = [[at[("softmax", h)], "A", "r", 0, "*", 0, 0, 0], [at[("split", h)], "V", "*", 0, "c", 0, 0, 0]]
            elif s.id == "concat":
                dv = info.d_v
                rules = [
                    [at[("head_output", k)], "Z", "r", 0, "c", -(k - 1) * dv, (k - 1) * dv + 1, k * dv]
                    for k in range(1, info.heads + 1)
                ]
            elif s.id == "output":
                rules = [
                    [at[("concat", None)], "Z", "r", 0, "*", 0, 0, 0],
                    [at[("params", None)], "W_O", "*", 0, "c", 0, 0, 0],
                ]
                if "b_O" in info.biases:
                    rules.append([at[("params", None)], "b_O", "*", 0, "c", 0, 0, 0])
            if rules:
                out[f"{i}|{name}"] = rules
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
