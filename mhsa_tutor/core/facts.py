"""Facts the narration quotes beside the matrices, computed once from the engine's arrays.

Pure NumPy, below the engine: each function takes arrays the engine already
has and returns a ``StageFacts`` field or an ``aux`` array, so that the words
(``narration``) can quote a number without computing it.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt

Array = npt.NDArray[np.float64]
Index = npt.NDArray[np.intp]


def softmax_rows(scores: Array) -> Array:
    """Row-wise softmax over the last axis, shifted by the row max (−∞ gives 0; a row all −∞ gives NaN).

    The same operations, in the same order, as the engine's softmax, so rows computed on their own
    hold the same bits as those rows of the whole (…, T, Tk) softmax.
    """
    e: Array = scores - scores.max(axis=-1, keepdims=True)  # a new array: exponentiated and divided in place
    np.exp(e, out=e)
    e /= e.sum(axis=-1, keepdims=True)
    return e


def telling_row(
    unscaled_rows: Callable[[Index], Array], scaled_max: Array, seen: Array, slack: float | None = None
) -> int:
    """The row whose weights the scaling changes most (largest change of its largest weight).

    ``unscaled_rows(rows)`` gives those rows' weights without the scaling, (len(rows), Tk);
    ``scaled_max`` is each row's largest weight with it (NaN in a row whose every key is masked,
    never the one); ``seen`` how many keys each row sees. The result is
    ``argmax_i |max(unscaled_i) − scaled_max_i|`` (the first on ties), but only rows that can win
    are computed. A row's largest unscaled weight lies in [1/seen, 1], so its change is at most
    ``max(1 − p, p − 1/seen)`` for its largest scaled weight p. With ``slack`` the caller says the
    unscaled weights are the scaled ones sharpened (scores divided by c ≥ 1, nothing added or rounded
    after): a row's largest unscaled weight is then at least p, less ``slack`` for rounding, and
    its change at most ``1 − p + slack``. Rows are computed from the largest bound down, in growing
    batches, until no bound left reaches the best change found.
    """
    with np.errstate(invalid="ignore", divide="ignore"):
        bound = np.maximum(1.0 - scaled_max, scaled_max - 1.0 / seen)  # (T,) NaN in masked rows
        if slack is not None:
            bound = np.minimum(bound, np.maximum(1.0 - scaled_max, 0.0) + slack)
    bound += 1e-12
    dead = np.isnan(bound)
    change = np.where(dead, -1.0, -np.inf)  # (T,) rows never computed stay below the winner
    live = np.flatnonzero(~dead)
    order = live[np.argsort(-bound[live], kind="stable")]  # largest bound first (the first row on ties)
    best, start, size = -1.0, 0, 8
    while start < order.size and bound[order[start]] >= best:
        rows = order[start : start + size]
        diff = np.abs(unscaled_rows(rows).max(axis=-1) - scaled_max[rows])
        change[rows] = np.where(np.isnan(diff), -1.0, diff)
        best = max(best, float(change[rows].max()))
        start, size = start + size, size * 2
    return int(np.argmax(change))


def sharpening_slack(largest: Array, keys: int) -> Array:
    """``telling_row``'s slack for scores of at most ``largest`` in size over ``keys`` keys.

    The exponents of the two softmaxes are off by a few ulps of |S| and the sums by a few per key;
    twice that, to be safe (relative error bounds of float64 arithmetic, exp within 4 ulps).
    """
    eps = float(np.finfo(np.float64).eps)
    return np.asarray(16 * eps * largest + 8 * (keys + 4) * eps)


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
