"""A stage's title and formula in words, in any language, from the stage table and the catalogues.

One function per view of a stage's name: ``title`` and ``formula`` (plain
unicode, in a language of ``strings.LANGS``) and ``latex``. All three are
filled from ``formula_fields``, the one place that turns a scenario's sizes
and a head number into the numbers a formula quotes (the head's columns, the
divisor, the subscripts). The engine stores the English title and formula in
each Stage (the JSON export carries them); every other language is made here
on demand.
"""

from __future__ import annotations

from string import Template

from mhsa_tutor.core.reads.resolvers import head_columns
from mhsa_tutor.core.stages import column_range, spec, subscript
from mhsa_tutor.core.trace import ScenarioInfo
from mhsa_tutor.strings import table


def formula_fields(info: ScenarioInfo, head: int | None) -> dict[str, str | int]:
    """The fields every title and formula template may use, for one head (or a shared stage)."""
    h = head or 1
    g = info.kv_head(h)
    c0, c1 = head_columns(h, info.d_k)
    k0, k1 = head_columns(g, info.d_k)
    v0, v1 = head_columns(g, info.d_v)
    shared = info.sharing(h)
    return {
        "h": h,
        "sub": subscript(h),
        "c0": c0,
        "c1": c1,
        "v0": v0,
        "v1": v1,
        "c": column_range(c0, c1),
        "v": column_range(v0, v1),
        "g": g,
        "G": info.groups,
        "k0": k0,
        "k1": k1,
        "k": column_range(k0, k1),
        "shared": ", ".join(str(n) for n in shared),
        "base": f"{info.rope_base:g}" if info.rope_base is not None else "",
        "slope": f"{info.slopes[h - 1]:g}" if info.slopes else "",
        "window": info.window if info.window is not None else 0,
        "dk": info.d_k,
        "rd": info.rope_dims or info.d_k,
        "rd1": column_range((info.rope_dims or info.d_k) + 1, info.d_k),
        "div": {"sqrt_dk": f"√{info.d_k}", "sqrt_seq_len": f"√{len(info.key_tokens)}"}.get(info.scale, "1"),
        "dv": info.d_v,
        "Tk": len(info.key_tokens),
        "m": "M" if info.cross else "X",
        "parts": " | ".join(f"Z{subscript(n + 1)}" for n in range(info.heads)),
        **{f"b{w.lower()}": f" + b_{w}" if f"b_{w}" in info.biases else "" for w in "QKVO"},
        "B": info.block or 0,
        "nb": info.n_blocks,
        "P": info.prefill,
        "N": info.decode_steps or 0,
    }


def formula_key(stage_id: str, info: ScenarioInfo) -> str:
    """Which formula variant of the catalogue a stage uses in this scenario."""
    if stage_id == "input":
        return "input.given" if info.given_qkv else "input.cross" if info.cross else "input.x"
    if stage_id == "split":
        if info.groups != info.heads:
            return "split.gqa"
        return "split.same" if info.d_k == info.d_v else "split.diff"
    if stage_id in ("scaled", "decode_scores"):
        return f"{stage_id}.{info.scale}"
    if stage_id == "decode_qkv" and info.given_qkv:
        return "decode_qkv.given"
    if stage_id == "positions":
        return f"positions.{info.positions}"
    if stage_id == "bias" and bias_variant(info):
        return f"bias.{bias_variant(info)}"
    if stage_id == "rotary" and info.rope_dims is not None and info.rope_dims < info.d_k:
        return "rotary.partial"
    if stage_id == "masked":
        key = "masked" if info.mask == "causal" else f"masked.{info.mask}"
        return key + (".padding" if info.padding is not None else "")
    return stage_id


