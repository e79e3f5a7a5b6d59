"""Random valid scenarios for property tests: a plain description, its TOML text, a hypothesis strategy.

``Spec`` holds a scenario as plain Python lists, ``to_toml`` writes it the way a
person would (so the loader is exercised), and ``specs()`` draws valid ones:
heads 1-4, d_k / d_v 1-4, 1-6 tokens, 1-6 memory tokens, both masks, every
scale, non-square weights, W_O present or not, Q/K/V given directly or not.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

from hypothesis import strategies as st

from mhsa_tutor.core.text import invisible_part

Matrix = list[list[float]]

#: Small numbers with up to 3 decimals, as a hand example prints them (cheap to draw, shrink to 0.0).
SMALL = st.integers(min_value=-3000, max_value=3000).map(lambda i: i / 1000)


@dataclass(frozen=True)
class Spec:
    """A valid scenario, as plain lists. Either X + W_Q/W_K/W_V (W_O, memory optional) or Q/K/V."""

    tokens: list[str]
    heads: int
    d_k: int
    d_v: int
    mask: str = "none"
    scale: str = "sqrt_dk"
    memory_tokens: list[str] | None = None
    X: Matrix | None = None
    memory: Matrix | None = None
    W_Q: Matrix | None = None
    W_K: Matrix | None = None
    W_V: Matrix | None = None
    W_O: Matrix | None = None
    Q: Matrix | None = None
    K: Matrix | None = None
    V: Matrix | None = None
    rounding: dict[str, int] = field(default_factory=dict)
    title: str = "generated"
    description: str | None = None
    source: str | None = None
    explicit_defaults: bool = True

    @property
    def key_tokens(self) -> list[str]:
        return self.memory_tokens if self.memory_tokens is not None else self.tokens

    def with_(self, **changes: object) -> Spec:
        return replace(self, **changes)  # type: ignore[arg-type]


# ------------------------------------------------------------------------- TOML text


def toml_str(s: str) -> str:
    """A TOML basic string: quotes, backslashes and control characters escaped."""
    out = ['"']
    for ch in s:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def toml_num(x: float) -> str:
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return repr(float(x))


def toml_value(v: object) -> str:
    """Any value that a scenario may hold (also wrong ones, for corruption tests)."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        return toml_str(v)
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return toml_num(v)
    if isinstance(v, list):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{k} = {toml_value(x)}" for k, x in v.items()) + "}"
    raise TypeError(type(v))


def spec_tables(spec: Spec) -> dict[str, dict[str, object]]:
    """The document as {table: {key: value}}; table "" is the top level. Only keys that are set."""
    top: dict[str, object] = {"title": spec.title}
    if spec.description is not None:
        top["description"] = spec.description
    if spec.source is not None:
        top["source"] = spec.source
    top["tokens"] = list(spec.tokens)
    if spec.memory_tokens is not None:
        top["memory_tokens"] = list(spec.memory_tokens)
    top["heads"] = spec.heads
    if spec.explicit_defaults or spec.mask != "none":
        top["mask"] = spec.mask
    if spec.explicit_defaults or spec.scale != "sqrt_dk":
        top["scale"] = spec.scale
    inp: dict[str, object] = {}
    weights: dict[str, object] = {}
    for k in ("X", "memory", "Q", "K", "V"):
        if getattr(spec, k) is not None:
            inp[k] = getattr(spec, k)
    for k in ("W_Q", "W_K", "W_V", "W_O"):
        if getattr(spec, k) is not None:
            weights[k] = getattr(spec, k)
    doc: dict[str, dict[str, object]] = {"": top, "input": inp}
    if weights:
        doc["weights"] = weights
    if spec.rounding:
        doc["rounding"] = dict(spec.rounding)
    return doc


def tables_to_toml(doc: dict[str, dict[str, object]]) -> str:
    """Write {table: {key: value}} as TOML, matrices one row per line."""
    lines: list[str] = []
    for table, entries in doc.items():
        if table:
            lines.append(f"\n[{table}]")
        for key, value in entries.items():
            if isinstance(value, list) and value and all(isinstance(r, list) for r in value):
                rows = ",\n".join("  " + toml_value(r) for r in value)
                lines.append(f"{key} = [\n{rows},\n]")
            else:
                lines.append(f"{key} = {toml_value(value)}")
    return "\n".join(lines) + "\n"


