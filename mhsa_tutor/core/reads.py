"""Which cells a cell reads: one declarative rule per stage and matrix, and one resolver per fact.

Contract:

* ``RULES`` maps every (stage id, matrix) of the stage table (``stages.STAGES``)
  to a ``Rule``: what combines the operands (``op``) and the operands themselves
  (``reads``), each a frozen ``Read``. A ``Read`` names its source as a list of
  (stage id, matrix) alternatives — the first one the run has is read (X + P
  when positions are added, else X; the rotary stage, else the split; the last
  of masked / bias / scaled / scores before the softmax; the memory in
  cross-attention) — and which of its cells: the cell's row, the cell's column
  or every one on each axis, of the same head or of the head a concatenated
  column comes from, with the column mapped by one resolver (the head's columns,
  its key/value head's columns, the column within its head, the RoPE partner).
* ``operands(layout, stage, head, matrix, i, j)`` resolves a rule for one cell of
  one run into concrete ``Operand``s (stage, head, matrix, row or None for every
  row, column or None). ``explain`` writes exactly these operands, the page
  highlights exactly these cells, the quiz shows them as givens and the mistakes
  read the same stages: nobody restates a rule.
* ``Layout`` is what a rule needs of a run: the (stage, matrix) pairs it has and
  the head sizes. ``Layout.of_trace`` and ``Layout.of_scenario`` build it.
* Every lookup of an unknown stage or matrix raises ``KeyError`` (a missing rule
  is a bug, never a silent default); ``tests/test_reads.py`` checks that every
  (stage, matrix) of the table has a rule whose sources exist.

Adding a stage kind (e.g. projection biases, a KV-cache step): a row in
``stages.STAGES``; a ``Rule`` here for each of its matrices (and, if a later
stage now reads it, put it in that rule's source alternatives); its lines in
``engine.run``; its words in ``strings/en.py`` and ``strings/ko.py``; an
explainer in ``teach/explain.py`` only if ``op`` is not ``"dot"`` (which the
generic term-by-term explainer writes). A new kind of column mapping is a
``ColMap`` literal and one branch in ``_column``.

Pure data and integer arithmetic; imports nothing heavy.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Literal

from mhsa_tutor.core.stages import BIAS_NAMES, BY_ID, STAGES

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from mhsa_tutor.core.scenario import Scenario
    from mhsa_tutor.core.trace import Trace

#: Which index of an operand's axis is read: the cell's row, the cell's column, or every index; on the
#: inference stages also the token a decoding step generates (row i -> P + i), the cache row a step
#: appended (row i -> i − P), the keys of the cell's block (a span) and the keys cached up to the
#: step's token (0 … P + i, a span).
Index = Literal["row", "col", "all", "step", "cached", "block", "upto"]
#: Which head of a per-head source: the cell's own head, or the head whose block holds the cell's column.
HeadOf = Literal["same", "of_column"]
#: How the cell's column becomes the operand's column (only where ``cols == "col"``).
#: On the online softmax: the previous block's column (``prev``; none for the first block), the block of a
#: running output's column (``block_of``) and its column one block earlier (``prev_block``), its feature
#: (``feature``), the last block (``last``, ``last_block``); the decoding step's projections read a head's
#: columns and, under RoPE, the partner's (``head_partner``, ``kv_head_partner``).
ColMap = Literal[
    "same",
    "head",
    "kv_head",
    "in_head",
    "partner",
    "head_partner",
    "kv_head_partner",
    "prev",
    "block_of",
    "prev_block",
    "feature",
    "last",
    "last_block",
]
#: When a read applies: always; under RoPE only; for a cache row the prefill wrote, or one a step appended.
When = Literal["", "rope", "prefill", "decoded"]
#: What combines the operands: nothing (given), a dot product, a copy, a sum of two cells, a rotation,
#: a division, a mask, a row softmax, a sinusoid of the position.
Op = Literal[
    "given",
    "sinusoid",
    "dot",
    "copy",
    "add",
    "rotate",
    "scale",
    "mask",
    "softmax",
    "running_max",
    "rescale",
    "running_sum",
    "running_output",
    "divide",
    "project",
    "cache",
    "score",
]


@dataclass(frozen=True)
class Read:
    """One operand of a rule.

    ``sources``: (stage id, matrix) alternatives, the first the run has is read.
    ``rows`` / ``cols``: which index of each axis (the cell's row, its column, every one).
    ``head``: for a per-head source, which head (the cell's, or the one its column comes from).
    ``col_map``: how the cell's column maps to the source's column when ``cols == "col"``.
    ``optional``: the run may have none of the sources (a projection bias), and the read is then left out.
    """

    sources: tuple[tuple[str, str], ...]
    rows: Index
    cols: Index
    head: HeadOf = "same"
    col_map: ColMap = "same"
    optional: bool = False  # a term a run may not have (a projection's bias): skipped when none of its sources is
    when: When = ""  # RoPE on; a cache row of the prefill or of a decoding step


@dataclass(frozen=True)
class Rule:
    """How one matrix of one stage is computed: ``op`` over the operands ``reads`` (in the order written)."""

    op: Op
    reads: tuple[Read, ...] = ()


def _r(
    *sources: tuple[str, str],
    rows: Index,
    cols: Index,
    head: HeadOf = "same",
    col_map: ColMap = "same",
    optional: bool = False,
    when: When = "",
) -> Read:
    return Read(tuple(sources), rows, cols, head, col_map, optional, when)


def _bias(name: str) -> Read:
    """``+ b[j]``: the projection bias of the cell's column (a 1 × n row), when the scenario gives one."""
    return _r(("params", name), rows="all", cols="col", optional=True)


_GIVEN = Rule("given")
#: The X the projections multiply: X + P when positions are added, else the input X.
_X = (("positions", "X"), ("input", "X"))
#: What the scores multiply: the rotated Q and K when RoPE is on, else the split.
_QK = ("rotary", "split")
#: The scores each stage before the softmax reads, nearest first (the softmax reads the last present).
BEFORE_SOFTMAX: tuple[str, ...] = ("masked", "bias", "scaled", "scores")


def _before(stage_id: str) -> tuple[tuple[str, str], ...]:
    """The score stages before ``stage_id`` in ``BEFORE_SOFTMAX`` order: ``bias`` reads scaled, else scores."""
    pipeline = (*BEFORE_SOFTMAX[::-1], "softmax")  # scores, scaled, bias, masked, softmax
    earlier = pipeline[: pipeline.index(stage_id)][::-1]
    return tuple((s, "S") for s in earlier)


#: The scores the softmax reads, which the online softmax reads block by block.
_S = _before("softmax")


def _step_projection(m: str) -> Rule:
    """q, k or v of the token a decoding step generates: its own row of X (+ P) times the head's columns of
    W (+ b), or its row of the given Q, K, V; under RoPE (q and k) the partner feature's column too."""
    cmap: ColMap = "head" if m == "q" else "kv_head"
    pmap: ColMap = "head_partner" if m == "q" else "kv_head_partner"
    big = m.upper()
    reads = [
        _r(*_X, rows="step", cols="all", optional=True),
        _r(("params", f"W_{big}"), rows="all", cols="col", col_map=cmap, optional=True),
        _r(("params", f"b_{big}"), rows="all", cols="col", col_map=cmap, optional=True),
        _r(("input", big), rows="step", cols="col", col_map=cmap, optional=True),
    ]
    if m != "v":  # RoPE turns q and k: the pair's other feature is read too
        reads += [
            _r(("params", f"W_{big}"), rows="all", cols="col", col_map=pmap, optional=True, when="rope"),
            _r(("params", f"b_{big}"), rows="all", cols="col", col_map=pmap, optional=True, when="rope"),
            _r(("input", big), rows="step", cols="col", col_map=pmap, optional=True, when="rope"),
        ]
    return Rule("project", tuple(reads))


#: Where the prefill's cache rows come from: the keys as the scores read them (turned by RoPE), the values.
_CACHED = {"K": _QK, "V": ("split",)}

#: The inference stages (``core.inference``): the online softmax of each head, block by block, and the
#: decoding step's projections, cache, scores, weights and output.
_INFERENCE: dict[tuple[str, str], Rule] = {
    # m_b = max(m_{b−1}, the block's scores)
    ("online_softmax", "m"): Rule(
        "running_max",
        (
            _r(("online_softmax", "m"), rows="row", cols="col", col_map="prev"),
            _r(*_S, rows="row", cols="block"),
        ),
    ),
    # r_b = e^(m_{b−1} − m_b)
    ("online_softmax", "r"): Rule(
        "rescale",
        (
            _r(("online_softmax", "m"), rows="row", cols="col", col_map="prev"),
            _r(("online_softmax", "m"), rows="row", cols="col"),
        ),
    ),
    # ℓ_b = r_b·ℓ_{b−1} + Σ_{j∈b} e^(s_j − m_b)
    ("online_softmax", "l"): Rule(
        "running_sum",
        (
            _r(("online_softmax", "r"), rows="row", cols="col"),
            _r(("online_softmax", "l"), rows="row", cols="col", col_map="prev"),
            _r(*_S, rows="row", cols="block"),
            _r(("online_softmax", "m"), rows="row", cols="col"),
        ),
    ),
    # o_b = r_b·o_{b−1} + Σ_{j∈b} e^(s_j − m_b)·v_j: column c is feature c mod d_v of block ⌊c / d_v⌋
    ("online_softmax", "O"): Rule(
        "running_output",
        (
            _r(("online_softmax", "r"), rows="row", cols="col", col_map="block_of"),
            _r(("online_softmax", "O"), rows="row", cols="col", col_map="prev_block"),
            _r(*_S, rows="row", cols="block"),
            _r(("online_softmax", "m"), rows="row", cols="col", col_map="block_of"),
            _r(("split", "V"), rows="block", cols="col", col_map="feature"),
        ),
    ),
    # Z = o_last / ℓ_last
    ("online_softmax", "Z"): Rule(
        "divide",
        (
            _r(("online_softmax", "O"), rows="row", cols="col", col_map="last_block"),
            _r(("online_softmax", "l"), rows="row", cols="col", col_map="last"),
        ),
    ),
    **{("decode_qkv", m): _step_projection(m) for m in ("q", "k", "v")},
    # the cache: the prefill's rows as the ordinary pass computed them, then each step's k and v appended
    **{
        ("kv_cache", m): Rule(
            "cache",
            (
                _r(*((s, m) for s in _CACHED[m]), rows="row", cols="col", when="prefill"),
                _r(("decode_qkv", m.lower()), rows="cached", cols="col", when="decoded"),
            ),
        )
        for m in ("K", "V")
    },
    # q_t·k_j over the cache (scaled, ALiBi or a given bias added, window and padding masked)
    ("decode_scores", "S"): Rule(
        "score", (_r(("decode_qkv", "q"), rows="row", cols="all"), _r(("kv_cache", "K"), rows="col", cols="all"))
    ),
    ("decode_softmax", "A"): Rule("softmax", (_r(("decode_scores", "S"), rows="row", cols="all"),)),
    ("decode_output", "Z"): Rule(
        "dot", (_r(("decode_softmax", "A"), rows="row", cols="upto"), _r(("kv_cache", "V"), rows="upto", cols="col"))
    ),
}

#: Every (stage id, matrix) of the stage table and the rule that computes it.
RULES: Mapping[tuple[str, str], Rule] = MappingProxyType(
    {
        **{("input", m): _GIVEN for m in ("X", "memory", "Q", "K", "V")},
        ("positions", "P"): Rule("sinusoid"),  # learned P is given: ``op`` is read with the scenario's positions
        ("positions", "X"): Rule(
            "add", (_r(("input", "X"), rows="row", cols="col"), _r(("positions", "P"), rows="row", cols="col"))
        ),
        **{("params", m): _GIVEN for m in ("W_Q", "W_K", "W_V", "W_O", *BIAS_NAMES)},
        ("projections", "Q"): Rule(
            "dot", (_r(*_X, rows="row", cols="all"), _r(("params", "W_Q"), rows="all", cols="col"), _bias("b_Q"))
        ),
        **{
            ("projections", m): Rule(
                "dot",
                (
                    _r(("input", "memory"), *_X, rows="row", cols="all"),
                    _r(("params", f"W_{m}"), rows="all", cols="col"),
                    _bias(f"b_{m}"),
                ),
            )
            for m in ("K", "V")
        },
        ("split", "Q"): Rule(
            "copy", (_r(("projections", "Q"), ("input", "Q"), rows="row", cols="col", col_map="head"),)
        ),
        **{
            ("split", m): Rule(
                "copy", (_r(("projections", m), ("input", m), rows="row", cols="col", col_map="kv_head"),)
            )
            for m in ("K", "V")
        },
        **{
            ("rotary", m): Rule(
                "rotate",
                (
                    _r(("split", m), rows="row", cols="col"),
                    _r(("split", m), rows="row", cols="col", col_map="partner"),
                ),
            )
            for m in ("Q", "K")
        },
        ("scores", "S"): Rule(
            "dot",
            (
                _r(*((s, "Q") for s in _QK), rows="row", cols="all"),
                _r(*((s, "K") for s in _QK), rows="col", cols="all"),
            ),
        ),
        ("scaled", "S"): Rule("scale", (_r(*_before("scaled"), rows="row", cols="col"),)),
        ("bias", "B"): Rule("given"),  # −m_h·|i − j|: the head's slope and the distance, no cell
        ("bias", "S"): Rule(
            "add", (_r(*_before("bias"), rows="row", cols="col"), _r(("bias", "B"), rows="row", cols="col"))
        ),
        ("masked", "S"): Rule("mask", (_r(*_before("masked"), rows="row", cols="col"),)),
        ("softmax", "A"): Rule("softmax", (_r(*_before("softmax"), rows="row", cols="all"),)),
        ("head_output", "Z"): Rule(
            "dot", (_r(("softmax", "A"), rows="row", cols="all"), _r(("split", "V"), rows="all", cols="col"))
        ),
        ("concat", "Z"): Rule(
            "copy", (_r(("head_output", "Z"), rows="row", cols="col", head="of_column", col_map="in_head"),)
        ),
        ("output", "O"): Rule(
            "dot",
            (_r(("concat", "Z"), rows="row", cols="all"), _r(("params", "W_O"), rows="all", cols="col"), _bias("b_O")),
        ),
        **_INFERENCE,
    }
)


def rule(stage_id: str, matrix: str) -> Rule:
    """The rule of one matrix of one stage.

    Raises:
        KeyError: no such (stage, matrix) in the table: every one has a rule.
    """
    return RULES[(stage_id, matrix)]


# ------------------------------------------------------------------------------------------------ resolvers


def head_columns(head: int, width: int) -> tuple[int, int]:
    """First and last 1-based column of the whole matrix that head ``head`` (1-based) takes.

    Head h takes columns (h−1)·width + 1 … h·width, PyTorch's contiguous slice.
    """
    return (head - 1) * width + 1, head * width


def kv_head(head: int, heads: int, kv_heads: int) -> int:
    """The 1-based key/value head query head ``head`` (1-based) uses: ⌊(h − 1)·G/H⌋ + 1 (GQA; G = H is MHA)."""
    return (head - 1) * kv_heads // heads + 1


def concat_source(col: int, d_v: int) -> tuple[int, int]:
    """Concatenated column ``col`` (0-based) -> (its head, 1-based; its column in that head, 0-based)."""
    return col // d_v + 1, col % d_v


def rope_partner(j: int, d: int, style: str | None) -> tuple[int, int, bool]:
    """Feature ``j`` (0-based) of the ``d`` rotated features -> (pair index, partner feature, j is the pair's first).

    ``"half"`` pairs j with j + d/2 (``rotate_half``); ``"interleaved"`` pairs 2j with 2j + 1. With
    partial rotary only the first ``d`` features of a head turn: a feature beyond them has no partner
    (see ``rotated``).

    Raises:
        KeyError: ``style`` is not a RoPE style.
    """
    if style == "interleaved":
        first = j % 2 == 0
        return j // 2, j + 1 if first else j - 1, first
    if style == "half":
        half = d // 2
        first = j < half
        return j % half, j + half if first else j - half, first
    raise KeyError(("rope style", style))


def sinusoid_index(k: int) -> tuple[str, int]:
    """Feature ``k`` (0-based) of a sinusoidal P -> (``"sin"`` or ``"cos"``, 2i): sin for even k, cos for odd."""
    return ("sin" if k % 2 == 0 else "cos"), k - k % 2


# ------------------------------------------------------------------------------------------------ one run


@dataclass(frozen=True)
class Layout:
    """What the rules need of one run: the matrices each stage has, the head counts and widths, the RoPE style."""

    matrices: Mapping[str, tuple[str, ...]]
    heads: int
    kv_heads: int
    d_k: int
    d_v: int
    rope_style: str | None = None
    rope_dims: int | None = None  # partial rotary: the features of a head that turn (None: all d_k)
    prefill: int = 0  # decoding: the tokens the prefill cached (P = T − N)
    block: int = 0  # the online softmax's key block size B (0: none)
    keys: int = 0  # key tokens (Tk)

    def has(self, stage_id: str, matrix: str) -> bool:
        """Whether the run has this matrix of this stage."""
        return matrix in self.matrices.get(stage_id, ())

    @property
    def rotated(self) -> int:
        """How many features of a head RoPE turns (all d_k, or the first ``rope_dims``)."""
        return self.rope_dims or self.d_k

    def width(self, matrix: str) -> int:
        """Columns of one head's block of a shared matrix: d_v for V and Z (and W_V, b_V), d_k for Q and K."""
        return {"Q": self.d_k, "K": self.d_k, "V": self.d_v, "Z": self.d_v}[
            matrix.removeprefix("W_").removeprefix("b_")
        ]

    @classmethod
    def of_trace(cls, trace: Trace) -> Layout:
        """The layout of a trace (its stages and the scenario facts it carries)."""
        mats: dict[str, tuple[str, ...]] = {}
        for s in trace.stages:
            mats.setdefault(s.id, tuple(s.matrices))
        info = trace.info
        return cls(
            MappingProxyType(mats),
            info.heads,
            info.groups,
            info.d_k,
            info.d_v,
            info.rope_style,
            info.rope_dims,
            info.prefill,
            info.block or 0,
            len(info.key_tokens),
        )

    @classmethod
    def of_scenario(cls, scn: Scenario) -> Layout:
        """The layout the trace of ``scn`` will have (``scenario.stage_matrices``), before any run."""
        from mhsa_tutor.core.scenario import stage_matrices

        rope = scn.variants.rope
        return cls(
            MappingProxyType(stage_matrices(scn)),
            scn.heads,
            scn.kv_heads,
            scn.d_k,
            scn.d_v,
            rope.style if rope is not None else None,
            rope.dims if rope is not None else None,
            len(scn.tokens) - (scn.variants.decode_steps or 0),
            scn.variants.block or 0,
            len(scn.key_tokens),
        )


#: An index of an axis: one (0-based), every one (None) or a span (first, last), both 0-based and included.
At = int | tuple[int, int] | None


@dataclass(frozen=True)
class Operand:
    """Concrete cells one cell reads: ``row`` / ``col`` 0-based, None meaning every one on that axis, unless
    ``rows`` / ``cols`` give a span ``(first, last)`` of them (the keys of a block, the cache up to a step)."""

    stage: str
    head: int | None
    matrix: str
    row: int | None
    col: int | None
    rows: tuple[int, int] | None = None
    cols: tuple[int, int] | None = None

    @property
    def row_at(self) -> At:
        """The row index: one, a span or every one."""
        return self.rows if self.rows is not None else self.row

    @property
    def col_at(self) -> At:
        """The column index: one, a span or every one."""
        return self.cols if self.cols is not None else self.col

    def values(self, trace: Trace) -> npt.NDArray[np.float64]:
        """The operand's numbers from the trace: a cell (0-d), a row, column or span (1-d), or a block (2-d)."""
        m = trace.find(self.stage, self.head).matrices[self.matrix].values
        r, c = self.row_at, self.col_at
        if isinstance(r, int):
            return m[r, c : c + 1].reshape(()) if isinstance(c, int) else m[r, _slice(c)]
        if isinstance(c, int):
            return m[_slice(r), c]
        return m[_slice(r), _slice(c)]

    def cells(self, shape: tuple[int, int]) -> frozenset[tuple[int, int]]:
        """Every (row, col) this operand covers in a matrix of ``shape``."""
        rows = _range(self.row_at, shape[0])
        cols = _range(self.col_at, shape[1])
        return frozenset((r, c) for r in rows for c in cols)


def _slice(at: At) -> slice:
    """An index that is not one cell, as a slice (None: every one; a span: first … last)."""
    if at is None:
        return slice(None)
    assert isinstance(at, tuple)
    return slice(at[0], at[1] + 1)


def _range(at: At, n: int) -> range:
    if at is None:
        return range(n)
    if isinstance(at, int):
        return range(at, at + 1)
    return range(at[0], at[1] + 1)


def source(layout: Layout, read: Read) -> tuple[str, str]:
    """The (stage, matrix) a read takes in this run: the first of its alternatives the run has.

    Raises:
        KeyError: the run has none of them.
    """
    for sid, name in read.sources:
        if layout.has(sid, name):
            return sid, name
    raise KeyError(read.sources)


def read_stage(layout: Layout, stage_id: str, matrix: str, k: int = 0) -> str:
    """The stage id operand ``k`` of this stage's matrix reads in this run (e.g. what the softmax reads)."""
    return source(layout, rule(stage_id, matrix).reads[k])[0]


def operand_head(layout: Layout, read: Read, stage_id: str, head: int | None, j: int) -> int | None:
    """The head of the source a read takes for cell column ``j`` (None for a shared source)."""
    sid, _ = source(layout, read)
    if not BY_ID[sid].per_head:
        return None
    if read.head == "of_column":
        return concat_source(j, layout.d_v)[0]
    if head is None:
        raise KeyError((stage_id, "a per-head source needs the cell's head"))
    return head


def _column(layout: Layout, read: Read, matrix: str, head: int | None, j: int) -> int | None:
    """The source column of cell column ``j`` under the read's ``col_map`` (None: the read has no such column,
    e.g. the block before the first)."""
    cm = read.col_map
    dv = layout.d_v
    blocks = -(-layout.keys // layout.block) if layout.block else 0
    simple: dict[str, int] = {
        "same": j,
        "prev": j - 1,
        "block_of": j // dv,
        "prev_block": j - dv,
        "feature": j % dv,
        "last": blocks - 1,
        "last_block": (blocks - 1) * dv + j,
    }
    if cm in simple:
        col = simple[cm]
        return col if col >= 0 else None
    if cm == "in_head":
        return concat_source(j, dv)[1]
    if cm == "partner":  # a feature beyond the rotated ones (partial rotary) passes unchanged: itself
        return _partner(layout, j)
    assert head is not None, "a head's columns need the head"
    h = head if cm in ("head", "head_partner") else kv_head(head, layout.heads, layout.kv_heads)
    within = _partner(layout, j) if cm.endswith("partner") else j
    return head_columns(h, layout.width(matrix))[0] - 1 + within


def _partner(layout: Layout, j: int) -> int:
    """The feature RoPE pairs with feature ``j`` of a head (itself beyond the turned ones)."""
    return rope_partner(j, layout.rotated, layout.rope_style)[1] if j < layout.rotated else j


def _index(layout: Layout, kind: Index, matrix: str, i: int, j: int) -> At:
    """Which index of an axis a read takes for cell (i, j) of ``matrix``."""
    if kind == "block":  # the keys of the cell's block: column j is the block, or (running output) holds it
        b = j // layout.d_v if matrix == "O" else j
        return (b * layout.block, min((b + 1) * layout.block, layout.keys) - 1)
    if kind == "upto":  # the keys cached when step i runs: 0 … P + i
        return (0, layout.prefill + i)
    return {"row": i, "col": j, "all": None, "step": layout.prefill + i, "cached": i - layout.prefill}[kind]


def applies(layout: Layout, read: Read, i: int) -> bool:
    """Whether a read applies to a cell of row ``i``: RoPE on, a cache row of the prefill or of a step."""
    if read.when == "rope":
        return layout.rope_style is not None
    if read.when == "prefill":
        return i < layout.prefill
    if read.when == "decoded":
        return i >= layout.prefill
    return not read.optional or present(layout, read)


def resolve(
    layout: Layout, read: Read, stage_id: str, head: int | None, i: int, j: int, matrix: str = ""
) -> Operand | None:
    """The cells one read of a rule takes for cell (i, j) (0-based) of ``matrix`` of ``stage_id`` of ``head``
    (None: the read has no cell there, e.g. the block before the first).

    Raises:
        KeyError: the run has none of the read's sources.
    """
    sid, name = source(layout, read)
    col = _column(layout, read, name, head, j) if read.cols == "col" else _index(layout, read.cols, matrix, i, j)
    if read.cols == "col" and col is None:
        return None
    row = _index(layout, read.rows, matrix, i, j)
    h = operand_head(layout, read, stage_id, head, j)
    return Operand(sid, h, name, _one(row), _one(col), _span(row), _span(col))


def _one(at: At) -> int | None:
    return at if isinstance(at, int) else None


def _span(at: At) -> tuple[int, int] | None:
    return at if isinstance(at, tuple) else None


def operands(layout: Layout, stage_id: str, head: int | None, matrix: str, i: int, j: int) -> tuple[Operand, ...]:
    """The cells cell (i, j) (0-based) of this stage's matrix reads, in the rule's order.

    Raises:
        KeyError: no rule for (stage, matrix), or the run has none of a read's sources.
    """
    found = (
        resolve(layout, read, stage_id, head, i, j, matrix)
        for read in rule(stage_id, matrix).reads
        if applies(layout, read, i) and (not read.optional or present(layout, read))
    )
    return tuple(op for op in found if op is not None)


def present(layout: Layout, read: Read) -> bool:
    """Whether the run has one of a read's sources (an optional read without one is left out)."""
    return any(layout.has(sid, name) for sid, name in read.sources)


def per_head(stage_id: str) -> bool:
    """Whether a stage is computed once per head (the stage table's ``per_head``)."""
    return BY_ID[stage_id].per_head


def table_pairs() -> tuple[tuple[str, str], ...]:
    """Every (stage id, matrix) the stage table declares, in table order (each has a rule)."""
    return tuple((s.id, m.name) for s in STAGES for m in s.matrices)