def latex_variant(stage_id: str, info: ScenarioInfo) -> str:
    """Which LaTeX variant of the stage table a stage uses (a mask kind, ``gqa``), or ""."""
    if stage_id == "masked":
        if info.padding is not None and info.mask != "none":
            return f"{info.mask}.padding"
        return "" if info.mask == "causal" else info.mask
    if stage_id == "split" and info.groups != info.heads:
        return "gqa"
    if stage_id == "bias":
        return {"before": "alibi.before", "given": "given"}.get(bias_variant(info), "")
    return ""


def bias_variant(info: ScenarioInfo) -> str:
    """Which kind of score bias: ``"given"`` (data, T5), ``"before"`` (ALiBi before the scaling, Falcon) or ""."""
    if info.bias == "given":
        return "given"
    if info.bias == "alibi" and info.alibi_before_scaling and info.scale != "none":
        return "before"
    return ""


def title(stage_id: str, head: int | None, lang: str, variant: str = "") -> str:
    """The stage's title in ``lang``, e.g. ``Head 2: attention weights`` (``variant``: e.g. a mask kind)."""
    titles = table(lang).titles
    return titles.get(f"{stage_id}.{variant}" if variant else stage_id, titles[stage_id]).format(h=head)


def formula(stage_id: str, head: int | None, info: ScenarioInfo, names: tuple[str, ...], lang: str) -> str:
    """The stage's formula in ``lang`` (``names``: the stage's matrices, listed by the params formula)."""
    template = table(lang).formulas[formula_key(stage_id, info)]
    return template.format(names=", ".join(names), **formula_fields(info, head))


def latex(
    stage_id: str, head: int | None, info: ScenarioInfo, shapes: dict[str, tuple[int, int]], lang: str = "en"
) -> str:
    """The stage's formula in LaTeX, from the stage table's template, its ``\\text{…}`` words in ``lang``.

    ``shapes`` maps each matrix of the stage (LaTeX name) to its shape, for the
    stages whose formula only lists their matrices.
    """
    out = _latex(stage_id, head, info, shapes)
    if lang == "ko":
        import re

        from mhsa_tutor.strings.latex_ko import REWRITES

        for pattern, korean in REWRITES:
            out = re.sub(pattern, korean, out)
    return out


def _latex(stage_id: str, head: int | None, info: ScenarioInfo, shapes: dict[str, tuple[int, int]]) -> str:
    listing = r",\quad ".join(rf"{n} \in \mathbb{{R}}^{{{r} \times {c}}}" for n, (r, c) in shapes.items())
    fields = formula_fields(info, head)
    fields["parts"] = r" \mid ".join(f"Z_{{{n + 1}}}" for n in range(info.heads))
    template = spec(stage_id).latex_for(info.scale, latex_variant(stage_id, info))
    return Template(template).substitute(shapes=listing, **fields)


def variants_text(info: ScenarioInfo, lang: str = "en") -> str:
    """The variants a scenario uses, e.g. ``window = 2, kv_heads = 2, padding: pad`` ("" for none), in ``lang``."""
    u = table(lang).ui
    parts = []
    if info.positions != "none":
        parts.append(u["var_positions"].format(v=u[f"list_positions_{info.positions}"]))
    if info.rope_style is not None:
        parts.append(u["var_rope"].format(style=info.rope_style, base=f"{info.rope_base:g}"))
    if info.bias == "alibi":
        key = "var_alibi_before" if info.alibi_before_scaling else "var_alibi"
        parts.append(u[key].format(m=", ".join(f"{m:g}" for m in info.slopes)))
    elif info.bias == "given":
        parts.append(u["var_bias_given"])
    if info.rope_dims is not None:
        parts.append(u["var_rope_dims"].format(n=info.rope_dims))
    if info.window is not None:
        parts.append(u["var_window"].format(w=info.window))
    if info.groups != info.heads:
        parts.append(u["var_kv_heads"].format(g=info.groups))
    if info.padding is not None:
        padded = ", ".join(k for k, p in zip(info.key_tokens, info.padding, strict=False) if p)
        parts.append(u["var_padding"].format(keys=padded))
    return ", ".join(parts)
