"""Scenario files: TOML in, a frozen and fully validated ``Scenario`` out.

Every check that can fail on user input lives here, so that the engine can
trust what it is given. Each failure raises ``ScenarioError`` whose text names
the file, the field and what was expected, e.g.::

    mine.toml: weights.W_Q is 4×3, expected 4×4 (d_model × heads·d_k)

Format (a contract, see README "Scenario format")::

    title = "..."                 # required
    description = "..."           # optional
    source = "..."                # optional provenance
    tokens = ["a", "b"]           # required, >= 1 non-empty strings
    memory_tokens = ["x", "y"]    # cross-attention only
    heads = 1                     # required, int >= 1
    mask = "none" | "causal"      # default "none"
    scale = "sqrt_dk" | "none" | "sqrt_seq_len"   # default "sqrt_dk"
    [input]    X (+ memory)  or  Q, K, V
    [weights]  W_Q, W_K, W_V, optional W_O       (only with X)
    [rounding] STAGE_ID = decimals
    [expected.NAME] stage, head, matrix, row, col, value, decimals, note

Arrays are float64 and read-only, so a Scenario can never change under the
engine or a renderer.
"""

from __future__ import annotations

import difflib
import math
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from mhsa_tutor.errors import ScenarioError
from mhsa_tutor.limits import MAX_HEADS, MAX_TOKENS
from mhsa_tutor.source_file import read_scenario_bytes

Array = npt.NDArray[np.float64]
Mask = Literal["none", "causal"]
Scale = Literal["sqrt_dk", "none", "sqrt_seq_len"]

MASKS: tuple[Mask, ...] = ("none", "causal")
SCALES: tuple[Scale, ...] = ("sqrt_dk", "none", "sqrt_seq_len")

#: Every stage id in trace order, and which are per head (a contract).
STAGE_IDS: tuple[str, ...] = (
    "input",
    "params",
    "projections",
    "split",
    "scores",
    "scaled",
    "masked",
    "softmax",
    "head_output",
    "concat",
    "output",
)
PER_HEAD_STAGES: frozenset[str] = frozenset({"split", "scores", "scaled", "masked", "softmax", "head_output"})
#: Stages whose result may be rounded by hand before the next stage uses it.
ROUNDABLE_STAGES: tuple[str, ...] = (
    "projections",
    "scores",
    "scaled",
    "softmax",
    "head_output",
    "concat",
    "output",
)
MAX_DECIMALS = 12
MAX_WEIGHTS = 1 << 24  # heads × tokens × keys attention weights (GPT-2's 12 × 1024² fits)

_TOP_KEYS = (
    "title",
    "description",
    "source",
    "tokens",
    "memory_tokens",
    "heads",
    "mask",
    "scale",
    "input",
    "weights",
    "rounding",
    "expected",
)
_INPUT_KEYS = ("X", "memory", "Q", "K", "V")
_WEIGHT_KEYS = ("W_Q", "W_K", "W_V", "W_O")
_CHECK_KEYS = ("stage", "head", "matrix", "row", "col", "value", "decimals", "note")
_NAME_RE = re.compile(r"^[a-z0-9_]{1,64}$")


@dataclass(frozen=True, eq=False)
class Checkpoint:
    """A value printed in the source, to be reproduced to ``decimals`` places.

    ``row`` / ``col`` are 0-based; ``None`` means the whole axis, so ``value``
    is a matrix (both None), a row (col None) or a single cell.
    """

    name: str
    stage: str
    head: int | None
    matrix: str
    row: int | None
    col: int | None
    value: Array
    decimals: int
    note: str = ""

    def where(self, tokens: tuple[str, ...], key_tokens: tuple[str, ...]) -> str:
        """Human label of the checked place, e.g. ``A[Machines, :]`` (head 1)."""
        r = tokens[self.row] if self.row is not None else ":"
        c = (key_tokens[self.col] if self.matrix in ("S", "A") else str(self.col + 1)) if self.col is not None else ":"
        label = self.matrix if self.row is None and self.col is None else f"{self.matrix}[{r}, {c}]"
        return f"{label} (head {self.head})" if self.head is not None else label


