"""The facts the engine computes for one row only (issue 24) agree with computing them for every row.

``telling_row`` tries only the rows whose bound can win; here it is checked against
its definition on whole arrays (ties, masked rows and hand-rounded weights
included). ``softmax_rows`` on some rows must give the same bits as that row of the engine's
row-wise softmax, since the √d_k note quotes it. The finiteness screen checks
the scores of all heads in one pass: an overflow in a later head is still named there.
"""

from __future__ import annotations

import numpy as np
import pytest

from mhsa_tutor.core import facts as fx
from mhsa_tutor.core.engine import round_half_up, run, stable_softmax
from mhsa_tutor.core.errors import ScenarioError
from tests.strategies import Spec
from tests.test_engine import load


def brute_telling_row(unscaled: np.ndarray, scaled: np.ndarray) -> int:
    """The definition, on whole arrays: argmax of |max unscaled − max scaled|, NaN rows never."""
    change = np.abs(unscaled.max(axis=-1) - scaled.max(axis=-1))
    return int(np.argmax(np.where(np.isnan(change), -1.0, change)))


def cases(seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, float | None]:
    """(unscaled scores, scaled scores, blocked, seen, slack or None) of a random head, with ties and masks."""
    rng = np.random.default_rng(seed)
    T = int(rng.integers(1, 12))
    raw = rng.integers(-3, 4, size=(T, T)).astype(np.float64) * float(rng.choice([1.0, 0.5, 40.0]))
    blocked = rng.random((T, T)) < float(rng.choice([0.0, 0.3, 0.7]))
    if seed % 3 == 0:
        blocked[int(rng.integers(T))] = True  # a row whose every key is blocked (NaN weights)
    divisor = float(rng.choice([1.0, np.sqrt(2.0), 8.0]))
    bias = -rng.random() * np.abs(np.subtract.outer(np.arange(T), np.arange(T))) if seed % 2 else 0.0
    unscaled = np.where(blocked, -np.inf, raw + bias)
    scaled = np.where(blocked, -np.inf, raw / divisor + bias)
    slack = None if seed % 2 else float(fx.sharpening_slack(np.abs(raw).max(), T))  # sharpened: no bias
    return unscaled, scaled, blocked, T - blocked.sum(axis=1), slack


@pytest.mark.parametrize("rounded", [False, True])
def test_telling_row_matches_its_definition(rounded: bool) -> None:
    for seed in range(300):
        unscaled, scaled, _, seen, slack = cases(seed)
        with np.errstate(invalid="ignore"):
            U = stable_softmax(unscaled)
            A = stable_softmax(scaled)
        if rounded:
            A = round_half_up(A, seed % 3 + 1)
        computed: list[int] = []

        def rows(i: np.ndarray, U: np.ndarray = U, computed: list[int] = computed) -> np.ndarray:
            computed.extend(i.tolist())
            return np.asarray(U[i])

        with np.errstate(invalid="ignore"):
            got = fx.telling_row(rows, A.max(axis=-1), seen, None if rounded else slack)
        assert got == brute_telling_row(U, A), seed
        assert len(set(computed)) == len(computed)  # no row twice


def test_telling_row_computes_few_rows_when_the_bound_is_tight() -> None:
    rng = np.random.default_rng(0)
    S = rng.normal(size=(512, 512)) * 64.0  # wide scores, as at BERT size with small integers
    U = stable_softmax(S)
    A = stable_softmax(S / 8.0)
    slack = float(fx.sharpening_slack(np.abs(S).max(), 512))
    computed: list[int] = []

    def rows(i: np.ndarray) -> np.ndarray:
        computed.extend(i.tolist())
        return np.asarray(U[i])

    assert fx.telling_row(rows, A.max(axis=-1), np.full(512, 512), slack) == brute_telling_row(U, A)
    assert len(computed) <= 24


def test_one_row_softmax_has_the_bits_of_the_whole() -> None:
    rng = np.random.default_rng(1)
    for T, Tk in ((1, 1), (3, 7), (40, 129), (64, 512)):
        S = rng.normal(size=(2, T, Tk)) * 30.0
        S[:, :, :: max(Tk // 3, 2)] = -np.inf
        S[:, :, 0] = rng.normal(size=(2, T))  # every row keeps a finite score
        whole = stable_softmax(S)
        for h in range(2):
            for i in range(T):
                assert np.array_equal(fx.softmax_rows(S[h, [i]])[0], whole[h, i])
            some = rng.permutation(T)[: max(T // 2, 1)]
            assert np.array_equal(fx.softmax_rows(S[h, some]), whole[h, some])


def test_an_overflow_in_a_later_head_is_named_there() -> None:
    # head 1 (column 1) stays small; head 2 (column 2): Q[a] = 1e150, K[b] = 1e300: S₂[a, b] overflows first
    eye = [[1.0, 0.0], [0.0, 1.0]]
    big = [[1.0, 0.0], [0.0, 1e150]]
    spec = Spec(tokens=["a", "b"], heads=2, d_k=1, d_v=1, X=[[1.0, 1.0], [1.0, 1e150]], W_Q=big, W_K=big, W_V=eye)
    with pytest.raises(ScenarioError, match=r"stage scores \(head 2\), cell S\[a \(position 1\), b \(position 2\)\]"):
        run(load(spec))
