"""A scenario's arrays file: its big matrices in a NumPy ``.npz`` beside the TOML, read as carefully as the TOML.

A scenario file may say ``[input] arrays = "layer.npz"``: the TOML keeps what a
person reads (title, tokens, heads, mask, RoPE, ...) and the arrays file holds
the matrices, one ``.npy`` member per field, named by the field (``X``,
``W_Q``, ``b_Q``, ...; see ``FIELDS``). ``mhsa-tutor from-model`` writes one
when a real layer's numbers do not fit the TOML's size limit.

Contract:

* ``resolve(ref, folder)``: the path is relative to the folder of the TOML
  file, ends in ``.npz``, and stays in that folder or below it: an absolute
  path or a ``..`` part is refused (a scenario and its arrays travel together);
  a symlink is followed (a loop is a clear error);
* ``Arrays(path, shown)`` opens the file once, without blocking, checks with
  ``fstat`` that it is a regular file of at most ``limits.MAX_CELLS`` float64
  numbers' bytes, and reads only the zip's directory and each member's
  ``.npy`` header: members must be ``<field>.npy`` (a known field, once each,
  stored or deflated), of a float dtype (float16/32/64: never an object array,
  so nothing is ever unpickled), with ``ndim`` as the field needs and a size
  in the zip directory that matches the header; the sum of the declared
  numbers is checked against ``limits.MAX_CELLS`` before any data is read;
* ``placeholders()`` gives arrays of the declared shapes that hold no memory
  (for the validator's shape checks and the run's budget, before the data);
  ``arrays()`` then reads the data, as read-only float64;
* every problem is a ``ScenarioError`` (or ``LimitError`` for the budget)
  naming the file and the field.

Nothing here prints or exits.
"""

from __future__ import annotations

import math
import os
import stat
import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePath
from types import TracebackType
from typing import BinaryIO

import numpy as np
import numpy.typing as npt

from mhsa_tutor.core.errors import ScenarioError, did_you_mean
from mhsa_tutor.core.limits import BYTES_PER_CELL, MAX_CELLS, check_cells
from mhsa_tutor.io.source_file import kind_of
from mhsa_tutor.io.validate_fields import type_name

Array = npt.NDArray[np.float64]

#: field -> (its table in the TOML, the number of axes its array has)
FIELDS: dict[str, tuple[str, int]] = {
    "X": ("input", 2),
    "memory": ("input", 2),
    "Q": ("input", 2),
    "K": ("input", 2),
    "V": ("input", 2),
    "P": ("input", 2),
    "B": ("input", 3),
    "W_Q": ("weights", 2),
    "W_K": ("weights", 2),
    "W_V": ("weights", 2),
    "W_O": ("weights", 2),
    "b_Q": ("weights", 1),
    "b_K": ("weights", 1),
    "b_V": ("weights", 1),
    "b_O": ("weights", 1),
}
_AXES = {
    1: "a 1-D array (one value per column of its W)",
    2: "a 2-D array (a matrix)",
    3: "a 3-D array (heads × tokens × key tokens)",
}
#: The largest arrays file: the run's whole budget of numbers, plus room for the zip's headers.
MAX_ARRAYS_BYTES = MAX_CELLS * BYTES_PER_CELL + 1_000_000
_CHUNK = 1 << 24
_EOCD_SEARCH = 22 + 65535  # the end-of-directory record and the longest zip comment
_MAX_DIRECTORY = 64 * 1024  # bytes of zip directory for at most len(FIELDS) members (names are short)


def resolve(ref: object, folder: Path | None, origin: str) -> Path:
    """The path of the arrays file named by ``input.arrays`` (see the module's contract).

    Raises:
        ScenarioError: not a string, not ``.npz``, absolute, with a ``..`` part, or no folder to resolve in.
    """
    fld = "input.arrays"
    if not isinstance(ref, str):
        raise ScenarioError(origin, f'is {type_name(ref)}, expected a file name such as "layer.npz"', fld)
    shown = repr(ref) if len(ref) <= 80 else repr(ref[:77] + "...")
    if not ref.endswith(".npz") or "\x00" in ref:
        raise ScenarioError(origin, f'is {shown}, expected the name of a NumPy .npz file such as "layer.npz"', fld)
    pure = PurePath(ref)
    if pure.is_absolute() or ref.startswith(("/", "\\")):
        raise ScenarioError(
            origin, f"is {shown}, an absolute path; expected a path relative to the scenario file's folder", fld
        )
    if ".." in pure.parts or ".." in ref.replace("\\", "/").split("/"):
        raise ScenarioError(
            origin, f"is {shown}, which leaves the scenario file's folder (..); expected a file in that folder", fld
        )
    if folder is None:
        raise ScenarioError(
            origin, "is given, but this scenario was not read from a file; expected a scenario file on disk", fld
        )
    return folder / pure


