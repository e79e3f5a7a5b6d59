"""Narration: which notes a stage says, filled with the scenario's numbers. No maths here.

The words live in the catalogues (``mhsa_tutor.strings``, one module per
language); the order of a stage's notes, their kind and their condition in
``strings.NOTE_ORDER``. This module decides which notes apply (``CONDITIONS``,
reading only the trace's info, stages and facts) and fills their ``str.format``
fields (``fields``) with numbers the engine computed. Titles and formulas come
from ``stagetext``.
"""

from __future__ import annotations

from collections.abc import Callable

from mhsa_tutor.core import stagetext
from mhsa_tutor.core.numbers import eq, fmt, num, same_printed, signed, vec
from mhsa_tutor.core.stages import subscript
from mhsa_tutor.core.trace import Matrix, ScenarioInfo, Stage, Trace, tell_apart
from mhsa_tutor.strings import ARTICLE_NOTES, ARTICLES, LANGS, NOTE_ORDER, table, ui
from mhsa_tutor.teach.narration_inference import INFERENCE_STAGES, inference_fields

__all__ = [
    "CONDITIONS",
    "LANGS",
    "PER_HEAD_PITFALLS",
    "check_words",
    "checkpoint_text",
    "fields",
    "mask_scale_line",
    "matrix_caption",
    "note_keys",
    "sizes_line",
    "stage_formula",
    "stage_notes",
    "stage_title",
    "ui",
    "value_word",
]

#: Pitfalls whose numbers differ from head to head, so each head shows its own.
PER_HEAD_PITFALLS = frozenset({"self_not_highest", "self_codingopera", "one_hot"})

#: Superscript digits, for a head's block of W_O: W_O⁽²⁾.
_SUP = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def stage_formula(stage: Stage, lang: str, trace: Trace | None = None) -> str:
    """The stage's formula for display in ``lang`` (English: the trace's own)."""
    if lang == "en" or trace is None:
        return stage.formula
    return stagetext.formula(stage.id, stage.head, trace.info, tuple(stage.matrices), lang)


def stage_title(stage: Stage, lang: str) -> str:
    """The display title of a stage in ``lang``."""
    return stagetext.title(stage.id, stage.head, lang, stage.facts.variant)


def sizes_line(info: ScenarioInfo, lang: str) -> str:
    """``d_model = 4, heads = 2, d_k = 2, d_v = 2`` in ``lang``."""
    return ui(lang)["sizes_line"].format(d_model=info.d_model, heads=info.heads, d_k=info.d_k, d_v=info.d_v)


def mask_scale_line(info: ScenarioInfo, lang: str) -> str:
    """``mask = causal, scale = sqrt_dk`` (English: the scenario's own field values) in ``lang``."""
    u = ui(lang)
    return u["mask_scale_line"].format(mask=u[f"mask_name_{info.mask}"], scale=u[f"scale_name_{info.scale}"])


def _rounded_text(trace: Trace, lang: str) -> str:
    """``the scaled values (decimals kept: 1)`` for every rounded stage, in ``lang``."""
    u = ui(lang)
    return u["rounded_join"].join(
        u["rounded_item"].format(stage=sid, name=u[f"stage_name_{sid}"], d=d) for sid, d in trace.info.rounding
    )


def fields(trace: Trace, stage: Stage, lang: str = "en") -> dict[str, object]:
    """Format fields for the catalogue's strings, all read from the trace."""
    info = trace.info
    toks, keys = tell_apart(info.tokens), tell_apart(info.key_tokens)  # a repeated token: go@2
    f: dict[str, object] = dict(stagetext.formula_fields(info, stage.head))
    f.update(
        T=len(info.tokens),
        Tk=len(info.key_tokens),
        d_model=info.d_model,
        d_src=info.d_src,
        heads=info.heads,
        d_k=info.d_k,
        d_v=info.d_v,
        hk=info.heads * info.d_k,
        hv=info.heads * info.d_v,
        d_out=info.d_out if info.d_out is not None else info.heads * info.d_v,
        div_eq=eq(info.scale_divisor, 4),
        sqrt_dk_eq=eq(info.sqrt_dk, 4),
        rounded=_rounded_text(trace, lang),
        article=ARTICLES[info.article].name if info.article is not None else "",
        sum_parts=" + ".join(
            f"Z{subscript(n)}·W_O{str(n).translate(_SUP).join('⁽⁾')}" for n in range(1, info.heads + 1)
        )
        + (" + b_O" if "b_O" in info.biases else ""),
        in_biases=", ".join(b for b in info.biases if b != "b_O"),
        biases=", ".join(info.biases),
        one_hot=stage.facts.one_hot_rows,
    )
    f.update(_variant_fields(trace, stage, lang))
    if stage.id in INFERENCE_STAGES:
        f.update(inference_fields(trace, stage, lang))
    facts = stage.facts
    if facts.strongest_other is not None:
        i, j = facts.strongest_other
        A = stage.matrices["A"].values
        f.update(tok=toks[i], other=keys[j], w_self=fmt(A[i, i], 4), w_other=fmt(A[i, j], 4))
    if facts.row is not None and stage.head is not None:
        r = facts.row
        A = trace.find("softmax", stage.head).matrices["A"].values
        f.update(row_tok=toks[r], w_unscaled=vec(stage.aux["unscaled"], 4), w_scaled=vec(A[r], 4))
    if facts.same_rows is not None:
        f.update(twin_a=toks[facts.same_rows[0]], twin_b=toks[facts.same_rows[1]])
    if facts.cell is not None:
        f.update(_block_fields(stage, *facts.cell, toks))
    return f


