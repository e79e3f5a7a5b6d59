"""The arrays file (``[input] arrays = "layer.npz"``): the same scenario as inline TOML, and hostile files refused.

Every bad arrays file is one ``error:`` line (exit 2) naming the file and the
field, in English and in Korean, and the declared shapes and the budget are
checked from the ``.npy`` headers before any data is read.
"""

from __future__ import annotations

import io
import os
import struct
import zipfile
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pytest

from mhsa_tutor.core.engine import run
from mhsa_tutor.core.errors import ScenarioError
from mhsa_tutor.io import sidecar
from mhsa_tutor.io.loader import load_scenario
from mhsa_tutor.io.toml_out import dumps
from mhsa_tutor.io.validate import parse_scenario
from tests.conftest import Invoke

RNG = np.random.default_rng(7)
T, D, H = 3, 4, 2
ARR = {
    "X": RNG.normal(size=(T, D)),
    "W_Q": RNG.normal(size=(D, D)),
    "W_K": RNG.normal(size=(D, D)),
    "W_V": RNG.normal(size=(D, D)),
    "W_O": RNG.normal(size=(D, D)),
    "b_Q": RNG.normal(size=D),
    "b_O": RNG.normal(size=D),
}
HEAD = {"title": "arrays", "tokens": ["a", "b", "c"], "heads": H, "mask": "causal"}


def _write(folder: Path, arrays: Mapping[str, object] | None = None, name: str = "layer.npz", **inline: object) -> Path:
    """layer.toml naming ``name`` (and ``inline`` extra [input]/[weights] entries), and the .npz itself."""
    if arrays is not None:
        np.savez(folder / name, **arrays)  # type: ignore[arg-type]
    doc: dict[str, object] = dict(HEAD)
    doc["input"] = {"arrays": name, **{k: v for k, v in inline.items() if not k.startswith(("W_", "b_"))}}
    weights = {k: v for k, v in inline.items() if k.startswith(("W_", "b_"))}
    if weights:
        doc["weights"] = weights
    path = folder / "layer.toml"
    path.write_text(dumps(doc), encoding="utf-8")
    return path


def _inline_doc() -> dict[str, object]:
    return {**HEAD, "input": {"X": ARR["X"].tolist()}, "weights": {k: v.tolist() for k, v in ARR.items() if k != "X"}}


def test_arrays_file_gives_the_same_trace_as_inline_toml(tmp_path: Path) -> None:
    via_file = run(load_scenario(_write(tmp_path, dict(ARR))))
    inline = run(parse_scenario(dumps(_inline_doc()), origin="inline.toml", name="inline"))
    assert [s.id for s in via_file.stages] == [s.id for s in inline.stages]
    for a, b in zip(via_file.stages, inline.stages, strict=True):
        for key, m in a.matrices.items():
            assert np.array_equal(m.values, b.matrices[key].values), (a.id, key)  # bit for bit


def test_arrays_file_may_hold_part_of_the_matrices_and_other_dtypes(tmp_path: Path) -> None:
    part = {k: v for k, v in ARR.items() if k in ("X", "W_Q")}
    part["W_Q"] = np.asfortranarray(part["W_Q"].astype(">f8"))  # big-endian, Fortran order: read the same
    rest = {k: v.tolist() for k, v in ARR.items() if k not in part}
    scn = load_scenario(_write(tmp_path, part, **rest))
    assert scn.X is not None and scn.W_Q is not None
    assert np.array_equal(scn.X, ARR["X"]) and np.array_equal(scn.W_Q, ARR["W_Q"])
    assert not scn.X.flags.writeable
    np.savez(tmp_path / "f32.npz", **{k: v.astype(np.float32) for k, v in ARR.items()})  # type: ignore[arg-type]
    scn32 = load_scenario(_write(tmp_path, None, name="f32.npz"))
    assert scn32.X is not None and np.array_equal(scn32.X, ARR["X"].astype(np.float32).astype(np.float64))


def _zip_bytes(members: dict[str, bytes], method: int = zipfile.ZIP_STORED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=method) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


def _npy(arr: np.ndarray) -> bytes:
    buf = io.BytesIO()
    np.lib.format.write_array(buf, arr, allow_pickle=True)
    return buf.getvalue()


def _lying_npy(shape: tuple[int, ...]) -> tuple[bytes, int]:
    """An .npy header declaring ``shape`` of float64 with no data, and the size it claims."""
    buf = io.BytesIO()
    np.lib.format.write_array_header_1_0(buf, {"descr": "<f8", "fortran_order": False, "shape": shape})
    header = buf.getvalue()  # the magic, the version and the header
    return header, len(header) + int(np.prod(shape)) * 8


