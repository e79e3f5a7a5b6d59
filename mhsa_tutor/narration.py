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

from mhsa_tutor import stagetext
from mhsa_tutor.numbers import vec
from mhsa_tutor.strings import LANGS, NOTE_ORDER, table, ui
from mhsa_tutor.trace import Matrix, Stage, Trace

__all__ = [
    "CONDITIONS",
    "LANGS",
    "PER_HEAD_PITFALLS",
    "checkpoint_text",
    "fields",
    "matrix_caption",
    "stage_formula",
    "stage_notes",
    "stage_title",
    "ui",
]

#: Pitfalls whose numbers differ from head to head, so each head shows its own.
PER_HEAD_PITFALLS = frozenset({"self_not_highest"})


def stage_formula(stage: Stage, lang: str, trace: Trace | None = None) -> str:
    """The stage's formula for display in ``lang`` (English: the trace's own)."""
    if lang == "en" or trace is None:
        return stage.formula
    return stagetext.formula(stage.id, stage.head, trace.info, tuple(stage.matrices), lang)


def stage_title(stage: Stage, lang: str) -> str:
    """The display title of a stage in ``lang``."""
    return stagetext.title(stage.id, stage.head, lang, stage.facts.variant)


def _rounded_text(trace: Trace, lang: str) -> str:
    """``the scaled values to 1 decimal(s)`` for every rounded stage, in ``lang``."""
    u = ui(lang)
    return u["rounded_join"].join(
        u["rounded_item"].format(stage=sid, name=u[f"stage_name_{sid}"], d=d) for sid, d in trace.info.rounding
    )


def fields(trace: Trace, stage: Stage, lang: str = "en") -> dict[str, object]:
    """Format fields for the catalogue's strings, all read from the trace."""
    info = trace.info
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
        div=f"{info.scale_divisor:.4f}",
        sqrt_dk=f"{info.sqrt_dk:.4f}",
        rounded=_rounded_text(trace, lang),
    )
    f.update(_variant_fields(trace, stage))
    other = stage.facts.strongest_other
    if other is not None:
        i, j = other
        A = stage.matrices["A"].values
        f.update(tok=info.tokens[i], other=info.key_tokens[j], w_self=f"{A[i, i]:.4f}", w_other=f"{A[i, j]:.4f}")
    return f


def _variant_fields(trace: Trace, stage: Stage) -> dict[str, object]:
    """The fields the notes of the variants quote (RoPE's offset property, NaN rows, padding, slopes)."""
    info = trace.info
    facts = stage.facts
    f: dict[str, object] = {
        "style": info.rope_style or "",
        "slopes": ", ".join(f"{m:g}" for m in info.slopes),
        "dead": ", ".join(f"'{info.tokens[i]}'" for i in facts.dead_rows),
        "gk": info.groups * info.d_k,
        "gv": info.groups * info.d_v,
        "per": info.heads // info.groups,
        "T_1": len(info.tokens) - 1,
        "window_1": (info.window or 1) - 1,
        "padded": ", ".join(f"'{k}'" for k, p in zip(info.key_tokens, info.padding or (), strict=False) if p),
    }
    if facts.rope_offset is not None:
        i, j, now, later = facts.rope_offset
        f.update(
            qi=info.tokens[i], kj=info.key_tokens[j], i=i, j=j, i1=i + 1, j1=j + 1, off=i - j,
            now=f"{now:.4f}", later=f"{later:.4f}",
        )  # fmt: skip
    return f


CONDITIONS: dict[str, Callable[[Trace, Stage], bool]] = {
    "always": lambda t, s: True,
    "from_x": lambda t, s: not t.info.given_qkv,
    "given_qkv": lambda t, s: t.info.given_qkv,
    "cross": lambda t, s: t.info.cross,
    "has_wo": lambda t, s: "W_O" in s.matrices,
    "no_wo": lambda t, s: t.info.d_out is None,
    "unscaled": lambda t, s: t.info.scale == "none",
    "sqrt_dk": lambda t, s: t.info.scale == "sqrt_dk",
    "sqrt_seq_len": lambda t, s: t.info.scale == "sqrt_seq_len",
    "multi_head": lambda t, s: t.info.heads > 1,
    "single_head": lambda t, s: t.info.heads == 1,
    "self_not_highest": lambda t, s: s.facts.strongest_other is not None,
    "rounded": lambda t, s: bool(t.info.rounding) and not t.exact and s.head in (None, 1),
    "exact_ignores_rounding": lambda t, s: bool(t.info.rounding) and t.exact and s.head in (None, 1),
    "sinusoidal": lambda t, s: t.info.positions == "sinusoidal",
    "learned": lambda t, s: t.info.positions == "learned",
    "gqa": lambda t, s: t.info.groups != t.info.heads,
    "no_gqa": lambda t, s: t.info.groups == t.info.heads,
    "rope_offset": lambda t, s: s.facts.rope_offset is not None,
    "causal": lambda t, s: t.info.mask == "causal",
    "sliding": lambda t, s: t.info.mask == "sliding",
    "custom": lambda t, s: t.info.mask == "custom",
    "padding": lambda t, s: t.info.padding is not None,
    "dead_row": lambda t, s: bool(s.facts.dead_rows),
}


def stage_notes(trace: Trace, stage: Stage, lang: str) -> list[tuple[str, str]]:
    """(kind, text) of every catalogue note that applies to this stage, in order."""
    notes = table(lang).notes
    values = fields(trace, stage, lang)
    out: list[tuple[str, str]] = []
    for note in NOTE_ORDER.get(stage.id, ()):
        if note.kind == "pitfall" and note.when not in PER_HEAD_PITFALLS and stage.head not in (None, 1):
            continue  # said once, on head 1, not again for every head
        if CONDITIONS[note.when](trace, stage):
            out.append((note.kind, notes[note.key].format(**values)))
    return out


def matrix_caption(trace: Trace, stage: Stage, name: str, m: Matrix, lang: str) -> str | None:
    """A line above a matrix, e.g. that it was rounded by hand."""
    if m.decimals is None:
        return None
    return ui(lang)["rounded_caption"].format(name=name, decimals=m.decimals)


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
            ui(lang)["cp_differs"]
            .format(where=cp.where(info.tokens, info.key_tokens), want=want, got=have, note=cp.note)
            .rstrip()
        )
    return out