def _kv_share(groups: int, lang: str) -> dict[str, str]:
    """How the query heads share key/value heads: MQA for G = 1 (not "grouped-query"), else GQA."""
    kind = "mqa" if groups == 1 else "gqa"
    u = ui(lang)
    return {"kv_share": u[f"kv_share_{kind}"], "kv_share_cap": u[f"kv_share_cap_{kind}"], "kv_abbr": kind.upper()}


def _variant_fields(trace: Trace, stage: Stage, lang: str = "en") -> dict[str, object]:
    """The fields the notes of the variants quote (RoPE's offset property, NaN rows, padding, slopes)."""
    info = trace.info
    facts = stage.facts
    f: dict[str, object] = {
        "style": info.rope_style or "",
        "slopes": ", ".join(f"{m:g}" for m in info.slopes),
        "dead": ", ".join(f"'{tell_apart(info.tokens)[i]}'" for i in facts.dead_rows),
        "gk": info.groups * info.d_k,
        "gv": info.groups * info.d_v,
        "per": info.heads // info.groups,
        "T_1": len(info.tokens) - 1,
        "window_1": (info.window or 1) - 1,
        **_kv_share(info.groups, lang),
        "padded": ", ".join(f"'{k}'" for k, p in zip(info.key_tokens, info.padding or (), strict=False) if p),
    }
    if facts.rope_offset is not None:
        i, j, now, later = facts.rope_offset
        f.update(
            qi=tell_apart(info.tokens)[i], kj=tell_apart(info.key_tokens)[j], i=i, j=j, i1=i + 1, j1=j + 1, off=i - j,
            now=fmt(now, 4), later=fmt(later, 4),
        )  # fmt: skip
    return f


def _block_fields(stage: Stage, i: int, j: int, tokens: tuple[str, ...]) -> dict[str, object]:
    """``Z₁[it, :]·W_O⁽¹⁾[:, 1] + … = 0.2283 + 1 ≈ 1.2283``: each head's term of one output cell (``aux["blocks"]``)."""
    m = stage.matrices["O"]
    total = float((m.exact if m.exact is not None else m.values)[i, j])
    blocks = [float(x) for x in stage.aux["blocks"]]
    tok = tokens[i]
    names = " + ".join(
        f"Z{subscript(n)}[{tok}, :]·W_O⁽{str(n).translate(_SUP)}⁾[:, {j + 1}]" for n in range(1, len(blocks) + 1)
    )
    if "b_O" in stage.aux:  # the bias is the last term of the sum: b_O[j]
        blocks.append(float(stage.aux["b_O"][0, j]))
        names += f" + b_O[{j + 1}]"
    terms = " + ".join(signed(x, 4) for x in blocks)
    shown = all(eq(x, 4).startswith("=") for x in blocks)  # every term shown exactly
    exact = shown and eq(total, 4).startswith("=")
    return {
        "bi": tok,
        "bj": j + 1,
        "terms": f"{names} {'=' if shown else '≈'} {terms} {'=' if exact else '≈'} {num(total)}",
    }


def _row_changes(t: Trace, s: Stage) -> bool:
    """The "what the division changes" note: only on a row whose printed weights the division changes."""
    if s.facts.row is None or t.info.scale_divisor == 1 or s.head is None:
        return False
    r = s.facts.row
    after = t.find("softmax", s.head).matrices["A"].values[r]
    return not same_printed(s.aux["unscaled"], after, 4)  # aux holds row r only