def _bomb(members: dict[str, np.ndarray], lying: dict[str, tuple[int, ...]]) -> bytes:
    """A zip whose ``lying`` members declare big shapes, and sizes to match, in a few bytes."""
    raw = {k: _npy(v) for k, v in members.items()}
    sizes = {}
    for name, shape in lying.items():
        raw[name], sizes[name] = _lying_npy(shape)
    data = bytearray(_zip_bytes({f"{k}.npy": v for k, v in raw.items()}))
    for name, size in sizes.items():  # patch the uncompressed size in the local header and the directory
        fname = f"{name}.npy".encode()
        for sig, off in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
            start = 0
            while (i := data.find(sig, start)) >= 0:
                name_at = i + (30 if sig == b"PK\x03\x04" else 46)
                if data[name_at : name_at + len(fname)] == fname:
                    data[i + off : i + off + 4] = struct.pack("<I", size)
                start = i + 4
    return bytes(data)


def _bad_cases(tmp: Path) -> list[tuple[str, object, str]]:
    """(case, what to put at layer.npz or a callable making it, the expected words of the error)."""
    ok = dict(ARR)
    return [
        ("missing", None, "layer.npz: does not exist; expected the arrays file that"),
        ("not a zip", b"hello, not a zip", "layer.npz: is not a NumPy .npz file (not a zip archive)"),
        ("empty zip", _zip_bytes({}), "layer.npz: holds no arrays"),
        ("not npy", _zip_bytes({"X.npy": b"garbage"}), "layer.npz: X is not a NumPy .npy array"),
        ("pickle", {**ok, "X": np.array([[object()]], dtype=object)}, "X holds Python objects (pickled)"),
        ("ints", {**ok, "X": np.ones((T, D), dtype=np.int64)}, "X holds numbers of type int64; expected floats"),
        ("complex", {**ok, "X": np.ones((T, D), dtype=complex)}, "X holds numbers of type complex128"),
        ("unknown", {**ok, "W_q": ok["W_Q"]}, "'W_q.npy' is not a known array; did you mean W_Q?"),
        ("not .npy", _zip_bytes({"X.txt": b"1"}), "'X.txt' is not a known array; did you mean X?"),
        ("axes", {**ok, "b_Q": ok["b_Q"][None]}, "b_Q has 2 axes (shape 1×4), expected a 1-D array"),
        ("empty", {**ok, "X": np.zeros((0, D))}, "X is empty (shape 0×4)"),
        ("shape", {**ok, "W_K": ok["W_K"][:, :2]}, "weights.W_K (in layer.npz) is 4×2, expected 4×4"),
        ("bias width", {**ok, "b_Q": ok["b_Q"][:3]}, "weights.b_Q (in layer.npz) has 3 values, expected 4"),
        ("tokens", {**ok, "X": ok["X"][:2]}, "input.X (in layer.npz) is 2×4, expected 3 rows"),
        ("nan", {**ok, "X": np.where(np.eye(T, D) > 0, np.nan, ok["X"])}, "input.X[1][1] (in layer.npz) is nan"),
        ("inf", {**ok, "W_O": np.full((D, D), np.inf)}, "weights.W_O[1][1] (in layer.npz) is inf"),
        ("huge", {**ok, "W_V": np.full((D, D), 1e200)}, "weights.W_V[1][1] (in layer.npz) is 1e+200, too large"),
        ("many", _zip_bytes({f"m{i}.npy": b"" for i in range(40)}), "layer.npz: holds 40 members; expected at most"),
        ("bz2", _zip_bytes({"X.npy": _npy(ok["X"])}, zipfile.ZIP_BZIP2), "X is compressed with a method NumPy"),
        ("bomb", _bomb({}, {"X": (20_000, 10_000)}), "X declares shape 20000×10000, 200,000,000 numbers; the limit"),
        (
            "bomb within the budget",
            _bomb({k: v for k, v in ok.items() if k != "X"}, {"X": (3, 10_000_000)}),
            "weights.W_Q (in layer.npz) is 4×4, expected 10000000 rows",
        ),
        (
            "damaged",
            _zip_bytes({"X.npy": _npy(ok["X"])[:-8], **{f"{k}.npy": _npy(v) for k, v in ok.items() if k != "X"}}),
            "X declares shape 3×4 of float64 but holds",
        ),
        ("folder", "mkdir", "layer.npz: is a folder, expected a regular NumPy .npz file"),
        ("fifo", "mkfifo", "layer.npz: is a FIFO (named pipe), expected a regular NumPy .npz file"),
        ("loop", "loop", "layer.npz: cannot be read (Too many levels of symbolic links)"),
    ]