@dataclass(frozen=True, eq=False)
class Scenario:
    """A validated scenario. Shapes always fit; arrays are read-only float64.

    Either ``X`` with ``W_Q``/``W_K``/``W_V`` (and optionally ``W_O``), or
    ``Q``/``K``/``V`` given directly. ``memory`` (with ``memory_tokens``)
    makes it cross-attention: K and V come from the memory rows.
    """

    name: str
    origin: str
    title: str
    tokens: tuple[str, ...]
    heads: int
    description: str = ""
    source: str = ""
    memory_tokens: tuple[str, ...] | None = None
    mask: Mask = "none"
    scale: Scale = "sqrt_dk"
    X: Array | None = None
    memory: Array | None = None
    Q: Array | None = None
    K: Array | None = None
    V: Array | None = None
    W_Q: Array | None = None
    W_K: Array | None = None
    W_V: Array | None = None
    W_O: Array | None = None
    rounding: Mapping[str, int] = field(default_factory=dict)
    expected: tuple[Checkpoint, ...] = ()

    @property
    def given_qkv(self) -> bool:
        """True when the source gives Q, K, V directly (no X, no weights)."""
        return self.X is None

    @property
    def key_tokens(self) -> tuple[str, ...]:
        """Labels of the keys/values: the memory tokens, or the tokens themselves."""
        return self.memory_tokens if self.memory_tokens is not None else self.tokens

    @property
    def d_model(self) -> int:
        """Width of an input row (of Q when Q/K/V are given directly)."""
        src = self.X if self.X is not None else self.Q
        assert src is not None
        return int(src.shape[1])

    @property
    def d_k(self) -> int:
        """Key (and query) width of one head."""
        width = self.W_Q.shape[1] if self.W_Q is not None else self.Q.shape[1]  # type: ignore[union-attr]
        return int(width) // self.heads

    @property
    def d_v(self) -> int:
        """Value width of one head."""
        width = self.W_V.shape[1] if self.W_V is not None else self.V.shape[1]  # type: ignore[union-attr]
        return int(width) // self.heads


# --------------------------------------------------------------------------- loading


def builtin_dir() -> Path:
    """Folder of the built-in scenarios: in the wheel, or ``scenarios/`` of a checkout."""
    packaged = resources.files("mhsa_tutor") / "scenarios"
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parent.parent / "scenarios"


def builtin_names() -> tuple[str, ...]:
    """Names of the built-in scenarios, sorted."""
    folder = builtin_dir()
    if not folder.is_dir():
        return ()
    return tuple(sorted(p.stem for p in folder.glob("*.toml") if _NAME_RE.match(p.stem)))


def resolve(ref: str) -> Path:
    """Turn a built-in name or a path into the path of a scenario file.

    A bare name (no slash, no ``.toml``) resolves only inside the built-in
    set, so no name can escape to another folder. Anything else is a path.

    Raises:
        ScenarioError: unknown name (with the closest built-in), missing path,
            or a folder.
    """
    names = builtin_names()
    looks_like_path = "/" in ref or "\\" in ref or ref.endswith(".toml") or ref in (".", "..")
    if not looks_like_path:
        if ref in names:
            return builtin_dir() / f"{ref}.toml"
        if not ref or _kind(ref) == "missing":
            close = difflib.get_close_matches(ref.lower(), names, n=1, cutoff=0.5)
            hint = f"did you mean {close[0]}? " if close else ""
            raise ScenarioError(
                repr(ref),
                f"is not a built-in scenario or a file; {hint}(`mhsa-tutor list` shows the built-ins)",
            )
    kind = _kind(ref)
    if kind == "folder":
        raise ScenarioError(ref, "is a folder, expected a scenario file (.toml)")
    if kind == "missing":
        raise ScenarioError(ref, "does not exist")
    return Path(ref)


