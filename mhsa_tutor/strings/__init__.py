"""The string catalogues: one module per language, the same keys in each.

``table(lang)`` gives one language's ``Strings``: ``TITLES`` and ``FORMULAS``
(keyed by stage id or formula variant, see ``stagetext``), ``NOTES`` (the
narration and pitfalls, keyed ``"<stage>.<kind>.<when>"``) and ``UI`` (labels,
prompts, messages). ``NOTE_ORDER`` is the language-neutral part of the notes:
for each stage, its notes in the order they are said, with their kind
(``narration`` or ``pitfall``) and the condition (``when``) under which
``narration`` says them. A third language is one new module here plus its
code in ``LANGS``.

``ARTICLES`` is the citation of every article a scenario's ``article`` field may
name; ``ARTICLE_NOTES`` marks the notes that name an article, which
``narration`` says only on a scenario reproducing that article.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import import_module
from types import MappingProxyType
from typing import Literal

from mhsa_tutor.strings.particles import Template

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
    "input": _notes(
        "input",
        ("narration", "from_x"),
        ("narration", "cross"),
        ("narration", "given_qkv"),
        ("narration", "reconstructed"),
        ("narration", "position"),
    ),
    # "positions.narration.learned" keeps its catalogue key; its condition is "learned_positions"
    "positions": (
        *_notes("positions", ("narration", "sinusoidal")),
        NoteSpec("positions.narration.learned", "narration", "learned_positions"),
        *_notes("positions", ("narration", "order_blind"), ("narration", "order_causal"), ("pitfall", "always")),
    ),
    # under GQA "params.narration.gqa" says what W_K and W_V hold instead of "params.narration.learned"
    "params": _notes(
        "params",
        ("narration", "learned"),
        ("narration", "identity"),
        ("narration", "gqa"),
        ("narration", "has_wo"),
        ("narration", "has_bias"),
    ),
    "projections": _notes("projections", ("narration", "always"), ("narration", "in_bias")),
    # under GQA the key/value columns differ from the query's: "split.narration.gqa" says it instead
    "split": (
        NoteSpec("split.narration.always", "narration", "no_gqa"),
        *_notes("split", ("narration", "gqa"), ("narration", "from_x_multi")),
    ),
    "rotary": _notes(
        "rotary", ("narration", "always"), ("narration", "partial"), ("narration", "rope_offset"), ("pitfall", "always")
    ),
    "scores": _notes(
        "scores",
        ("narration", "always"),
        ("narration", "luong"),
        ("pitfall", "warfield_z"),
        ("pitfall", "unscaled"),
    ),
    "scaled": _notes(
        "scaled",
        ("narration", "sqrt_dk"),
        ("narration", "sqrt_seq_len"),
        ("narration", "row"),
        ("pitfall", "sqrt_seq_len_warfield"),
        ("pitfall", "seq_len_common"),
        ("pitfall", "codingopera"),
        ("pitfall", "dk_not_dmodel"),
    ),
    # "bias.narration.always" and "bias.pitfall.always" keep their keys: they are ALiBi's, said under "alibi"
    # (the pitfall only with the paper's slopes added after the scaling)
    "bias": (
        NoteSpec("bias.narration.always", "narration", "alibi"),
        *_notes("bias", ("narration", "slopes_given"), ("narration", "before"), ("narration", "given")),
        NoteSpec("bias.pitfall.always", "pitfall", "alibi_paper"),
    ),
    # the causal mask's narration keeps its catalogue key "masked.narration.always"; it is said only under "causal"
    "masked": (
        NoteSpec("masked.narration.always", "narration", "causal"),
        *_notes(
            "masked",
            ("narration", "sliding"),
            ("narration", "custom"),
            ("narration", "padding"),
            ("narration", "dead_row"),
            ("pitfall", "warfield"),
            ("pitfall", "always"),
            ("pitfall", "dead_row"),
        ),
    ),
    "softmax": _notes(
        "softmax",
        ("narration", "always"),
        ("pitfall", "self_codingopera"),
        ("pitfall", "one_hot"),
        ("pitfall", "self_not_highest"),
        ("narration", "q_equals_k"),
        ("narration", "q_equals_k_acting"),
        ("pitfall", "rounded"),
        ("pitfall", "rounded_acting"),
        ("pitfall", "exact_ignores_rounding"),
        ("pitfall", "dead_row"),
    ),
    "head_output": _notes("head_output", ("narration", "always"), ("narration", "hand_roles")),
    "concat": _notes(
        "concat",
        ("narration", "single_head"),
        ("narration", "multi_head"),
        ("narration", "same_rows"),
        ("narration", "no_wo"),
        ("narration", "no_wo_article"),
        ("narration", "no_wo_aten"),
        ("pitfall", "added_aten"),
        ("pitfall", "added"),
    ),
    "output": _notes(
        "output",
        ("narration", "always"),
        ("narration", "out_bias"),
        ("narration", "blocks"),
        ("narration", "residual"),
        ("pitfall", "aten"),
    ),
    "online_softmax": _notes(
        "online_softmax",
        ("narration", "always"),
        ("narration", "masked"),
        ("narration", "saves"),
        ("narration", "check"),
        ("pitfall", "always"),
    ),
    "decode_qkv": _notes("decode_qkv", ("narration", "always"), ("narration", "rope"), ("pitfall", "rope")),
    "kv_cache": _notes(
        "kv_cache", ("narration", "always"), ("narration", "gqa"), ("narration", "steps"), ("pitfall", "always")
    ),
    "decode_scores": _notes("decode_scores", ("narration", "always")),
    "decode_softmax": _notes("decode_softmax", ("narration", "always")),
    "decode_output": _notes("decode_output", ("narration", "always"), ("narration", "check")),
}

#: Notes that name an article: said only on a scenario whose ``article`` field names it (see ``CONDITIONS``).
ARTICLE_NOTES: dict[str, str] = {
    "input.narration.reconstructed": "*",
    "scores.narration.luong": "luong2015",
    "scores.pitfall.warfield_z": "warfield2024",
    "scaled.pitfall.sqrt_seq_len_warfield": "warfield2024",
    "scaled.pitfall.codingopera": "codingopera",
    "masked.pitfall.warfield": "warfield2024",
    "softmax.pitfall.self_codingopera": "codingopera",
    "softmax.narration.q_equals_k_acting": "acting_rationally",
    "softmax.pitfall.rounded_acting": "acting_rationally",
    "head_output.narration.hand_roles": "aten2022",
    "concat.narration.no_wo_article": "*",
    "concat.narration.no_wo_aten": "aten2022",
    "concat.pitfall.added_aten": "aten2022",
    "output.pitfall.aten": "aten2022",
}


@dataclass(frozen=True)
class Article:
    """An article a built-in reproduces: its short citation (``list``), its full one (header) and its name in notes."""

    short: str
    full: str
    cite: str = ""
    full_ko: str = ""

    def full_in(self, lang: str) -> str:
        """The full citation in ``lang`` (Korean words around the same names and titles, where they differ)."""
        return self.full_ko if lang == "ko" and self.full_ko else self.full

    @property
    def name(self) -> str:
        """How a note names it: ``cite`` where the short form lists two works, else the short form."""
        return self.cite or self.short


#: The articles a scenario's optional ``article`` field may name (see README "Scenario format").
#: Citations are the same in every language: authors and titles are names.
ARTICLES: dict[str, Article] = {
    "warfield2024": Article(
        "Warfield (2024)",
        'Daniel Warfield, "Multi-Headed Self Attention — By Hand", Towards Data Science / Intuitively and '
        'Exhaustively Explained, July 2024 (read in its Korean translation "수작업으로 배우는 Multi-Headed Self '
        'Attention 이해하기"), https://medium.com/towards-data-science/multi-headed-self-attention-by-hand-d2ce1ae031db',
        full_ko='Daniel Warfield, "Multi-Headed Self Attention — By Hand", Towards Data Science / Intuitively and '
        'Exhaustively Explained, 2024년 7월 (한국어 번역 "수작업으로 배우는 Multi-Headed Self Attention 이해하기"), '
        "https://medium.com/towards-data-science/multi-headed-self-attention-by-hand-d2ce1ae031db",
    ),
    "codingopera": Article(
        "codingopera",
        'codingopera, "Attention, Self-attention" (Korean blog post), https://codingopera.tistory.com/43',
        full_ko='codingopera, "Attention, Self-attention" (블로그 글), https://codingopera.tistory.com/43',
    ),
    "acting_rationally": Article(
        "규씨 (acting-rationally)",
        '규씨, "[비전공자도 이해하는 트랜스포머] 2. Self-Attention" (Korean blog post), acting-rationally.tistory.com',
        full_ko='규씨, "[비전공자도 이해하는 트랜스포머] 2. Self-Attention" (블로그 글), acting-rationally.tistory.com',
    ),
    "aten2022": Article(
        "AteN (2022); Ravichandiran (2021)",
        'AteN, "[NLP] 멀티 헤드 어텐션(multi-head attention) 원리" (Korean blog post), 2022-11-06, following '
        "Sudharsan Ravichandiran, Getting Started with Google BERT (Packt, 2021), ch. 1",
        "AteN (2022)",
        'AteN, "[NLP] 멀티 헤드 어텐션(multi-head attention) 원리" (블로그 글), 2022-11-06. 바탕이 된 책: '
        "Sudharsan Ravichandiran, Getting Started with Google BERT (Packt, 2021), 1장",
    ),
    "luong2015": Article(
        "Luong et al. (2015)",
        'Luong, Pham and Manning, "Effective Approaches to Attention-based Neural Machine Translation", EMNLP 2015',
    ),
    "karim2019": Article(
        "Karim (2019)",
        'Raimi Karim, "Illustrated: Self-Attention", Towards Data Science, 2019',
    ),
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

    def wrap(d: dict[str, str]) -> MappingProxyType[str, str]:
        if lang != "ko":
            return MappingProxyType(d)
        return MappingProxyType({k: Template(v) for k, v in d.items()})  # format() resolves 은(는) …

    return Strings(lang, wrap(mod.TITLES), wrap(mod.FORMULAS), wrap(mod.NOTES), wrap(mod.UI))


def ui(lang: str) -> MappingProxyType[str, str]:
    """The UI strings of one language."""
    return table(lang).ui