@dataclass(frozen=True)
class _Member:
    """One ``.npy`` member of the arrays file: its header, its data not read yet."""

    field: str
    info: zipfile.ZipInfo
    shape: tuple[int, ...]
    dtype: np.dtype[np.generic]
    fortran: bool
    offset: int  # bytes of the magic and header before the data

    @property
    def cells(self) -> int:
        return math.prod(self.shape)


class Arrays:
    """An open arrays file whose members' headers are read and checked; use as a context manager."""

    def __init__(self, path: Path, shown: str, named_by: str) -> None:
        """Open ``path`` (``shown`` in messages), the arrays file of the scenario file ``named_by``."""
        self.shown = shown
        self._file = _open_regular(path, shown, named_by)
        try:
            self._check_directory()
            try:
                self._zip = zipfile.ZipFile(self._file)
            except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
                raise self._fail(
                    None, "is not a NumPy .npz file (not a zip archive); expected np.savez output"
                ) from None
            self.members = self._headers()
        except BaseException:
            self._file.close()
            raise

    def __enter__(self) -> Arrays:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        """Close the file."""
        self._zip.close()
        self._file.close()

    def _fail(self, field: str | None, message: str) -> ScenarioError:
        return ScenarioError(self.shown, message, field)

    def _check_directory(self) -> None:
        """Refuse a zip directory of more members than there are fields before zipfile parses it
        (a directory of millions of entries would cost seconds and memory first)."""
        f = self._file
        size = f.seek(0, os.SEEK_END)
        f.seek(max(0, size - _EOCD_SEARCH))
        tail = f.read()
        f.seek(0)
        at = tail.rfind(b"PK\x05\x06")
        if at < 0 or len(tail) - at < 22:
            return  # not a zip: zipfile says so
        entries, cd_size = struct.unpack_from("<HL", tail, at + 10)
        if entries == 0xFFFF or cd_size == 0xFFFFFFFF:
            return  # a Zip64 directory: its own record gives the count; zipfile reads it, the member checks follow
        if entries > len(FIELDS) or cd_size > _MAX_DIRECTORY:
            raise self._fail(
                None, f"holds {entries:,} members; expected at most {len(FIELDS)} arrays, one per field (np.savez)"
            )

    # ---------------------------------------------------------------------------------------- headers

    def _headers(self) -> dict[str, _Member]:
        out: dict[str, _Member] = {}
        infos = self._zip.infolist()
        if not infos:
            raise self._fail(None, "holds no arrays; expected members such as X.npy, W_Q.npy (np.savez)")
        for info in infos:
            name = info.filename
            field = name[:-4] if name.endswith(".npy") else name
            if field not in FIELDS or not name.endswith(".npy"):
                hint = did_you_mean(PurePath(name).stem, tuple(FIELDS))
                raise self._fail(
                    repr(name), f"is not a known array; {hint}expected <field>.npy with a field of: {', '.join(FIELDS)}"
                )
            if field in out:
                raise self._fail(field, "is in the file twice; expected each array once")
            if info.flag_bits & 0x1:
                raise self._fail(field, "is encrypted; expected a plain np.savez member")
            if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                raise self._fail(
                    field, "is compressed with a method NumPy does not write; expected np.savez or np.savez_compressed"
                )
            out[field] = self._header(field, info)
        check_cells(sum(m.cells for m in out.values()), self.shown)  # before any data is read
        return out

    def _header(self, field: str, info: zipfile.ZipInfo) -> _Member:
        _, axes = FIELDS[field]
        try:
            with self._zip.open(info) as stream:
                version = np.lib.format.read_magic(stream)
                read = np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
                if version not in ((1, 0), (2, 0), (3, 0)):
                    raise ValueError(version)
                shape, fortran, dtype = read(stream)  # no pickles: a header is a literal dict
                offset = stream.tell()
        except (ValueError, OSError, EOFError, zipfile.BadZipFile, zlib.error, SyntaxError, TypeError):
            raise self._fail(
                field, "is not a NumPy .npy array (its header cannot be read); expected np.savez output"
            ) from None
        if dtype.hasobject or dtype.kind != "f" or dtype.itemsize > 8 or dtype.fields is not None:
            what = "Python objects (pickled)" if dtype.hasobject else f"numbers of type {dtype}"
            raise self._fail(field, f"holds {what}; expected floats (float64, float32 or float16)")
        if len(shape) != axes:
            raise self._fail(field, f"has {len(shape)} axes (shape {_shape(shape)}), expected {_AXES[axes]}")
        if 0 in shape:
            raise self._fail(field, f"is empty (shape {_shape(shape)}); expected at least one number")
        cells = math.prod(shape)
        if cells > MAX_CELLS:
            raise self._fail(
                field,
                f"declares shape {_shape(shape)}, {cells:,} numbers; the limit is {MAX_CELLS:,} numbers "
                "(what one run may hold)",
            )
        size = offset + cells * dtype.itemsize
        if info.file_size != size:
            raise self._fail(
                field,
                f"declares shape {_shape(shape)} of {dtype} but holds {info.file_size:,} bytes; expected "
                f"{size:,} (the file is damaged)",
            )
        return _Member(field, info, tuple(int(n) for n in shape), dtype, bool(fortran), offset)

    # ---------------------------------------------------------------------------------------- data

    def placeholders(self) -> dict[str, Array]:
        """Arrays of the declared shapes that hold no memory (all zero; every stride 0)."""
        return {f: np.broadcast_to(np.zeros((), np.float64), m.shape) for f, m in self.members.items()}

    def arrays(self) -> dict[str, Array]:
        """The data of every member, as read-only C-ordered float64 (the finite check is the validator's)."""
        return {f: self._data(m) for f, m in self.members.items()}

    def _data(self, m: _Member) -> Array:
        need = m.cells * m.dtype.itemsize
        buf = bytearray(need)
        view = memoryview(buf)
        got = 0
        try:
            with self._zip.open(m.info) as stream:
                stream.read(m.offset)
                while got < need:
                    chunk = stream.read(min(_CHUNK, need - got))
                    if not chunk:
                        break
                    view[got : got + len(chunk)] = chunk
                    got += len(chunk)
                stream.read(1)  # at the end: zipfile checks the CRC
        except (OSError, EOFError, zipfile.BadZipFile, zlib.error, ValueError) as exc:
            raise self._fail(m.field, f"cannot be read ({exc}); the file is damaged") from None
        if got != need:
            raise self._fail(m.field, f"holds {got:,} bytes of data, expected {need:,} (the file is truncated)")
        flat = np.frombuffer(buf, dtype=m.dtype)
        shaped = flat.reshape(m.shape, order="F" if m.fortran else "C")
        out: Array = np.ascontiguousarray(shaped.astype(np.float64, copy=False))
        out.flags.writeable = False
        return out


def _shape(shape: tuple[int, ...]) -> str:
    return "×".join(str(n) for n in shape) if shape else "()"


def _open_regular(path: Path, shown: str, named_by: str) -> BinaryIO:
    """The arrays file opened for reading: a regular file (checked on the open file) of at most MAX_ARRAYS_BYTES."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise ScenarioError(
            shown, f"does not exist; expected the arrays file that {named_by} names (input.arrays)"
        ) from None
    except IsADirectoryError:
        raise ScenarioError(shown, "is a folder, expected a NumPy .npz file") from None
    except (OSError, ValueError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise ScenarioError(shown, f"cannot be read ({reason}); expected a NumPy .npz file") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise ScenarioError(shown, f"is {kind_of(st.st_mode)}, expected a regular NumPy .npz file")
        if st.st_size > MAX_ARRAYS_BYTES:
            raise ScenarioError(
                shown,
                f"is {st.st_size:,} bytes; an arrays file holds at most {MAX_CELLS:,} float64 numbers "
                f"({MAX_ARRAYS_BYTES:,} bytes), the numbers one run may hold",
            )
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise
