"""The common mistakes of hand-computed attention, and the value each gives for one cell of a scenario.

``slips(scenario, trace, stage, head, matrix, row, col)`` lists, for the cell
a quiz asks, what a learner gets by each mistake that applies to that stage
(``CATALOGUE``). Where the mistake is a different scenario (no scaling, the
other scale, no mask, the source's hand rounding or none), the value comes
from the engine run on that variant (``dataclasses.replace`` of the
scenario); otherwise it is computed with NumPy from the trace's own arrays
(the transposed cell, another head's columns, a softmax down the columns,
the heads added, W_O or a bias left out). Nothing here is typed in: each value is what
the mistake really gives on this scenario. Each ``Slip`` carries the numbers
its explanation quotes (``facts``); the words are in the string catalogues
(``slip_<kind>``) and ``quiz`` picks them.

Pure NumPy; never imports rich or typer.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Literal

import numpy as np
import numpy.typing as npt

from mhsa_tutor.core.engine import run, stable_softmax
from mhsa_tutor.core.reads import Layout, head_columns, read_stage
from mhsa_tutor.core.scenario import Scenario
from mhsa_tutor.core.stages import ROUNDABLE_STAGES, STAGE_IDS
from mhsa_tutor.core.trace import Trace
from mhsa_tutor.teach.mistakes_inference import KINDS, decode_slip, online_slip

Array = npt.NDArray[np.float64]

#: Every mistake, in the order the matches are named (the quiz names every one that fits the answer).
CATALOGUE: tuple[str, ...] = (
    "unscaled",
    "by_dk",
    "by_sqrt_t",
    "by_sqrt_dk",
    "wrong_axis",
    "no_mask",
    "mask_after",
    "mask_after_renorm",
    "window_ignored",
    "padding_ignored",
    "wrong_kv_head",
    "rope_pairing",
    "transposed",
    "other_head",
    "added",
    "no_bias",
    "no_wo",
    "exact",
    "rounded",
    *KINDS,
)

#: Mistakes computed with NumPy for the classic attention (no RoPE, ALiBi, GQA or masks other than causal).
CLASSIC_ONLY = frozenset({"by_dk", "wrong_axis", "mask_after", "mask_after_renorm", "transposed", "other_head"})


@dataclass(frozen=True)
class Slip:
    """What one mistake gives for the cell: ``kind`` (in ``CATALOGUE``), ``value``, and the numbers to quote."""

    kind: str
    value: float
    facts: dict[str, str | int | float] = field(default_factory=dict)


@dataclass(frozen=True)
class Cell:
    """The cell asked: stage, head (per-head stages), matrix name, 0-based row and column."""

    stage: str
    head: int | None
    matrix: str
    row: int
    col: int


class Variants:
    """The scenario's variants, each run by the engine once, when first needed."""

    def __init__(self, scenario: Scenario, trace: Trace) -> None:
        self.scenario = scenario
        self.trace = trace
        self._runs: dict[str, Trace | None] = {}

    def get(self, name: str, make: Callable[[Scenario], Scenario | None], exact: bool = False) -> Trace | None:
        """The trace of variant ``name`` (None when it does not apply to this scenario)."""
        if name not in self._runs:
            scn = make(self.scenario)
            self._runs[name] = None if scn is None else run(scn, exact=exact)
        return self._runs[name]


def _value(trace: Trace | None, cell: Cell) -> float | None:
    if trace is None:
        return None
    try:
        return float(trace.find(cell.stage, cell.head).matrices[cell.matrix].values[cell.row, cell.col])
    except (KeyError, IndexError):
        return None


def _pre_softmax(trace: Trace, head: int) -> Array:
    """The scores the softmax of ``head`` took (its rule in ``core.reads``: masked, else bias, scaled, raw)."""
    return trace.find(read_stage(Layout.of_trace(trace), "softmax", "A"), head).matrices["S"].values


def _blocked(trace: Trace, head: int) -> npt.NDArray[np.bool_] | None:
    """The cells the run's mask set to −∞ for ``head`` (None without a masked stage)."""
    try:
        masked = trace.find("masked", head)
    except KeyError:
        return None
    return np.isneginf(masked.matrices["S"].values)


def variant(scn: Scenario, **changes: object) -> Scenario:
    """The scenario with ``changes``, without its source checkpoints (they belong to the scenario itself).

    Without scaling there is no scaled stage to round by hand.
    """
    out = replace(scn, expected=(), **changes)  # type: ignore[arg-type]
    if out.scale == "none" and "scaled" in out.rounding:
        out = replace(out, rounding={k: v for k, v in out.rounding.items() if k != "scaled"})
    return out


