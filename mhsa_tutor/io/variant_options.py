"""The variant options of ``random`` and ``new``, parsed at the CLI boundary into one frozen record.

``VariantOptions`` holds ``--positions``, ``--rope``, ``--bias``, ``--window`` and
``--kv-heads``, ``--decode`` and ``--block`` as given (None: not given), checks them against the sizes and
the mask (``OptionError`` naming the option) and turns them into the
scenario's ``Variants``. ``generate`` builds the numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

import numpy as np
import numpy.typing as npt

from mhsa_tutor.core.errors import OptionError, did_you_mean
from mhsa_tutor.core.limits import MAX_TOKENS, MAX_WINDOW, check_count
from mhsa_tutor.core.scenario import Bias, Positions, Rope, Variants
from mhsa_tutor.core.stages import BIASES, POSITIONS

Array = npt.NDArray[np.float64]


@dataclass(frozen=True)
class VariantOptions:
    """The variant options of ``random`` and ``new`` (None: not given; the plain Transformer).

    ``rope`` switches on RoPE (base 10000, "half" pairing); ``window`` goes with
    mask "sliding"; ``kv_heads`` makes the query heads share key/value heads;
    ``bias_terms`` draws the projection biases b_Q, b_K, b_V, b_O (not ALiBi's ``bias``).
    """

    positions: str | None = None
    rope: bool | None = None
    bias: str | None = None
    window: int | None = None
    kv_heads: int | None = None
    bias_terms: bool | None = None
    decode: int | None = None
    block: int | None = None

    def given(self) -> dict[str, object]:
        """The options given, by their option names (for "only for the random scenario")."""
        named = {
            "positions": self.positions,
            "rope": self.rope or None,
            "bias": self.bias,
            "window": self.window,
            "kv-heads": self.kv_heads,
            "bias-terms": self.bias_terms or None,
            "decode": self.decode,
            "block": self.block,
        }
        return {k: v for k, v in named.items() if v is not None}

    def check(self, d_model: int, heads: int, mask: str, tokens: int | None = None) -> None:
        """Raise ``OptionError`` unless these options fit the sizes and the mask (``tokens``: T, when known)."""
        if self.decode is not None:
            top = (tokens or 0) - 1
            if tokens is not None and not 1 <= self.decode <= top:
                expect = f"a whole number from 1 to {top}" if top >= 1 else "at least 2 tokens (a prefill and a step)"
                raise OptionError(f"{self.decode} is out of range; expected {expect} (fewer than the tokens)", "decode")
            if mask not in ("causal", "sliding"):
                raise OptionError(
                    "needs --mask causal or --mask sliding: a generated token sees only the tokens before it", "decode"
                )
        if self.block is not None and not 1 <= self.block <= MAX_TOKENS:  # longer than the keys: one block
            raise OptionError(f"{self.block} is out of range; expected a whole number from 1 to {MAX_TOKENS}", "block")
        if self.positions is not None and self.positions not in POSITIONS:
            hint = did_you_mean(self.positions, POSITIONS)
            raise OptionError(
                f"{self.positions!r} is not known; {hint}expected one of: {', '.join(POSITIONS)}", "positions"
            )
        if self.bias is not None and self.bias not in BIASES:
            hint = did_you_mean(self.bias, BIASES)
            raise OptionError(f"{self.bias!r} is not known; {hint}expected one of: {', '.join(BIASES)}", "bias")
        if mask == "sliding" and self.window is None:
            raise OptionError("is needed with --mask sliding; expected a window W >= 1", "window")
        if self.window is not None and mask != "sliding":
            raise OptionError("goes with --mask sliding", "window")
        if self.window is not None and self.window < 1:
            raise OptionError(f"{self.window} is out of range; expected 1 or more", "window")
        if self.window is not None:
            check_count("--window", self.window, MAX_WINDOW, "tokens")
        if self.kv_heads is not None and not (1 <= self.kv_heads <= heads and heads % self.kv_heads == 0):
            raise OptionError(
                f"{self.kv_heads} does not divide the heads ({heads}); expected a divisor of {heads}", "kv-heads"
            )
        if self.rope and (d_model // heads) % 2:
            raise OptionError(f"needs an even d_k, but d_model / heads = {d_model // heads}", "rope")

    def variants(self, P: Array | None = None) -> Variants:
        """The Variants record (``P``: the drawn learned positions)."""
        return Variants(
            positions=cast(Positions, self.positions or "none"),
            P=P,
            rope=Rope() if self.rope else None,
            bias=cast(Bias, self.bias or "none"),
            window=self.window,
            kv_heads=self.kv_heads,
            decode_steps=self.decode,
            block=self.block,
        )

    def flags(self) -> str:
        """The options as they are typed, e.g. `` --rope --kv-heads 1``."""
        out = "".join(f" --{k} {v}" for k, v in self.given().items() if k not in ("rope", "bias-terms"))
        return (" --rope" if self.rope else "") + out + (" --bias-terms" if self.bias_terms else "")


#: No variant option given: the plain Transformer.
PLAIN = VariantOptions()