def _rounded(t: Trace, s: Stage) -> bool:
    return bool(t.info.rounding) and not t.exact and s.head in (None, 1)


#: When a note applies, read from the trace only. A note that names an article (``strings.ARTICLE_NOTES``)
#: is said only where the scenario's ``article`` field names that article (``"*"``: any article).
CONDITIONS: dict[str, Callable[[Trace, Stage], bool]] = {
    "always": lambda t, s: True,
    "from_x": lambda t, s: not t.info.given_qkv and not t.info.cross,
    "from_x_multi": lambda t, s: not t.info.given_qkv and t.info.heads > 1 and t.info.groups == t.info.heads,
    "given_qkv": lambda t, s: t.info.given_qkv,
    "reconstructed": lambda t, s: t.info.given_qkv,
    "position": lambda t, s: (
        not t.info.cross
        and t.info.mask == "none"
        and t.info.positions == "none"
        and t.info.rope_style is None
        and not t.info.slopes
    ),
    "cross": lambda t, s: t.info.cross,
    "learned": lambda t, s: not s.facts.identity_weights and t.info.groups == t.info.heads,
    "identity": lambda t, s: s.facts.identity_weights,
    "has_wo": lambda t, s: "W_O" in s.matrices,
    "has_bias": lambda t, s: bool(t.info.biases),
    "alibi": lambda t, s: t.info.bias == "alibi" and s.facts.variant != "before",
    "alibi_paper": lambda t, s: t.info.bias == "alibi" and s.facts.variant == "" and not t.info.alibi_slopes_given,
    "slopes_given": lambda t, s: t.info.bias == "alibi" and t.info.alibi_slopes_given,
    "before": lambda t, s: s.facts.variant == "before",
    "given": lambda t, s: s.facts.variant == "given",
    "partial": lambda t, s: t.info.rope_dims is not None and t.info.rope_dims < t.info.d_k,
    "in_bias": lambda t, s: any(b != "b_O" for b in t.info.biases),
    "out_bias": lambda t, s: "b_O" in t.info.biases,
    "no_wo": lambda t, s: t.info.d_out is None,
    "no_wo_article": lambda t, s: t.info.d_out is None and t.info.article != "aten2022",  # AteN's ends with W_O
    "no_wo_aten": lambda t, s: t.info.d_out is None,
    "order_blind": lambda t, s: t.info.mask == "none",  # shuffling permutes the outputs: only without a mask
    "order_causal": lambda t, s: t.info.mask != "none",
    "luong": lambda t, s: t.info.scale == "none",
    "warfield_z": lambda t, s: True,
    "unscaled": lambda t, s: t.info.scale == "none" and t.info.article != "luong2015",
    "sqrt_dk": lambda t, s: t.info.scale == "sqrt_dk",
    "sqrt_seq_len": lambda t, s: t.info.scale == "sqrt_seq_len",
    "row": lambda t, s: _row_changes(t, s),
    "sqrt_seq_len_warfield": lambda t, s: t.info.scale == "sqrt_seq_len",
    "seq_len_common": lambda t, s: t.info.scale == "sqrt_seq_len" and t.info.article != "warfield2024",
    "codingopera": lambda t, s: t.info.scale == "sqrt_dk",
    "dk_not_dmodel": lambda t, s: (
        t.info.scale == "sqrt_dk" and t.info.d_k != t.info.d_model and t.info.article != "codingopera"
    ),
    "warfield": lambda t, s: True,
    "multi_head": lambda t, s: t.info.heads > 1,
    "single_head": lambda t, s: t.info.heads == 1,
    "self_codingopera": lambda t, s: s.facts.strongest_other is not None,
    "self_not_highest": lambda t, s: s.facts.strongest_other is not None and t.info.article != "codingopera",
    "q_equals_k": lambda t, s: s.facts.strongest_other is not None and s.facts.q_equals_k,
    "q_equals_k_acting": lambda t, s: s.facts.q_equals_k and t.info.given_qkv,
    "rounded": _rounded,
    "rounded_acting": _rounded,
    "one_hot": lambda t, s: s.facts.one_hot_rows > 0,
    "exact_ignores_rounding": lambda t, s: bool(t.info.rounding) and t.exact and s.head in (None, 1),
    "hand_roles": lambda t, s: t.info.heads > 1,
    "same_rows": lambda t, s: s.facts.same_rows is not None,
    "added_aten": lambda t, s: t.info.heads > 1,
    "added": lambda t, s: t.info.heads > 1 and t.info.article != "aten2022",
    "blocks": lambda t, s: s.facts.cell is not None and t.info.heads > 1,
    "residual": lambda t, s: t.info.d_out == t.info.d_model,
    "aten": lambda t, s: True,
    "sinusoidal": lambda t, s: t.info.positions == "sinusoidal",
    "learned_positions": lambda t, s: t.info.positions == "learned",
    "gqa": lambda t, s: t.info.groups != t.info.heads,
    "no_gqa": lambda t, s: t.info.groups == t.info.heads,
    "rope_offset": lambda t, s: s.facts.rope_offset is not None,
    "causal": lambda t, s: t.info.mask == "causal",
    "sliding": lambda t, s: t.info.mask == "sliding",
    "custom": lambda t, s: t.info.mask == "custom",
    "padding": lambda t, s: t.info.padding is not None,
    "dead_row": lambda t, s: bool(s.facts.dead_rows),
    "masked": lambda t, s: t.info.mask != "none" or t.info.padding is not None,
    "saves": lambda t, s: True,
    "check": lambda t, s: bool(t.checks_for(s)),
    "rope": lambda t, s: t.info.rope_style is not None,
    "steps": lambda t, s: bool(s.facts.decode),
}


