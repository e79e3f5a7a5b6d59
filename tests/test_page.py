"""The interactive page without a browser: its HTML contract, its embedded explanations, its size.

The browser tests (tests/test_page_browser.py) drive the same page in Chromium.
"""

from __future__ import annotations

import html
import re
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest

from mhsa_tutor.core.engine import run
from mhsa_tutor.core.numbers import fmt
from mhsa_tutor.core.trace import Trace
from mhsa_tutor.io.generate import build_random
from mhsa_tutor.io.loader import builtin_names, load_scenario
from mhsa_tutor.teach.explain import explain_cell
from mhsa_tutor.views.page.notebook import notebook_bundle
from mhsa_tutor.views.page.page import FULL_CELL_LIMIT, to_page, unpack
from mhsa_tutor.views.view import View, progress_line, safe, shown_indices
from tests.conftest import Invoke

BUILTINS = builtin_names()


@cache
def trace_of(name: str) -> Trace:
    return run(load_scenario(name))


class Page(HTMLParser):
    """Collects the cells, the scripts and every attribute that could load something."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.cells: list[dict[str, str | None]] = []
        self.sections: list[dict[str, str | None]] = []
        self.scripts: list[dict[str, str | None]] = []
        self.links: list[str] = []
        self.ids: list[str] = []
        self.title = ""
        self._in: str | None = None
        self._cell: dict[str, str | None] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids.append(str(a["id"]))
        for key in ("src", "href", "action", "poster", "srcset", "data"):
            if key in a:
                self.links.append(str(a[key]))
        if tag == "td" and "data-stage" in a:
            self._cell = {**a, "text": ""}
            self.cells.append(self._cell)
        elif tag == "section":
            self.sections.append(a)
        elif tag == "script":
            self.scripts.append({**a, "text": ""})
            self._in = "script"
        elif tag == "title":
            self._in = "title"

    def handle_endtag(self, tag: str) -> None:
        if tag == "td":
            self._cell = None
        if tag in ("script", "title"):
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell["text"] = str(self._cell["text"]) + data
        if self._in == "script":
            self.scripts[-1]["text"] = str(self.scripts[-1]["text"]) + data
        elif self._in == "title":
            self.title += data


def parse(text: str) -> Page:
    p = Page()
    p.feed(text)
    p.close()
    return p


def embedded(page: Page) -> dict[str, object]:
    [data] = [s for s in page.scripts if s.get("type") == "application/json"]
    assert data.get("data-encoding") == "gzip+base64"
    return unpack(str(data["text"]))


def decode(data: dict[str, object], key: str, lang: str) -> str:
    """What the page's script shows for a cell (the same decoding, in Python)."""
    ex = data["ex"]
    lines, templates = data["lines"], data["templates"]
    assert isinstance(ex, dict) and isinstance(lines, list) and isinstance(templates, list)
    ids = ex[key][1] if lang == "ko" and len(ex[key]) > 1 else ex[key][0]
    out = []
    for i in ids:
        t, *digits = lines[i].split(",")
        parts = templates[int(t)].split("\0")
        out.append(parts[0] + "".join(d + p for d, p in zip(digits, parts[1:], strict=True)))
    return "\n".join(out)


def cli_text(trace: Trace, cell: dict[str, str | None], precision: int, lang: str) -> str:
    head = cell.get("data-head")
    ex = explain_cell(
        trace,
        str(cell["data-stage"]),
        str(cell["data-row"]),
        str(cell["data-col"]),
        head=int(head) if head else None,
        matrix=cell["data-matrix"],
        precision=precision,
        lang=lang,
    )
    return "\n".join([safe(ex.label), *map(safe, ex.lines)])


@pytest.mark.parametrize("name", BUILTINS)
def test_every_shown_number_is_a_contract_cell_with_the_cli_arithmetic(name: str) -> None:
    trace = trace_of(name)
    page = parse(to_page(trace, View(precision=3)))
    data = embedded(page)
    expected_cells = 0
    for i, stage in enumerate(trace.stages):
        cells = [c for c in page.cells if c["data-stage"] == stage.id and c.get("data-head") == _head(stage.head)]
        for mname, m in stage.matrices.items():
            mine = [c for c in cells if c["data-matrix"] == mname]
            rows = [r for r in shown_indices(m.values.shape[0], False) if r is not None]
            cols = [c for c in shown_indices(m.values.shape[1], False) if c is not None]
            assert len(mine) == len(rows) * len(cols)
            expected_cells += len(mine)
            whole = all(float(x).is_integer() for x in m.values[np.isfinite(m.values)])  # integers print as such
            for cell in mine:
                r, c = int(str(cell["data-row"])) - 1, int(str(cell["data-col"])) - 1
                assert cell["text"] == fmt(float(m.values[r, c]), 0 if whole else 3)
                key = f"{i}|{mname}|{r + 1}|{c + 1}"
                for lang in ("en", "ko"):
                    assert decode(data, key, lang) == cli_text(trace, cell, 3, lang)
    assert len(page.cells) == expected_cells
    assert [s["data-progress"] for s in page.sections] == [progress_line(trace, i) for i in range(len(trace))]
    assert page.title.startswith(trace.info.title)
    assert {"progress", "explain", "prev", "next", "lang-toggle"} <= set(page.ids)


