"""The scenario records: a frozen, validated description of one attention example.

A ``Scenario`` is what ``loader.load_scenario`` (a built-in name or a TOML
file, checked by ``validate``) or ``generate`` gives the engine. Its inputs
are one of two tagged modes: ``FromX`` (token vectors X with weight matrices,
and for cross-attention a memory) or ``GivenQKV`` (queries, keys and values
as a source prints them). Arrays are read-only float64 and mappings are
read-only, so nothing can change a Scenario under the engine or a renderer.

The file format is described in the README ("Scenario format") and checked in
``validate``; this module only holds the records and the shape of each stage
they imply (from the stage table, ``stages``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal

import numpy as np
import numpy.typing as npt

from mhsa_tutor.core.stages import BIAS_NAMES, BY_ID, STAGES, subscript

Array = npt.NDArray[np.float64]
Mask = Literal["none", "causal", "sliding", "custom"]
Positions = Literal["none", "sinusoidal", "learned"]
Bias = Literal["none", "alibi", "given"]
RopeStyle = Literal["half", "interleaved"]
Bools = npt.NDArray[np.bool_]
Scale = Literal["sqrt_dk", "none", "sqrt_seq_len"]

MAX_DECIMALS = 12
MAX_WEIGHTS = 1 << 24  # heads × tokens × keys attention weights (GPT-2's 12 × 1024² fits)


@dataclass(frozen=True, eq=False)
class Checkpoint:
    """A value to be reproduced to ``decimals`` places: printed in the source, or expected from its formula.

    ``printed`` is True for a value the source itself printed (shown as "source"); False for a value
    the scenario's author worked out from the paper's formula (shown as "expected"): a learner reads
    "source" as outside confirmation, so only printed values may carry it.

    ``row`` / ``col`` are 0-based; ``None`` means the whole axis, so ``value``
    is a matrix (both None), a row (col None) or a single cell.
    """

    name: str
    stage: str
    head: int | None
    matrix: str
    row: int | None
    col: int | None
    value: Array
    decimals: int
    note: str = ""
    note_ko: str = ""
    printed: bool = True

    def where(self, tokens: tuple[str, ...], key_tokens: tuple[str, ...]) -> str:
        """Human label of the checked place, e.g. ``A₁[Machines, :]`` (the subscript is the head)."""
        r = tokens[self.row] if self.row is not None else ":"
        c = (key_tokens[self.col] if self.matrix in ("S", "A") else str(self.col + 1)) if self.col is not None else ":"
        name = self.matrix + (subscript(self.head) if self.head is not None else "")
        return name if self.row is None and self.col is None else f"{name}[{r}, {c}]"

    def note_in(self, lang: str) -> str:
        """The note in ``lang``: ``note_ko`` under Korean when the file gives one."""
        return self.note_ko if lang == "ko" and self.note_ko else self.note


@dataclass(frozen=True, eq=False)
class FromX:
    """Token vectors X (T × d_model) and the weights that project them.

    ``W_Q``/``W_K`` are d_src × H·d_k and ``W_V`` d_src × H·d_v, where d_src is
    the width of X, or of ``memory`` in cross-attention (K and V come from the
    memory rows). ``W_O`` (H·d_v × d_out) is optional.

    ``b_Q``, ``b_K``, ``b_V``, ``b_O`` are the optional projection biases
    (``nn.MultiheadAttention(bias=True)``'s ``in_proj_bias`` and
    ``out_proj.bias``), each a 1 × n row with one value per column of the
    matching W: ``Q = X·W_Q + b_Q``, ``O = Z·W_O + b_O``.
    """

    X: Array
    W_Q: Array
    W_K: Array
    W_V: Array
    W_O: Array | None = None
    memory: Array | None = None
    b_Q: Array | None = None
    b_K: Array | None = None
    b_V: Array | None = None
    b_O: Array | None = None

    @property
    def biases(self) -> dict[str, Array]:
        """The biases the scenario gives, by name (``b_Q`` … ``b_O``), in that order."""
        named = {"b_Q": self.b_Q, "b_K": self.b_K, "b_V": self.b_V, "b_O": self.b_O}
        return {k: v for k, v in named.items() if v is not None}


@dataclass(frozen=True, eq=False)
class GivenQKV:
    """Queries (T × H·d_k), keys (T_k × H·d_k) and values (T_k × H·d_v) as a source gives them.

    ``W_O`` (H·d_v × d_out) and its bias ``b_O`` (1 × d_out) are optional: a
    source may print Q, K, V and still project the heads' outputs.
    """

    Q: Array
    K: Array
    V: Array
    W_O: Array | None = None
    b_O: Array | None = None

    @property
    def biases(self) -> dict[str, Array]:
        """``{"b_O": b_O}`` when given, else empty."""
        return {"b_O": self.b_O} if self.b_O is not None else {}


Inputs = FromX | GivenQKV


@dataclass(frozen=True)
class Rope:
    """Rotary position embedding (Su et al. 2021): ``base`` of the angles, and which features pair up.

    ``"half"`` pairs feature j with j + d_k/2 (GPT-NeoX, Hugging Face's ``rotate_half``);
    ``"interleaved"`` pairs 2j with 2j + 1 (the paper, GPT-J). ``dims`` N (even):
    partial rotary, only the first N features of each head turn, with
    θ_j = base^(−2j/N); the other d_k − N pass unchanged (GPT-J's
    ``rotary_dim``, GPT-NeoX's ``rotary_pct``).
    """

    base: float = 10000.0
    style: RopeStyle = "half"
    dims: int | None = None  # rotate only the first ``dims`` features of each head (GPT-J, GPT-NeoX); None: all


@dataclass(frozen=True, eq=False)
class Variants:
    """The modern variants of attention a scenario may switch on; the default is the plain Transformer.

    ``positions``: absolute positions added to X (``P``, T × d_model, is given
    for ``"learned"`` and None otherwise). ``rope``: rotary embedding of Q and
    K, or None. ``bias``: ALiBi's linear bias on the scaled scores, or
    ``"given"``: a per-head additive score bias given as data in ``B``
    (H × T × T_k, e.g. T5's learned relative position bias).
    ``slopes``: ALiBi's slope of each head (None: Press et al.'s
    2^(−8h/H)); ``alibi_before_scaling``: ALiBi is added to the raw scores
    and scaled with them (Falcon), which the engine shows as the bias
    −(m_h/divisor)·|i − j| added after the scaling.
    ``window``: the sliding window W (only with mask ``"sliding"``).
    ``blocked``: the custom mask (T × T_k, True = may not attend, as
    ``nn.MultiheadAttention``'s boolean attn_mask; only with mask
    ``"custom"``). ``padding``: one boolean per key, True = padding (as
    ``key_padding_mask``). ``kv_heads``: key/value heads G (GQA/MQA), None
    meaning one per query head. ``decode_steps``: the last N tokens are
    generated one at a time with a KV cache after a prefill of the others
    (``[decode] steps``), or None. ``block``: the key block size B of the
    online softmax, tile by tile (``[tiling] block``), or None. Arrays are
    read-only.
    """

    positions: Positions = "none"
    P: Array | None = None
    rope: Rope | None = None
    bias: Bias = "none"
    slopes: tuple[float, ...] | None = None
    alibi_before_scaling: bool = False
    B: Array | None = None
    window: int | None = None
    blocked: Bools | None = None
    padding: Bools | None = None
    kv_heads: int | None = None
    decode_steps: int | None = None
    block: int | None = None


def _frozen_mapping(m: Mapping[str, int]) -> Mapping[str, int]:
    return MappingProxyType(dict(m))


@dataclass(frozen=True, eq=False)
class Scenario:
    """A validated scenario. Shapes always fit; arrays are read-only float64.

    ``memory_tokens`` is set exactly when the inputs have a memory
    (cross-attention). ``rounding`` maps a roundable stage id to the decimals
    the source rounded it to by hand.
    """

    name: str
    origin: str
    title: str
    tokens: tuple[str, ...]
    heads: int
    inputs: Inputs
    description: str = ""
    source: str = ""
    article: str | None = None
    title_ko: str = ""
    description_ko: str = ""
    source_ko: str = ""
    memory_tokens: tuple[str, ...] | None = None
    mask: Mask = "none"
    scale: Scale = "sqrt_dk"
    rounding: Mapping[str, int] = field(default_factory=dict)
    expected: tuple[Checkpoint, ...] = ()
    variants: Variants = field(default_factory=Variants)

    def __post_init__(self) -> None:
        object.__setattr__(self, "rounding", _frozen_mapping(self.rounding))

    @property
    def given_qkv(self) -> bool:
        """True when the source gives Q, K, V directly (no X, no weights)."""
        return isinstance(self.inputs, GivenQKV)

    @property
    def key_tokens(self) -> tuple[str, ...]:
        """Labels of the keys/values: the memory tokens, or the tokens themselves."""
        return self.memory_tokens if self.memory_tokens is not None else self.tokens

    @property
    def kv_heads(self) -> int:
        """Key/value heads G: the query heads share them (G = heads unless GQA/MQA)."""
        return self.variants.kv_heads or self.heads

    @property
    def masks_cells(self) -> bool:
        """True when some score is set to −∞ before the softmax (a mask or padding)."""
        return self.mask != "none" or self.variants.padding is not None

    @property
    def d_model(self) -> int:
        """Width of an input row (of Q when Q/K/V are given directly)."""
        src = self.inputs.X if isinstance(self.inputs, FromX) else self.inputs.Q
        return int(src.shape[1])

    @property
    def d_k(self) -> int:
        """Key (and query) width of one head."""
        width = self.inputs.W_Q.shape[1] if isinstance(self.inputs, FromX) else self.inputs.Q.shape[1]
        return int(width) // self.heads

    @property
    def d_v(self) -> int:
        """Value width of one head."""
        width = self.inputs.W_V.shape[1] if isinstance(self.inputs, FromX) else self.inputs.V.shape[1]
        return int(width) // self.kv_heads

    @property
    def d_out(self) -> int | None:
        """Width of the output projection, or None without W_O."""
        w_o = self.W_O
        return None if w_o is None else int(w_o.shape[1])

    # Read-only views of the inputs, None in the other input mode.
    @property
    def X(self) -> Array | None:
        """X, or None when Q, K, V are given."""
        return self.inputs.X if isinstance(self.inputs, FromX) else None

    @property
    def memory(self) -> Array | None:
        """The cross-attention memory, or None."""
        return self.inputs.memory if isinstance(self.inputs, FromX) else None

    @property
    def W_Q(self) -> Array | None:
        """W_Q, or None when Q, K, V are given."""
        return self.inputs.W_Q if isinstance(self.inputs, FromX) else None

    @property
    def W_K(self) -> Array | None:
        """W_K, or None when Q, K, V are given."""
        return self.inputs.W_K if isinstance(self.inputs, FromX) else None

    @property
    def W_V(self) -> Array | None:
        """W_V, or None when Q, K, V are given."""
        return self.inputs.W_V if isinstance(self.inputs, FromX) else None

    @property
    def W_O(self) -> Array | None:
        """W_O, or None when the scenario has no output projection."""
        return self.inputs.W_O

    @property
    def biases(self) -> dict[str, Array]:
        """The projection biases (``b_Q`` … ``b_O``) the scenario gives, each 1 × n; empty without."""
        return self.inputs.biases

    @property
    def Q(self) -> Array | None:
        """Q when given directly, else None (the engine computes it)."""
        return self.inputs.Q if isinstance(self.inputs, GivenQKV) else None

    @property
    def K(self) -> Array | None:
        """K when given directly, else None."""
        return self.inputs.K if isinstance(self.inputs, GivenQKV) else None

    @property
    def V(self) -> Array | None:
        """V when given directly, else None."""
        return self.inputs.V if isinstance(self.inputs, GivenQKV) else None


def _given_bias(name: str) -> Callable[[Scenario], bool]:
    return lambda scn: name in scn.biases


#: The conditions the stage table names (``StageSpec.when``, ``MatrixSpec.when``): whether a run of the
#: scenario has that stage or matrix. A condition the table names and this map lacks is a KeyError.
CONDITIONS: Mapping[str, Callable[[Scenario], bool]] = MappingProxyType(
    {
        "": lambda scn: True,
        "from_x": lambda scn: isinstance(scn.inputs, FromX),
        "given_qkv": lambda scn: isinstance(scn.inputs, GivenQKV),
        "memory": lambda scn: scn.memory is not None,
        "w_o": lambda scn: scn.W_O is not None,
        "positions": lambda scn: scn.variants.positions != "none",
        "rope": lambda scn: scn.variants.rope is not None,
        "scaled": lambda scn: scn.scale != "none",
        "bias": lambda scn: scn.variants.bias != "none",
        "masks": lambda scn: scn.masks_cells,
        "block": lambda scn: scn.variants.block is not None,  # the online softmax, block by block
        "decode": lambda scn: scn.variants.decode_steps is not None,  # decoding with a KV cache
        **{b: _given_bias(b) for b in BIAS_NAMES},  # each projection bias, when the scenario gives it
    }
)

#: The widths the stage table names (``MatrixSpec.width``) for a ``"dims"`` axis of one matrix.
WIDTHS: Mapping[str, Callable[[Scenario], int]] = MappingProxyType(
    {
        "d_model": lambda scn: scn.d_model,
        "d_k": lambda scn: scn.d_k,
        "d_v": lambda scn: scn.d_v,
        "d_k·H": lambda scn: scn.d_k * scn.heads,
        "d_k·G": lambda scn: scn.d_k * scn.kv_heads,
        "d_v·G": lambda scn: scn.d_v * scn.kv_heads,
        "d_v·H": lambda scn: scn.d_v * scn.heads,
        "d_out": lambda scn: scn.d_out or 0,
        "blocks": lambda scn: -(-len(scn.key_tokens) // (scn.variants.block or 1)),  # the online softmax's key blocks
        "blocks·d_v": lambda scn: -(-len(scn.key_tokens) // (scn.variants.block or 1)) * scn.d_v,
    }
)


def stage_matrices(scn: Scenario) -> dict[str, tuple[str, ...]]:
    """The stages this scenario's trace will hold, in table order, with their matrix names.

    From the stage table: a stage is there when its ``when`` holds, with the matrices whose ``when`` holds.
    """
    out: dict[str, tuple[str, ...]] = {}
    for spec in STAGES:
        if not CONDITIONS[spec.when](scn):
            continue
        names = tuple(m.name for m in spec.matrices if CONDITIONS[m.when](scn))
        if names:
            out[spec.id] = names
    return out


def matrix_shape(scn: Scenario, stage: str, matrix: str) -> tuple[int, int]:
    """Shape of one matrix of one stage (per-head stages: one head's matrix), from the stage table's axes.

    A ``"given"`` matrix (inputs, weights) has its array's shape.
    """
    m = BY_ID[stage].matrix(matrix)
    sizes = {"tokens": len(scn.tokens), "keys": len(scn.key_tokens), "steps": scn.variants.decode_steps or 0}
    if m.rows in sizes and m.cols in sizes:
        return sizes[m.rows], sizes[m.cols]
    if m.width == "given":
        arr = scn.biases[matrix] if matrix in scn.biases else getattr(scn, matrix)
        return (int(arr.shape[0]), int(arr.shape[1]))
    rows = sizes[m.rows] if m.rows in sizes else WIDTHS[m.width](scn)
    return (rows, sizes[m.cols] if m.cols in sizes else WIDTHS[m.width](scn))
