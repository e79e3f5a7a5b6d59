"""Which cells one cell of one run reads: the resolvers of each fact and the rules applied to a run.

``Layout`` is what a rule needs of a run; ``operands`` resolves a rule for one cell into ``Operand``s.
Pure integer arithmetic (NumPy only to read an operand's values from a trace).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING

from mhsa_tutor.core.reads.resolvers import concat_source, head_columns, kv_head, rope_partner
from mhsa_tutor.core.reads.rules import rule
from mhsa_tutor.core.reads.spec import At, Index, Read
from mhsa_tutor.core.stages import BY_ID, STAGES

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from mhsa_tutor.core.scenario import Scenario
    from mhsa_tutor.core.trace import Trace


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
