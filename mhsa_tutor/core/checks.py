"""Hand rounding and checkpoint verdicts: the two comparisons a person makes on paper.

``round_half_up`` rounds as a person does; ``compare`` says whether a computed
value reproduces a source's printed checkpoint to the decimals it printed. Pure
NumPy; the engine calls both and stores the results in the Trace, so no view
ever compares or rounds a number itself.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from mhsa_tutor.core.scenario import Checkpoint

Array = npt.NDArray[np.float64]


def round_half_up(values: Array, decimals: int) -> Array:
    """Round as a person does by hand: halves away from zero, at ``decimals`` places.

    A tiny nudge makes decimal ties that binary cannot hold exactly (2.675 is
    stored as 2.67499…) round up as they would on paper. It stays far below one
    unit of the last kept digit (a relative 1e-9 alone reached a whole unit once
    ``|x|·10^decimals`` passed 1e9: 1.0 to 12 places gave 1.000000001). Values
    too large to carry a digit at that place (and ±∞) are returned unchanged.
    """
    factor = 10.0**decimals
    with np.errstate(over="ignore", invalid="ignore"):
        scaled = np.abs(values) * factor
        nudge = np.maximum(np.minimum(1e-9 * np.maximum(scaled, 1.0), 1e-6), 4 * np.spacing(scaled))
        rounded = np.sign(values) * np.floor(scaled + 0.5 + nudge) / factor
    out: Array = np.where(scaled < 2.0**46, rounded, values)
    return out


def picked(cp: Checkpoint, values: Array) -> Array:
    """The part of a stage matrix a checkpoint is about: a cell, a row, a column or all."""
    if cp.row is not None and cp.col is not None:
        return np.asarray(values[cp.row, cp.col])
    if cp.row is not None:
        return values[cp.row, :]
    if cp.col is not None:
        return values[:, cp.col]
    return values


def compare(cp: Checkpoint, values: Array) -> tuple[Array, bool]:
    """(computed value at the checkpoint, True when it matches to ``cp.decimals`` places).

    Both sides are rounded half-up to the printed decimals, as a person
    checking by hand would; a 1e-9 slack absorbs binary representation.
    """
    got = picked(cp, values)
    ok = bool(np.all(np.abs(round_half_up(got, cp.decimals) - round_half_up(cp.value, cp.decimals)) < 1e-9))
    return got, ok