def applies(trace: Trace, stage: Stage, key: str, when: str) -> bool:
    """True when a note is said on this stage: its article (if it names one) and its condition."""
    article = ARTICLE_NOTES.get(key)
    if article is not None and (trace.info.article is None or article not in ("*", trace.info.article)):
        return False
    return CONDITIONS[when](trace, stage)


def note_keys(trace: Trace, stage: Stage) -> list[str]:
    """The catalogue keys of the notes said on this stage, in order (the same in every language)."""
    out: list[str] = []
    for note in NOTE_ORDER.get(stage.id, ()):
        if note.kind == "pitfall" and note.when not in PER_HEAD_PITFALLS and stage.head not in (None, 1):
            continue  # said once, on head 1, not again for every head
        if applies(trace, stage, note.key, note.when):
            out.append(note.key)
    return out


def stage_notes(trace: Trace, stage: Stage, lang: str) -> list[tuple[str, str]]:
    """(kind, text) of every catalogue note that applies to this stage, in order."""
    notes = table(lang).notes
    keys = note_keys(trace, stage)
    if not keys:
        return []
    values = fields(trace, stage, lang)
    return [(key.split(".")[1], notes[key].format(**values)) for key in keys]


def matrix_caption(trace: Trace, stage: Stage, name: str, m: Matrix, lang: str) -> str | None:
    """A line above a matrix, e.g. that it was rounded by hand."""
    if m.decimals is None:
        return None
    return ui(lang)["rounded_caption"].format(name=name, decimals=m.decimals)


def check_words(trace: Trace, stage: Stage, lang: str) -> tuple[str, str]:
    """(title, value column) of a stage's checks: "source" only when every value was printed by the source.

    Values the scenario's author worked out from a paper's formula are "expected", never "source": a learner
    reads "source" as confirmation from outside.
    """
    u = ui(lang)
    kinds = {v.checkpoint.printed for v in trace.verdicts_for(stage)}
    if kinds == {True}:
        return u["cp_title"], u["cp_source"]
    if kinds == {False}:
        return u["cp_title_expected"], u["cp_expected"]
    return u["cp_title_mixed"], u["cp_source_or_expected"]


def value_word(printed: bool, lang: str) -> str:
    """What one checked value is called: the source's (printed) or expected (from the formula)."""
    return ui(lang)["cp_source" if printed else "cp_expected"]


def checkpoint_text(trace: Trace, stage: Stage, lang: str) -> list[str]:
    """Why a checkpoint differs from the source (only for those that differ), from the trace's verdicts."""
    info = trace.info
    out = []
    for v in trace.verdicts_for(stage):
        if v.ok:
            continue
        cp = v.checkpoint
        want, have = vec(cp.value, cp.decimals), vec(v.got, cp.decimals)
        out.append(
            ui(lang)["cp_differs" if cp.printed else "cp_differs_expected"]
            .format(where=cp.where(info.tokens, info.key_tokens), want=want, got=have, note=cp.note_in(lang))
            .rstrip()
        )
    return out
