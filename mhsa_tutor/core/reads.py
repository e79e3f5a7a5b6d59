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

#: Which index of an operand's axis is read: the cell's row, the cell's column, or every index.
Index = Literal["row", "col", "all"]
#: Which head of a per-head source: the cell's own head, or the head whose block holds the cell's column.
HeadOf = Literal["same", "of_column"]
#: How the cell's column becomes the operand's column (only where ``cols == "col"``).
ColMap = Literal["same", "head", "kv_head", "in_head", "partner"]
#: What combines the operands: nothing (given), a dot product, a copy, a sum of two cells, a rotation,
#: a division, a mask, a row softmax, a sinusoid of the position.
Op = Literal["given", "sinusoid", "dot", "copy", "add", "rotate", "scale", "mask", "softmax"]


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
) -> Read:
    return Read(tuple(sources), rows, cols, head, col_map, optional)


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

    def has(self, stage_id: str, matrix: str) -> bool:
        """Whether the run has this matrix of this stage."""
        return matrix in self.matrices.get(stage_id, ())

    @property
    def rotated(self) -> int:
        """How many features of a head RoPE turns (all d_k, or the first ``rope_dims``)."""
        return self.rope_dims or self.d_k

    def width(self, matrix: str) -> int:
        """Columns of one head's block of a shared matrix: d_v for V and Z, d_k for Q and K."""
        return {"Q": self.d_k, "K": self.d_k, "V": self.d_v, "Z": self.d_v}[matrix]

    @classmethod
    def of_trace(cls, trace: Trace) -> Layout:
        """The layout of a trace (its stages and the scenario facts it carries)."""
        mats: dict[str, tuple[str, ...]] = {}
        for s in trace.stages:
            mats.setdefault(s.id, tuple(s.matrices))
        info = trace.info
        return cls(MappingProxyType(mats), info.heads, info.groups, info.d_k, info.d_v, info.rope_style, info.rope_dims)

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
        )


@dataclass(frozen=True)
class Operand:
    """Concrete cells one cell reads: ``row`` / ``col`` 0-based, None meaning every one on that axis."""

    stage: str
    head: int | None
    matrix: str
    row: int | None
    col: int | None

    def values(self, trace: Trace) -> npt.NDArray[np.float64]:
        """The operand's numbers from the trace: a cell (0-d), a row or column (1-d), or the matrix."""
        m = trace.find(self.stage, self.head).matrices[self.matrix].values
        if self.row is None:
            return m if self.col is None else m[:, self.col]
        return m[self.row] if self.col is None else m[self.row, self.col : self.col + 1].reshape(())

    def cells(self, shape: tuple[int, int]) -> frozenset[tuple[int, int]]:
        """Every (row, col) this operand covers in a matrix of ``shape``."""
        rows = range(shape[0]) if self.row is None else (self.row,)
        cols = range(shape[1]) if self.col is None else (self.col,)
        return frozenset((r, c) for r in rows for c in cols)


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


def _column(layout: Layout, read: Read, matrix: str, head: int | None, j: int) -> int:
    """The source column of cell column ``j`` under the read's ``col_map``."""
    cm = read.col_map
    if cm == "same":
        return j
    if cm == "in_head":
        return concat_source(j, layout.d_v)[1]
    if cm == "partner":  # a feature beyond the rotated ones (partial rotary) passes unchanged: itself
        return rope_partner(j, layout.rotated, layout.rope_style)[1] if j < layout.rotated else j
    assert head is not None, "a head's columns need the head"
    h = head if cm == "head" else kv_head(head, layout.heads, layout.kv_heads)
    return head_columns(h, layout.width(matrix))[0] - 1 + j


def _index(kind: Index, i: int, j: int) -> int | None:
    return {"row": i, "col": j, "all": None}[kind]


def resolve(layout: Layout, read: Read, stage_id: str, head: int | None, i: int, j: int) -> Operand:
    """The cells one read of a rule takes for cell (i, j) (0-based) of a matrix of ``stage_id`` of ``head``.

    Raises:
        KeyError: the run has none of the read's sources.
    """
    sid, name = source(layout, read)
    col = _column(layout, read, name, head, j) if read.cols == "col" else _index(read.cols, i, j)
    return Operand(sid, operand_head(layout, read, stage_id, head, j), name, _index(read.rows, i, j), col)


def operands(layout: Layout, stage_id: str, head: int | None, matrix: str, i: int, j: int) -> tuple[Operand, ...]:
    """The cells cell (i, j) (0-based) of this stage's matrix reads, in the rule's order.

    Raises:
        KeyError: no rule for (stage, matrix), or the run has none of a read's sources.
    """
    reads = (r for r in rule(stage_id, matrix).reads if not r.optional or present(layout, r))
    return tuple(resolve(layout, read, stage_id, head, i, j) for read in reads)


def present(layout: Layout, read: Read) -> bool:
    """Whether the run has one of a read's sources (an optional read without one is left out)."""
    return any(layout.has(sid, name) for sid, name in read.sources)


def per_head(stage_id: str) -> bool:
    """Whether a stage is computed once per head (the stage table's ``per_head``)."""
    return BY_ID[stage_id].per_head


def table_pairs() -> tuple[tuple[str, str], ...]:
    """Every (stage id, matrix) the stage table declares, in table order (each has a rule)."""
    return tuple((s.id, m.name) for s in STAGES for m in s.matrices)