@pytest.mark.parametrize("case", [c[0] for c in _bad_cases(Path("."))])
def test_a_bad_arrays_file_is_one_error_line(tmp_path: Path, invoke: Invoke, case: str) -> None:
    what, expect = next((w, e) for c, w, e in _bad_cases(tmp_path) if c == case)
    target = tmp_path / "layer.npz"
    if isinstance(what, dict):
        np.savez(target, allow_pickle=True, **what)
    elif isinstance(what, bytes):
        target.write_bytes(what)
    elif what == "mkdir":
        target.mkdir()
    elif what == "mkfifo":
        os.mkfifo(target)
    elif what == "loop":
        os.symlink(tmp_path / "other.npz", target)
        os.symlink(target, tmp_path / "other.npz")
    toml = _write(tmp_path)
    for lang in ("en", "ko"):
        res = invoke(["run", str(toml)], env={"MHSA_TUTOR_LANG": lang})
        assert res.exit_code == 2, (case, res.output)
        lines = res.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error:"), (case, res.stderr)
        if lang == "en":
            assert expect in lines[0], (case, lines[0])
            assert "layer.toml" in lines[0] or "layer.npz" in lines[0]
        else:
            assert "layer.npz" in lines[0] or "layer.toml" in lines[0]
            assert any("\uac00" <= ch <= "\ud7a3" for ch in lines[0]), (case, lines[0])  # Korean words
            if not expect.startswith(("input.", "weights.")):  # the arrays file's own messages: all in Korean
                assert "expected" not in lines[0] and "필요한 것" not in lines[0], (case, lines[0])
            assert "Traceback" not in res.stderr


def test_declared_shapes_and_the_budget_are_checked_before_any_data_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    read: list[str] = []
    original = sidecar.Arrays._data

    def spy(self: sidecar.Arrays, m: object) -> object:
        read.append(getattr(m, "field", "?"))
        return original(self, m)  # type: ignore[arg-type]

    monkeypatch.setattr(sidecar.Arrays, "_data", spy)
    np.savez(tmp_path / "layer.npz", **{**ARR, "W_K": ARR["W_K"][:, :2]})  # type: ignore[arg-type]
    with pytest.raises(ScenarioError, match="W_K"):
        load_scenario(_write(tmp_path))
    assert read == []
    # a run over the budget of numbers, found from the shapes alone (a long text on a wide model)
    tokens = [f"t{i}" for i in range(4096)]
    d = 6000
    bomb = _bomb({}, {"X": (4096, d), "W_Q": (d, d), "W_K": (d, d), "W_V": (d, d)})
    (tmp_path / "big.npz").write_bytes(bomb)
    doc = {"title": "big", "tokens": tokens, "heads": 1, "input": {"arrays": "big.npz"}}
    (tmp_path / "big.toml").write_text(dumps(doc), encoding="utf-8")
    from mhsa_tutor.core.errors import LimitError

    with pytest.raises(LimitError, match="the limit is 140,000,000 numbers"):
        load_scenario(tmp_path / "big.toml")
    assert read == []
    from typer.testing import CliRunner

    from mhsa_tutor.cli.app import app

    ko = CliRunner().invoke(app, ["run", str(tmp_path / "big.toml")], env={"MHSA_TUTOR_LANG": "ko"})
    assert ko.exit_code == 2 and ko.stderr.count("\n") == 1 and "메모리에 수가 약" in ko.stderr, ko.stderr
    assert read == []


@pytest.mark.parametrize(
    ("ref", "expect"),
    [
        ("/tmp/layer.npz", "an absolute path; expected a path relative to the scenario file's folder"),
        ("../layer.npz", "which leaves the scenario file's folder (..)"),
        ("sub/../../layer.npz", "which leaves the scenario file's folder (..)"),
        ("layer.npy", "expected the name of a NumPy .npz file"),
        (5, "is an integer, expected a file name"),
    ],
)
def test_the_arrays_path_stays_in_the_scenarios_folder(
    tmp_path: Path, invoke: Invoke, ref: object, expect: str
) -> None:
    doc = {**HEAD, "input": {"arrays": ref}}
    (tmp_path / "layer.toml").write_text(dumps(doc), encoding="utf-8")
    res = invoke(["run", str(tmp_path / "layer.toml")])
    assert res.exit_code == 2
    assert res.stderr.count("\n") == 1 and "input.arrays" in res.stderr and expect in res.stderr, res.stderr


def test_a_subfolder_and_a_symlink_are_followed(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    np.savez(tmp_path / "data" / "real.npz", **ARR)  # type: ignore[arg-type]
    os.symlink(tmp_path / "data" / "real.npz", tmp_path / "link.npz")
    assert load_scenario(_write(tmp_path, None, name="data/real.npz")).X is not None
    assert load_scenario(_write(tmp_path, None, name="link.npz")).X is not None


def test_a_field_both_inline_and_in_the_arrays_file_is_refused(tmp_path: Path, invoke: Invoke) -> None:
    toml = _write(tmp_path, dict(ARR), W_O=ARR["W_O"].tolist())
    res = invoke(["run", str(toml)])
    assert res.exit_code == 2
    assert "weights.W_O is given both in the scenario file and in" in res.stderr and "layer.npz" in res.stderr


def test_arrays_without_a_file_and_a_misspelt_key(tmp_path: Path) -> None:
    doc = {**HEAD, "input": {"arrays": "layer.npz"}}
    with pytest.raises(ScenarioError, match="not read from a file"):
        parse_scenario(dumps(doc), origin="mem.toml", name="mem")
    doc = {**HEAD, "input": {"array": "layer.npz"}}
    with pytest.raises(ScenarioError, match="did you mean arrays"):
        parse_scenario(dumps(doc), origin="mem.toml", name="mem")
