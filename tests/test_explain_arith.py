"""What the learner reads: every arithmetic line explain prints is true, with the operands the page highlights.

* ``check_lines`` (tests/arith.py) parses and evaluates each line: every ``=`` exact with the numbers
  as shown, every ``≈`` within their rounding; for every stage kind of every built-in and of the
  generated variant scenarios, and (hypothesis) of any combination of the variants.
* ``expected_operands`` is this test's own statement of which cells each cell reads (plain code per
  stage, not ``core.reads``): the numbers explain writes must be those cells' values, and the cells
  the page highlights (its rules run as page.js runs them) must be exactly those cells.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

from mhsa_tutor.core.engine import run
from mhsa_tutor.core.scenario import Scenario
from mhsa_tutor.core.trace import Stage, Trace
from mhsa_tutor.io.loader import builtin_names, load_scenario
from mhsa_tutor.teach.explain import explain_cell
from mhsa_tutor.views.page.page_data import sources
from tests.arith import check_lines
from tests.variant_scenarios import named, variant_scenario

Cells = set[tuple[str, int | None, str, int, int]]  # (stage, head, matrix, row, col), 0-based

NAMED = named()
NAMES = [*builtin_names(), *NAMED]


def _scenario(name: str) -> Scenario:
    return NAMED[name] if name in NAMED else load_scenario(name)


def _cells(stage: Stage, name: str, every: bool) -> Iterator[tuple[int, int]]:
    n_rows, n_cols = stage.matrices[name].values.shape
    if every or n_rows * n_cols <= 36:
        yield from ((i, j) for i in range(n_rows) for j in range(n_cols))
    else:  # the corners, and a cell inside
        yield from sorted(
            {(0, 0), (0, n_cols - 1), (n_rows - 1, 0), (n_rows - 1, n_cols - 1), (n_rows // 2, n_cols // 2)}
        )


# ------------------------------------------------------------------------------------ the reference


def _has(trace: Trace, stage_id: str) -> bool:
    return any(s.id == stage_id for s in trace.stages)


def _first(trace: Trace, *ids: str) -> str:
    return next(s for s in ids if _has(trace, s))


def _whole(trace: Trace, stage: str, head: int | None, name: str, rows: range | None, cols: range | None,
           i: int | None, j: int | None) -> Cells:  # fmt: skip
    m = trace.find(stage, head).matrices[name].values
    rr = range(m.shape[0]) if i is None else [i]
    cc = range(m.shape[1]) if j is None else [j]
    return {(stage, head, name, r, c) for r in rr for c in cc}


def expected_operands(trace: Trace, stage: Stage, name: str, i: int, j: int) -> list[Cells]:
    """The cells cell (i, j) reads, one set per operand in the order the arithmetic writes them."""
    info, h, sid = trace.info, stage.head, stage.id

    def cells(st: str, hd: int | None, m: str, r: int | None, c: int | None) -> Cells:
        return _whole(trace, st, hd, m, None, None, r, c)

    if sid in ("input", "params") or (sid, name) in (("positions", "P"), ("bias", "B")):
        return []
    if sid == "positions":
        return [cells("input", None, "X", i, j), cells("positions", None, "P", i, j)]
    if sid == "projections":
        cross = info.memory_tokens is not None and name in ("K", "V")
        src = ("input", "memory") if cross else (_first(trace, "positions", "input"), "X")
        bias = [cells("params", None, f"b_{name}", 0, j)] if f"b_{name}" in info.biases else []
        return [cells(src[0], None, src[1], i, None), cells("params", None, f"W_{name}", None, j), *bias]
    assert h is not None or sid in ("concat", "output")
    if sid == "split":
        assert h is not None
        g = h if name == "Q" else (h - 1) * info.groups // info.heads + 1
        width = stage.matrices[name].values.shape[1]
        return [cells(_first(trace, "projections", "input"), None, name, i, (g - 1) * width + j)]
    if sid == "rotary":
        d = info.rope_dims or stage.matrices[name].values.shape[1]  # the features that turn
        if j >= d:  # partial rotary: this feature passes unchanged
            return [cells("split", h, name, i, j)]
        partner = (j + 1 if j % 2 == 0 else j - 1) if info.rope_style == "interleaved" else (j + d // 2) % d
        return [cells("split", h, name, i, j), cells("split", h, name, i, partner)]
    if sid == "scores":
        qk = _first(trace, "rotary", "split")
        return [cells(qk, h, "Q", i, None), cells(qk, h, "K", j, None)]
    if sid == "scaled":
        return [cells("scores", h, "S", i, j)]
    if sid == "bias":
        return [cells(_first(trace, "scaled", "scores"), h, "S", i, j), cells("bias", h, "B", i, j)]
    if sid == "masked":
        return [cells(_first(trace, "bias", "scaled", "scores"), h, "S", i, j)]
    if sid == "softmax":
        return [cells(_first(trace, "masked", "bias", "scaled", "scores"), h, "S", i, None)]
    if sid == "head_output":
        return [cells("softmax", h, "A", i, None), cells("split", h, "V", None, j)]
    if sid == "concat":
        return [cells("head_output", j // info.d_v + 1, "Z", i, j % info.d_v)]
    if sid == "output":
        bias = [cells("params", None, "b_O", 0, j)] if "b_O" in info.biases else []
        return [cells("concat", None, "Z", i, None), cells("params", None, "W_O", None, j), *bias]
    assert h is not None
    if sid == "online_softmax":
        return _online_operands(trace, h, name, i, j)
    return _decode_operands(trace, h, sid, name, i, j)


def _span(trace: Trace, stage: str, head: int | None, name: str, rows: range, cols: range) -> Cells:
    return {(stage, head, name, r, c) for r in rows for c in cols}


def _online_operands(trace: Trace, h: int, name: str, i: int, j: int) -> list[Cells]:
    """The online softmax, as core/inference.py computes it: m, r, l, o of block b read the previous block's
    state, block b's scores (those the softmax reads) and, for o, block b's values."""
    info = trace.info
    B, Tk, dv = info.block or 1, len(info.key_tokens), info.d_v
    nb = -(-Tk // B)
    before = _first(trace, "masked", "bias", "scaled", "scores")

    def st(m: str, c: int) -> list[Cells]:
        return [{("online_softmax", h, m, i, c)}] if c >= 0 else []

    def block(b: int) -> range:
        return range(b * B, min((b + 1) * B, Tk))

    def scores(b: int) -> Cells:
        return _span(trace, before, h, "S", range(i, i + 1), block(b))

    if name == "m":
        return [*st("m", j - 1), scores(j)]
    if name == "r":
        return [*st("m", j - 1), *st("m", j)]
    if name == "l":
        return [*st("r", j), *st("l", j - 1), scores(j), *st("m", j)]
    if name == "O":
        b, d = divmod(j, dv)
        values = _span(trace, "split", h, "V", block(b), range(d, d + 1))
        return [*st("r", b), *st("O", j - dv), scores(b), *st("m", b), values]
    return [*st("O", (nb - 1) * dv + j), *st("l", nb - 1)]  # Z = o_last / l_last


def _decode_operands(trace: Trace, h: int, sid: str, name: str, i: int, j: int) -> list[Cells]:
    """Decoding with a KV cache, as core/inference.py computes it (step i generates token P + i)."""
    info = trace.info
    P = info.prefill
    t = P + i
    if sid == "decode_qkv":
        g = h if name == "q" else (h - 1) * info.groups // info.heads + 1
        width = info.d_v if name == "v" else info.d_k
        col = (g - 1) * width + j
        big = name.upper()
        turned = info.rope_style is not None and name != "v"
        d = info.rope_dims or info.d_k
        if turned and j < d:
            partner = (j + 1 if j % 2 == 0 else j - 1) if info.rope_style == "interleaved" else (j + d // 2) % d
        else:
            partner = j  # a feature RoPE does not turn reads no partner
        pcol = (g - 1) * width + partner
        if info.given_qkv:
            own = [_span(trace, "input", None, big, range(t, t + 1), range(col, col + 1))]
            return own + ([_span(trace, "input", None, big, range(t, t + 1), range(pcol, pcol + 1))] if turned else [])
        x = _first(trace, "positions", "input")
        out = [_span(trace, x, None, "X", range(t, t + 1), range(info.d_model))]
        for c, on in ((col, True), (pcol, turned)):
            if not on:
                continue
            n_in = trace.find("params").matrices[f"W_{big}"].values.shape[0]
            w = _span(trace, "params", None, f"W_{big}", range(n_in), range(c, c + 1))
            b = (
                [_span(trace, "params", None, f"b_{big}", range(1), range(c, c + 1))]
                if f"b_{big}" in info.biases
                else []
            )
            out += [w, *b]  # the order the rule writes: x, W, b, then the partner's W and b
        return out
    if sid == "kv_cache":
        if i < P:
            src = _first(trace, "rotary", "split") if name == "K" else "split"
            return [{(src, h, name, i, j)}]
        return [{("decode_qkv", h, name.lower(), i - P, j)}]
    if sid == "decode_scores":
        dk = info.d_k
        return [
            _span(trace, "decode_qkv", h, "q", range(i, i + 1), range(dk)),
            _span(trace, "kv_cache", h, "K", range(j, j + 1), range(dk)),
        ]
    if sid == "decode_softmax":
        return [_span(trace, "decode_scores", h, "S", range(i, i + 1), range(len(info.key_tokens)))]
    if sid == "decode_output":
        return [
            _span(trace, "decode_softmax", h, "A", range(i, i + 1), range(t + 1)),
            _span(trace, "kv_cache", h, "V", range(t + 1), range(j, j + 1)),
        ]
    raise KeyError(sid)


def highlighted(trace: Trace, src: dict[str, list[list[object]]], index: int, name: str, i: int, j: int) -> Cells:
    """The cells page.js marks when cell (i, j) of stage ``index`` is clicked (its rules, run as the page runs them)."""
    row, col = i + 1, j + 1  # the page's data-row / data-col are 1-based

    def matches(kind: str, off: object, value: int) -> bool:
        if kind == "=":  # a span of 1-based indices
            assert isinstance(off, list)
            return bool(off[0] <= value <= off[1])
        assert isinstance(off, int)
        return kind == "*" or value == (row if kind == "r" else col) + off

    out: Cells = set()
    for rule in src.get(f"{index}|{name}", []):
        s, m, rk, ro, ck, co, lo, hi = rule[:8]
        rlo, rhi = rule[8:] if len(rule) > 8 else (0, 0)
        assert isinstance(s, int) and isinstance(m, str) and isinstance(rk, str) and isinstance(ck, str)
        assert isinstance(lo, int) and isinstance(hi, int) and isinstance(rlo, int) and isinstance(rhi, int)
        if lo and not lo <= col <= hi:
            continue
        if rlo and not rlo <= row <= rhi:
            continue
        st = trace.stages[s]
        values = st.matrices[m].values
        out |= {
            (st.id, st.head, m, r - 1, k - 1)
            for r in range(1, values.shape[0] + 1)
            for k in range(1, values.shape[1] + 1)
            if matches(rk, ro, r) and matches(ck, co, k)
        }
    return out


# ------------------------------------------------------------------------------------ the numbers written


_FACTOR = re.compile(r"\(?(−?\d+(?:\.\d+)?(?:e[−+]?\d+)?)\)?")


def _shown(text: str) -> float:
    return float(text.replace("−", "-"))


def _close(shown: float, true: float, p: int) -> bool:
    if math.isnan(true):
        return False
    return abs(shown - true) <= 0.5 * 10.0**-p + 1e-12 * max(1.0, abs(true))


_F = r"(?:\(−\d+(?:\.\d+)?(?:e[−+]\d+)?\)|\d+(?:\.\d+)?(?:e[−+]\d+)?)"
_TERMS = re.compile(rf"^{_F}×{_F}(?: [+−] (?:{_F}×{_F}|…))*$")


def _terms_line(lines: tuple[str, ...]) -> list[list[float]]:
    """The factors of each product of the line that writes a sum of products ([] when there is none)."""
    for line in lines:
        tail = re.split(r" [=≈] |^[=≈] ", line.strip())[-1]
        tail = re.sub(rf"^\((.*)\) \+ {_F}$", r"\1", tail)  # (x·W terms) + b: the products
        if _TERMS.match(tail):
            terms = [t for t in re.split(r" [+−] ", tail) if t != "…"]
            return [[_shown(f) for f in _FACTOR.findall(t)] for t in terms]
    return []


def _values(trace: Trace, cells: Cells) -> list[float]:
    """The cells' values in row-major order (one row, one column or one cell)."""
    out = []
    for sid, h, m, r, c in sorted(cells, key=lambda x: (x[3], x[4])):
        out.append(float(trace.find(sid, h).matrices[m].values[r, c]))
    return out