def _kind(ref: str) -> Literal["folder", "file", "missing"]:
    """What a path names; an OS refusal (name too long, ...) is a ScenarioError."""
    try:
        path = Path(ref)
        if path.is_dir():
            return "folder"
        return "file" if path.exists() else "missing"
    except (OSError, ValueError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        shown = repr(ref) if len(ref) <= 80 else repr(ref[:77] + "...")
        raise ScenarioError(shown, f"cannot be used as a path ({reason})") from None


def load_scenario(ref: str | Path) -> Scenario:
    """Load and validate a scenario from a built-in name or a file path.

    Args:
        ref: a built-in name such as ``"acting_machines"`` or a path to a TOML file.

    Returns:
        The validated, frozen Scenario.

    Raises:
        ScenarioError: anything wrong with the file, with one clear message.
    """
    path = resolve(str(ref)) if not isinstance(ref, Path) else ref
    origin = path.name if path.parent == builtin_dir() else str(ref)
    raw = read_scenario_bytes(path, origin)  # regular files only, at most limits.MAX_SCENARIO_BYTES
    return parse_scenario(raw, origin=origin, name=path.stem)


def parse_scenario(raw: bytes | str, *, origin: str, name: str) -> Scenario:
    """Validate the bytes (or text) of a scenario file; see ``load_scenario``."""
    if isinstance(raw, bytes):
        if b"\x00" in raw:
            raise ScenarioError(origin, "is a binary file, expected a TOML scenario")
        try:
            text = raw.decode("utf-8-sig")  # a byte-order mark (Windows editors) is not an error
        except UnicodeDecodeError:
            raise ScenarioError(origin, "is not UTF-8 text, expected a TOML scenario") from None
    else:
        text = raw
    if not text.strip():
        raise ScenarioError(origin, "is empty, expected a TOML scenario (title, tokens, heads, [input])")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(origin, f"is not valid TOML: {exc}") from None
    except ValueError:  # tomllib lets int() refuse a number of more than 4300 digits
        raise ScenarioError(origin, "is not usable TOML: a number has too many digits") from None
    except RecursionError:
        raise ScenarioError(origin, "is not usable TOML: arrays or tables are nested too deeply") from None
    return _Validator(origin, name).scenario(data)


# --------------------------------------------------------------------------- validation


def _shape(a: Array) -> str:
    return f"{a.shape[0]}×{a.shape[1]}"


def _type_name(value: object) -> str:
    return {
        bool: "a boolean",
        int: "an integer",
        float: "a number",
        str: "a string",
        list: "a list",
        dict: "a table",
    }.get(type(value), type(value).__name__)


class _Validator:
    """Checks one parsed TOML document; raises ScenarioError on the first problem."""

    def __init__(self, origin: str, name: str) -> None:
        self.origin = origin
        self.name = name

    def fail(self, fld: str | None, message: str) -> ScenarioError:
        return ScenarioError(self.origin, message, fld)

    def known_keys(self, table: Mapping[str, Any], allowed: tuple[str, ...], prefix: str) -> None:
        for key in table:
            if key not in allowed:
                close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
                hint = f"did you mean {close[0]}? " if close else ""
                where = f"{prefix}{key}" if prefix else key
                raise self.fail(where, f"is not a known key; {hint}expected one of: {', '.join(allowed)}")

    def string(self, data: Mapping[str, Any], key: str, *, required: bool, prefix: str = "") -> str:
        if key not in data:
            if required:
                raise self.fail(f"{prefix}{key}", "is missing (a string is required)")
            return ""
        value = data[key]
        if not isinstance(value, str):
            raise self.fail(f"{prefix}{key}", f"is {_type_name(value)}, expected a string")
        return value

    def choice(self, data: Mapping[str, Any], key: str, options: tuple[str, ...]) -> str:
        value = data.get(key, options[0])
        if not isinstance(value, str) or value not in options:
            shown = repr(value) if isinstance(value, str) else _type_name(value)
            raise self.fail(key, f"is {shown}, expected one of: {', '.join(repr(o) for o in options)}")
        return value

    def tokens(self, data: Mapping[str, Any], key: str) -> tuple[str, ...]:
        value = data[key]
        if not isinstance(value, list):
            raise self.fail(key, f"is {_type_name(value)}, expected a list of strings")
        if not value:
            raise self.fail(key, "is empty, expected at least one token")
        if len(value) > MAX_TOKENS:
            raise self.fail(key, f"has {len(value):,} tokens; the limit is {MAX_TOKENS:,}")
        for i, tok in enumerate(value):
            if not isinstance(tok, str):
                raise self.fail(f"{key}[{i + 1}]", f"is {_type_name(tok)}, expected a string")
            if not tok:
                raise self.fail(f"{key}[{i + 1}]", "is an empty string, expected a token")
            if not tok.strip():
                raise self.fail(
                    f"{key}[{i + 1}]", f"is whitespace only ({len(tok)} characters); expected a visible token"
                )
            if "\n" in tok or "\r" in tok:
                raise self.fail(f"{key}[{i + 1}]", "contains a line break, expected a token on one line")
        return tuple(value)

    def integer(self, value: object, fld: str, *, low: int, high: int | None = None) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(fld, f"is {_type_name(value)}, expected an integer")
        if value < low or (high is not None and value > high):
            bound = f"from {low} to {high}" if high is not None else f">= {low}"
            raise self.fail(fld, f"is {value}, expected an integer {bound}")
        return value

    def table(self, data: Mapping[str, Any], key: str) -> Mapping[str, Any]:
        value = data.get(key, {})
        if not isinstance(value, dict):
            raise self.fail(key, f"is {_type_name(value)}, expected a table [{key}]")
        return value

    def matrix(self, value: object, fld: str) -> Array:
        """A non-empty rectangular list of lists of finite numbers, as read-only float64."""
        if not isinstance(value, list) or not value:
            what = "an empty list" if isinstance(value, list) else _type_name(value)
            raise self.fail(fld, f"is {what}, expected a matrix (a list of rows of numbers)")
        width: int | None = None
        for i, row in enumerate(value):
            if not isinstance(row, list):
                raise self.fail(f"{fld}", f"row {i + 1} is {_type_name(row)}, expected a list of numbers")
            if width is None:
                width = len(row)
                if width == 0:
                    raise self.fail(fld, "row 1 is empty, expected at least one number")
            elif len(row) != width:
                raise self.fail(fld, f"is ragged: row {i + 1} has {len(row)} values, row 1 has {width}")
            for j, x in enumerate(row):
                self.number(x, f"{fld}[{i + 1}][{j + 1}]")
        arr = np.array(value, dtype=np.float64)
        arr.flags.writeable = False
        return arr

    def number(self, x: object, fld: str, what: str = "") -> float:
        """A finite int or float small enough that products of two stay finite in float64."""
        if isinstance(x, bool) or not isinstance(x, (int, float)):
            raise self.fail(fld, f"is {_type_name(x)}, expected a number{what}")
        if isinstance(x, float) and not math.isfinite(x):
            raise self.fail(fld, f"is {x}, expected a finite number")
        if abs(x) > 1e150:
            shown = f"{x:g}" if isinstance(x, float) or abs(x) < 1e300 else f"an integer of {len(str(abs(x)))} digits"
            raise self.fail(fld, f"is {shown}, too large: products would overflow float64 (expected |x| <= 1e150)")
        return float(x)

    def expect_shape(self, arr: Array, fld: str, rows: int, cols: int | None, why: str) -> None:
        if arr.shape[0] != rows or (cols is not None and arr.shape[1] != cols):
            want = f"{rows}×{cols}" if cols is not None else f"{rows} rows"
            raise self.fail(fld, f"is {_shape(arr)}, expected {want} ({why})")

    # ---------------------------------------------------------------- the document

    def scenario(self, data: Mapping[str, Any]) -> Scenario:
        self.known_keys(data, _TOP_KEYS, "")
        for key in ("title", "tokens", "heads", "input"):
            if key not in data:
                raise self.fail(
                    key, "is missing" + ("" if key != "input" else " (a table [input] with X, or Q, K and V)")
                )
        title = self.string(data, "title", required=True)
        tokens = self.tokens(data, "tokens")
        heads = self.integer(data["heads"], "heads", low=1)
        if heads > MAX_HEADS:
            raise self.fail("heads", f"is {heads:,}; the limit is {MAX_HEADS} heads")
        mask = self.choice(data, "mask", MASKS)
        scale = self.choice(data, "scale", SCALES)
        memory_tokens = self.tokens(data, "memory_tokens") if "memory_tokens" in data else None

        inp = self.table(data, "input")
        self.known_keys(inp, _INPUT_KEYS, "input.")
        weights = self.table(data, "weights")
        self.known_keys(weights, _WEIGHT_KEYS, "weights.")
        mats = {k: self.matrix(v, f"input.{k}") for k, v in inp.items()}
        wts = {k: self.matrix(v, f"weights.{k}") for k, v in weights.items()}

        T = len(tokens)
        fields: dict[str, Any] = {}
        if "X" in mats:
            fields.update(self.from_x(mats, wts, T, heads, memory_tokens))
        elif any(k in mats for k in ("Q", "K", "V")):
            fields.update(self.from_qkv(mats, wts, T, heads, memory_tokens))
        else:
            raise self.fail(
                "input", "has neither X nor Q, K, V; expected input.X (with [weights]) or input.Q, input.K, input.V"
            )

        if mask == "causal" and memory_tokens is not None:
            raise self.fail("mask", "is 'causal', expected 'none' for cross-attention (memory_tokens is set)")
        n_keys = len(memory_tokens) if memory_tokens is not None else T
        if heads * T * n_keys > MAX_WEIGHTS:
            raise self.fail(
                "tokens",
                f"has {T} tokens, which with {heads} heads makes {heads * T * n_keys:,} attention weights "
                f"(heads × tokens × keys); expected at most {MAX_WEIGHTS:,}",
            )

        scn = Scenario(
            name=self.name,
            origin=self.origin,
            title=title,
            description=self.string(data, "description", required=False),
            source=self.string(data, "source", required=False),
            tokens=tokens,
            memory_tokens=memory_tokens,
            heads=heads,
            mask=mask,  # type: ignore[arg-type]
            scale=scale,  # type: ignore[arg-type]
            rounding=self.rounding(self.table(data, "rounding")),
            **fields,
        )
        present = stage_matrices(scn)
        for key in scn.rounding:
            if key not in present:
                have = ", ".join(k for k in ROUNDABLE_STAGES if k in present)
                raise self.fail(
                    f"rounding.{key}", f"names a stage this scenario does not have; expected one of: {have}"
                )
        expected = self.table(data, "expected")
        checks = tuple(self.checkpoint(scn, key, value) for key, value in expected.items())
        return Scenario(**{**scn.__dict__, "expected": checks})

    def from_x(
        self,
        mats: dict[str, Array],
        wts: dict[str, Array],
        T: int,
        heads: int,
        memory_tokens: tuple[str, ...] | None,
    ) -> dict[str, Array | None]:
        for k in ("Q", "K", "V"):
            if k in mats:
                raise self.fail(
                    f"input.{k}", "is given together with input.X; expected either X (with [weights]) or Q, K, V"
                )
        X = mats["X"]
        self.expect_shape(X, "input.X", T, None, "one row per token")
        memory = mats.get("memory")
        if memory is not None and memory_tokens is None:
            raise self.fail(
                "input.memory",
                "is given but memory_tokens is missing; expected memory_tokens = [...] for cross-attention",
            )
        if memory is None and memory_tokens is not None:
            raise self.fail(
                "input.memory", "is missing; memory_tokens is set, so cross-attention needs the encoder states"
            )
        if memory is not None and memory_tokens is not None:
            self.expect_shape(memory, "input.memory", len(memory_tokens), None, "one row per memory token")
        for k in ("W_Q", "W_K", "W_V"):
            if k not in wts:
                raise self.fail(f"weights.{k}", "is missing (input.X needs W_Q, W_K and W_V)")
        d_model = X.shape[1]
        d_src = memory.shape[1] if memory is not None else d_model
        W_Q, W_K, W_V = wts["W_Q"], wts["W_K"], wts["W_V"]
        self.expect_shape(W_Q, "weights.W_Q", d_model, None, "d_model rows, the width of X")
        hk = W_Q.shape[1]
        if hk % heads:
            raise self.fail(
                "weights.W_Q",
                f"has {hk} columns, which {heads} heads cannot split; expected a multiple of heads ({heads})",
            )
        src = "memory" if memory is not None else "X"
        self.expect_shape(W_K, "weights.W_K", d_src, hk, f"rows: the width of {src}; columns: heads·d_k, as W_Q")
        self.expect_shape(W_V, "weights.W_V", d_src, None, f"rows: the width of {src}")
        if W_V.shape[1] % heads:
            raise self.fail(
                "weights.W_V",
                f"has {W_V.shape[1]} columns, which {heads} heads cannot split; expected a multiple of heads ({heads})",
            )
        W_O = wts.get("W_O")
        if W_O is not None:
            self.expect_shape(
                W_O, "weights.W_O", W_V.shape[1], None, "rows: heads·d_v, the width of the concatenated heads"
            )
        return {"X": X, "memory": memory, "W_Q": W_Q, "W_K": W_K, "W_V": W_V, "W_O": W_O}

    def from_qkv(
        self,
        mats: dict[str, Array],
        wts: dict[str, Array],
        T: int,
        heads: int,
        memory_tokens: tuple[str, ...] | None,
    ) -> dict[str, Array | None]:
        if wts:
            first = next(iter(wts))
            raise self.fail(
                f"weights.{first}", "is given with input.Q/K/V; expected no [weights] when Q, K, V are given directly"
            )
        if "memory" in mats:
            raise self.fail("input.memory", "is given with input.Q/K/V; expected memory only with input.X")
        for k in ("Q", "K", "V"):
            if k not in mats:
                raise self.fail(f"input.{k}", "is missing (Q, K and V go together)")
        Q, K, V = mats["Q"], mats["K"], mats["V"]
        Tk = len(memory_tokens) if memory_tokens is not None else T
        keys = "memory token" if memory_tokens is not None else "token"
        self.expect_shape(Q, "input.Q", T, None, "one row per token")
        if Q.shape[1] % heads:
            raise self.fail(
                "input.Q",
                f"has {Q.shape[1]} columns, which {heads} heads cannot split; expected a multiple of heads ({heads})",
            )
        self.expect_shape(K, "input.K", Tk, Q.shape[1], f"one row per {keys}, as wide as Q")
        self.expect_shape(V, "input.V", Tk, None, f"one row per {keys}")
        if V.shape[1] % heads:
            raise self.fail(
                "input.V",
                f"has {V.shape[1]} columns, which {heads} heads cannot split; expected a multiple of heads ({heads})",
            )
        return {"Q": Q, "K": K, "V": V}

    def rounding(self, table: Mapping[str, Any]) -> dict[str, int]:
        out: dict[str, int] = {}
        for key, value in table.items():
            if key not in ROUNDABLE_STAGES:
                close = difflib.get_close_matches(key, ROUNDABLE_STAGES, n=1, cutoff=0.6)
                hint = f"did you mean {close[0]}? " if close else ""
                raise self.fail(
                    f"rounding.{key}",
                    f"is not a stage that can be rounded; {hint}expected one of: {', '.join(ROUNDABLE_STAGES)}",
                )
            out[key] = self.integer(value, f"rounding.{key}", low=0, high=MAX_DECIMALS)
        return out

    def checkpoint(self, scn: Scenario, key: str, value: object) -> Checkpoint:
        fld = f"expected.{key}"
        if not isinstance(value, dict):
            raise self.fail(
                fld, f"is {_type_name(value)}, expected a table [expected.{key}] with stage, matrix, value, decimals"
            )
        self.known_keys(value, _CHECK_KEYS, f"{fld}.")
        for req in ("stage", "matrix", "value", "decimals"):
            if req not in value:
                raise self.fail(f"{fld}.{req}", "is missing")
        stage = self.string(value, "stage", required=True, prefix=f"{fld}.")
        matrices = stage_matrices(scn)
        if stage not in matrices:
            present = ", ".join(matrices)
            raise self.fail(f"{fld}.stage", f"is {stage!r}, expected a stage of this scenario: {present}")
        matrix = self.string(value, "matrix", required=True, prefix=f"{fld}.")
        if matrix not in matrices[stage]:
            raise self.fail(
                f"{fld}.matrix", f"is {matrix!r}, expected one of {stage}'s matrices: {', '.join(matrices[stage])}"
            )
        head: int | None = None
        if stage in PER_HEAD_STAGES:
            if "head" not in value:
                raise self.fail(f"{fld}.head", f"is missing ({stage} is computed per head: 1 to {scn.heads})")
            head = self.integer(value["head"], f"{fld}.head", low=1, high=scn.heads)
        elif "head" in value:
            raise self.fail(f"{fld}.head", f"is given, but {stage} is not a per-head stage")
        rows_kind, cols_kind = MATRIX_AXES[(stage, matrix)]
        shape = matrix_shape(scn, stage, matrix)
        row = self.index(value.get("row"), f"{fld}.row", rows_kind, shape[0], scn)
        col = self.index(value.get("col"), f"{fld}.col", cols_kind, shape[1], scn)
        decimals = self.integer(value["decimals"], f"{fld}.decimals", low=0, high=MAX_DECIMALS)
        want = self.checkpoint_value(value["value"], f"{fld}.value", shape, row, col)
        note = self.string(value, "note", required=False, prefix=f"{fld}.")
        return Checkpoint(key, stage, head, matrix, row, col, want, decimals, note)

    def index(self, value: object, fld: str, kind: str, size: int, scn: Scenario) -> int | None:
        if value is None:
            return None
        labels = {"tokens": scn.tokens, "keys": scn.key_tokens}.get(kind)
        if isinstance(value, str):
            if labels is None:
                raise self.fail(
                    fld, f"is {value!r}, but this axis has no token names; expected a number from 1 to {size}"
                )
            hits = [i for i, t in enumerate(labels) if t == value]
            if not hits:
                raise self.fail(fld, f"is {value!r}, expected a token: {', '.join(labels)}")
            if len(hits) > 1:
                raise self.fail(fld, f"is {value!r}, which names several tokens; expected a 1-based position")
            return hits[0]
        return self.integer(value, fld, low=1, high=size) - 1

    def checkpoint_value(
        self, value: object, fld: str, shape: tuple[int, int], row: int | None, col: int | None
    ) -> Array:
        if row is not None and col is not None:
            cell: Array = np.array(self.number(value, fld, " (one cell: row and col are given)"))
            return cell
        if row is not None or col is not None:
            n = shape[1] if row is not None else shape[0]
            vec: Array = self.matrix([value], fld)[0]
            if vec.shape[0] != n:
                raise self.fail(fld, f"has {vec.shape[0]} values, expected {n}")
            return vec
        arr = self.matrix(value, fld)
        self.expect_shape(arr, fld, shape[0], shape[1], "the whole matrix")
        return arr


# ------------------------------------------------------------------ shapes per stage

#: Axis kinds of each (stage, matrix): "tokens" (queries), "keys" (key/value
#: tokens: memory tokens in cross-attention) or "dims" (numbered features).
MATRIX_AXES: dict[tuple[str, str], tuple[str, str]] = {
    ("input", "X"): ("tokens", "dims"),
    ("input", "memory"): ("keys", "dims"),
    ("input", "Q"): ("tokens", "dims"),
    ("input", "K"): ("keys", "dims"),
    ("input", "V"): ("keys", "dims"),
    ("params", "W_Q"): ("dims", "dims"),
    ("params", "W_K"): ("dims", "dims"),
    ("params", "W_V"): ("dims", "dims"),
    ("params", "W_O"): ("dims", "dims"),
    ("projections", "Q"): ("tokens", "dims"),
    ("projections", "K"): ("keys", "dims"),
    ("projections", "V"): ("keys", "dims"),
    ("split", "Q"): ("tokens", "dims"),
    ("split", "K"): ("keys", "dims"),
    ("split", "V"): ("keys", "dims"),
    ("scores", "S"): ("tokens", "keys"),
    ("scaled", "S"): ("tokens", "keys"),
    ("masked", "S"): ("tokens", "keys"),
    ("softmax", "A"): ("tokens", "keys"),
    ("head_output", "Z"): ("tokens", "dims"),
    ("concat", "Z"): ("tokens", "dims"),
    ("output", "O"): ("tokens", "dims"),
}


def stage_matrices(scn: Scenario) -> dict[str, tuple[str, ...]]:
    """The stages this scenario's trace will hold, in order, with their matrix names."""
    out: dict[str, tuple[str, ...]] = {}
    if scn.given_qkv:
        out["input"] = ("Q", "K", "V")
    else:
        out["input"] = ("X", "memory") if scn.memory is not None else ("X",)
        out["params"] = ("W_Q", "W_K", "W_V") + (("W_O",) if scn.W_O is not None else ())
        out["projections"] = ("Q", "K", "V")
    out["split"] = ("Q", "K", "V")
    out["scores"] = ("S",)
    if scn.scale != "none":
        out["scaled"] = ("S",)
    if scn.mask != "none":
        out["masked"] = ("S",)
    out["softmax"] = ("A",)
    out["head_output"] = ("Z",)
    out["concat"] = ("Z",)
    if scn.W_O is not None:
        out["output"] = ("O",)
    return out


def matrix_shape(scn: Scenario, stage: str, matrix: str) -> tuple[int, int]:
    """Shape of one matrix of one stage (per-head stages: one head's matrix)."""
    T, Tk = len(scn.tokens), len(scn.key_tokens)
    h, dk, dv = scn.heads, scn.d_k, scn.d_v
    if stage in ("input", "params"):
        arr = getattr(scn, matrix)
        return (int(arr.shape[0]), int(arr.shape[1]))
    table: dict[tuple[str, str], tuple[int, int]] = {
        ("projections", "Q"): (T, h * dk),
        ("projections", "K"): (Tk, h * dk),
        ("projections", "V"): (Tk, h * dv),
        ("split", "Q"): (T, dk),
        ("split", "K"): (Tk, dk),
        ("split", "V"): (Tk, dv),
        ("scores", "S"): (T, Tk),
        ("scaled", "S"): (T, Tk),
        ("masked", "S"): (T, Tk),
        ("softmax", "A"): (T, Tk),
        ("head_output", "Z"): (T, dv),
        ("concat", "Z"): (T, h * dv),
    }
    if (stage, matrix) == ("output", "O"):
        assert scn.W_O is not None
        return (T, int(scn.W_O.shape[1]))
    return table[(stage, matrix)]
