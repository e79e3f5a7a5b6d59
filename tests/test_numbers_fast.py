"""The fast number writers equal the plain ones, character for character.

``numbers._fixed`` takes Python's fixed formatting where it equals rounding the
number's shortest decimal (its ``repr``) half up; ``fmts`` writes many numbers at
once; ``table_precision`` decides from a few cells when it can; ``same_printed``
compares without writing equal numbers. Each is checked here against the plain
definition, written out in full: ``Decimal(repr(x))`` rounded ``ROUND_HALF_UP``.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

import hypothesis.strategies as st
import numpy as np
from hypothesis import example, given, settings

from mhsa_tutor.core.numbers import HUGE, MINUS, fmt, fmts, same_printed, table_precision, vec


def reference_fixed(x: float, precision: int) -> str:
    """The definition: the shortest decimal of ``x`` rounded half up (what ``_fixed`` did before it was fast)."""
    try:
        d = Decimal(repr(x)).quantize(Decimal(1).scaleb(-precision), rounding=ROUND_HALF_UP)
        s = f"{d:f}"
    except InvalidOperation:
        s = f"{x:.{precision}f}"
    return s.replace("-", MINUS)


def reference_fmt(x: float, precision: int) -> str:
    if x != x:
        return "NaN"
    if x in (float("inf"), float("-inf")):
        return ("" if x > 0 else MINUS) + "∞"
    if abs(x) >= HUGE:
        return f"{x:.{min(precision, 4)}e}".replace("-", MINUS)
    s = reference_fixed(x, precision)
    return s[1:] if s.startswith(MINUS) and not s.strip(MINUS + "0.") else s


def reference_precision(values: np.ndarray, precision: int) -> int:
    x = values[np.isfinite(values)]
    if x.size == 0 or np.any(np.abs(x) >= HUGE):
        return precision
    return 0 if bool(np.all(np.abs(np.round(x) - x) <= 1e-9 * np.maximum(1.0, np.abs(x)))) else precision


#: Short decimals (ties at every place), halves, tiny and large numbers, and any float at all.
NUMBERS = st.one_of(
    st.builds(lambda n, k: n / 10**k, st.integers(-(10**9), 10**9), st.integers(0, 12)),
    st.builds(lambda n, k: (n + 0.5) / 10**k, st.integers(-(10**6), 10**6), st.integers(0, 12)),
    st.builds(lambda n, e: n * 10.0**e, st.integers(-9, 9), st.integers(-30, 17)),
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(-10, 10),
)
PRECISIONS = st.integers(0, 18)


@settings(max_examples=1000, deadline=None)
@given(x=NUMBERS, precision=PRECISIONS)
@example(x=0.125, precision=2)
@example(x=-0.125, precision=2)
@example(x=5e-05, precision=4)
@example(x=-5e-05, precision=4)
@example(x=2.5, precision=0)
@example(x=-0.0, precision=3)
@example(x=1e15 - 1, precision=4)
def test_fmt_equals_the_half_up_definition(x: float, precision: int) -> None:
    assert fmt(x, precision) == reference_fmt(x, precision)
    assert fmts(np.array([x]), precision) == [reference_fmt(x, precision)]


@settings(max_examples=300, deadline=None)
@given(xs=st.lists(NUMBERS, max_size=40), precision=PRECISIONS)
def test_fmts_and_vec_write_each_number_as_fmt_does(xs: list[float], precision: int) -> None:
    a = np.array(xs, dtype=np.float64)
    assert fmts(a, precision) == [reference_fmt(x, precision) for x in xs]
    assert vec(a, precision) == "[" + ", ".join(reference_fmt(x, precision) for x in xs) + "]"


def test_numpy_scalars_round_half_up_as_their_floats() -> None:
    """A NumPy scalar is written as its Python float is: half up (0.125 -> 0.13), never half to even."""
    for x in (np.float64(0.125), np.float32(0.375), np.float64(-0.5), np.float64(2.5)):
        for p in (0, 1, 2, 4):
            assert fmt(x, p) == reference_fmt(float(x), p)  # type: ignore[arg-type]
    assert fmt(np.float64(0.125), 2) == "0.13" and fmt(np.float64(2.5), 0) == "3"


@settings(max_examples=200, deadline=None)
@given(
    shape=st.tuples(st.integers(1, 30), st.integers(1, 30)),
    seed=st.integers(0, 2**32 - 1),
    poke=st.sampled_from([None, 0.5, 1e-12, 3e-10, 1e-8, np.inf, -np.inf, np.nan, 1e15, 2e300]),
    fill=st.booleans(),
)
def test_table_precision_equals_its_definition(
    shape: tuple[int, int], seed: int, poke: float | None, fill: bool
) -> None:
    rng = np.random.default_rng(seed)
    values = rng.integers(-3, 4, size=shape).astype(np.float64)
    if poke is not None:
        i, j = rng.integers(0, shape[0]), rng.integers(0, shape[1])
        values[i, j] = poke if not np.isfinite(poke) or poke >= 1 else values[i, j] + poke
    if fill:
        values[:, ::2] = -np.inf
    for p in (0, 2, 4):
        assert table_precision(values, p) == reference_precision(values, p)
        assert table_precision(values / 7, p) == reference_precision(values / 7, p)


@settings(max_examples=300, deadline=None)
@given(xs=st.lists(NUMBERS, max_size=20), seed=st.integers(0, 1000), precision=st.integers(0, 6))
def test_same_printed_is_comparing_the_printed_vectors(xs: list[float], seed: int, precision: int) -> None:
    a = np.array(xs, dtype=np.float64)
    b = a.copy()
    if len(b):
        rng = np.random.default_rng(seed)
        b[rng.integers(0, len(b))] += rng.choice([0.0, 1e-9, 1e-5, 0.5])
    assert same_printed(a, b, precision) == (vec(a, precision) == vec(b, precision))
    assert same_printed(a, a.copy(), precision)
    assert same_printed(a, b[:-1], precision) == (vec(a, precision) == vec(b[:-1], precision))
