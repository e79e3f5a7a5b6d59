"""The string catalogues: one module per language, the same keys in each.

``table(lang)`` gives one language's ``Strings``: ``TITLES`` and ``FORMULAS``
(keyed by stage id or formula variant, see ``stagetext``), ``NOTES`` (the
narration and pitfalls, keyed ``"<stage>.<kind>.<when>"``) and ``UI`` (labels,
prompts, messages). ``NOTE_ORDER`` is the language-neutral part of the notes:
for each stage, its notes in the order they are said, with their kind
(``narration`` or ``pitfall``) and the condition (``when``) under which
``narration`` says them. A third language is one new module here plus its
code in ``LANGS``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import import_module
from types import MappingProxyType
from typing import Literal

LANGS: tuple[str, ...] = ("en", "ko")
Kind = Literal["narration", "pitfall"]


@dataclass(frozen=True)
class NoteSpec:
    """One note of a stage: its catalogue key, kind and condition."""

    key: str
    kind: Kind
    when: str


def _notes(stage: str, *entries: tuple[Kind, str]) -> tuple[NoteSpec, ...]:
    return tuple(NoteSpec(f"{stage}.{kind}.{when}", kind, when) for kind, when in entries)


NOTE_ORDER: dict[str, tuple[NoteSpec, ...]] = {
    "input": _notes("input", ("narration", "from_x"), ("narration", "cross"), ("narration", "given_qkv")),
    "positions": _notes("positions", ("narration", "sinusoidal"), ("narration", "learned"), ("pitfall", "always")),
    # under GQA "params.narration.gqa" says what W_K and W_V hold instead of "params.narration.always"
    "params": (
        NoteSpec("params.narration.always", "narration", "no_gqa"),
        *_notes("params", ("narration", "gqa"), ("narration", "has_wo")),
    ),
    "projections": _notes("projections", ("narration", "always")),
    # under GQA the key/value columns differ from the query's: "split.narration.gqa" says it instead
    "split": (NoteSpec("split.narration.always", "narration", "no_gqa"), *_notes("split", ("narration", "gqa"))),
    "rotary": _notes("rotary", ("narration", "always"), ("narration", "rope_offset"), ("pitfall", "always")),
    "scores": _notes("scores", ("narration", "always"), ("pitfall", "unscaled")),
    "scaled": _notes(
        "scaled",
        ("narration", "sqrt_dk"),
        ("narration", "sqrt_seq_len"),
        ("pitfall", "sqrt_seq_len"),
        ("pitfall", "sqrt_dk"),
    ),
    "bias": _notes("bias", ("narration", "always"), ("pitfall", "always")),
    # the causal mask's narration keeps its catalogue key "masked.narration.always"; it is said only under "causal"
    "masked": (
        NoteSpec("masked.narration.always", "narration", "causal"),
        *_notes(
            "masked",
            ("narration", "sliding"),
            ("narration", "custom"),
            ("narration", "padding"),
            ("narration", "dead_row"),
            ("pitfall", "always"),
            ("pitfall", "dead_row"),
        ),
    ),
    "softmax": _notes(
        "softmax",
        ("narration", "always"),
        ("pitfall", "self_not_highest"),
        ("pitfall", "rounded"),
        ("pitfall", "exact_ignores_rounding"),
        ("pitfall", "dead_row"),
    ),
    "head_output": _notes("head_output", ("narration", "always")),
    "concat": _notes(
        "concat",
        ("narration", "single_head"),
        ("narration", "multi_head"),
        ("narration", "no_wo"),
        ("pitfall", "multi_head"),
    ),
    "output": _notes("output", ("narration", "always"), ("pitfall", "always")),
}


@dataclass(frozen=True)
class Strings:
    """One language's catalogue (read-only mappings)."""

    lang: str
    titles: MappingProxyType[str, str]
    formulas: MappingProxyType[str, str]
    notes: MappingProxyType[str, str]
    ui: MappingProxyType[str, str]


@cache
def table(lang: str) -> Strings:
    """The catalogue of one language of ``LANGS``.

    Raises:
        KeyError: not a language of ``LANGS``.
    """
    if lang not in LANGS:
        raise KeyError(lang)
    mod = import_module(f"{__name__}.{lang}")
    return Strings(
        lang,
        MappingProxyType(mod.TITLES),
        MappingProxyType(mod.FORMULAS),
        MappingProxyType(mod.NOTES),
        MappingProxyType(mod.UI),
    )


def ui(lang: str) -> MappingProxyType[str, str]:
    """The UI strings of one language."""
    return table(lang).ui
