"""The vocabulary of the rules: which index of an axis, which head, how a column maps, what combines.

``Read`` is one operand of a rule (its source alternatives and which of their cells), ``Rule`` what
computes one matrix of one stage from its reads. Pure data; imports nothing heavy.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

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


#: An index of an axis: one (0-based), every one (None) or a span (first, last), both 0-based and included.
At = int | tuple[int, int] | None
