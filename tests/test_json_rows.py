"""The JSON writer's matrix rows (issue 24): byte for byte ``json.dumps``, with and without orjson."""

from __future__ import annotations

import importlib.util
import json
import sys
import types

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from mhsa_tutor.io import json_rows
from mhsa_tutor.io.trace_json import matrix_to_lists

HAVE_ORJSON = importlib.util.find_spec("orjson") is not None
needs_orjson = pytest.mark.skipif(not HAVE_ORJSON, reason="orjson (the 'fast' extra) is not installed")

FLOATS = st.floats(allow_nan=True, allow_infinity=True, allow_subnormal=True, width=64)
ARRAYS = hnp.arrays(np.float64, hnp.array_shapes(min_dims=2, max_dims=2, min_side=1, max_side=9), elements=FLOATS)


def dumps_rows(values: np.ndarray) -> str:
    """What the JSON export wrote before: json.dumps of the lists, without the outer brackets."""
    return json.dumps(matrix_to_lists(values), ensure_ascii=False, allow_nan=False)[1:-1]


def tricky(seed: int) -> np.ndarray:
    """Numbers at every notation boundary, random exponents, ±0 and non-finite cells, in one matrix."""
    rng = np.random.default_rng(seed)
    with np.errstate(over="ignore"):
        a = rng.standard_normal((6, 40)) * 10.0 ** rng.integers(-330, 309, size=(6, 40)).astype(np.float64)
    a[0, :8] = [1e-4, 9.999999999999999e-05, 1e-5, 1.5e-5, 1e16, 9999999999999998.0, -0.0, 0.0]
    a[1, :6] = [json_rows.STAND_IN, 5e-324, 1e-7, 1.7976931348623157e308, np.nan, -np.inf]
    a[2, rng.random(40) < 0.5] = -np.inf
    return a


@settings(max_examples=200, deadline=None)
@given(ARRAYS)
def test_plain_rows_are_json_dumps(values: np.ndarray) -> None:
    assert json_rows._plain_rows(values) == dumps_rows(values)


@needs_orjson
@settings(max_examples=200, deadline=None)
@given(ARRAYS)
def test_orjson_rows_are_json_dumps(values: np.ndarray) -> None:
    import orjson

    assert json_rows._orjson_rows(orjson, values).decode("ascii") == dumps_rows(values)


@pytest.mark.parametrize("seed", range(5))
def test_both_ways_on_tricky_numbers_and_views(seed: int) -> None:
    a = tricky(seed)
    for values in (a, a[:, ::3], a.T, a[2:3]):  # strided views as the per-head stages hold them
        assert json_rows._plain_rows(values) == dumps_rows(values)
        if HAVE_ORJSON:
            import orjson

            assert json_rows._orjson_rows(orjson, values).decode("ascii") == dumps_rows(values)
        assert json_rows.rows_text(values) == dumps_rows(values)


@needs_orjson
def test_the_installed_orjson_passes_the_probe() -> None:
    assert json_rows._fast() is not None  # else the export silently takes the slow way


def test_an_orjson_that_writes_otherwise_is_not_used(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = types.ModuleType("orjson")
    fake.OPT_SERIALIZE_NUMPY = 0  # type: ignore[attr-defined]
    fake.dumps = lambda a, option=0: json.dumps(np.asarray(a).tolist()).replace(" ", "").encode()  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "orjson", fake)
    json_rows._fast.cache_clear()
    try:
        assert json_rows._fast() is None  # "NaN" where orjson writes null: the probe disagrees
        values = tricky(0)
        assert json_rows.rows_text(values) == dumps_rows(values)
    finally:
        json_rows._fast.cache_clear()
