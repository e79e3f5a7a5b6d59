"""Matrix rows as JSON text, byte for byte what ``json.dumps`` writes, at the speed of the disk.

Contract of ``rows_text(values)`` for a 2-D float64 array: the text of
``json.dumps(matrix_to_lists(values), ensure_ascii=False, allow_nan=False)``
without its outer brackets, i.e. ``[1.0, 2.5], [-0.0, "-inf"]``: each number
is Python's ``repr`` of the float (the shortest text that reads back as the
same float64), non-finite cells are the strings ``"-inf"``, ``"inf"``,
``"nan"``, items are separated by ``", "``. The JSON export writes a big
trace's matrices a chunk of rows at a time through it.

Two ways to the same text:

* with ``orjson`` installed (the ``fast`` extra: ``pip install 'mhsa-tutor[fast]'``),
  its native NumPy serializer writes the numbers without making a Python float
  per number. Where ``repr`` uses fixed notation (0 and 1e-4 ≤ |x| < 1e16)
  orjson writes the same text: both print the shortest digits that read back
  as the same float64. The cells where ``repr`` writes an exponent (a few in
  ten thousand in a BERT-size trace) are written by ``repr`` itself, in the
  place of a stand-in; orjson's ``null`` for a non-finite cell becomes the
  cell's string; ``","`` becomes ``", "``: whole-chunk bytes operations.
  On first use the result is compared with ``json.dumps`` on a probe of
  tricky values (every notation boundary, subnormals, ±0, each non-finite
  kind, random exponents); an orjson that writes anything else is not used;
* without it (or if the probe disagrees), ``json.dumps`` of ``tolist()``; it
  writes a non-finite cell as ``NaN``, ``Infinity`` or ``-Infinity``, words no
  number contains, replaced by the strings over the whole chunk (no Python
  loop over the cells).

Never prints; no rich or typer.
"""

from __future__ import annotations

import json
from functools import cache
from types import ModuleType

import numpy as np
import numpy.typing as npt

Array = npt.NDArray[np.float64]

#: The JSON strings of the non-finite numbers, as the export writes them.
NON_FINITE = {"nan": b'"nan"', "inf": b'"inf"', "-inf": b'"-inf"'}

#: What a cell that ``repr`` writes with an exponent is written as before its own text takes its place.
#: It is such a cell itself (|x| < 1e-4), so a real cell equal to it is replaced as well, and orjson's
#: text for it is the only text of the chunk with an exponent in it.
STAND_IN = -1.2345678901234567e-300


def rows_text(values: Array) -> str:
    """``json.dumps`` of the rows of a 2-D float64 array, without the outer brackets (see the module)."""
    orjson = _fast()
    if orjson is not None:
        return _orjson_rows(orjson, values).decode("ascii")
    return _plain_rows(values)


def _kind(x: float) -> str:
    return "nan" if x != x else "inf" if x > 0 else "-inf"


def _orjson_rows(orjson: ModuleType, values: Array) -> bytes:
    """The rows through orjson's NumPy serializer, in Python's spelling (bytes, ASCII)."""
    a = np.ascontiguousarray(values, dtype=np.float64)  # orjson reads C-contiguous arrays only
    finite = np.isfinite(a)
    size = np.abs(a)
    odd = finite & (a != 0) & ((size < 1e-4) | (size >= 1e16))  # where repr writes an exponent
    texts: list[bytes] = []
    if odd.any():
        texts = [repr(x).encode("ascii") for x in a[odd].tolist()]
        a = a.copy()
        a[odd] = STAND_IN
    raw = bytes(orjson.dumps(a, option=orjson.OPT_SERIALIZE_NUMPY))  # b"[[1.0,null],[...]]"
    if not finite.all():  # orjson writes null for each non-finite cell: the cell's own string goes there
        cells = a[~finite]  # row-major, the order of the nulls in the text
        counts = {"nan": int(np.isnan(cells).sum()), "inf": int((cells > 0).sum()), "-inf": int((cells < 0).sum())}
        kinds = [k for k, n in counts.items() if n]
        if len(kinds) == 1:  # the usual case: a mask's −∞, or NaN rows
            raw = raw.replace(b"null", NON_FINITE[kinds[0]])
        else:
            raw = _fill(raw, b"null", [NON_FINITE[_kind(x)] for x in cells.tolist()])
    if texts:
        raw = _fill(raw, _stand_in_text(orjson), texts)
    return raw[1:-1].replace(b",", b", ")


def _fill(raw: bytes, hole: bytes, pieces: list[bytes]) -> bytes:
    """``raw`` with its occurrences of ``hole`` replaced by ``pieces``, in order (one piece per hole)."""
    parts = raw.split(hole)
    return b"".join(p for pair in zip(parts, [*pieces, b""], strict=True) for p in pair)


@cache
def _stand_in_text(orjson: ModuleType) -> bytes:
    """orjson's text for ``STAND_IN``."""
    return bytes(orjson.dumps(np.array([STAND_IN]), option=orjson.OPT_SERIALIZE_NUMPY))[1:-1]


def _plain_rows(values: Array) -> str:
    """The rows through ``json.dumps`` (C encoder); its ``NaN``, ``Infinity``, ``-Infinity`` made strings."""
    text = json.dumps(values.tolist())[1:-1]  # allow_nan: no Python loop over the non-finite cells
    if not bool(np.isfinite(values).all()):  # no number's text holds these words
        text = text.replace("-Infinity", '"-inf"').replace("Infinity", '"inf"').replace("NaN", '"nan"')
    return text


# ----------------------------------------------------------------------- the probe


def _probe() -> Array:
    """Tricky numbers: every notation boundary of repr and orjson, subnormals, ±0, non-finite, random exponents."""
    rng = np.random.default_rng(24)
    edges = [0.0, -0.0, 1.0, -1.5, 0.1, 2 / 3, 1e-4, 1e-5, 1.5e-5, 9.999999999999999e-05, 1.0000000000000001e-05]
    edges += [9.99e-6, 1e-6, 1e-7, 1e-9, 1e-10, 1e15, 1e16, 9999999999999998.0, 1.2345678901234568e17, 1e22]
    edges += [5e-324, 2.5e-323, 1e-310, 2.2250738585072014e-308, 1.7976931348623157e308, 1e300, -1e-300]
    edges += [STAND_IN, -2e-300, float("nan"), float("inf"), float("-inf")]
    with np.errstate(over="ignore"):  # a few products overflow to ±inf: more non-finite cells
        random = rng.standard_normal(600) * 10.0 ** rng.integers(-330, 309, size=600).astype(np.float64)
    cells = np.concatenate([np.array(edges), random, rng.standard_normal(200), np.arange(-5.0, 6.0)])
    return np.resize(cells, (len(cells) // 7, 7))


@cache
def _fast() -> ModuleType | None:
    """orjson when it is installed and writes the probe exactly as ``json.dumps`` does, else None."""
    try:
        import orjson
    except ImportError:
        return None
    probe = _probe()
    try:
        ok = all(
            _orjson_rows(orjson, p).decode("ascii") == _plain_rows(p)
            for p in (probe, probe[:, :1], probe[np.isfinite(probe).all(axis=1)], np.full((2, 3), -np.inf))
        )
    except Exception:  # an orjson that cannot write the probe is not used
        return None
    return orjson if ok else None
