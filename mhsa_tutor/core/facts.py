"""Facts the narration quotes beside the matrices, computed once from the engine's arrays.

Pure NumPy, below the engine: each function takes arrays the engine already
has and returns a ``StageFacts`` field or an ``aux`` array, so that the words
(``narration``) can quote a number without computing it.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

Array = npt.NDArray[np.float64]


def softmax_rows(scores: Array) -> Array:
    """Row-wise softmax over the last axis, shifted by the row max (−∞ gives 0)."""
    e: Array = scores - scores.max(axis=-1, keepdims=True)  # a new array: exponentiated and divided in place
    np.exp(e, out=e)
    e /= e.sum(axis=-1, keepdims=True)
    return e


def telling_row(unscaled: Array, scaled: Array) -> int:
    """The row whose weights the scaling changes most (largest change of its largest weight).

    A row whose every key is masked (NaN weights) is never the one.
    """
    change = np.abs(unscaled.max(axis=-1) - scaled.max(axis=-1))
    return int(np.argmax(np.where(np.isnan(change), -1.0, change)))


def changes(before: Array, after: Array, decimals: int = 4) -> bool:
    """True when two rows of weights differ once rounded to ``decimals`` (as the notes print them)."""
    return not bool(np.array_equal(np.round(before, decimals), np.round(after, decimals), equal_nan=True))


def is_identity(*ws: Array) -> bool:
    """True when every matrix is a square identity."""
    return all(w.shape[0] == w.shape[1] and bool(np.array_equal(w, np.eye(w.shape[0]))) for w in ws)


def same_rows(inputs: Array, outputs: Array) -> tuple[int, int] | None:
    """The first pair of tokens (i < j) with the same input row and so the same output row, or None."""
    first: dict[bytes, int] = {}
    for j in range(inputs.shape[0]):
        key = np.ascontiguousarray(inputs[j]).tobytes()
        i = first.setdefault(key, j)
        if i != j and np.array_equal(outputs[i], outputs[j]):
            return i, j
    return None


def block_terms(C: Array, W_O: Array, heads: int) -> tuple[tuple[int, int], Array]:
    """A cell (i, j) of O = C·W_O and each head's term Z_h[i, :]·W_O⁽ʰ⁾[:, j] of it (they sum to O[i, j]).

    The cell is the first whose every head contributes a finite non-zero term (a NaN row, whose every
    key is masked, never), else the first finite cell, else (0, 0). Rows are tried one at a time, so
    a big trace computes the terms of one row, not of all T × d_out cells.
    """
    T, width = C.shape
    dv = width // heads
    Wb = W_O.reshape(heads, dv, W_O.shape[1])  # (H, dv, d_out)
    first_finite: tuple[int, int, Array] | None = None
    for i in range(T):
        terms = np.einsum("hd,hdo->ho", C[i].reshape(heads, dv), Wb)  # (H, d_out): row i's head terms
        finite = np.all(np.isfinite(terms), axis=0)  # (d_out,)
        hits = np.flatnonzero(finite & np.all(terms != 0, axis=0))
        if hits.size:
            j = int(hits[0])
            return (i, j), np.ascontiguousarray(terms[:, j])
        if first_finite is None and finite.any():
            j = int(np.flatnonzero(finite)[0])
            first_finite = (i, j, np.ascontiguousarray(terms[:, j]))
    if first_finite is not None:
        return (first_finite[0], first_finite[1]), first_finite[2]
    return (0, 0), np.zeros(heads)
