"""The ``list`` view: one row per built-in scenario, laid out for the width there is.

Each row has the name (never cut: it is what a learner copies), the title,
what the scenario shows (its features, from the scenario's own fields), the
tokens, the heads and the article it reproduces (its short citation; else the
first clause of its source). When the table cannot fit the width without
cutting a word, each scenario becomes a short block instead (``layout.Stacked``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rich import box
from rich.console import RenderableType
from rich.table import Table
from rich.text import Text

from mhsa_tutor.core.scenario import Scenario
from mhsa_tutor.strings import ARTICLES, ui
from mhsa_tutor.views.terminal.layout import Stacked
from mhsa_tutor.views.view import safe


def shows(scn: Scenario, lang: str = "en") -> str:
    """What a scenario shows, in a few words: self- or cross-attention, its mask, inputs, scale and hand rounding."""
    t = ui(lang)
    parts = [t["list_cross"] if scn.memory_tokens is not None else t["list_self"]]
    if scn.mask != "none":
        parts.append(t[f"list_{scn.mask}"])
    v = scn.variants
    if v.padding is not None:
        parts.append(t["list_padding"])
    if v.positions != "none":
        parts.append(t[f"list_positions_{v.positions}"])
    if v.rope is not None:
        parts.append(t["list_rope"])
    if v.bias != "none":
        parts.append(t["list_alibi"])
    if v.kv_heads is not None and v.kv_heads != scn.heads:
        parts.append(t["list_mqa"] if v.kv_heads == 1 else t["list_gqa"].format(g=v.kv_heads))
    if v.block is not None:
        parts.append(t["list_tiling"].format(b=v.block))
    if v.decode_steps is not None:
        parts.append(t["list_decode"].format(n=v.decode_steps))
    if scn.given_qkv:
        parts.append(t["list_given_qkv"])
    if scn.scale != "sqrt_dk":
        parts.append(t[f"list_scale_{scn.scale}"])
    if scn.rounding:
        parts.append(t["list_rounding"])
    return ", ".join(parts)


def _title(scn: Scenario, lang: str) -> str:
    """The scenario's title in ``lang`` (its ``title_ko`` under Korean, when it has one)."""
    return scn.title_ko if lang == "ko" and scn.title_ko else scn.title


def source_clause(scn: Scenario, lang: str = "en") -> str:
    """The article's short citation, or else the first clause of the source line (in ``lang`` where given)."""
    if scn.article is not None:
        return ARTICLES[scn.article].short
    source = scn.source_ko if lang == "ko" and scn.source_ko else scn.source
    authors = source.split(", '", 1)  # "Vaswani et al., 'Attention Is All You Need', …": the authors
    if len(authors) == 2:
        return authors[0]
    return re.split(r" \(|; |\. |: ", source, maxsplit=1)[0]


#: The first scenario of the path (``list`` marks it, the README and the course start with it).
START = "first_steps"
#: The path through the built-ins: start, then what models do today, then the article reproductions.
#: A built-in missing here goes to its group (reproduction if it cites an article), after these, by name.
PATH: tuple[str, ...] = (
    START,
    "sinusoidal_positions",
    "rope_by_hand",
    "alibi",
    "grouped_query",
    "sliding_window",
    "padding_mask",
    "learned_heads",
    "kv_cache",
    "online_softmax",
    "by_hand",
    "illustrated",
    "i_am_a_student",
    "all_is_well",
    "dog_ate_food",
    "acting_machines",
    "cross_attention",
)
GROUPS: tuple[str, ...] = ("start", "modern", "articles")


def group_of(scn: Scenario) -> str:
    """``start`` (the first scenario), ``articles`` (it reproduces an article) or ``modern``."""
    if scn.name == START:
        return "start"
    return "articles" if scn.article is not None else "modern"


def in_path_order(scenarios: Sequence[Scenario]) -> list[tuple[str, list[Scenario]]]:
    """The scenarios by group (``GROUPS`` order), each group in ``PATH`` order; empty groups left out."""
    rank = {name: k for k, name in enumerate(PATH)}
    ordered = sorted(scenarios, key=lambda s: (rank.get(s.name, len(PATH)), s.name))
    return [(g, [s for s in ordered if group_of(s) == g]) for g in GROUPS if any(group_of(s) == g for s in ordered)]


def scenario_list(scenarios: Sequence[Scenario], lang: str = "en") -> RenderableType:
    """The scenarios as a path: a heading per group (start here, modern variants, article reproductions)."""
    from rich.console import Group

    t = ui(lang)
    parts: list[RenderableType] = []
    for k, (group, members) in enumerate(in_path_order(scenarios)):
        if k:
            parts.append(Text())
        parts.append(Text(t[f"list_group_{group}"], style="bold underline"))
        parts.append(_group_list(members, lang))
    return Group(*parts)


def _group_list(scenarios: Sequence[Scenario], lang: str) -> RenderableType:
    """The table of scenarios (or, when too narrow, one block per scenario)."""
    t = ui(lang)
    table = Table(box=box.SIMPLE_HEAD)
    table.add_column(t["list_name"], no_wrap=True)
    for col in ("list_title", "list_shows", "list_tokens", "list_heads", "list_article"):
        table.add_column(t[col])
    blocks: list[Text] = []
    for scn in scenarios:
        tokens = " ".join(scn.tokens)
        source = source_clause(scn, lang)
        title = safe(_title(scn, lang)) + (f" {t['list_start_here']}" if scn.name == START else "")
        cells = [title, shows(scn, lang), safe(tokens), str(scn.heads), safe(source)]
        table.add_row(Text(scn.name, style="bold"), *(Text(c) for c in cells))
        block = Text()
        block.append(scn.name, style="bold")
        block.append(f"\n  {title}\n  {shows(scn, lang)}\n  {t['list_tokens']}: {safe(tokens)}")
        block.append(f"\n  {t['list_article']}: {safe(source)}")
        blocks.append(block)
    return Stacked(table, blocks)
