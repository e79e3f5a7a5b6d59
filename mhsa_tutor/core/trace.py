"""The trace: every intermediate matrix of one run, as frozen records.

A ``Trace`` is an ordered tuple of ``Stage``s. Each stage has an id (one of
``stages.STAGE_IDS``), a title, the head it belongs to (1-based, or None), a
formula, and named ``Matrix`` records whose arrays are read-only float64.
Besides the matrices a stage shows, it carries what the words around them
quote (``aux`` arrays such as a softmax's e^(s − max) terms, and ``facts``),
and the trace carries the verdict of every source checkpoint. All of it is
computed once, by the engine: renderers read numbers only from here and never
recompute them. Every mapping is read-only.

The JSON form (schema ``mhsa-tutor/trace@1``) is in ``trace_json``.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from types import MappingProxyType

import numpy as np
import numpy.typing as npt

from mhsa_tutor.core.reads.resolvers import kv_head
from mhsa_tutor.core.scenario import Checkpoint, Scenario
from mhsa_tutor.core.stages import Axis
from mhsa_tutor.core.variants import alibi_slopes

Array = npt.NDArray[np.float64]


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
class DecodeStep:
    """One step of decoding with a KV cache, as the engine counted it (every layer-wide figure in fp16).

    ``position`` is the 0-based index t of the generated token; before the step the cache holds
    ``t`` rows (tokens 1 … t), after it ``t + 1``. ``numbers`` is what the cache holds after the
    step over all key/value heads, K and V: (t + 1)·G·(d_k + d_v); ``bytes_per_token`` is
    G·(d_k + d_v)·2 and ``bytes`` is numbers·2 (one layer). ``saved_rows`` (= t) key and value rows
    are read from the cache instead of recomputed; ``saved_macs`` the multiply-adds of their
    projections, t·d_model·G·(d_k + d_v) (0 when Q, K, V are given and nothing is projected).
    """

    step: int
    position: int
    numbers: int
    bytes_per_token: int
    bytes: int
    saved_rows: int
    saved_macs: int


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
    changes most (``aux["unscaled"]`` holds that row's weights without the scaling).
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
    #: On the decoding stages: the prefill length P (tokens 1 … P are cached before the first step).
    prefill: int | None = None
    #: On kv_cache: one record per decoding step (the cache's size and what the step saves).
    decode: tuple[DecodeStep, ...] = ()
    #: On online_softmax: the key block size B and the number of blocks.
    block: int | None = None
    blocks: int | None = None


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

    def _repr_mimebundle_(self, include: object = None, exclude: object = None) -> dict[str, str]:
        """Jupyter shows a stage as its title, formula and matrices (``mhsa_tutor.views.page.notebook``)."""
        from mhsa_tutor.views.page.notebook import stage_bundle

        return stage_bundle(self)


@dataclass(frozen=True, eq=False)
class Verdict:
    """A source checkpoint against the run: the computed value at its place and whether it matches."""

    checkpoint: Checkpoint
    got: Array
    ok: bool
    #: "source" for a source's printed checkpoint; the engine's own checks say what they compare with:
    #: "full" (a decoding step against the row of full causal attention), "ordinary" (the online softmax
    #: against the ordinary softmax·V). Those carry the largest difference and their tolerance.
    against: str = "source"
    diff: float = 0.0
    tolerance: float = 0.0


def _slopes(given: tuple[float, ...] | None, heads: int) -> tuple[float, ...]:
    """ALiBi's slopes: those the scenario gives, else Press et al.'s for this many heads."""
    return given if given is not None else tuple(float(m) for m in alibi_slopes(heads))


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
    biases: tuple[str, ...] = ()
    rope_dims: int | None = None
    alibi_before_scaling: bool = False
    alibi_slopes_given: bool = False

    @property
    def alibi_divisor(self) -> float:
        """What ALiBi's bias is divided by: the scale's divisor when it is added before the scaling, else 1."""
        return self.scale_divisor if self.alibi_before_scaling else 1.0

    decode_steps: int | None = None
    block: int | None = None

    @property
    def groups(self) -> int:
        """Key/value heads G (equal to heads unless GQA/MQA)."""
        return self.kv_heads or self.heads

    def kv_head(self, head: int) -> int:
        """The 1-based key/value head query head ``head`` (1-based) uses: ⌊(h − 1)·G/H⌋ + 1."""
        return kv_head(head, self.heads, self.groups)

    def sharing(self, head: int) -> tuple[int, ...]:
        """The 1-based query heads that use the key/value head of query head ``head`` (itself included)."""
        g = self.kv_head(head)
        return tuple(n for n in range(1, self.heads + 1) if self.kv_head(n) == g)

    @property
    def prefill(self) -> int:
        """Tokens cached by the prefill before decoding (all of them without ``[decode]``)."""
        return len(self.tokens) - (self.decode_steps or 0)

    @property
    def n_blocks(self) -> int:
        """Key blocks of the online softmax: ⌈T_k / B⌉ (0 without ``[tiling]``)."""
        return -(-len(self.key_tokens) // self.block) if self.block else 0

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
            slopes=_slopes(var.slopes, scn.heads) if var.bias == "alibi" else (),
            biases=tuple(scn.biases),
            rope_dims=var.rope.dims if var.rope is not None else None,
            alibi_before_scaling=var.alibi_before_scaling,
            alibi_slopes_given=var.slopes is not None,
            decode_steps=var.decode_steps,
            block=var.block,
        )

    @staticmethod
    def divisor_for(scale: str, d_k: int, n_keys: int) -> float:
        """What the scores are divided by: √d_k, √(number of keys) or 1 (the one definition)."""
        return {"sqrt_dk": math.sqrt(d_k), "sqrt_seq_len": math.sqrt(n_keys)}.get(scale, 1.0)


@dataclass(frozen=True, eq=False)
class Trace:
    """The whole run: scenario facts, stages in order, the source's checkpoints.

    ``exact`` is True when the run ignored the scenario's hand rounding;
    ``scenario`` is the scenario the engine ran (None for a trace read back from
    JSON): the page's quiz names mistakes by running the engine on its variants.
    """

    info: ScenarioInfo
    stages: tuple[Stage, ...]
    checkpoints: tuple[Checkpoint, ...] = ()
    exact: bool = False
    verdicts: tuple[Verdict, ...] = ()
    scenario: Scenario | None = field(default=None, repr=False)

    def verdicts_for(self, stage: Stage) -> tuple[Verdict, ...]:
        """The source checkpoints' verdicts that belong to this stage (and head)."""
        return tuple(
            v
            for v in self.verdicts
            if v.against == "source" and v.checkpoint.stage == stage.id and v.checkpoint.head == stage.head
        )

    def checks_for(self, stage: Stage) -> tuple[Verdict, ...]:
        """The engine's own checks on this stage (and head): decoding steps, the online softmax."""
        return tuple(
            v
            for v in self.verdicts
            if v.against != "source" and v.checkpoint.stage == stage.id and v.checkpoint.head == stage.head
        )

    def __iter__(self) -> Iterator[Stage]:
        return iter(self.stages)

    def __len__(self) -> int:
        return len(self.stages)

    def _repr_mimebundle_(self, include: object = None, exclude: object = None) -> dict[str, str]:
        """Jupyter shows a trace as the interactive page (``mhsa_tutor.views.page.page``), with a text fallback."""
        from mhsa_tutor.views.page.notebook import notebook_bundle

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
        if axis == "steps":
            return self.info.tokens[len(self.info.tokens) - (self.info.decode_steps or 0) :]
        return tuple(str(i + 1) for i in range(size))

    def shown_labels(self, axis: Axis, size: int) -> tuple[str, ...]:
        """The labels a learner reads: tokens, with ``token@position`` where a name alone would not tell
        the rows apart (``go@1``, ``go@2`` for a repeated token; ``2@1`` for a token that reads as another
        position). ``explain --row go@2`` accepts the same form."""
        labels = self.labels(axis, size)
        return labels if axis == "dims" else tell_apart(labels)


def _is_number(text: str) -> bool:
    """Text that reads as a 1-based position: ASCII digits, optionally after a minus sign."""
    digits = text[1:] if text.startswith("-") else text
    return digits.isascii() and digits.isdecimal() and len(digits) <= 18


@lru_cache(maxsize=16)  # every table of a trace asks again: 500 times for the same 512 tokens at BERT size
def tell_apart(tokens: tuple[str, ...]) -> tuple[str, ...]:
    """Token labels that name one row each: ``token@position`` for a repeated token or one that reads as
    a different position; the others unchanged."""
    seen: dict[str, int] = {}
    for t in tokens:
        seen[t] = seen.get(t, 0) + 1
    return tuple(
        f"{t}@{i + 1}" if seen[t] > 1 or (_is_number(t) and t != str(i + 1)) else t for i, t in enumerate(tokens)
    )


def before_softmax(trace: Trace, head: int) -> Stage:
    """The stage whose scores the softmax of ``head`` reads: masked, else bias, else scaled, else scores."""
    for sid in ("masked", "bias", "scaled", "scores"):
        try:
            return trace.find(sid, head)
        except KeyError:
            continue
    raise KeyError("scores")
