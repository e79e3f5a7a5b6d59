"""No user-facing output calls an article "seed"; each built-in names its article by author and title."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mhsa_tutor.io.loader import builtin_names, load_scenario
from mhsa_tutor.strings import ARTICLES
from mhsa_tutor.views.terminal.listing import source_clause
from tests.conftest import Invoke
from tests.test_narration import PAPER_BUILTINS

SEED_AS_ARTICLE = re.compile(r"\bseeds?\b(?! \d+:| S\b)|시드 0\d\d", re.IGNORECASE)
README = Path(__file__).parent.parent / "README.md"


def _no_seed(text: str) -> None:
    for line in text.splitlines():
        if "--seed" in line or "seed {" in line:
            continue  # the option and its echo ("seed 3: --seed 3 asks these questions again")
        assert not SEED_AS_ARTICLE.search(line), line


@pytest.mark.parametrize("name", builtin_names())
@pytest.mark.parametrize("lang", ["en", "ko"])
def test_builtin_output_cites_its_article(invoke: Invoke, name: str, lang: str) -> None:
    scn = load_scenario(name)
    article = scn.article
    assert (article is None) == (name in PAPER_BUILTINS)
    outputs = [
        invoke(["run", name, "--lang", lang]).stdout,
        invoke(["export", name, "-o", "-", "--format", "md", "--lang", lang]).stdout,
        invoke(["explain", name, "-s", "scores", "-r", "1", "-c", "1", "--lang", lang]).stdout,
        invoke(["quiz", name, "--lang", lang, "--count", "3", "--seed", "1"], input="q\n").stdout,
    ]
    for text in outputs:
        _no_seed(text)
    flat = " ".join(outputs[1].replace("\\", "").split())
    if article is None:  # a variants' built-in: its source field cites the paper by authors and title
        source = scn.source_ko if lang == "ko" and scn.source_ko else scn.source
        m = re.match(r"[^']*'[^']*'", source)  # authors, 'title' (PyTorch's documentation: up to the colon)
        cited = m.group(0) if m is not None else source.split(": ")[0]
        assert len(cited) > 10 and " ".join(cited.split()) in flat
        return
    full = ARTICLES[article].full_in(lang)
    m = re.match(r'[^"]*"[^"]*"', full)  # author, "title"
    assert m is not None
    assert m.group(0) in flat


def test_list_and_readme_cite_articles(invoke: Invoke) -> None:
    listing = invoke(["list"], env={"COLUMNS": "200"}).stdout
    _no_seed(listing)
    for name in builtin_names():
        scn = load_scenario(name)
        if scn.article is None:  # a variants' built-in: the list names the paper's authors from its source
            assert name in PAPER_BUILTINS and source_clause(scn) in listing and source_clause(scn) in scn.source
            continue
        assert ARTICLES[scn.article].short in listing
    _no_seed(README.read_text(encoding="utf-8"))
