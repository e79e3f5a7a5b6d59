"""Generated scenarios: random numbers of any size, and new scenario files to edit.

Contracts:

* ``build_scenario`` / ``build_random`` return a ``Scenario`` built directly
  (no TOML round trip, so BERT-base sizes take milliseconds): ``X`` is
  ``T × d_model``; ``W_Q``, ``W_K``, ``W_V`` and ``W_O`` are ``d_model ×
  d_model``, so ``d_k = d_v = d_model / heads``; scale ``sqrt_dk``; arrays are
  read-only float64. The numbers come from ``numpy.random.default_rng(seed)``
  in the order X, W_Q, W_K, W_V, W_O, so the same seed gives the same scenario.
* ``values``: ``"small-int"`` draws integers from −2 to 2, so every step can
  be done by hand; ``"normal"`` draws X from the standard normal and the
  weights from the standard normal divided by √d_model (the usual
  initialisation scale), so queries and keys stay near unit size and the
  softmax is not saturated even at d_model = 768.
* sizes are checked before anything is allocated; a bad size, mask or values
  choice raises ``OptionError`` naming the option.
* ``newfile.scenario_toml`` writes a scenario as a commented TOML file that
  ``load_scenario`` reads back to the same numbers; it does not write files
  (``mhsa_tutor.io.safe_write`` does).

Never prints; never imports rich or typer.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, cast

import numpy as np
import numpy.typing as npt

from mhsa_tutor.core.errors import OptionError, did_you_mean
from mhsa_tutor.core.limits import MAX_HEADS, MAX_SCENARIO_BYTES, MAX_TOKENS, check_cells, run_cells
from mhsa_tutor.core.scenario import MAX_WEIGHTS, FromX, Mask, Scenario
from mhsa_tutor.core.stages import MASKS
from mhsa_tutor.core.text import escape_controls, invisible_part, is_utf8
from mhsa_tutor.io.variant_options import PLAIN, VariantOptions

Array = npt.NDArray[np.float64]
Values = Literal["small-int", "normal"]

VALUES: tuple[Values, ...] = ("small-int", "normal")
RANDOM_NAME = "random"  # the scenario name that means "generate one", never a file
MAX_D_MODEL = 4096

#: The fewest bytes one number takes in a file `new` writes ("0, ", "0.00, "): sizes whose numbers alone
#: would pass the scenario file limit (what `run` reads) are refused before anything is drawn.
MIN_NUMBER_BYTES: dict[str, int] = {"small-int": 3, "normal": 6}
NEW_DECIMALS = 2  # "normal" values in a new file are rounded to this many places, to stay editable


RANDOM_MASKS: tuple[str, ...] = tuple(m for m in MASKS if m != "custom")  # custom needs a matrix: a file


@dataclass(frozen=True)
class RandomSpec:
    """What ``random`` as a scenario name stands for; parsed from the options at the CLI boundary.

    The defaults are a hand-sized scenario: 3 tokens, d_model 4, 2 heads
    (d_k = 2), seed 0, no mask, small integers (``normal`` values by default
    above ``HAND_SIZE`` tokens or d_model: ``default_values``).
    """

    tokens: int = 3
    d_model: int = 4
    heads: int = 2
    seed: int = 0
    mask: str = "none"
    values: str = "small-int"
    variants: VariantOptions = PLAIN

    @classmethod
    def from_options(
        cls,
        name: str,
        *,
        tokens: int | None = None,
        d_model: int | None = None,
        heads: int | None = None,
        seed: int | None = None,
        mask: str | None = None,
        values: str | None = None,
        variants: VariantOptions | None = None,
    ) -> RandomSpec | None:
        """The spec for ``name == "random"`` (unset options take the defaults), else None.

        Raises:
            OptionError: a random-only option given with another scenario, or a bad size.
        """
        given = {
            "tokens": tokens,
            "d-model": d_model,
            "heads": heads,
            "seed": seed,
            "mask": mask,
            "values": values,
        } | (variants.given() if variants is not None else {})
        if name != RANDOM_NAME:
            for option, value in given.items():
                if value is not None:
                    raise OptionError(f"is only for the random scenario, not for {name}", option)
            return None
        base = cls()
        n, d = (base.tokens if tokens is None else tokens), (base.d_model if d_model is None else d_model)
        spec = cls(
            tokens=base.tokens if tokens is None else tokens,
            d_model=base.d_model if d_model is None else d_model,
            heads=base.heads if heads is None else heads,
            seed=base.seed if seed is None else seed,
            mask=base.mask if mask is None else mask,
            values=default_values(n, d) if values is None else values,
            variants=variants or PLAIN,
        )
        spec.check()
        return spec

    def check(self) -> None:
        """Raise ``OptionError`` unless these sizes and choices make a scenario."""
        check_sizes(self.tokens, self.d_model, self.heads)
        check_choices(self.mask, self.values)
        self.variants.check(self.d_model, self.heads, self.mask, self.tokens)

    def build(self) -> Scenario:
        """The generated scenario."""
        return build_random(
            self.tokens, self.d_model, self.heads, self.seed, self.mask, self.values, variants=self.variants
        )


#: Up to this many tokens and this d_model, ``random`` draws small integers to work by hand; above, ``normal``.
HAND_SIZE = 8


def default_values(tokens: int, d_model: int) -> str:
    """``small-int`` for a hand-sized scenario; ``normal`` above, whose scores stay moderate at any size.

    Small integers give scores that grow with d_k (thousands at BERT size), so every softmax row would be
    one-hot; ``normal`` weights are scaled by 1/√d_model, so the scaled scores stay near 1 however large.
    """
    return "small-int" if tokens <= HAND_SIZE and d_model <= HAND_SIZE else "normal"


def check_sizes(tokens: int, d_model: int, heads: int) -> None:
    """Raise ``OptionError`` unless tokens, d_model and heads are ≥ 1, fit the limits and heads divides d_model."""
    for option, value, top in (("tokens", tokens, MAX_TOKENS), ("d-model", d_model, MAX_D_MODEL)):
        if not 1 <= value <= top:
            raise OptionError(f"{value} is out of range; expected 1 to {top}", option)
    if not 1 <= heads <= min(d_model, MAX_HEADS):
        most = f"d_model ({d_model})" if d_model <= MAX_HEADS else f"{MAX_HEADS} (the limit)"
        raise OptionError(f"{heads} is out of range; expected 1 to {most}", "heads")
    if d_model % heads:
        near = heads * max(1, round(d_model / heads))
        raise OptionError(
            f"{d_model} cannot be split into {heads} heads; expected a multiple of the heads, e.g. {near}", "d-model"
        )
    weights = heads * tokens * tokens
    if weights > MAX_WEIGHTS:
        raise OptionError(
            f"{tokens} with {heads} heads makes {weights:,} attention weights (heads × tokens²); "
            f"the limit is {MAX_WEIGHTS:,}",
            "tokens",
        )
    w = d_model
    cells = run_cells(
        tokens=tokens, keys=tokens, d_model=w, d_src=w, width_qk=w, width_v=w, d_out=w, heads=heads, score_stages=5
    )
    check_cells(cells, f"{tokens} tokens, d_model {d_model}, {heads} heads")


def check_choices(mask: str, values: str) -> None:
    """Raise ``OptionError`` unless ``mask`` and ``values`` are known choices."""
    if mask not in RANDOM_MASKS:
        hint = did_you_mean(mask, RANDOM_MASKS)
        raise OptionError(f"{mask!r} is not known; {hint}expected one of: {', '.join(RANDOM_MASKS)}", "mask")
    if values not in VALUES:
        hint = did_you_mean(values, VALUES)
        raise OptionError(f"{values!r} is not known; {hint}expected one of: {', '.join(VALUES)}", "values")


def _draw(
    rng: np.random.Generator, shape: tuple[int, int], values: str, scale: float, decimals: int | None, bound: int = 2
) -> Array:
    """One read-only float64 matrix of the chosen kind (small integers from −bound to bound)."""
    if values == "small-int":
        out: Array = rng.integers(-bound, bound + 1, size=shape).astype(np.float64)
    else:
        out = rng.standard_normal(shape) * scale
        if decimals is not None:
            out = np.round(out, decimals) + 0.0  # + 0.0 turns −0.0 into 0.0
    out.flags.writeable = False
    return out


def build_scenario(
    tokens: Sequence[str],
    *,
    d_model: int,
    heads: int,
    seed: int,
    mask: str = "none",
    values: str = "small-int",
    decimals: int | None = None,
    name: str,
    origin: str,
    title: str,
    source: str = "",
    variants: VariantOptions = PLAIN,
) -> Scenario:
    """A scenario with these tokens and generated numbers (see the module contract).

    Args:
        tokens: the token names, one row of X each.
        d_model, heads: sizes; heads must divide d_model.
        seed: seed of ``numpy.random.default_rng``.
        mask: ``"none"``, ``"causal"`` or ``"sliding"`` (with ``variants.window``).
        values: ``"small-int"`` or ``"normal"``.
        decimals: round ``"normal"`` values to this many places (None: keep them whole).
        name, origin, title, source: the scenario's metadata.
        variants: positions, RoPE, ALiBi, window, kv_heads (W_K and W_V get kv_heads·d_k columns;
            learned positions are drawn after W_O, the biases b_Q, b_K, b_V, b_O after those).

    Raises:
        OptionError: no tokens, a bad size, mask or values choice.
    """
    if not tokens:
        raise OptionError("needs at least one token", "tokens")
    check_sizes(len(tokens), d_model, heads)
    check_choices(mask, values)
    variants.check(d_model, heads, mask, len(tokens))
    masked = cast(Mask, mask)
    rng = np.random.default_rng(seed)
    T = len(tokens)
    w_scale = 1.0 / math.sqrt(d_model)
    gk = d_model // heads * (variants.kv_heads or heads)  # key/value columns: kv_heads·d_k
    X = _draw(rng, (T, d_model), values, 1.0, decimals)  # (T, d_model)
    # Small-integer W_Q and W_K stay within −1 … 1: a score multiplies four drawn numbers, and with
    # ±2 everywhere most softmax rows of a 4-wide scenario come out one-hot (65 % of rows > 0.99).
    W_Q, W_K = (_draw(rng, (d_model, width), values, w_scale, decimals, bound=1) for width in (d_model, gk))
    W_V, W_O = (_draw(rng, (d_model, width), values, w_scale, decimals) for width in (gk, d_model))
    P = _draw(rng, (T, d_model), values, 1.0, decimals) if variants.positions == "learned" else None
    biases: dict[str, Array] = {}
    if variants.bias_terms:  # drawn last, so the other numbers stay those of the same seed without biases
        for name, width in (("b_Q", d_model), ("b_K", gk), ("b_V", gk), ("b_O", d_model)):
            biases[name] = _draw(rng, (1, width), values, w_scale, decimals, bound=1)  # (1, width)
    return Scenario(
        name=name,
        origin=origin,
        title=title,
        source=source,
        tokens=tuple(tokens),
        heads=heads,
        mask=masked,
        scale="sqrt_dk",
        inputs=FromX(
            X=X,
            W_Q=W_Q,  # (d_model, heads·d_k)
            W_K=W_K,  # (d_model, heads·d_k)
            W_V=W_V,  # (d_model, heads·d_v)
            W_O=W_O,  # (heads·d_v, d_model)
            **biases,  # each (1, width of its W)
        ),
        variants=variants.variants(P),
    )


def build_random(
    tokens: int,
    d_model: int,
    heads: int,
    seed: int,
    mask: str = "none",
    values: str = "small-int",
    *,
    variants: VariantOptions = PLAIN,
) -> Scenario:
    """The ``random`` scenario: tokens named t1 … tT and generated numbers.

    Args:
        tokens: T, the number of tokens (≥ 1).
        d_model: width of each token's vector; a multiple of ``heads``.
        heads: number of heads (≥ 1).
        seed: the same seed gives the same scenario.
        mask: ``"none"``, ``"causal"`` or ``"sliding"``.
        values: ``"small-int"`` (−2 … 2) or ``"normal"``.
        variants: positions, RoPE, ALiBi, window, kv_heads.

    Returns:
        A frozen Scenario named ``random``.

    Raises:
        OptionError: a bad size, mask or values choice, with a clear message.
    """
    check_sizes(tokens, d_model, heads)
    return build_scenario(
        tuple(f"t{i + 1}" for i in range(tokens)),
        d_model=d_model,
        heads=heads,
        seed=seed,
        mask=mask,
        values=values,
        name=RANDOM_NAME,
        origin=RANDOM_NAME,
        title=f"random: T = {tokens}, d_model = {d_model}, heads = {heads}",
        source=f"mhsa-tutor random --seed {seed} --values {values}"
        + (f" --mask {mask}" if mask != "none" else "")
        + variants.flags(),
        variants=variants,
    )


def build_new(
    tokens: Sequence[str],
    *,
    d_model: int,
    heads: int,
    seed: int,
    mask: str,
    values: str,
    name: str,
    origin: str,
    variants: VariantOptions = PLAIN,
) -> Scenario:
    """The scenario that ``mhsa-tutor new`` writes: normal values rounded to ``NEW_DECIMALS``.

    Soft weights: it draws again (seed + k·``SOFT_SEED_STEP``, at most
    ``SOFT_ATTEMPTS`` times) until no softmax row of any head is effectively
    one-hot (``one_hot_rows``); if no draw is, the first one is returned and the
    file's comments say how many rows are (``newfile.scenario_toml``).

    Raises:
        OptionError: no tokens, a bad size or choice, or too many numbers for a file to edit.
    """
    if not tokens:
        raise OptionError('needs at least one token, e.g. "the cat sat"', "tokens")
    for tok in tokens:
        if not is_utf8(tok):
            raise OptionError(f"the token {escape_controls(tok)} is not UTF-8 text; expected UTF-8", "tokens")
        blank = invisible_part(tok)
        if blank is not None:  # the file's own rule (validate_fields.tokens), said about the option
            raise OptionError(
                f"has a token that draws nothing, {escape_controls(tok)!r}: it holds only {blank}; "
                "expected visible tokens",
                "tokens",
            )
    check_sizes(len(tokens), d_model, heads)
    check_choices(mask, values)
    variants.check(d_model, heads, mask)
    gk = d_model // heads * (variants.kv_heads or heads)
    per_token = d_model * (2 if variants.positions == "learned" else 1)  # X (and P)
    count = len(tokens) * per_token + 2 * d_model * d_model + 2 * d_model * gk  # W_Q, W_O; W_K, W_V
    least = count * MIN_NUMBER_BYTES[values]
    if least > MAX_SCENARIO_BYTES:
        raise OptionError(
            f"a file with {count:,} numbers would be at least {least:,} bytes; the limit for a scenario file "
            f"(what `run` reads) is {MAX_SCENARIO_BYTES:,} bytes; use a smaller --d-model, or "
            "`mhsa-tutor run random --tokens T --d-model D --heads H` for big sizes"
        )
    first: Scenario | None = None
    for attempt in range(SOFT_ATTEMPTS):  # draw again until no softmax row is one-hot (same seed, same file)
        scn = build_scenario(
            tokens,
            d_model=d_model,
            heads=heads,
            seed=seed + attempt * SOFT_SEED_STEP,
            mask=mask,
            values=values,
            decimals=NEW_DECIMALS,
            name=name,
            origin=origin,
            title=" ".join(tokens),
            source=f"mhsa-tutor new --seed {seed} --values {values}" + variants.flags(),
            variants=variants,
        )
        first = first or scn
        if one_hot_rows(scn) == 0:
            return scn
    assert first is not None
    return first


#: ``new`` draws at most this many times, looking for weights with no one-hot softmax row.
SOFT_ATTEMPTS = 64
#: Draw k uses seed + k·SOFT_SEED_STEP, so every seed keeps its own sequence of draws.
SOFT_SEED_STEP = 1_000_003


def one_hot_rows(scn: Scenario) -> int:
    """How many softmax rows, over every head, put more than 0.999 on one key of several (the engine's count)."""
    from mhsa_tutor.core.engine import run  # the engine, only for `new`

    return sum(s.facts.one_hot_rows for s in run(scn).stages if s.id == "softmax")
