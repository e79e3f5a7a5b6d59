"""Under ``--lang ko`` / ``MHSA_TUTOR_LANG=ko`` no English word is left in what a learner reads.

Every command's output (run, explain, quiz with wrong answers, list, markdown export, the page's
Korean text and title, the heatmap), every ``--help`` and a set of errors are read word by word.
Allowed: symbols (one letter, names with ``_`` or digits, LaTeX commands), the stage ids, option
names and values a learner types, file and code names, the scenario's own tokens and title, and
the names of people, papers and products (``NAMES``); citations and URLs are names as a whole.
"""

from __future__ import annotations

import re
from functools import cache
from html.parser import HTMLParser

import pytest

from mhsa_tutor.io.loader import builtin_names, load_scenario
from mhsa_tutor.strings import ARTICLES
from tests.conftest import Invoke
from tests.korean_words import KO, WORD, english_words


@cache
def _allowed(name: str) -> frozenset[str]:
    scn = load_scenario(name)
    words = set(scn.tokens) | set(scn.memory_tokens or ()) | set(WORD.findall(scn.title_ko or scn.title))
    words |= set(WORD.findall(scn.source_ko))  # the source line quotes paper titles and code names
    for article in ARTICLES.values():  # citations (wrapped, they cannot be cut out whole)
        words |= set(WORD.findall(article.full_in("ko")))
    words = {w.strip("'") for w in words}
    return frozenset(words)


@pytest.mark.parametrize("name", builtin_names())
def test_run_explain_quiz_export_in_korean(name: str, invoke: Invoke) -> None:
    allowed = _allowed(name)
    texts = [
        invoke(["run", name], env=KO).stdout,
        invoke(["quiz", name, "--seed", "1"], input="0\n" * 30, env=KO).stdout,
        invoke(["export", name, "-o", "-"], env=KO).stdout,
        invoke(["explain", name, "--stage", "softmax", "--row", "1", "--col", "1"], env=KO).stdout,
    ]
    for text in texts:
        assert english_words(text, allowed) == set()


def test_list_help_and_errors_in_korean(invoke: Invoke) -> None:
    allowed: set[str] = set()
    for name in builtin_names():
        allowed |= _allowed(name)
    assert english_words(invoke(["list"], env=KO).stdout, allowed) == set()
    import typer

    from mhsa_tutor.cli.app import app

    commands = list(typer.main.get_command(app).commands)  # type: ignore[attr-defined]
    for cmd in ([], *([c] for c in commands)):
        example = ["the", "cat", "sat"]  # the tokens of `new`'s example, as typed
        assert english_words(invoke([*cmd, "--help"], env=KO).stdout, example) == set(), cmd
    bad = [
        ["run", "acting_machine"],
        ["run", "by_hand", "--head", "3"],
        ["run", "by_hand", "--stage", "scaledd"],
        ["run", "by_hand", "--precision", "x"],
        ["run", "by_hand", "--bogus"],
        ["run"],
        ["explain", "by_hand", "--stage", "softmax", "--row", "9", "--col", "1"],
        ["explain", "by_hand", "--stage", "softmax", "--row", "zz", "--col", "1"],
        ["quiz", "by_hand", "--tolerance", "-1"],
        ["run", "random", "--heads", "3"],
        ["run", "by_hand", "extra"],
    ]
    for args in bad:
        r = invoke(args, env=KO)
        assert r.exit_code == 2 and r.stderr.startswith("error: ")
        typed = ["by_hand", "zz", "scaledd", "acting_machine", "extra", *_allowed("by_hand")]  # as typed
        assert english_words(r.stderr.removeprefix("error: "), typed) == set(), args


class _KoreanText(HTMLParser):
    """The text a Korean reader sees on the page: outside any ``lang="en"`` element, no script or style."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[tuple[str, bool]] = []
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        hidden = dict(attrs).get("lang") == "en" or tag in ("script", "style")
        if tag not in ("meta", "br", "img", "input", "link", "col", "hr"):
            self.stack.append((tag, hidden))

    def handle_endtag(self, tag: str) -> None:
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data: str) -> None:
        if not any(hidden for _, hidden in self.stack):
            self.parts.append(data)


@pytest.mark.parametrize("name", ["by_hand", "grouped_query", "padding_mask"])
def test_page_and_heatmap_in_korean(name: str, invoke: Invoke, tmp_path: object) -> None:
    allowed = _allowed(name)
    page = invoke(["export", name, "-o", "-", "--format", "html"], env=KO).stdout
    reader = _KoreanText()
    reader.feed(page)
    korean = " ".join(reader.parts) + " ".join(re.findall(r'data-(?:progress|title)-ko="([^"]*)"', page))
    assert english_words(korean, allowed) == set()
    svg = invoke(["export", name, "-o", "-", "--format", "heatmap"], env=KO).stdout
    words = " ".join(re.findall(r">([^<>]+)<", svg))
    assert english_words(words, allowed) == set()


def test_the_environment_sets_every_command_and_lang_overrides_it(invoke: Invoke) -> None:
    ko = invoke(["run", "by_hand", "--stage", "1"], env=KO).stdout
    en = invoke(["run", "by_hand", "--stage", "1", "--lang", "en"], env=KO).stdout
    assert "토큰" in ko and "tokens" in en and "토큰" not in en
    assert "사용법" in invoke(["quiz", "--help", "--lang", "ko"]).stdout  # --lang alone sets the help too