def _head(h: int | None) -> str | None:
    return None if h is None else str(h)


@pytest.mark.parametrize("name", BUILTINS)
def test_the_page_loads_nothing(name: str) -> None:
    text = to_page(trace_of(name), View())
    page = parse(text)
    assert all(link.startswith("#") for link in page.links), page.links
    assert all("src" not in s for s in page.scripts)
    assert "default-src 'none'" in text  # the Content-Security-Policy forbids any request
    assert not re.search(r"(?i)@import|url\(\s*['\"]?(https?:|//)", text)


TRICKY = """\
title = "</title><script>alert(1)</script> \\u001b[2J"
description = "<img src=x onerror=alert(2)> & done"
source = "</script><b>bold</b>"
tokens = ["<i>a</i>", "</script>", "b&amp;c", "\\u202eevil"]
heads = 1
scale = "none"
mask = "causal"

[input]
Q = [[1.0], [2.0], [3.0], [4.0]]
K = [[1.0], [0.0], [1.0], [0.0]]
V = [[1.0], [2.0], [3.0], [4.0]]
"""


def test_file_text_is_shown_literally(tmp_path: Path) -> None:
    path = tmp_path / "tricky.toml"
    path.write_text(TRICKY, encoding="utf-8")
    trace = run(load_scenario(str(path)))
    text = to_page(trace, View())
    page = parse(text)
    assert [s.get("type") for s in page.scripts] == ["application/json", None]  # nothing injected
    assert page.title.startswith("</title><script>alert(1)</script> \\x1b[2J")
    assert "<img" not in text and "<b>bold" not in text and "<i>a</i>" not in text
    assert "&lt;i&gt;a&lt;/i&gt;" in text and "b&amp;amp;c" in text
    assert "\u202e" not in text and "\x1b" not in text
    data = embedded(page)
    cell = next(c for c in page.cells if c["data-stage"] == "softmax")
    assert "<i>a</i>" in decode(data, f"{_index(trace, 'softmax')}|A|1|1", "en")  # JSON keeps it, as text
    assert decode(data, f"{_index(trace, 'softmax')}|A|1|1", "en") == cli_text(trace, cell, 4, "en")


def _index(trace: Trace, stage_id: str) -> int:
    return next(i for i, s in enumerate(trace.stages) if s.id == stage_id)


def test_bert_size_page_stays_under_2_mb() -> None:
    trace = run(build_random(512, 768, 12, 0))
    text = to_page(trace, View())
    size = len(text.encode("utf-8"))
    assert size < 2_000_000, size
    page = parse(text)
    assert len(page.sections) == len(trace.stages)
    assert len(page.cells) == sum(64 * len(s.matrices) for s in trace.stages)  # 8 × 8 corners each


def test_full_is_refused_above_what_a_page_holds(invoke: Invoke, tmp_path: Path) -> None:
    out = tmp_path / "big.html"
    r = invoke(["export", "random", "--tokens", "200", "--d-model", "64", "--heads", "2", "--full", "-o", str(out)])
    assert r.exit_code == 2
    assert f"at most {FULL_CELL_LIMIT}" in r.stderr and "--full" in r.stderr
    assert not out.exists()
    r = invoke(["export", "random", "--tokens", "20", "--d-model", "16", "--heads", "2", "--full", "-o", str(out)])
    assert r.exit_code == 0, r.stderr
    assert len(parse(out.read_text(encoding="utf-8")).cells) == sum(
        m.values.size for s in run(build_random(20, 16, 2, 0)) for m in s.matrices.values()
    )


def test_cli_writes_the_page_and_svg_stays_the_terminal_snapshot(invoke: Invoke, tmp_path: Path) -> None:
    r = invoke(["export", "by_hand", "-o", str(tmp_path / "t.html"), "--lang", "ko", "--precision", "2"])
    assert r.exit_code == 0, r.stderr
    text = (tmp_path / "t.html").read_text(encoding="utf-8")
    assert '<html lang="ko" data-lang="ko">' in text and ">0.82</td>" in text
    assert invoke(["export", "by_hand", "-o", str(tmp_path / "t.svg")]).exit_code == 0
    assert "rich-terminal" in (tmp_path / "t.svg").read_text(encoding="utf-8")


def test_notebook_display_is_the_page_in_a_sandboxed_iframe() -> None:
    trace = trace_of("by_hand")
    bundle = trace._repr_mimebundle_()
    assert bundle["text/plain"].startswith("<Trace by_hand: 16 stages")
    frame = bundle["text/html"]
    assert frame.startswith("<iframe") and 'sandbox="allow-scripts"' in frame
    srcdoc = re.search(r'srcdoc="([^"]*)"', frame)
    page = to_page(trace, View()).replace("<html ", '<html data-embed="notebook" data-theme="light" ', 1)
    assert srcdoc is not None and html.unescape(srcdoc.group(1)) == page
    assert notebook_bundle(trace) == bundle


