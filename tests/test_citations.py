"""No user-facing output calls an article "seed"; each built-in names its article by author and title."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mhsa_tutor.loader import builtin_names, load_scenario
from mhsa_tutor.strings import ARTICLES
from tests.conftest import Invoke

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
    article = load_scenario(name).article
    assert article is not None
    outputs = [
        invoke(["run", name, "--lang", lang]).stdout,
        invoke(["export", name, "-o", "-", "--format", "md", "--lang", lang]).stdout,
        invoke(["explain", name, "-s", "scores", "-r", "1", "-c", "1", "--lang", lang]).stdout,
        invoke(["quiz", name, "--lang", lang, "--count", "3", "--seed", "1"], input="q\n").stdout,
    ]
    for text in outputs:
        _no_seed(text)
    full = ARTICLES[article].full_in(lang)
    m = re.match(r'[^"]*"[^"]*"', full)  # author, "title"
    assert m is not None
    flat = " ".join(outputs[1].replace("\\", "").split())
    assert m.group(0) in flat


def test_list_and_readme_cite_articles(invoke: Invoke) -> None:
    listing = invoke(["list"], env={"COLUMNS": "200"}).stdout
    _no_seed(listing)
    for name in builtin_names():
        article = load_scenario(name).article
        assert article is not None and ARTICLES[article].short in listing
    _no_seed(README.read_text(encoding="utf-8"))
