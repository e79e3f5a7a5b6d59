"""Validation: the text of a scenario file in, a frozen ``Scenario`` out, or one clear error.

Every check that can fail on a scenario file lives here, so that the engine can
trust what it is given. Each failure raises ``ScenarioError`` whose text names
the file, the field and what was expected, e.g.::

    mine.toml: weights.W_Q is 4×3, expected 4×4 (d_model × heads·d_k)

Format (a contract, see README "Scenario format")::

    title = "..."                 # required
    description = "..."           # optional
    source = "..."                # optional provenance
    article = "warfield2024"      # optional: the article it reproduces (strings.ARTICLES)
    title_ko, description_ko, source_ko = "..."   # optional: shown under --lang ko
    tokens = ["a", "b"]           # required, >= 1 non-empty strings
    memory_tokens = ["x", "y"]    # cross-attention only
    heads = 1                     # required, int >= 1
    mask = "none" | "causal" | "sliding" | "custom"   # default "none"
    window = W                    # mask = "sliding" only
    scale = "sqrt_dk" | "none" | "sqrt_seq_len"   # default "sqrt_dk"
    positions = "none" | "sinusoidal" | "learned" # default "none"; only with X
    bias = "none" | "alibi" | "given"   # default "none"; "given": input.B, heads × tokens × key tokens
    [alibi]    slopes (one per head), before_scaling (Falcon)   (bias = "alibi" only)
    kv_heads = G                  # default heads; G divides heads (GQA/MQA)
    [rope]     base, style = "half" | "interleaved", dims (partial rotary: the first N features)
    [decode]   steps = N              # the last N tokens generated one at a time (KV cache); causal/sliding
    [tiling]   block = B              # the online softmax over key blocks of B (FlashAttention)
    [input]    X (+ memory, P)  or  Q, K, V;  blocked (mask = "custom"), padding
               arrays = "layer.npz": any of X, memory, Q, K, V, P, B, W_*, b_* from a NumPy file (io/sidecar.py)
    [weights]  W_Q, W_K, W_V, optional W_O       (only with X; W_O alone also with Q, K, V)
               optional b_Q, b_K, b_V, b_O: one value per column of the matching W
    [rounding] STAGE_ID = decimals
    [expected.NAME] stage, head, matrix, row, col, value, decimals, note, note_ko, printed
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path, PurePath
from typing import Any, cast

import numpy as np

from mhsa_tutor.core.errors import ScenarioError, did_you_mean
from mhsa_tutor.core.limits import MAX_HEADS, check_cells, run_cells_of
from mhsa_tutor.core.scenario import (
    MAX_DECIMALS,
    MAX_WEIGHTS,
    Array,
    Checkpoint,
    FromX,
    GivenQKV,
    Mask,
    Scale,
    Scenario,
    matrix_shape,
    stage_matrices,
)
from mhsa_tutor.core.stages import BIAS_NAMES, MASKS, PER_HEAD_STAGES, ROUNDABLE_STAGES, SCALES, axes
from mhsa_tutor.io.validate_fields import type_name
from mhsa_tutor.io.validate_variants import VariantChecks
from mhsa_tutor.strings import ARTICLES

_TOP_KEYS = (
    "title",
    "description",
    "source",
    "article",
    "title_ko",
    "description_ko",
    "source_ko",
    "tokens",
    "memory_tokens",
    "heads",
    "mask",
    "scale",
    "positions",
    "bias",
    "window",
    "kv_heads",
    "rope",
    "alibi",
    "decode",
    "tiling",
    "input",
    "weights",
    "rounding",
    "expected",
)
_INPUT_KEYS = ("X", "memory", "Q", "K", "V", "P", "B", "blocked", "padding", "arrays")
_NOT_MATRICES = ("P", "B", "blocked", "padding", "arrays")  # checked with the variants (arrays: read first)
_WEIGHT_KEYS = ("W_Q", "W_K", "W_V", "W_O", *BIAS_NAMES)
_CHECK_KEYS = ("stage", "head", "matrix", "row", "col", "value", "decimals", "note", "note_ko", "printed")


def parse_scenario(raw: bytes | str, *, origin: str, name: str, folder: Path | None = None) -> Scenario:
    """Validate the bytes (or text) of a scenario file; see ``load_scenario``.

    ``folder`` is the folder of the file, where ``input.arrays`` is looked up; without it an
    ``input.arrays`` is refused.
    """
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
    return _Validator(origin, name, folder).scenario(data)


# --------------------------------------------------------------------------- validation


class _Validator(VariantChecks):
    """Checks one parsed TOML document; raises ScenarioError on the first problem."""

    def __init__(self, origin: str, name: str, folder: Path | None = None) -> None:
        super().__init__(origin, name)
        self.folder = folder
        self.in_arrays: dict[str, str] = {}  # "weights.W_Q" -> the arrays file it came from

    def fail(self, fld: str | None, message: str) -> ScenarioError:
        """As ``FieldChecks.fail``; a field read from the arrays file says so: ``weights.W_Q (in layer.npz)``."""
        if fld is not None and fld.split("[", 1)[0] in self.in_arrays:
            fld = f"{fld} (in {self.in_arrays[fld.split('[', 1)[0]]})"
        return super().fail(fld, message)

    def scenario(self, data: Mapping[str, Any]) -> Scenario:
        inp = data.get("input")
        if isinstance(inp, dict) and "arrays" in inp:
            return self.with_arrays(data, inp)
        return self.build(data)

    def with_arrays(self, data: Mapping[str, Any], inp: Mapping[str, Any]) -> Scenario:
        """A scenario whose matrices are (partly) in an arrays file: every check on the declared shapes
        and the run's budget first, then the data is read and checked again as numbers."""
        from mhsa_tutor.io import sidecar  # zipfile: only for a scenario that has an arrays file

        path = sidecar.resolve(inp["arrays"], self.folder, self.origin)
        shown = str(PurePath(self.origin).parent / str(inp["arrays"]))
        with sidecar.Arrays(path, shown, self.origin) as arrays:
            declared = self.merged(data, inp, arrays.placeholders(), shown)
            self.in_arrays = {f"{sidecar.FIELDS[f][0]}.{f}": str(inp["arrays"]) for f in arrays.members}
            check_cells(run_cells_of(self.build(declared), exact=True), self.origin)  # before the data is read
            return self.build(self.merged(data, inp, arrays.arrays(), shown))

    def merged(
        self, data: Mapping[str, Any], inp: Mapping[str, Any], arrays: Mapping[str, Array], shown: str
    ) -> dict[str, Any]:
        """The document with the arrays put in [input] and [weights]; a field in both places is refused."""
        from mhsa_tutor.io.sidecar import FIELDS

        tables = {
            "input": {k: v for k, v in inp.items() if k != "arrays"},
            "weights": dict(self.table(data, "weights")),
        }
        for fld, arr in arrays.items():
            where = FIELDS[fld][0]
            if fld in tables[where]:
                raise self.fail(
                    f"{where}.{fld}", f"is given both in the scenario file and in {shown}; expected it in one place"
                )
            tables[where][fld] = list(arr) if arr.ndim == 3 else arr
        return {**data, **tables}

    def build(self, data: Mapping[str, Any]) -> Scenario:
        self.known_keys(data, _TOP_KEYS, "")
        for key in ("title", "tokens", "heads", "input"):
            if key not in data:
                raise self.fail(
                    key, "is missing" + ("" if key != "input" else " (a table [input] with X, or Q, K and V)")
                )
        title = self.string(data, "title", required=True)
        tokens = self.tokens(data, "tokens")
        heads = self.integer(data["heads"], "heads", low=1, high=MAX_HEADS, unit="heads")
        kv_heads = self.kv_heads(data, heads)
        mask = self.choice(data, "mask", MASKS)
        scale = self.choice(data, "scale", SCALES)
        memory_tokens = self.tokens(data, "memory_tokens") if "memory_tokens" in data else None

        inp = self.table(data, "input")
        self.known_keys(inp, _INPUT_KEYS, "input.")
        weights = self.table(data, "weights")
        self.known_keys(weights, _WEIGHT_KEYS, "weights.")
        mats = {k: self.matrix(v, f"input.{k}") for k, v in inp.items() if k not in _NOT_MATRICES}
        wts = {k: self.matrix(v, f"weights.{k}") for k, v in weights.items() if k not in BIAS_NAMES}
        bias_rows = {k: self.bias_row(v, f"weights.{k}") for k, v in weights.items() if k in BIAS_NAMES}

        T = len(tokens)
        inputs: FromX | GivenQKV
        if "X" in mats:
            inputs = self.from_x(mats, wts, T, heads, memory_tokens, kv_heads)
            inputs = replace(inputs, **self.biases(bias_rows, inputs))
        elif any(k in mats for k in ("Q", "K", "V")):
            inputs = self.from_qkv(mats, wts, T, heads, memory_tokens, kv_heads)
            inputs = replace(inputs, **self.biases(bias_rows, inputs))
        else:
            raise self.fail(
                "input", "has neither X nor Q, K, V; expected input.X (with [weights]) or input.Q, input.K, input.V"
            )

        n_keys = len(memory_tokens) if memory_tokens is not None else T
        d_k = (inputs.W_Q.shape[1] if isinstance(inputs, FromX) else inputs.Q.shape[1]) // heads
        variants = self.variants(
            data,
            inp,
            mask=mask,
            T=T,
            Tk=n_keys,
            d_model=inputs.X.shape[1] if isinstance(inputs, FromX) else None,
            d_k=d_k,
            heads=heads,
            kv_heads=kv_heads,
            cross=memory_tokens is not None,
        )
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
            article=self.choice(data, "article", tuple(ARTICLES)) if "article" in data else None,
            title_ko=self.string(data, "title_ko", required=False),
            description_ko=self.string(data, "description_ko", required=False),
            source_ko=self.string(data, "source_ko", required=False),
            tokens=tokens,
            memory_tokens=memory_tokens,
            heads=heads,
            mask=cast(Mask, mask),
            scale=cast(Scale, scale),
            rounding=self.rounding(self.table(data, "rounding")),
            inputs=inputs,
            variants=variants,
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
        return replace(scn, expected=checks)

    def from_x(
        self,
        mats: dict[str, Array],
        wts: dict[str, Array],
        T: int,
        heads: int,
        memory_tokens: tuple[str, ...] | None,
        kv_heads: int,
    ) -> FromX:
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
        self.splits(W_Q, "weights.W_Q", heads)
        src = "memory" if memory is not None else "X"
        gk = hk // heads * kv_heads
        cols = "heads·d_k, as W_Q" if kv_heads == heads else f"kv_heads·d_k = {kv_heads}·{hk // heads}"
        self.expect_shape(W_K, "weights.W_K", d_src, gk, f"rows: the width of {src}; columns: {cols}")
        self.expect_shape(W_V, "weights.W_V", d_src, None, f"rows: the width of {src}")
        self.splits(W_V, "weights.W_V", kv_heads)
        W_O = wts.get("W_O")
        if W_O is not None:
            hv = W_V.shape[1] // kv_heads * heads
            self.expect_shape(W_O, "weights.W_O", hv, None, "rows: heads·d_v, the width of the concatenated heads")
        return FromX(X=X, W_Q=W_Q, W_K=W_K, W_V=W_V, W_O=wts.get("W_O"), memory=memory)

    def from_qkv(
        self,
        mats: dict[str, Array],
        wts: dict[str, Array],
        T: int,
        heads: int,
        memory_tokens: tuple[str, ...] | None,
        kv_heads: int,
    ) -> GivenQKV:
        for first in wts:
            if first != "W_O":
                raise self.fail(
                    f"weights.{first}",
                    "is given with input.Q/K/V; expected only W_O (and b_O) in [weights] when Q, K, V are given",
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
        self.splits(Q, "input.Q", heads)
        gk = Q.shape[1] // heads * kv_heads
        wide = "as wide as Q" if kv_heads == heads else f"kv_heads·d_k = {kv_heads}·{Q.shape[1] // heads} wide"
        self.expect_shape(K, "input.K", Tk, gk, f"one row per {keys}, {wide}")
        self.expect_shape(V, "input.V", Tk, None, f"one row per {keys}")
        self.splits(V, "input.V", kv_heads)
        W_O = wts.get("W_O")
        if W_O is not None:
            hv = V.shape[1] // kv_heads * heads
            self.expect_shape(W_O, "weights.W_O", hv, None, "rows: heads·d_v, the width of the concatenated heads")
        return GivenQKV(Q=Q, K=K, V=V, W_O=W_O)

    def bias_row(self, value: object, fld: str) -> Array:
        """A bias: a non-empty list of finite numbers (or a 1-D array of the arrays file), as a read-only 1 × n row."""
        if isinstance(value, np.ndarray):
            return self.matrix(value.reshape(1, -1), fld)
        if not isinstance(value, list) or not value or isinstance(value[0], list):
            what = (
                "an empty list" if value == [] else "a list of lists" if isinstance(value, list) else type_name(value)
            )
            raise self.fail(fld, f"is {what}, expected a list of numbers (one per column of W_{fld[-1]})")
        row = self.matrix([value], fld)
        return row

    def biases(self, rows: dict[str, Array], inputs: FromX | GivenQKV) -> dict[str, Array]:
        """The bias rows, each as wide as its W (b_K, b_V: kv_heads·d_k, kv_heads·d_v under GQA)."""
        for name, row in rows.items():
            w = getattr(inputs, f"W_{name[-1]}", None)
            if w is None:
                why = (
                    "Q, K, V are given directly" if isinstance(inputs, GivenQKV) else f"weights.W_{name[-1]} is missing"
                )
                raise self.fail(f"weights.{name}", f"is given, but {why}; expected a bias only with its weight matrix")
            if row.shape[1] != w.shape[1]:
                raise self.fail(
                    f"weights.{name}",
                    f"has {row.shape[1]} values, expected {w.shape[1]} (one per column of W_{name[-1]})",
                )
        return rows

    def rounding(self, table: Mapping[str, Any]) -> dict[str, int]:
        out: dict[str, int] = {}
        for key, value in table.items():
            if key not in ROUNDABLE_STAGES:
                hint = did_you_mean(key, ROUNDABLE_STAGES)
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
                fld, f"is {type_name(value)}, expected a table [expected.{key}] with stage, matrix, value, decimals"
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
        rows_kind, cols_kind = axes(stage, matrix)
        shape = matrix_shape(scn, stage, matrix)
        row = self.index(value.get("row"), f"{fld}.row", rows_kind, shape[0], scn)
        col = self.index(value.get("col"), f"{fld}.col", cols_kind, shape[1], scn)
        decimals = self.integer(value["decimals"], f"{fld}.decimals", low=0, high=MAX_DECIMALS)
        want = self.checkpoint_value(value["value"], f"{fld}.value", shape, row, col)
        note = self.string(value, "note", required=False, prefix=f"{fld}.")
        note_ko = self.string(value, "note_ko", required=False, prefix=f"{fld}.")
        printed = value.get("printed", True)
        if not isinstance(printed, bool):
            raise self.fail(f"{fld}.printed", f"is {type_name(printed)}, expected true or false")
        return Checkpoint(key, stage, head, matrix, row, col, want, decimals, note, note_ko, printed)

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
            cell.flags.writeable = False
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
