"""The trace: every intermediate matrix of one run, as frozen records.

A ``Trace`` is an ordered tuple of ``Stage``s. Each stage has an id (one of
``stages.STAGE_IDS``), a title, the head it belongs to (1-based, or None), a
formula, and named ``Matrix`` records whose arrays are read-only float64.
Besides the matrices a stage shows, it carries what the words around them
quote (``aux`` arrays such as a softmax's e^(s − max) terms, and ``facts``),
and the trace carries the verdict of every source checkpoint. All of it is
computed once, by the engine: renderers read numbers only from here and never
recompute them. Every mapping is read-only.

``to_dict`` / ``from_dict`` give the JSON form (schema ``mhsa-tutor/trace@1``),
described by the TypedDicts below; non-finite numbers become the strings
``"-inf"``, ``"inf"``, ``"nan"`` so that the JSON stays strict.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import NotRequired, TypedDict

import numpy as np
import numpy.typing as npt

from mhsa_tutor.scenario import Checkpoint, Scenario
from mhsa_tutor.stages import Axis, axes
from mhsa_tutor.variants import alibi_slopes

Array = npt.NDArray[np.float64]
SCHEMA = "mhsa-tutor/trace@1"


@dataclass(frozen=True, eq=False)
class Matrix:
    """One named matrix of a stage.

    ``rows`` / ``cols`` say how to label each axis: ``"tokens"`` (the query
    tokens), ``"keys"`` (the key/value tokens) or ``"dims"`` (numbered 1..n).
    When the scenario rounds this stage by hand, ``values`` holds the rounded
    numbers that the next stage used, ``exact`` the unrounded ones and
    ``decimals`` the places kept; otherwise both are None.
    """

    values: Array
    rows: Axis
    cols: Axis
    exact: Array | None = None
    decimals: int | None = None


@dataclass(frozen=True)
class StageFacts:
    """Facts about a stage's numbers that narration quotes (computed by the engine).

    ``strongest_other``: on a self-attention softmax, the first (row, col) whose
    row gives its largest weight to another token than itself, or None.
    ``one_hot_rows``: on a softmax, how many rows put more than 0.999 on one key
    (of the rows that see more than one key).
    ``q_equals_k``: on a softmax, the head's queries equal its keys (Q = K).
    ``row``: on a scaled stage, the row its note quotes: the softmax's
    ``strongest_other`` row if any, else the row whose weights the scaling
    changes most (``aux["unscaled"]`` holds the weights without the scaling).
    ``identity_weights``: on params, W_Q, W_K and W_V are identity matrices.
    ``same_rows``: on concat, two tokens (i < j) with the same input row and so
    the same output row.
    ``cell``: on output, the cell whose per-head terms ``aux["blocks"]`` holds
    (Z_h[i, :]·W_O⁽ʰ⁾[:, j] for each head h; they sum to O[i, j]).
    """

    strongest_other: tuple[int, int] | None = None
    one_hot_rows: int = 0
    q_equals_k: bool = False
    row: int | None = None
    identity_weights: bool = False
    same_rows: tuple[int, int] | None = None
    cell: tuple[int, int] | None = None
    #: Which catalogue variant of title and formula the stage uses ("" for the plain one, e.g. "sliding").
    variant: str = ""
    #: On masked, softmax and later stages: the 0-based query rows whose every key is blocked (NaN rows).
    dead_rows: tuple[int, ...] = ()
    #: On split: the key/value head (1-based) this query head uses and the query heads sharing it.
    kv_head: int | None = None
    shared_by: tuple[int, ...] = ()
    #: On rotary: (i, j, q_i·k_j, the same with both one position later): only i − j counts.
    rope_offset: tuple[int, int, float, float] | None = None
    #: On bias: this head's ALiBi slope m_h.
    slope: float | None = None


@dataclass(frozen=True, eq=False)
class Stage:
    """One step of the computation (see the stage table, ``stages.STAGES``).

    ``aux`` holds arrays the explanations quote but no table shows (for a
    softmax: ``shift``, each row's max; ``exp``, e^(s − shift); ``sum``, each
    row's sum of ``exp``). ``matrices`` and ``aux`` are read-only mappings.
    """

    id: str
    title: str
    head: int | None
    formula: str
    matrices: Mapping[str, Matrix]
    aux: Mapping[str, Array] = field(default_factory=dict)
    facts: StageFacts = StageFacts()

    def __post_init__(self) -> None:
        object.__setattr__(self, "matrices", MappingProxyType(dict(self.matrices)))
        object.__setattr__(self, "aux", MappingProxyType(dict(self.aux)))


@dataclass(frozen=True, eq=False)
class Verdict:
    """A source checkpoint against the run: the computed value at its place and whether it matches."""

    checkpoint: Checkpoint
    got: Array
    ok: bool


@dataclass(frozen=True)
class ScenarioInfo:
    """The facts about the scenario that every view of a trace needs."""

    name: str
    title: str
    tokens: tuple[str, ...]
    memory_tokens: tuple[str, ...] | None
    d_model: int
    heads: int
    d_k: int
    d_v: int
    mask: str
    scale: str
    source: str
    description: str = ""
    article: str | None = None
    title_ko: str = ""
    description_ko: str = ""
    source_ko: str = ""
    given_qkv: bool = False
    rounding: tuple[tuple[str, int], ...] = ()
    d_src: int = 0
    d_out: int | None = None
    scale_divisor: float = 1.0
    sqrt_dk: float = 1.0
    positions: str = "none"
    rope_style: str | None = None
    rope_base: float | None = None
    bias: str = "none"
    window: int | None = None
    padding: tuple[bool, ...] | None = None
    kv_heads: int = 0
    slopes: tuple[float, ...] = ()

    @property
    def groups(self) -> int:
        """Key/value heads G (equal to heads unless GQA/MQA)."""
        return self.kv_heads or self.heads

    def kv_head(self, head: int) -> int:
        """The 1-based key/value head query head ``head`` (1-based) uses: ⌊(h − 1)·G/H⌋ + 1."""
        return (head - 1) * self.groups // self.heads + 1

    @property
    def key_tokens(self) -> tuple[str, ...]:
        """Labels of the key/value rows (memory tokens in cross-attention)."""
        return self.memory_tokens if self.memory_tokens is not None else self.tokens

    def text(self, field: str, lang: str) -> str:
        """The scenario's ``title``, ``description`` or ``source`` in ``lang`` (its ``_ko`` field under Korean)."""
        if lang == "ko":
            ko: str = getattr(self, f"{field}_ko")
            if ko:
                return ko
        en: str = getattr(self, field)
        return en

    @property
    def cross(self) -> bool:
        """True for cross-attention (keys and values from a memory)."""
        return self.memory_tokens is not None

    @classmethod
    def of(cls, scn: Scenario) -> ScenarioInfo:
        """The info record of a validated scenario (``scale_divisor``: √d_k, √(number of keys) or 1)."""
        memory = scn.memory
        var = scn.variants
        return cls(
            name=scn.name,
            title=scn.title,
            tokens=scn.tokens,
            memory_tokens=scn.memory_tokens,
            d_model=scn.d_model,
            heads=scn.heads,
            d_k=scn.d_k,
            d_v=scn.d_v,
            mask=scn.mask,
            scale=scn.scale,
            source=scn.source,
            description=scn.description,
            article=scn.article,
            title_ko=scn.title_ko,
            description_ko=scn.description_ko,
            source_ko=scn.source_ko,
            given_qkv=scn.given_qkv,
            rounding=tuple(sorted(scn.rounding.items())),
            d_src=int(memory.shape[1]) if memory is not None else scn.d_model,
            d_out=scn.d_out,
            scale_divisor=cls.divisor_for(scn.scale, scn.d_k, len(scn.key_tokens)),
            sqrt_dk=math.sqrt(scn.d_k),
            positions=var.positions,
            rope_style=var.rope.style if var.rope is not None else None,
            rope_base=var.rope.base if var.rope is not None else None,
            bias=var.bias,
            window=var.window,
            padding=tuple(bool(b) for b in var.padding) if var.padding is not None else None,
            kv_heads=scn.kv_heads,
            slopes=tuple(float(m) for m in alibi_slopes(scn.heads)) if var.bias == "alibi" else (),
        )

    @staticmethod
    def divisor_for(scale: str, d_k: int, n_keys: int) -> float:
        """What the scores are divided by: √d_k, √(number of keys) or 1 (the one definition)."""
        return {"sqrt_dk": math.sqrt(d_k), "sqrt_seq_len": math.sqrt(n_keys)}.get(scale, 1.0)


@dataclass(frozen=True, eq=False)
class Trace:
    """The whole run: scenario facts, stages in order, the source's checkpoints.

    ``exact`` is True when the run ignored the scenario's hand rounding.
    """

    info: ScenarioInfo
    stages: tuple[Stage, ...]
    checkpoints: tuple[Checkpoint, ...] = ()
    exact: bool = False
    verdicts: tuple[Verdict, ...] = ()

    def verdicts_for(self, stage: Stage) -> tuple[Verdict, ...]:
        """The checkpoint verdicts that belong to this stage (and head)."""
        return tuple(v for v in self.verdicts if v.checkpoint.stage == stage.id and v.checkpoint.head == stage.head)

    def __iter__(self) -> Iterator[Stage]:
        return iter(self.stages)

    def __len__(self) -> int:
        return len(self.stages)

    def _repr_mimebundle_(self, include: object = None, exclude: object = None) -> dict[str, str]:
        """Jupyter shows a trace as the interactive page (``mhsa_tutor.page``), with a text fallback."""
        from mhsa_tutor.page import notebook_bundle

        return notebook_bundle(self)

    def find(self, stage_id: str, head: int | None = None) -> Stage:
        """The stage with this id (and head, for per-head stages).

        Raises:
            KeyError: no such stage in this trace.
        """
        for stage in self.stages:
            if stage.id == stage_id and (head is None or stage.head == head):
                return stage
        raise KeyError((stage_id, head))

    def labels(self, axis: Axis, size: int) -> tuple[str, ...]:
        """Labels of one axis of a matrix: token names, or 1..size for dims."""
        if axis == "tokens":
            return self.info.tokens
        if axis == "keys":
            return self.info.key_tokens
        return tuple(str(i + 1) for i in range(size))


# ------------------------------------------------------------------------ JSON form


class RopeJSON(TypedDict):
    """``trace["scenario"]["rope"]``, present only when the scenario uses RoPE."""

    base: float
    style: str


class ScenarioJSON(TypedDict, total=False):
    """``trace["scenario"]``; memory_tokens only for cross-attention; the variants only when used."""

    name: str
    title: str
    tokens: list[str]
    memory_tokens: list[str]
    d_model: int
    heads: int
    d_k: int
    d_v: int
    mask: str
    scale: str
    source: str
    rounding: dict[str, int]
    hand_rounded: bool
    positions: str
    rope: RopeJSON
    bias: str
    window: int
    padding: list[bool]
    kv_heads: int


class RoundedJSON(TypedDict):
    """``stage["rounded"][name]``: a matrix the run rounded by hand, with its unrounded values."""

    decimals: int
    exact: list[list[float | str]]


class StageJSON(TypedDict):
    """One entry of ``trace["stages"]``; ``rounded`` only where the run rounded a matrix by hand."""

    id: str
    head: int | None
    title: str
    formula: str
    matrices: dict[str, list[list[float | str]]]
    rounded: NotRequired[dict[str, RoundedJSON]]


class TraceJSON(TypedDict):
    """The whole JSON export (schema ``mhsa-tutor/trace@1``)."""

    schema: str
    scenario: ScenarioJSON
    stages: list[StageJSON]


def _cell(x: float) -> float | str:
    if x != x:
        return "nan"
    if x in (float("inf"), float("-inf")):
        return "inf" if x > 0 else "-inf"
    return x


def matrix_to_lists(values: Array) -> list[list[float | str]]:
    """Rows of Python floats at full precision; non-finite as strings."""
    rows: list[list[float | str]] = values.tolist()
    bad = ~np.isfinite(values)  # (rows, cols); half of a causal mask's scores are −∞
    if bad.any():
        for i, j in zip(*(index.tolist() for index in np.nonzero(bad)), strict=True):
            rows[i][j] = _cell(rows[i][j])
    return rows


def scenario_to_dict(info: ScenarioInfo, exact: bool = False) -> ScenarioJSON:
    """The ``scenario`` block of the JSON form.

    ``rounding`` is the scenario's hand-rounding table (stage id -> decimals);
    ``hand_rounded`` says whether this run applied it (False under ``--exact``).
    """
    out: ScenarioJSON = {"name": info.name, "title": info.title, "tokens": list(info.tokens)}
    if info.memory_tokens is not None:
        out["memory_tokens"] = list(info.memory_tokens)
    out.update(
        {
            "d_model": info.d_model,
            "heads": info.heads,
            "d_k": info.d_k,
            "d_v": info.d_v,
            "mask": info.mask,
            "scale": info.scale,
            "source": info.source,
            "rounding": dict(info.rounding),
            "hand_rounded": bool(info.rounding) and not exact,
        }
    )
    # the variants, only when a scenario uses them (a plain scenario's JSON is unchanged)
    if info.positions != "none":
        out["positions"] = info.positions
    if info.rope_style is not None and info.rope_base is not None:
        out["rope"] = {"base": info.rope_base, "style": info.rope_style}
    if info.bias != "none":
        out["bias"] = info.bias
    if info.window is not None:
        out["window"] = info.window
    if info.padding is not None:
        out["padding"] = list(info.padding)
    if info.groups != info.heads:
        out["kv_heads"] = info.groups
    return out


def rounded_to_dict(stage: Stage) -> dict[str, RoundedJSON]:
    """The matrices of a stage that were rounded by hand: decimals and unrounded values."""
    return {
        name: {"decimals": m.decimals, "exact": matrix_to_lists(m.exact)}
        for name, m in stage.matrices.items()
        if m.exact is not None and m.decimals is not None
    }


def stage_to_dict(stage: Stage) -> StageJSON:
    """One stage in JSON form (``matrices`` hold the values the run used; ``rounded`` the exact ones)."""
    out: StageJSON = {
        "id": stage.id,
        "head": stage.head,
        "title": stage.title,
        "formula": stage.formula,
        "matrices": {name: matrix_to_lists(m.values) for name, m in stage.matrices.items()},
    }
    rounded = rounded_to_dict(stage)
    if rounded:
        out["rounded"] = rounded
    return out


def to_dict(trace: Trace) -> TraceJSON:
    """The JSON form of a trace (full float64 precision, nothing elided)."""
    return {
        "schema": SCHEMA,
        "scenario": scenario_to_dict(trace.info, trace.exact),
        "stages": [stage_to_dict(s) for s in trace.stages],
    }


def _parse_cell(x: float | str) -> float:
    if isinstance(x, str):
        if x not in ("inf", "-inf", "nan"):
            raise ValueError(f"unexpected string {x!r} in a matrix")
        return float(x)
    return float(x)


def from_dict(data: TraceJSON) -> Trace:
    """Rebuild a Trace from its JSON form (checkpoints are not kept; hand rounding is).

    Raises:
        ValueError / KeyError: not a ``mhsa-tutor/trace@1`` document.
    """
    if data.get("schema") != SCHEMA:
        raise ValueError(f"not a {SCHEMA} document")
    sc = data["scenario"]
    mem = sc.get("memory_tokens")
    keys = mem if mem is not None else sc["tokens"]
    by_id = {s["id"]: s for s in data["stages"]}
    d_src = len(by_id["params"]["matrices"]["W_K"]) if "params" in by_id else sc["d_model"]
    d_out = len(by_id["output"]["matrices"]["O"][0]) if "output" in by_id else None
    info = ScenarioInfo(
        name=sc["name"],
        title=sc["title"],
        tokens=tuple(sc["tokens"]),
        memory_tokens=tuple(mem) if mem is not None else None,
        d_model=sc["d_model"],
        heads=sc["heads"],
        d_k=sc["d_k"],
        d_v=sc["d_v"],
        mask=sc["mask"],
        scale=sc["scale"],
        source=sc["source"],
        given_qkv=not any(s["id"] == "params" for s in data["stages"]),
        rounding=tuple(sorted(sc.get("rounding", {}).items())),
        d_src=d_src,
        d_out=d_out,
        scale_divisor=ScenarioInfo.divisor_for(sc["scale"], sc["d_k"], len(keys)),
        sqrt_dk=math.sqrt(sc["d_k"]),
        positions=sc.get("positions", "none"),
        rope_style=sc["rope"]["style"] if "rope" in sc else None,
        rope_base=sc["rope"]["base"] if "rope" in sc else None,
        bias=sc.get("bias", "none"),
        window=sc.get("window"),
        padding=tuple(sc["padding"]) if "padding" in sc else None,
        kv_heads=sc.get("kv_heads", sc["heads"]),
        slopes=tuple(float(m) for m in alibi_slopes(sc["heads"])) if sc.get("bias") == "alibi" else (),
    )
    stages = []
    for st in data["stages"]:
        mats: dict[str, Matrix] = {}
        rounded = st.get("rounded", {})
        for name, rows in st["matrices"].items():
            r, c = axes(st["id"], name)
            hand = rounded.get(name)
            exact = _array(hand["exact"]) if hand is not None else None
            decimals = hand["decimals"] if hand is not None else None
            mats[name] = Matrix(_array(rows), r, c, exact, decimals)
        stages.append(Stage(st["id"], st["title"], st["head"], st["formula"], mats))
    return Trace(info, tuple(stages), exact=bool(info.rounding) and not sc.get("hand_rounded", False))


def _array(rows: list[list[float | str]]) -> Array:
    arr = np.array([[_parse_cell(x) for x in row] for row in rows], dtype=np.float64)
    arr.flags.writeable = False
    return arr