def to_toml(spec: Spec) -> str:
    """The scenario file text of a spec."""
    return tables_to_toml(spec_tables(spec))


# ------------------------------------------------------------------------ strategies


def matrices(rows: int, cols: int, values: st.SearchStrategy[float] = SMALL) -> st.SearchStrategy[Matrix]:
    """A rows × cols list of lists (drawn flat: much faster than nested lists)."""
    flat = st.lists(values, min_size=rows * cols, max_size=rows * cols)
    return flat.map(lambda xs: [xs[r * cols : (r + 1) * cols] for r in range(rows)])


TOKEN_ALPHABET = st.characters(codec="utf-8", exclude_categories=["Cs"], exclude_characters="\n\r")  # one line each
plain_tokens = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=6)
# Valid tokens only: not whitespace only, and drawing something (the validator refuses a token of
# zero-width, filler or noncharacter code points, e.g. U+FFFE alone).
any_tokens = st.text(alphabet=TOKEN_ALPHABET, min_size=1, max_size=8).filter(lambda t: invisible_part(t) is None)


@st.composite
def specs(
    draw: st.DrawFn,
    *,
    tokens: st.SearchStrategy[str] = plain_tokens,
    allow_qkv: bool = True,
    allow_cross: bool = True,
    allow_rounding: bool = False,
    values: st.SearchStrategy[float] = SMALL,
) -> Spec:
    """A valid scenario of random shape."""
    H = draw(st.integers(1, 4))
    dk = draw(st.integers(1, 4))
    dv = draw(st.integers(1, 4))
    T = draw(st.integers(1, 6))
    toks = draw(st.lists(tokens, min_size=T, max_size=T))
    given_qkv = allow_qkv and draw(st.booleans())
    cross = allow_cross and draw(st.booleans())
    mem_toks = draw(st.lists(tokens, min_size=1, max_size=6)) if cross else None
    Tk = len(mem_toks) if mem_toks is not None else T
    mask = "none" if cross else draw(st.sampled_from(["none", "causal"]))
    scale = draw(st.sampled_from(["sqrt_dk", "none", "sqrt_seq_len"]))
    spec = Spec(
        tokens=toks,
        heads=H,
        d_k=dk,
        d_v=dv,
        mask=mask,
        scale=scale,
        memory_tokens=mem_toks,
        explicit_defaults=draw(st.booleans()),
    )
    if given_qkv:
        spec = spec.with_(
            Q=draw(matrices(T, H * dk, values)),
            K=draw(matrices(Tk, H * dk, values)),
            V=draw(matrices(Tk, H * dv, values)),
        )
    else:
        d_model = draw(st.integers(1, 5))
        d_src = draw(st.integers(1, 5)) if cross else d_model
        with_wo = draw(st.booleans())
        spec = spec.with_(
            X=draw(matrices(T, d_model, values)),
            memory=draw(matrices(Tk, d_src, values)) if cross else None,
            W_Q=draw(matrices(d_model, H * dk, values)),
            W_K=draw(matrices(d_src, H * dk, values)),
            W_V=draw(matrices(d_src, H * dv, values)),
            W_O=draw(matrices(H * dv, draw(st.integers(1, 5)), values)) if with_wo else None,
        )
    if allow_rounding and draw(st.booleans()):
        stage = draw(st.sampled_from(roundable_stages(spec)))
        spec = spec.with_(rounding={stage: draw(st.integers(0, 4))})
    return spec


def roundable_stages(spec: Spec) -> list[str]:
    """The stages of this spec that ``[rounding]`` may name."""
    out = [] if spec.X is None else ["projections"]
    out += ["scores"] + (["scaled"] if spec.scale != "none" else []) + ["softmax", "head_output", "concat"]
    return out + (["output"] if spec.W_O is not None else [])