def check_numbers_are_the_operands(trace: Trace, stage: Stage, name: str, i: int, j: int, lines: tuple[str, ...],
                                   ops: list[Cells], p: int) -> list[str]:  # fmt: skip
    """The numbers explain multiplies (or copies) are the values of the reference operands."""
    sid = stage.id
    problems = []
    if any(math.isnan(v) for o in ops for v in _values(trace, o)):
        return []  # a row whose every key is blocked: NaN, as PyTorch gives (test_variants checks those lines)
    if sid in ("projections", "scores", "head_output", "output"):
        if sid == "head_output" and i in stage.facts.dead_rows:
            return []
        a, b = (_values(trace, o) for o in ops[:2])
        if len(ops) == 3:  # + b[j]: the bias written after the products is the bias's cell
            (bias,) = _values(trace, ops[2])
            written = re.search(r"\) \+ (\(?−?[\d.]+(?:e[−+]\d+)?\)?)$", lines[-2])
            if written is None or not _close(_shown(written.group(1).strip("()")), bias, p):
                problems.append(f"{sid}: the bias {bias} is not added in {lines}")
        terms = _terms_line(lines)
        pairs = list(zip(a, b, strict=True))
        shown_pairs = pairs if len(pairs) <= 12 else pairs[:4] + pairs[-4:]
        real_terms = [t for t in terms if t]
        if len(real_terms) != len(shown_pairs):
            return [f"{sid}: {len(real_terms)} terms written for {len(shown_pairs)} operands: {lines}"]
        for (x, y), t in zip(shown_pairs, real_terms, strict=True):
            if not (_close(t[0], x, p) and _close(t[1], y, p)):
                problems.append(f"{sid}: term {t} is not {x}×{y} in {lines}")
    elif sid == "split":
        ((_, _, m, _, c),) = ops[0]
        written = re.search(rf" = {m}\[[^\]]*, (\d+)\]", lines[-2])
        if written is None or int(written.group(1)) != c + 1:
            problems.append(f"split: the source column is not {m}[…, {c + 1}] in {lines}")
    elif sid == "concat":
        ((_, h, _, _, c),) = ops[0]
        assert h is not None
        written = re.search(r" = Z([₀-₉]+)\[[^\]]*, (\d+)\]", lines[-1])
        head = written.group(1).translate(str.maketrans("₀₁₂₃₄₅₆₇₈₉", "0123456789")) if written else ""
        if written is None or head != str(h) or int(written.group(2)) != c + 1:
            problems.append(f"concat: the source is not head {h} column {c + 1} in {lines}")
    elif sid == "rotary":
        if len(ops) == 1:
            return []  # a feature that passes unchanged (partial rotary): copied, checked by check_lines
        mine, other = (_values(trace, o)[0] for o in ops)
        ((_, _, _, _, pc),) = ops[1]
        d = stage.matrices[name].values.shape[1]
        first = j < pc
        pj = (min(j, pc) // 2) if trace.info.rope_style == "interleaved" else min(j, pc)
        x, y = (mine, other) if first else (other, mine)
        assert trace.info.rope_base is not None
        angle = i * trace.info.rope_base ** (-2 * pj / (trace.info.rope_dims or d))
        cos, sin = math.cos(angle), math.sin(angle)
        rot = _terms_line(lines)
        want = [[x, cos], [y, sin]] if first else [[x, sin], [y, cos]]
        if len(rot) != 2 or not all(
            _close(t, w, p) for tt, ww in zip(rot, want, strict=True) for t, w in zip(tt, ww, strict=True)
        ):
            problems.append(f"rotary: the terms {rot} are not {want} in {lines}")
    elif sid == "bias" and stage.facts.variant != "given":  # ALiBi's distance (a given B has none)
        dist = re.search(r"\|i − j\| = (\S+?)\.?(?:\s|$)", " ".join(lines))
        if dist is None or dist.group(1) != str(abs(i - j)):
            problems.append(f"bias: |i − j| is not written as {abs(i - j)} in {lines}")
    return problems


# ------------------------------------------------------------------------------------ the tests


def _check_trace(
    trace: Trace, every: bool, langs: tuple[str, ...] = ("en",), precisions: tuple[int, ...] = (4,)
) -> None:
    problems: list[str] = []
    src = sources(trace)
    for index, stage in enumerate(trace.stages):
        for name in stage.matrices:
            for i, j in _cells(stage, name, every):
                ops = expected_operands(trace, stage, name, i, j)
                want: Cells = set().union(*ops) if ops else set()
                got = highlighted(trace, src, index, name, i, j)
                if got != want:
                    problems.append(f"page {stage.id} h{stage.head} {name}[{i},{j}]: {sorted(got)} != {sorted(want)}")
                for lang in langs:
                    for p in precisions:
                        e = explain_cell(trace, stage.id, f"@{i + 1}", f"@{j + 1}", head=stage.head, matrix=name,
                                         precision=p, lang=lang)  # fmt: skip
                        values = (e.value,) + ((e.exact,) if e.exact is not None else ())
                        problems += [
                            f"{stage.id} {name}[{i},{j}] p{p}: {x}" for x in check_lines(e.lines, e.label, values, p)
                        ]
                        if lang == "en":
                            problems += check_numbers_are_the_operands(trace, stage, name, i, j, e.lines, ops, p)
    assert not problems, "\n".join(problems[:20])


@pytest.mark.parametrize("name", NAMES)
def test_every_line_is_true_and_the_page_highlights_its_operands(name: str) -> None:
    scn = _scenario(name)
    trace = run(scn)
    small = len(scn.tokens) * scn.heads <= 16  # every cell, both languages, two precisions; else a sample
    _check_trace(trace, every=small, langs=("en", "ko") if small else ("en",), precisions=(4, 2) if small else (4,))


@pytest.mark.parametrize("name", ["by_hand", "acting_machines", "rope_by_hand"])
def test_every_line_is_true_when_the_run_ignores_hand_rounding(name: str) -> None:
    _check_trace(run(load_scenario(name), exact=True), every=True)


@settings(max_examples=25, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(variant_scenario())
def test_every_line_is_true_for_any_combination_of_the_variants(scn: Scenario) -> None:
    with np.errstate(all="ignore"):
        trace = run(scn)
    _check_trace(trace, every=False, precisions=(3,))