def _scale_variant(scale: str) -> Callable[[Scenario], Scenario | None]:
    return lambda scn: None if scn.scale == scale else variant(scn, scale=scale)


def _unmasked(scn: Scenario) -> Scenario | None:
    return variant(scn, mask="none") if scn.mask == "causal" else None


class Catalogue:
    """The slips of one scenario, for any cell the quiz asks."""

    def __init__(self, scenario: Scenario, trace: Trace) -> None:
        self.scn = scenario
        self.trace = trace
        self.variants = Variants(scenario, trace)
        info = trace.info
        self.divisor = info.scale_divisor if scenario.scale != "none" else 1.0
        self.divisor_name = {"sqrt_dk": "√d_k", "sqrt_seq_len": "√T", "none": "1"}[scenario.scale]

    def _base(self) -> dict[str, str | int | float]:
        info = self.trace.info
        return {
            "div": self.divisor,
            "div_name": self.divisor_name,
            "dk": info.d_k,
            "sqrt_dk": math.sqrt(info.d_k),
            "T": len(info.key_tokens),
            "sqrt_t": math.sqrt(len(info.key_tokens)),
        }

    def slips(self, cell: Cell) -> list[Slip]:
        """What each mistake that applies to ``cell``'s stage gives there, in ``CATALOGUE`` order.

        On a scenario with a modern variant (RoPE, ALiBi, GQA, a sliding, custom or padding mask) only
        the mistakes the engine recomputes on a variant scenario, or that do not touch the attention
        (hand rounding, the heads added, W_O left out), are offered: the others are written for the
        classic computation and would name a wrong value.
        """
        out: list[Slip] = []
        v = self.scn.variants
        classic = v.rope is None and v.bias == "none" and v.kv_heads is None and v.padding is None
        classic = classic and self.scn.mask in ("none", "causal")
        for kind in CATALOGUE:
            if not classic and kind in CLASSIC_ONLY:
                continue
            got = getattr(self, f"_{kind}")(cell)
            for value, facts in [] if got is None else got if isinstance(got, list) else [got]:
                if value is not None and math.isfinite(value):
                    out.append(Slip(kind, value, {**self._base(), **facts}))
        return out

    # ----------------------------------------------------------- decoding and the online softmax

    def _inference(self, kind: str, cell: Cell) -> tuple[float | None, dict[str, str | int | float]] | None:
        if cell.head is None:
            return None
        if cell.stage == "online_softmax":
            if kind not in ("no_rescale", "rescale_sign", "stale_max"):
                return None
            return online_slip(self.trace, kind, cell.head, cell.matrix, cell.row, cell.col)
        return decode_slip(self.trace, kind, cell.stage, cell.head, cell.matrix, cell.row, cell.col)

    def _rope_zero(self, cell: Cell) -> tuple[float | None, dict[str, str | int | float]] | None:
        return self._inference("rope_zero", cell)

    def _reprojected(self, cell: Cell) -> tuple[float | None, dict[str, str | int | float]] | None:
        return self._inference("reprojected", cell)

    def _own_cache(self, cell: Cell) -> tuple[float | None, dict[str, str | int | float]] | None:
        return self._inference("own_cache", cell)

    def _no_rescale(self, cell: Cell) -> tuple[float | None, dict[str, str | int | float]] | None:
        return self._inference("no_rescale", cell) if cell.stage == "online_softmax" else None

    def _rescale_sign(self, cell: Cell) -> tuple[float | None, dict[str, str | int | float]] | None:
        return self._inference("rescale_sign", cell) if cell.stage == "online_softmax" else None

    def _stale_max(self, cell: Cell) -> tuple[float | None, dict[str, str | int | float]] | None:
        return self._inference("stale_max", cell) if cell.stage == "online_softmax" else None

    # ----------------------------------------------------------- variants run by the engine

    _AFTER_SCALE = ("scaled", "softmax", "head_output", "concat", "output")

    def _variant(self, name: str, make: Callable[[Scenario], Scenario | None], cell: Cell) -> float | None:
        return _value(self.variants.get(name, make), cell)

    def _unscaled(self, cell: Cell) -> tuple[float | None, dict[str, str | int | float]] | None:
        if cell.stage not in self._AFTER_SCALE or self.scn.scale == "none":
            return None
        if cell.stage == "scaled":
            return _value(self.trace, replace(cell, stage="scores")), {}
        return self._variant("none", _scale_variant("none"), cell), {}

    def _by_sqrt_t(self, cell: Cell) -> tuple[float | None, dict[str, str | int | float]] | None:
        if cell.stage not in self._AFTER_SCALE or self.scn.scale == "sqrt_seq_len" or self.trace.info.cross:
            return None
        return self._variant("sqrt_seq_len", _scale_variant("sqrt_seq_len"), cell), {}

    def _by_sqrt_dk(self, cell: Cell) -> tuple[float | None, dict[str, str | int | float]] | None:
        if cell.stage not in self._AFTER_SCALE or self.scn.scale == "sqrt_dk":
            return None
        return self._variant("sqrt_dk", _scale_variant("sqrt_dk"), cell), {}

    def _mask_after(self, cell: Cell) -> tuple[float | None, dict[str, str | int | float]] | None:
        """Softmax first, then the mask zeroes the future keys, rows not renormalised."""
        if cell.stage not in ("softmax", "head_output", "concat", "output") or self.scn.mask != "causal":
            return None
        if cell.stage == "softmax":
            return None  # a weight renormalised over every key is the mask left out: ``_no_mask`` names it
        unmasked = self.variants.get("unmasked", _unmasked)
        assert unmasked is not None
        return self._downstream(cell, lambda h: np.tril(unmasked.find("softmax", h).matrices["A"].values)), {}

    _MASKED_ON = ("softmax", "head_output", "concat", "output")

    def _no_mask(self, cell: Cell) -> tuple[float | None, dict[str, str | int | float]] | None:
        """The causal mask left out: every key kept (the engine run without the mask)."""
        if cell.stage not in self._MASKED_ON or self.scn.mask != "causal":
            return None
        return self._variant("unmasked", _unmasked, cell), {}

    def _window_ignored(self, cell: Cell) -> tuple[float | None, dict[str, str | int | float]] | None:
        """The sliding window left out: a plain causal mask (the engine run with it)."""
        if cell.stage not in self._MASKED_ON or self.scn.mask != "sliding":
            return None

        def make(scn: Scenario) -> Scenario:
            return variant(scn, mask="causal", variants=replace(scn.variants, window=None))

        return self._variant("no_window", make, cell), {"w": self.scn.variants.window or 0}

    def _padding_ignored(self, cell: Cell) -> tuple[float | None, dict[str, str | int | float]] | None:
        """The padding keys attended to (the engine run without the padding mask)."""
        if cell.stage not in self._MASKED_ON or self.scn.variants.padding is None:
            return None

        def make(scn: Scenario) -> Scenario:
            return variant(scn, variants=replace(scn.variants, padding=None))

        info = self.trace.info
        padded = ", ".join(f"'{k}'" for k, p in zip(info.key_tokens, info.padding or (), strict=False) if p)
        return self._variant("no_padding", make, cell), {"padded": padded}

    _ROTATED_ON = ("rotary", "scores", "scaled", "softmax", "head_output", "concat", "output")

    def _rope_pairing(self, cell: Cell) -> tuple[float | None, dict[str, str | int | float]] | None:
        """RoPE's features paired the other way (half <-> interleaved; the engine run with it)."""
        rope = self.scn.variants.rope
        if rope is None or cell.stage not in self._ROTATED_ON:
            return None
        other: Literal["half", "interleaved"] = "interleaved" if rope.style == "half" else "half"

        def make(scn: Scenario) -> Scenario:
            return variant(scn, variants=replace(scn.variants, rope=replace(rope, style=other)))

        half = self.trace.info.d_k // 2
        pairs = "(1, 2), (3, 4), …" if rope.style == "interleaved" else f"(1, {half + 1}), (2, {half + 2}), …"
        return self._variant(f"rope_{other}", make, cell), {"style": rope.style, "other_style": other, "pairs": pairs}

    def _wrong_kv_head(self, cell: Cell) -> list[tuple[float | None, dict[str, str | int | float]]] | None:
        """GQA: another key/value head's K (scores) or V (head output) than the query head's own."""
        info = self.trace.info
        if info.groups == info.heads or cell.head is None or cell.stage not in ("scores", "scaled", "head_output"):
            return None
        rotated = any(s.id == "rotary" for s in self.trace.stages)
        own = info.kv_head(cell.head)
        out: list[tuple[float | None, dict[str, str | int | float]]] = []
        for g in range(1, info.groups + 1):
            if g == own:
                continue
            h = next(n for n in range(1, info.heads + 1) if info.kv_head(n) == g)  # a query head using g
            if cell.stage == "head_output":
                a = self.trace.find("softmax", cell.head).matrices["A"].values
                value = float((a @ self.trace.find("split", h).matrices["V"].values)[cell.row, cell.col])
            else:
                src = "rotary" if rotated else "split"
                q = self.trace.find(src, cell.head).matrices["Q"].values[cell.row]
                k = self.trace.find(src, h).matrices["K"].values[cell.col]
                value = float(q @ k) / (self.divisor if cell.stage == "scaled" else 1.0)
            first, last = head_columns(own, info.d_k)
            cols = f"{first}–{last}" if last > first else f"{first}"
            out.append((value, {"h": cell.head, "g": own, "other": g, "cols": cols}))
        return out

    def _mask_after_renorm(self, cell: Cell) -> tuple[float | None, dict[str, str | int | float]] | None:
        """Softmax first, then the mask, then each row renormalised: the same weights as masking first."""
        if cell.stage != "softmax" or self.scn.mask != "causal" or cell.col > cell.row:
            return None
        unmasked = self.variants.get("unmasked", _unmasked)
        assert unmasked is not None and cell.head is not None
        a = np.tril(unmasked.find("softmax", cell.head).matrices["A"].values)
        return float(a[cell.row, cell.col] / a[cell.row].sum()), {}

    def _exact(self, cell: Cell) -> tuple[float | None, dict[str, str | int | float]] | None:
        """The scenario rounds by hand (as its source did) and the answer kept every digit."""
        # the stage table's order: the asked stage may be one that is never rounded (positions, rotary, bias)
        rounded = [sid for sid in self.scn.rounding if STAGE_IDS.index(sid) < STAGE_IDS.index(cell.stage)]
        if not rounded:
            return None
        exact = self.variants.get("exact", variant, exact=True)
        sid = rounded[-1]
        return _value(exact, cell), {"stage": sid, "d": self.scn.rounding[sid]}

    def _rounded(self, cell: Cell) -> list[tuple[float | None, dict[str, str | int | float]]] | None:
        """The answer rounded the stage before to 1 or 2 decimals (the scenario does not)."""
        if self.scn.rounding or cell.stage not in ("scaled", "softmax", "head_output", "output"):
            return None  # (rounding the heads before concatenating them is just a rounded answer)
        order = list(dict.fromkeys(s.id for s in self.trace.stages if s.id in ROUNDABLE_STAGES))
        k = order.index(cell.stage)
        if k == 0:
            return None
        before = order[k - 1]
        out: list[tuple[float | None, dict[str, str | int | float]]] = []
        for d in (2, 1):

            def make(scn: Scenario, d: int = d) -> Scenario:
                return variant(scn, rounding={before: d})

            rounded = self.variants.get(f"rounded_{before}_{d}", make)
            out.append((_value(rounded, cell), {"stage": before, "d": d}))
        return out

    # ----------------------------------------------------------- NumPy on the trace's own arrays

    def _by_dk(self, cell: Cell) -> tuple[float | None, dict[str, str | int | float]] | None:
        """Divided by d_k instead of √d_k."""
        if cell.stage not in ("scaled", "softmax") or self.scn.scale != "sqrt_dk" or cell.head is None:
            return None
        s = self.trace.find("scores", cell.head).matrices["S"].values / self.trace.info.d_k
        if cell.stage == "scaled":
            return float(s[cell.row, cell.col]), {}
        blocked = _blocked(self.trace, cell.head)  # the run's own mask, on these scores
        if blocked is not None:
            s = np.where(blocked, -np.inf, s)
        return float(stable_softmax(s)[cell.row, cell.col]), {}

    def _wrong_axis(self, cell: Cell) -> tuple[float | None, dict[str, str | int | float]] | None:
        """The softmax taken down each column (over the queries) instead of along each row."""
        if cell.stage not in ("softmax", "head_output") or cell.head is None:
            return None
        a = stable_softmax(_pre_softmax(self.trace, cell.head).T).T
        if cell.stage == "softmax":
            return float(a[cell.row, cell.col]), {}
        v = self.trace.find("split", cell.head).matrices["V"].values
        return float((a @ v)[cell.row, cell.col]), {}

    def _transposed(self, cell: Cell) -> tuple[float | None, dict[str, str | int | float]] | None:
        """K·Qᵀ instead of Q·Kᵀ: the cell [key, query]; for the weights, the softmax of the transposed scores."""
        if cell.stage not in ("scores", "scaled", "softmax") or cell.head is None or self.trace.info.cross:
            return None
        if cell.row == cell.col:
            return None
        if cell.stage != "softmax":
            return _value(self.trace, replace(cell, row=cell.col, col=cell.row)), {}
        layout = Layout.of_trace(self.trace)
        unmasked = (
            read_stage(layout, "masked", "S") if layout.has("masked", "S") else read_stage(layout, "softmax", "A")
        )
        s = self.trace.find(unmasked, cell.head).matrices["S"].values.T  # the scores before the mask, transposed
        blocked = _blocked(self.trace, cell.head)
        if blocked is not None:
            s = np.where(blocked, -np.inf, s)
        return float(stable_softmax(s)[cell.row, cell.col]), {}

    def _other_head(self, cell: Cell) -> tuple[float | None, dict[str, str | int | float]] | None:
        """The columns of another head (the next one, or the one before for the last)."""
        info = self.trace.info
        if info.heads < 2:
            return None
        if cell.stage in ("projections", "concat"):
            width = info.d_v if cell.matrix in ("V", "Z") else info.d_k
            h = cell.col // width + 1
            other = h + 1 if h < info.heads else h - 1
            col = cell.col + (other - h) * width
            first, last = head_columns(h, width)
            return _value(self.trace, replace(cell, col=col)), {"h": h, "other": other, "c0": first, "c1": last}
        if cell.head is None or cell.stage not in ("scores", "scaled", "softmax", "head_output"):
            return None
        h = cell.head
        other = h + 1 if h < info.heads else h - 1
        first, last = head_columns(h, info.d_v if cell.stage == "head_output" else info.d_k)
        facts: dict[str, str | int | float] = {"h": h, "other": other, "c0": first, "c1": last}
        if cell.stage == "head_output":  # this head's weights, the other head's values
            a = self.trace.find("softmax", h).matrices["A"].values
            v = self.trace.find("split", other).matrices["V"].values
            return float((a @ v)[cell.row, cell.col]), facts
        return _value(self.trace, replace(cell, head=other)), facts

    def _added(self, cell: Cell) -> tuple[float | None, dict[str, str | int | float]] | None:
        """The heads' outputs added (Σ Z_h) instead of set side by side."""
        info = self.trace.info
        if cell.stage != "concat" or info.heads < 2:
            return None
        c = cell.col % info.d_v
        total = sum(float(s.matrices["Z"].values[cell.row, c]) for s in self.trace.stages if s.id == "head_output")
        return total, {"h": cell.col // info.d_v + 1, "ch": c + 1}

    def _no_wo(self, cell: Cell) -> tuple[float | None, dict[str, str | int | float]] | None:
        """W_O left out: the concatenated heads taken as the output."""
        if cell.stage != "output":
            return None
        z = self.trace.find("concat").matrices["Z"].values
        if cell.col >= z.shape[1]:
            return None
        return float(z[cell.row, cell.col]), {}

    def _no_bias(self, cell: Cell) -> tuple[float | None, dict[str, str | int | float]] | None:
        """The bias left out of a projection or the output: x·W[:, j] without + b[j]."""
        bias = {"projections": f"b_{cell.matrix}", "output": "b_O"}.get(cell.stage)
        if bias is None or bias not in self.scn.biases:
            return None
        b = float(self.trace.find("params").matrices[bias].values[0, cell.col])
        value = _value(self.trace, cell)
        if value is None or b == 0:
            return None
        return value - b, {"bias": bias, "b": b}

    def _downstream(self, cell: Cell, weights: Callable[[int], Array]) -> float | None:
        """A later cell (head output, concat, output) recomputed from other weights, with this trace's V and W_O."""
        info = self.trace.info
        heads = []
        for h in range(1, info.heads + 1):
            heads.append(weights(h) @ self.trace.find("split", h).matrices["V"].values)
        if cell.stage == "head_output":
            assert cell.head is not None
            return float(heads[cell.head - 1][cell.row, cell.col])
        z = np.hstack(heads)
        if cell.stage == "concat":
            return float(z[cell.row, cell.col])
        if self.scn.W_O is None:
            return None
        params = self.trace.find("params").matrices
        o = z @ params["W_O"].values + (params["b_O"].values if "b_O" in params else 0.0)  # (T, d_out)
        return float(o[cell.row, cell.col])
