"""Checks of the variant fields of a scenario file: positions, [rope], bias, window, kv_heads, blocked, padding.

``VariantChecks`` extends the single-value toolbox (``validate_fields``) with
the checks of the fields that switch on the modern variants of attention; the
document validator (``validate``) calls ``variants`` once the inputs are known.
Each failure is one ``ScenarioError`` naming the file and the field.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

import numpy as np

from mhsa_tutor.core.errors import did_you_mean
from mhsa_tutor.core.limits import MAX_TOKENS, MAX_WINDOW
from mhsa_tutor.core.scenario import Array, Bias, Bools, Positions, Rope, RopeStyle, Variants
from mhsa_tutor.core.stages import BIASES, POSITIONS, ROPE_STYLES
from mhsa_tutor.io.validate_fields import FieldChecks, type_name

_ROPE_KEYS = ("base", "style", "dims")
_ALIBI_KEYS = ("slopes", "before_scaling")


class VariantChecks(FieldChecks):
    """The checks of the variant fields, on top of the single-value checks."""

    def kv_heads(self, data: Mapping[str, Any], heads: int) -> int:
        """``kv_heads`` (default: heads): an integer from 1 to heads that divides heads."""
        if "kv_heads" not in data:
            return heads
        g = self.integer(data["kv_heads"], "kv_heads", low=1, high=heads)
        if heads % g:
            raise self.fail("kv_heads", f"is {g}, which does not divide heads ({heads}); expected a divisor of {heads}")
        return g

    def variants(
        self,
        data: Mapping[str, Any],
        inp: Mapping[str, Any],
        *,
        mask: str,
        T: int,
        Tk: int,
        d_model: int | None,
        d_k: int,
        heads: int,
        kv_heads: int,
        cross: bool,
    ) -> Variants:
        """The Variants record of a document whose inputs are already checked.

        ``d_model`` is the width of X, or None when Q, K and V are given.
        """
        positions = self.choice(data, "positions", POSITIONS)
        P: Array | None = None
        if positions != "none" and d_model is None:
            raise self.fail(
                "positions", f"is {positions!r}, but Q, K, V are given; expected positions only with input.X"
            )
        if "P" in inp:
            if positions != "learned":
                raise self.fail("input.P", 'is given, but positions is not "learned"; expected positions = "learned"')
            P = self.matrix(inp["P"], "input.P")
            self.expect_shape(P, "input.P", T, d_model, "one position row per token, as wide as X")
        elif positions == "learned":
            raise self.fail("input.P", 'is missing; positions = "learned" needs P (tokens × d_model)')

        bias = self.choice(data, "bias", BIASES)
        slopes, before = self.alibi(data, bias, heads)
        B = self.score_bias(inp, bias, heads, T, Tk)
        rope = self.rope(data, d_k)
        window = self.window(data, mask)
        if mask in ("causal", "sliding") and cross:
            raise self.fail(
                "mask", f"is {mask!r}, expected 'none' or 'custom' for cross-attention (memory_tokens is set)"
            )
        blocked: Bools | None = None
        if "blocked" in inp:
            if mask != "custom":
                raise self.fail("input.blocked", 'is given, but mask is not "custom"; expected mask = "custom"')
            blocked = self.booleans(inp["blocked"], "input.blocked", T, Tk, "tokens × key tokens")
        elif mask == "custom":
            raise self.fail("input.blocked", 'is missing; mask = "custom" needs blocked (tokens × key tokens booleans)')
        padding: Bools | None = None
        if "padding" in inp:
            if not isinstance(inp["padding"], list):
                raise self.fail("input.padding", f"is {type_name(inp['padding'])}, expected one boolean per key token")
            padding = self.booleans([inp["padding"]], "input.padding", 1, Tk, "one per key token")[0]
        decode_steps = self.decode(data, mask=mask, T=T, cross=cross)
        block = self.tiling(data, Tk=Tk)
        if (decode_steps is not None or block is not None) and data.get("rounding"):
            which = "decode" if decode_steps is not None else "tiling"
            raise self.fail(
                "rounding",
                f"is given together with [{which}]; decoding and the online softmax are checked to 1e-12 against "
                "the unrounded computation; expected no [rounding] table",
            )
        return Variants(
            decode_steps=decode_steps,
            block=block,
            positions=cast(Positions, positions),
            P=P,
            rope=rope,
            bias=cast(Bias, bias),
            slopes=slopes,
            alibi_before_scaling=before,
            B=B,
            window=window,
            blocked=blocked,
            padding=padding,
            kv_heads=kv_heads if kv_heads != heads else None,
        )

    def alibi(self, data: Mapping[str, Any], bias: str, heads: int) -> tuple[tuple[float, ...] | None, bool]:
        """The [alibi] table: (slopes, one per head, or None for the paper's; added before the scaling)."""
        if "alibi" not in data:
            return None, False
        if bias != "alibi":
            raise self.fail("alibi", 'is given, but bias is not "alibi"; expected bias = "alibi"')
        table = self.table(data, "alibi")
        self.known_keys(table, _ALIBI_KEYS, "alibi.")
        slopes: tuple[float, ...] | None = None
        if "slopes" in table:
            value = table["slopes"]
            if not isinstance(value, list) or len(value) != heads:
                got = f"{len(value)} values" if isinstance(value, list) else type_name(value)
                raise self.fail("alibi.slopes", f"is {got}, expected {heads} numbers (one slope per head)")
            slopes = tuple(self.number(x, f"alibi.slopes[{i + 1}]") for i, x in enumerate(value))
        before = table.get("before_scaling", False)
        if not isinstance(before, bool):
            raise self.fail("alibi.before_scaling", f"is {type_name(before)}, expected true or false")
        return slopes, before

    def score_bias(self, inp: Mapping[str, Any], bias: str, heads: int, T: int, Tk: int) -> Array | None:
        """``input.B``, heads × tokens × key tokens, given exactly when bias is "given"."""
        if "B" not in inp:
            if bias == "given":
                raise self.fail("input.B", 'is missing; bias = "given" needs B (heads × tokens × key tokens)')
            return None
        if bias != "given":
            raise self.fail("input.B", 'is given, but bias is not "given"; expected bias = "given"')
        value = inp["B"]
        if not isinstance(value, list) or len(value) != heads:
            got = f"{len(value)} matrices" if isinstance(value, list) else type_name(value)
            raise self.fail("input.B", f"is {got}, expected {heads} matrices (one per head, tokens × key tokens)")
        per_head = []
        for h, m in enumerate(value):
            arr = self.matrix(m, f"input.B[{h + 1}]")
            self.expect_shape(arr, f"input.B[{h + 1}]", T, Tk, "tokens × key tokens")
            per_head.append(arr)
        out: Array = np.stack(per_head)  # (H, T, Tk)
        out.flags.writeable = False
        return out

    def decode(self, data: Mapping[str, Any], *, mask: str, T: int, cross: bool) -> int | None:
        """``[decode] steps = N``: the last N tokens generated one at a time (1 ≤ N < T, causal or sliding)."""
        if "decode" not in data:
            return None
        table = self.table(data, "decode")
        self.known_keys(table, ("steps",), "decode.")
        if "steps" not in table:
            raise self.fail("decode.steps", "is missing; expected steps = N, the tokens generated one at a time")
        if T < 2:
            raise self.fail("decode.steps", f"needs at least 2 tokens (a prefill and a step), but tokens has {T}")
        raw = table["steps"]
        if isinstance(raw, int) and not isinstance(raw, bool) and raw >= T:
            raise self.fail(
                "decode.steps",
                f"is {raw}, expected an integer from 1 to {T - 1} (fewer than the {T} tokens: "
                "at least one token is the prefill)",
            )
        steps = self.integer(raw, "decode.steps", low=1, high=T - 1)
        if cross:
            raise self.fail("decode", "is given for cross-attention; expected decoding only in self-attention")
        if mask not in ("causal", "sliding"):
            raise self.fail(
                "decode",
                f'is given with mask = "{mask}"; a generated token sees only the tokens before it, '
                'expected mask = "causal" or "sliding"',
            )
        return steps

    def tiling(self, data: Mapping[str, Any], *, Tk: int) -> int | None:
        """``[tiling] block = B``: the key block size of the online softmax, B ≥ 1 (a block longer than the keys
        is one block: a kernel's tile size does not depend on the sequence)."""
        if "tiling" not in data:
            return None
        table = self.table(data, "tiling")
        self.known_keys(table, ("block",), "tiling.")
        if "block" not in table:
            raise self.fail("tiling.block", "is missing; expected block = B, the key block size")
        return self.integer(table["block"], "tiling.block", low=1, high=MAX_TOKENS)

    def rope(self, data: Mapping[str, Any], d_k: int) -> Rope | None:
        """The [rope] table, or None; RoPE needs an even d_k."""
        if "rope" not in data:
            return None
        table = self.table(data, "rope")
        self.known_keys(table, _ROPE_KEYS, "rope.")
        style = table.get("style", "half")
        if style not in ROPE_STYLES:
            shown = repr(style) if isinstance(style, str) else type_name(style)
            hint = did_you_mean(style, ROPE_STYLES) if isinstance(style, str) else ""
            raise self.fail("rope.style", f"is {shown}; {hint}expected one of: 'half', 'interleaved'")
        base = 10000.0
        if "base" in table:
            base = self.number(table["base"], "rope.base")
            if base <= 1.0:
                raise self.fail("rope.base", f"is {table['base']}, expected a number greater than 1")
        dims: int | None = None
        if "dims" in table:
            dims = self.integer(table["dims"], "rope.dims", low=2, high=max(d_k, 2))
            if dims % 2:
                raise self.fail("rope.dims", f"is {dims}, expected an even number (features are rotated in pairs)")
        elif d_k % 2:
            raise self.fail("rope", f"needs an even d_k (features are rotated in pairs), but d_k = {d_k}")
        return Rope(base=base, style=cast(RopeStyle, style), dims=dims)

    def window(self, data: Mapping[str, Any], mask: str) -> int | None:
        """``window`` W >= 1, given exactly when mask is "sliding"."""
        if "window" not in data:
            if mask == "sliding":
                raise self.fail("window", 'is missing; mask = "sliding" needs window = W (an integer >= 1)')
            return None
        if mask != "sliding":
            raise self.fail("window", 'is given, but mask is not "sliding"; expected mask = "sliding"')
        return self.integer(data["window"], "window", low=1, high=MAX_WINDOW, unit="tokens")

    def booleans(self, value: object, fld: str, rows: int, cols: int, why: str) -> Bools:
        """A rows × cols list of lists of true/false, as a read-only bool array."""
        if not isinstance(value, list) or not all(isinstance(r, list) for r in value):
            raise self.fail(fld, f"is {type_name(value)}, expected {why} booleans (true = blocked)")
        for i, row in enumerate(value):
            for j, x in enumerate(row):
                if not isinstance(x, bool):
                    where = f"{fld}[{j + 1}]" if rows == 1 else f"{fld}[{i + 1}][{j + 1}]"
                    raise self.fail(where, f"is {type_name(x)}, expected true or false")
        for i, row in enumerate(value[1:], start=2):
            if len(row) != len(value[0]):  # ragged: its shape is no rows × columns at all
                raise self.fail(fld, f"is ragged: row {i} has {len(row)} values, row 1 has {len(value[0])}")
        shape = (len(value), len(value[0]) if value else 0)
        if shape != (rows, cols):
            got = f"{len(value[0]) if value else 0} values" if rows == 1 else f"{shape[0]}×{shape[1]}"
            want = f"{cols} values" if rows == 1 else f"{rows}×{cols}"
            raise self.fail(fld, f"is {got}, expected {want} ({why})")
        arr = np.array(value, dtype=bool).reshape(rows, cols)
        arr.flags.writeable = False
        return arr
