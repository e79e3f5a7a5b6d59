"""Compare a source's printed checkpoint with the trace, to the decimals it printed.

Pure NumPy; shared by the terminal view, the exports and the tests.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from mhsa_tutor.engine import round_half_up
from mhsa_tutor.scenario import Checkpoint

Array = npt.NDArray[np.float64]


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
