"""The interactive page in real headless Chromium (Debian's ``chromium``, driven by Playwright).

Skipped, with the reason, when the ``playwright`` package or ``/usr/bin/chromium``
is missing (``bash .ci/run`` installs the browser). Set ``MHSA_SCREENSHOTS=DIR``
to keep the softmax screenshots (light and dark) of every built-in for review.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from mhsa_tutor.core.engine import run
from mhsa_tutor.core.numbers import table_precision
from mhsa_tutor.core.trace import Stage, Trace
from mhsa_tutor.io.loader import builtin_names, load_scenario
from mhsa_tutor.teach.explain import explain_cell
from mhsa_tutor.teach.narration import stage_title
from mhsa_tutor.views.page.page import to_page
from mhsa_tutor.views.view import View, progress_line, safe, shown_indices

try:
    from playwright.sync_api import Browser, Page, sync_playwright
except ImportError:  # pragma: no cover - the test extra installs it
    sync_playwright = None  # type: ignore[assignment]

CHROMIUM = os.environ.get("MHSA_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
pytestmark = [
    pytest.mark.skipif(
        sync_playwright is None, reason="browser tests need the playwright package (pip install -e '.[test]')"
    ),
    pytest.mark.skipif(
        not os.path.exists(CHROMIUM), reason=f"browser tests need Chromium at {CHROMIUM} (apt-get install chromium)"
    ),
]
BUILTINS = builtin_names()


@cache
def trace_of(name: str) -> Trace:
    return run(load_scenario(name))


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


class Opened:
    """A page loaded from a file, with every request and console error it caused."""

    def __init__(self, browser: Browser, path: Path, scheme: str = "light", page: bool = True) -> None:
        self.context = browser.new_context(color_scheme=scheme, viewport={"width": 1400, "height": 900})  # type: ignore[arg-type]
        self.page: Page = self.context.new_page()
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type in ("error", "warning") else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.url = path.as_uri()  # what was requested (the page's URL gains #stage-N as the reader moves)
        self.page.goto(self.url)
        if page:  # the tutor's page: its embedded data unpacked (a host page holds it in a frame)
            self.page.wait_for_selector("html[data-ready]", state="attached")

    def go(self, index: int) -> None:
        self.page.click(f'#stage-list a[data-go="{index}"]')

    def explain(self) -> str:
        return self.page.text_content("#explain") or ""

    def close(self) -> None:
        self.context.close()


def page_file(tmp_path: Path, name: str, view: View | None = None) -> Path:
    path = tmp_path / f"{name}.html"
    path.write_text(to_page(trace_of(name), view or View()), encoding="utf-8")
    return path


def cli_text(trace: Trace, stage: Stage, matrix: str, row: int, col: int, lang: str, precision: int = 4) -> str:
    """Exactly what ``mhsa-tutor explain`` prints for the cell (1-based row/col)."""
    ex = explain_cell(
        trace, stage.id, str(row), str(col), head=stage.head, matrix=matrix, precision=precision, lang=lang
    )
    return "\n".join([safe(ex.label), *map(safe, ex.lines)])


def cell(stage: Stage, matrix: str, row: int, col: int) -> str:
    head = f'[data-head="{stage.head}"]' if stage.head is not None else ":not([data-head])"
    return f'#stages td[data-stage="{stage.id}"]{head}[data-matrix="{matrix}"][data-row="{row}"][data-col="{col}"]'


def samples(n: int) -> list[int]:
    """First, middle and last shown position (1-based)."""
    shown = [i for i in shown_indices(n, False) if i is not None]
    return sorted({shown[0] + 1, shown[len(shown) // 2] + 1, shown[-1] + 1})


@pytest.mark.parametrize("name", BUILTINS)
def test_arrow_walks_every_stage_and_progress_follows(browser: Browser, tmp_path: Path, name: str) -> None:
    trace = trace_of(name)
    o = Opened(browser, page_file(tmp_path, name))
    p = o.page
    n = len(trace.stages)
    for k in range(n):
        assert p.text_content("#progress") == progress_line(trace, k)
        visible = p.eval_on_selector_all("section.stage:not([hidden])", "els => els.map(e => e.dataset.index)")
        assert visible == [str(k)]
        p.keyboard.press("ArrowRight")
    assert p.text_content("#progress") == progress_line(trace, n - 1)  # stays on the last
    p.keyboard.press("Home")
    assert p.text_content("#progress") == progress_line(trace, 0)
    p.keyboard.press("End")
    assert p.text_content("#progress") == progress_line(trace, n - 1)
    p.keyboard.press("ArrowLeft")
    assert p.text_content("#progress") == progress_line(trace, n - 2)
    p.click("#prev")
    p.click("#next")
    assert p.text_content("#progress") == progress_line(trace, n - 2)
    assert o.requests == [o.url] and o.errors == []
    o.close()


@pytest.mark.parametrize("name", BUILTINS)
def test_clicking_cells_shows_the_cli_arithmetic(browser: Browser, tmp_path: Path, name: str) -> None:
    trace = trace_of(name)
    o = Opened(browser, page_file(tmp_path, name, View(precision=3)))
    for k, stage in enumerate(trace.stages):
        o.go(k)
        for matrix, m in stage.matrices.items():
            for row in samples(m.values.shape[0]):
                for col in samples(m.values.shape[1]):
                    o.page.click(cell(stage, matrix, row, col))
                    assert o.explain() == cli_text(trace, stage, matrix, row, col, "en", 3)
    o.page.click("#lang-toggle")
    for k, stage in enumerate(trace.stages):
        o.go(k)
        matrix, m = next(iter(stage.matrices.items()))
        row, col = m.values.shape
        o.page.click(cell(stage, matrix, row, col))
        assert o.explain() == cli_text(trace, stage, matrix, row, col, "ko", 3)
    assert o.requests == [o.url] and o.errors == []
    o.close()


def test_korean_toggle(browser: Browser, tmp_path: Path) -> None:
    trace = trace_of("by_hand")
    o = Opened(browser, page_file(tmp_path, "by_hand"))
    p = o.page
    soft = next(k for k, s in enumerate(trace.stages) if s.id == "softmax")
    o.go(soft)
    stage = trace.stages[soft]
    p.click(cell(stage, "A", 2, 1))
    assert o.explain() == cli_text(trace, stage, "A", 2, 1, "en")
    assert p.inner_text("section.stage:not([hidden]) h2") == f"{soft + 1}. {stage_title(stage, 'en')}"
    p.click("#lang-toggle")
    assert p.get_attribute("html", "lang") == "ko"
    assert p.inner_text("section.stage:not([hidden]) h2") == f"{soft + 1}. {stage_title(stage, 'ko')}"
    assert o.explain() == cli_text(trace, stage, "A", 2, 1, "ko")  # the open explanation follows
    assert "소프트맥스" in p.inner_text("section.stage:not([hidden])") or "어텐션" in p.inner_text("body")
    assert p.inner_text("#lang-toggle") == "English"
    p.click("#lang-toggle")
    assert o.explain() == cli_text(trace, stage, "A", 2, 1, "en")
    o.close()
    o = Opened(browser, page_file(tmp_path, "by_hand", View(lang="ko")))  # --lang ko: Korean first
    assert o.page.inner_text("section.stage:not([hidden]) h2") == f"1. {stage_title(trace.stages[0], 'ko')}"
    o.close()


def test_keyboard_only(browser: Browser, tmp_path: Path) -> None:
    trace = trace_of("dog_ate_food")
    o = Opened(browser, page_file(tmp_path, "dog_ate_food"))
    p = o.page
    p.keyboard.press("End")
    p.keyboard.press("ArrowLeft")
    p.keyboard.press("ArrowLeft")  # a per-head stage near the end, reached by keys alone
    for _ in range(200):
        p.keyboard.press("Tab")
        if p.evaluate("document.activeElement.matches('td[data-matrix]')"):
            break
    focused = p.evaluate(
        "(() => { const d = document.activeElement.dataset;"
        " return [d.stage, d.head || null, d.matrix, Number(d.row), Number(d.col)]; })()"
    )
    p.keyboard.press("Enter")
    stage = trace.find(focused[0], int(focused[1]) if focused[1] else None)
    assert o.explain() == cli_text(trace, stage, focused[2], focused[3], focused[4], "en")
    o.close()


def test_the_cells_read_are_highlighted(browser: Browser, tmp_path: Path) -> None:
    trace = trace_of("by_hand")
    o = Opened(browser, page_file(tmp_path, "by_hand"))
    p = o.page
    ho = next(k for k, s in enumerate(trace.stages) if s.id == "head_output" and s.head == 2)
    o.go(ho)
    p.click(cell(trace.stages[ho], "Z", 3, 2))
    marked = p.eval_on_selector_all("#sources td.src", "els => els.map(e => e.textContent)")
    A = trace.find("softmax", 2).matrices["A"].values[2]  # row 3 of the weights
    V = trace.find("split", 2).matrices["V"].values[:, 1]  # column 2 of V
    whole = all(float(x).is_integer() for x in trace.find("split", 2).matrices["V"].values.ravel())
    shown_v = [f"{x:.0f}" if whole else f"{x:.4f}" for x in V]  # a matrix of whole numbers shows integers
    assert marked == [f"{x:.4f}" for x in A] + shown_v
    assert p.locator("#sources [data-stage]").count() == 0  # copies are not contract cells
    o.close()


def _channel(c: float) -> float:
    c /= 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def _luminance(rgb: str) -> float:
    nums = [float(x) for x in re.findall(r"[\d.]+", rgb)[:3]]
    r, g, b = (_channel(x) for x in nums)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(fg: str, bg: str) -> float:
    a, b = sorted((_luminance(fg), _luminance(bg)), reverse=True)
    return (a + 0.05) / (b + 0.05)


#: Every visible element holding text: its colour and the colour behind it (and the hatch colour, if hatched).
COLOURS_JS = """() => {
  const out = [];
  const root = getComputedStyle(document.documentElement);
  for (const el of document.querySelectorAll("body *")) {
    if (!el.getClientRects().length) continue;
    const own = Array.from(el.childNodes).some((n) => n.nodeType === 3 && n.textContent.trim());
    if (!own) continue;
    let bg = null, hatch = null;
    for (let e = el; e; e = e.parentElement) {
      const s = getComputedStyle(e);
      if (s.backgroundImage !== "none" && !hatch) hatch = root.getPropertyValue("--masked-bg").trim();
      if (s.backgroundColor !== "rgba(0, 0, 0, 0)") { bg = s.backgroundColor; break; }
    }
    out.push([el.tagName + "." + el.className, getComputedStyle(el).color, bg || "rgb(255, 255, 255)", hatch,
              el.textContent.trim().slice(0, 40)]);
  }
  return out;
}"""


def _hex_to_rgb(h: str) -> str:
    h = h.lstrip("#")
    return f"rgb({int(h[0:2], 16)}, {int(h[2:4], 16)}, {int(h[4:6], 16)})"


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("name", BUILTINS)
def test_text_contrast_and_softmax_screenshot(browser: Browser, tmp_path: Path, name: str, scheme: str) -> None:
    trace = trace_of(name)
    o = Opened(browser, page_file(tmp_path, name), scheme)
    p = o.page
    soft = next(k for k, s in enumerate(trace.stages) if s.id == "softmax")
    o.go(soft)
    p.click(cell(trace.stages[soft], "A", *trace.stages[soft].matrices["A"].values.shape))
    shaded = p.locator("section.stage:not([hidden]) td[class*='w']").count()
    weights = trace.stages[soft].matrices["A"].values
    assert shaded == int(np.isfinite(weights).sum())  # every weight shaded (a NaN row, every key masked, is not)
    bad = []
    for what, fg, bg, hatch, text in p.evaluate(COLOURS_JS):
        backs = [bg] + ([_hex_to_rgb(hatch)] if hatch else [])
        worst = min(contrast(fg, b) for b in backs)
        if worst < 4.5:
            bad.append((what, text, fg, backs, round(worst, 2)))
    assert bad == []
    shot = p.screenshot(full_page=True)
    assert shot[:8] == b"\x89PNG\r\n\x1a\n"
    keep = os.environ.get("MHSA_SCREENSHOTS")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        (Path(keep) / f"{name}_softmax_{scheme}.png").write_bytes(shot)
    o.close()


def test_print_shows_every_stage(browser: Browser, tmp_path: Path) -> None:
    trace = trace_of("dog_ate_food")
    o = Opened(browser, page_file(tmp_path, "dog_ate_food"))
    o.page.emulate_media(media="print")
    shown: Any = o.page.eval_on_selector_all(
        "section.stage", "els => els.filter(e => e.getClientRects().length).length"
    )
    assert shown == len(trace.stages)
    assert o.page.locator("#panel").is_hidden() and o.page.locator(".controls").is_hidden()
    assert o.page.pdf()[:4] == b"%PDF"
    o.close()


HOST = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>notebook</title>
<style>td { display: none !important; } body { background: #f00; } pre { visibility: hidden; }</style>
<script>window.data = "the notebook's own"; document.addEventListener("keydown", () => { window.keys = 1; });</script>
</head><body><p id="mine">notebook text</p>%s</body></html>"""