@pytest.mark.parametrize(
    ("lang", "stage", "head"), [("en", "softmax", "2"), ("ko", "masked", "1"), ("ko", "split", "2")]
)
def test_embedded_text_is_what_the_cli_prints(invoke: Invoke, lang: str, stage: str, head: str) -> None:
    trace = trace_of("by_hand")
    page = parse(to_page(trace, View(lang=lang, precision=2)))
    index = next(i for i, s in enumerate(trace.stages) if s.id == stage and s.head == int(head))
    matrix = next(iter(trace.stages[index].matrices))
    args = ["explain", "by_hand", "--stage", stage, "--head", head, "--row", "3", "--col", "2"]
    r = invoke([*args, "--matrix", matrix, "--lang", lang, "--precision", "2"], env={"COLUMNS": "400"})
    assert r.exit_code == 0, r.stderr
    assert decode(embedded(page), f"{index}|{matrix}|3|2", lang) + "\n" == r.stdout


def test_page_assets_are_package_data() -> None:
    from importlib import resources

    for name in ("page.css", "page.js"):
        assert resources.files("mhsa_tutor.views.page").joinpath("assets", name).is_file()


@pytest.mark.parametrize("name", builtin_names())
def test_source_rules_point_at_real_matrices(name: str) -> None:
    from mhsa_tutor.views.page.page_data import sources

    trace = trace_of(name)
    for key, rules in sources(trace).items():
        i, name_m = key.split("|")
        assert name_m in trace.stages[int(i)].matrices
        for rule in rules:
            target = trace.stages[int(str(rule[0]))]
            assert rule[1] in target.matrices, (key, rule)


def test_source_rules_of_the_variants_stages() -> None:
    from mhsa_tutor.views.page.page_data import sources

    def at(trace: Trace, stage_id: str, head: int | None = None) -> int:
        return next(k for k, s in enumerate(trace.stages) if s.id == stage_id and s.head == head)

    gqa = trace_of("grouped_query")  # query head 3 reads key/value head 2: K's column 2
    assert sources(gqa)[f"{at(gqa, 'split', 3)}|K"] == [[at(gqa, "projections"), "K", "r", 0, "c", 1, 0, 0]]
    rope = trace_of("rope_by_hand")  # the scores read the rotated Q and K
    assert [r[0] for r in sources(rope)[f"{at(rope, 'scores', 1)}|S"]] == [at(rope, "rotary", 1)] * 2
    alibi = trace_of("alibi")  # S + B reads the scaled score and the bias; the mask reads S + B
    bias = at(alibi, "bias", 2)
    assert sources(alibi)[f"{bias}|S"] == [
        [at(alibi, "scaled", 2), "S", "r", 0, "c", 0, 0, 0],
        [bias, "B", "r", 0, "c", 0, 0, 0],
    ]
    assert sources(alibi)[f"{at(alibi, 'masked', 2)}|S"][0][0] == bias
    pos = trace_of("sinusoidal_positions")  # the projections read X + P
    assert sources(pos)[f"{at(pos, 'projections')}|Q"][0][:2] == [at(pos, "positions"), "X"]


@pytest.mark.parametrize("kind", ["none", "causal", "sliding", "padding"])
def test_bert_size_page_stays_under_2_mb_for_every_mask(kind: str) -> None:
    """`random --tokens 512 --d-model 768 --heads 12`, with each mask kind (padding: the last 12 keys)."""
    from dataclasses import replace

    import numpy as np

    from mhsa_tutor.io.variant_options import VariantOptions

    mask = "none" if kind == "padding" else kind
    scn = build_random(
        512, 768, 12, 0, mask, "normal", variants=VariantOptions(window=128 if kind == "sliding" else None)
    )
    if kind == "padding":
        scn = replace(scn, variants=replace(scn.variants, padding=np.array([False] * 500 + [True] * 12)))
    size = len(to_page(run(scn), View()).encode("utf-8"))
    assert size < 2_000_000, size


def test_practice_bounds_give_the_quiz_tolerance() -> None:
    """The page's check, min(max(typed, lo), hi), is quiz.answer_tolerance for any typed precision."""
    from mhsa_tutor.teach.quiz import Answer, Question, answer_tolerance

    data = embedded(parse(to_page(trace_of("by_hand"), View())))
    quiz = data["quiz"]
    assert isinstance(quiz, dict) and quiz
    for questions in quiz.values():
        for q in questions:
            question = Question("x", None, q["m"], 0, 0, q["v"], q["x"])
            for typed in (0.5, 0.05, 0.005, 5e-5, 5e-9):
                page = min(max(typed, q["lo"]), q["hi"])
                assert page == answer_tolerance(question, Answer(q["v"], typed))


def test_a_stage_displays_as_its_tables_in_a_notebook() -> None:
    trace = trace_of("by_hand")
    stage = trace.stages[7]
    bundle = stage._repr_mimebundle_()
    assert bundle["text/plain"] == "<Stage softmax, head 1: A 4×4>"
    assert (
        bundle["text/html"].count("<table") == 1
        and fmt(float(stage.matrices["A"].values[0, 0]), 4) in bundle["text/html"]
    )
    assert trace.scenario is not None and trace.scenario.name == "by_hand"