def test_notebook_iframe_is_isolated_and_works(browser: Browser, tmp_path: Path) -> None:
    trace = trace_of("by_hand")
    host = tmp_path / "host.html"
    host.write_text(HOST % trace._repr_mimebundle_()["text/html"], encoding="utf-8")
    o = Opened(browser, host, page=False)
    frame = o.page.frame_locator("iframe.mhsa-tutor")
    stage = trace.stages[7]
    frame.locator("#stage-box > summary").click(timeout=5000)  # a notebook folds the stage list away
    frame.locator('#stage-list a[data-go="7"]').click(timeout=5000)
    frame.locator(cell(stage, "A", 2, 2)).click(timeout=5000)  # would time out if the host's CSS hid the cells
    assert frame.locator("#explain").text_content() == cli_text(trace, stage, "A", 2, 2, "en")
    assert o.page.evaluate("window.data") == "the notebook's own"  # the page's script did not touch the host
    assert o.page.text_content("#mine") == "notebook text"
    assert o.requests == [o.url] and o.errors == []
    o.close()


def test_bert_size_page_in_the_browser(browser: Browser, tmp_path: Path) -> None:
    from mhsa_tutor.io.generate import build_random

    trace = run(build_random(512, 768, 12, 0))
    path = tmp_path / "bert.html"
    path.write_text(to_page(trace, View()), encoding="utf-8")
    o = Opened(browser, path)
    seen = set()
    for k, stage in enumerate(trace.stages):
        if stage.id in seen and stage.head != trace.info.heads:
            continue  # every stage kind once, and every stage of the last head
        seen.add(stage.id)
        o.go(k)
        assert o.page.text_content("#progress") == progress_line(trace, k)
        matrix, m = list(stage.matrices.items())[-1]
        row, col = m.values.shape
        o.page.click(cell(stage, matrix, row, col))
        assert o.explain() == cli_text(trace, stage, matrix, row, col, "en")
    assert o.requests == [o.url] and o.errors == []
    o.close()


def test_a_rotated_feature_highlights_itself_and_its_partner_in_one_table(browser: Browser, tmp_path: Path) -> None:
    trace = trace_of("rope_by_hand")
    o = Opened(browser, page_file(tmp_path, "rope_by_hand"))
    p = o.page
    rot = next(k for k, s in enumerate(trace.stages) if s.id == "rotary" and s.head == 1)
    o.go(rot)
    p.click(cell(trace.stages[rot], "Q", 2, 1))  # feature 1 pairs with feature 1 + d_k/2 ("half")
    assert p.locator("#sources figure").count() == 1
    marked = p.eval_on_selector_all("#sources td.src", "els => els.map(e => e.textContent)")
    split = trace.find("split", 1).matrices["Q"].values
    d = split.shape[1]
    prec = table_precision(split, 4)
    assert marked == [f"{split[1, 0]:.{prec}f}", f"{split[1, d // 2]:.{prec}f}"]
    o.close()
