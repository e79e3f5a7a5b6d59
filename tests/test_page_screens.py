"""The page on a phone (390 × 844) and a desktop (1280 × 800) in headless Chromium, and in a notebook.

One browser for the module and one page per screen size, reused from built-in to
built-in. Every built-in is checked for what depends on its content (widths,
formulas, a tapped cell's arithmetic); links, keys and practice are checked on a
sample. ``MHSA_SCREENSHOTS=DIR`` keeps phone and desktop screenshots of three
built-ins for review.
"""

from __future__ import annotations

import html
import json
import os
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

from mhsa_tutor.core.engine import run
from mhsa_tutor.core.numbers import num
from mhsa_tutor.core.trace import Trace
from mhsa_tutor.io.loader import builtin_names, load_scenario
from mhsa_tutor.strings import ui
from mhsa_tutor.teach.mistakes import Catalogue, Cell
from mhsa_tutor.teach.quiz import Question
from mhsa_tutor.teach.quiz_text import slip_sentence
from mhsa_tutor.views.page.page import to_page, unpack
from mhsa_tutor.views.view import View, progress_line
from tests.test_page_browser import ARGS, CHROMIUM, cli_text, pytestmark  # noqa: F401  (the same skips)

try:
    from playwright.sync_api import Browser, Page, sync_playwright
except ImportError:  # pragma: no cover - the test extra installs it
    sync_playwright = None  # type: ignore[assignment]

BUILTINS = builtin_names()
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
SCREENS = {"phone": PHONE, "desktop": DESKTOP}
SHOTS = ("by_hand", "rope_by_hand", "alibi")


@cache
def trace_of(name: str) -> Trace:
    return run(load_scenario(name))


@cache
def page_text(name: str) -> str:
    return to_page(trace_of(name), View())


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("pages")
    for name in BUILTINS:
        (out / f"{name}.html").write_text(page_text(name), encoding="utf-8")
    return out


@pytest.fixture(scope="module")
def screens(browser: Browser) -> Iterator[dict[str, Page]]:
    contexts = {k: browser.new_context(viewport=v, has_touch=k == "phone") for k, v in SCREENS.items()}  # type: ignore[arg-type]
    pages = {k: c.new_page() for k, c in contexts.items()}
    errors: list[str] = []
    for p in pages.values():
        p.on("pageerror", lambda e: errors.append(str(e)))
        p.on("request", lambda r: errors.append(r.url) if not r.url.startswith("file:") else None)
    yield pages
    for c in contexts.values():
        c.close()
    assert errors == []


def open_page(p: Page, folder: Path, name: str, fragment: str = "") -> None:
    p.goto((folder / f"{name}.html").as_uri() + fragment)
    p.wait_for_selector("html[data-ready]", state="attached")
    p.evaluate("localStorage.clear()")


#: For every stage in turn: elements wider than the window that are not inside a box scrolling them.
OVERFLOW_JS = """() => {
  const out = [];
  const sections = Array.from(document.querySelectorAll("section.stage"));
  const was = sections.map((s) => s.hidden);
  const scrolls = (el) => ["auto", "scroll"].includes(getComputedStyle(el).overflowX);
  sections.forEach((shown, k) => {
    sections.forEach((s, i) => { s.hidden = i !== k; });
    if (document.documentElement.scrollWidth > innerWidth) out.push(["page", k, document.documentElement.scrollWidth]);
    for (const el of document.querySelectorAll("body *")) {
      const r = el.getBoundingClientRect();
      if (!r.width || (r.right <= innerWidth + 0.5 && r.left >= -0.5)) continue;
      let inside = false;
      for (let e = el.parentElement; e && e !== document.body; e = e.parentElement) {
        if (scrolls(e) && e.getBoundingClientRect().right <= innerWidth + 0.5) { inside = true; break; }
      }
      if (!inside) out.push([el.tagName + "." + el.className, k, Math.round(r.right)]);
    }
  });
  sections.forEach((s, i) => { s.hidden = was[i]; });
  return out.slice(0, 10);
}"""
#: Text of every <mtext> on the page (all stages, both languages).
MTEXT_JS = "() => Array.from(document.querySelectorAll('mtext')).map((e) => e.textContent)"
LATEX_WORDS = re.compile(r"\\|mapsto|lvert|rvert|theta|\bcos\b|\bsin\b|\ble\b|infty|frac|sqrt|mathbb")


@pytest.mark.parametrize("name", BUILTINS)
def test_every_screen_fits_and_formulas_are_maths(screens: dict[str, Page], folder: Path, name: str) -> None:
    for screen, p in screens.items():
        open_page(p, folder, name)
        assert p.evaluate(OVERFLOW_JS) == [], (screen, name)
        texts = p.evaluate(MTEXT_JS)
        assert not [t for t in texts if LATEX_WORDS.search(t)], texts
        assert p.locator("math").count() >= len(trace_of(name).stages)
        if screen == "phone":  # the first screen shows a stage: its title is above the fold
            top = p.evaluate("document.querySelector('section.stage:not([hidden]) h2').getBoundingClientRect().top")
            assert 0 <= top < PHONE["height"] / 2, top


@pytest.mark.parametrize("name", BUILTINS)
def test_a_tapped_cell_shows_its_arithmetic_in_view(screens: dict[str, Page], folder: Path, name: str) -> None:
    trace = trace_of(name)
    k = next(i for i, s in enumerate(trace.stages) if s.id == "softmax")
    stage = trace.stages[k]
    rows, cols = stage.matrices["A"].values.shape
    for screen, p in screens.items():
        open_page(p, folder, name, f"#stage-{k + 1}")
        td = p.locator(f'section.stage:not([hidden]) td[data-matrix="A"][data-row="{rows}"][data-col="{cols}"]')
        if screen == "phone":
            td.tap()
        else:
            td.click()
        assert p.text_content("#explain") == cli_text(trace, stage, "A", rows, cols, "en")
        box = p.evaluate(
            "(() => { const r = document.getElementById('explain').getBoundingClientRect();"
            " return [r.top, r.bottom, r.height]; })()"
        )
        view = SCREENS[screen]["height"]
        assert box[2] > 0 and 0 <= box[0] < view - 20, (screen, box)  # its first lines are inside the window
        if screen == "phone":
            p.keyboard.press("Escape")  # the bottom sheet closes
            assert p.locator("#panel").is_hidden()


@pytest.mark.parametrize("name", SHOTS)
def test_the_stage_is_in_the_url(screens: dict[str, Page], folder: Path, name: str) -> None:
    trace = trace_of(name)
    n = len(trace.stages)
    for p in screens.values():
        open_page(p, folder, name, "#stage-3")
        assert p.text_content("#progress") == progress_line(trace, 2)  # loads at the linked stage
        p.click("#next")
        assert p.evaluate("location.hash") == "#stage-4"
        p.go_back()
        p.wait_for_function("document.getElementById('progress').textContent.startsWith('stage 3/')")
        assert p.text_content("#progress") == progress_line(trace, 2)  # Back goes to the previous stage
        p.evaluate(f"location.hash = '#stage-{n}'")  # a changed hash is followed
        p.wait_for_function(f"document.getElementById('progress').textContent.startsWith('stage {n}/')")
        assert p.eval_on_selector_all("section.stage:not([hidden])", "e => e.map(s => s.id)") == [f"stage-{n}"]


@pytest.mark.parametrize("name", SHOTS)
def test_arrow_keys_move_between_cells_and_escape_leaves(screens: dict[str, Page], folder: Path, name: str) -> None:
    trace = trace_of(name)
    k = next(i for i, s in enumerate(trace.stages) if s.id == "scores")
    p = screens["desktop"]
    open_page(p, folder, name, f"#stage-{k + 1}")
    first = p.locator('section.stage:not([hidden]) td[data-matrix][tabindex="0"]').first
    first.focus()

    def at() -> list[str]:
        return p.evaluate("(() => { const d = document.activeElement.dataset; return [d.row, d.col]; })()")  # type: ignore[no-any-return]

    assert at() == ["1", "1"]
    p.keyboard.press("ArrowRight")
    assert at() == ["1", "2"]
    p.keyboard.press("ArrowDown")
    assert at() == ["2", "2"]
    p.keyboard.press("ArrowLeft")
    p.keyboard.press("ArrowUp")
    p.keyboard.press("ArrowUp")  # stays in the table
    assert at() == ["1", "1"]
    assert p.text_content("#progress") == progress_line(trace, k)  # the stage did not change
    p.keyboard.press("Enter")
    assert p.text_content("#explain") == cli_text(trace, trace.stages[k], "S", 1, 1, "en")
    p.keyboard.press("Escape")
    assert not p.evaluate("document.activeElement.matches('td')")
    p.keyboard.press("ArrowRight")  # out of the table the arrows move between stages again
    assert p.text_content("#progress") == progress_line(trace, k + 1)


def _slip_question(trace: Trace, data: dict[str, object]) -> tuple[int, int, dict[str, object], list[object]]:
    """A stage, question and mistake whose value is far from the right one (a wrong answer to type)."""
    quiz = data["quiz"]
    assert isinstance(quiz, dict) and quiz
    for key, questions in quiz.items():
        for i, q in enumerate(questions):
            for slip in q["slips"]:
                if abs(slip[0] - q["v"]) > 0.05 * max(1.0, abs(q["v"])):
                    return int(key), i, q, slip
    raise AssertionError("no question with a mistake")


@pytest.mark.parametrize(("name", "lang"), [("by_hand", "en"), ("alibi", "ko"), ("dog_ate_food", "en")])
def test_practice_checks_names_the_mistake_and_records_it(
    screens: dict[str, Page], folder: Path, name: str, lang: str
) -> None:
    trace = trace_of(name)
    data = unpack(re.search(r'id="data" data-encoding="gzip\+base64">([^<]*)<', page_text(name)).group(1))  # type: ignore[union-attr]
    k, i, q, slip = _slip_question(trace, data)
    stage = trace.stages[k]
    p = screens["phone" if name == "alibi" else "desktop"]
    open_page(p, folder, name, f"#stage-{k + 1}")
    if lang == "ko":
        p.click("#lang-toggle")
    p.click("#quiz-toggle")
    for _ in range(i):
        p.click("#quiz-next")
    asked = p.locator("section.stage:not([hidden]) td.asked")
    assert asked.count() == 1
    assert [asked.get_attribute(a) for a in ("data-matrix", "data-row", "data-col")] == [
        q["m"],
        str(q["r"]),
        str(q["c"]),
    ]
    # a right answer, typed with the quiz's 4 decimals
    p.fill("#quiz-answer", num(float(q["v"]), 4))  # type: ignore[arg-type]
    p.click("#quiz-check")
    assert p.get_attribute("#quiz-result", "class") == "ok"
    assert p.text_content("#quiz-result") == ui(lang)["quiz_right"].format(label=q["label"], value=q["shown"])
    r, c = int(q["r"]), int(q["c"])  # type: ignore[call-overload]
    assert p.text_content("#explain") == cli_text(trace, stage, str(q["m"]), r, c, lang)  # the arithmetic shows
    assert p.text_content("#quiz-count") == "0"
    # a wrong answer: the value a named mistake gives
    typed = f"{float(slip[0]):.6f}"  # type: ignore[arg-type]
    p.fill("#quiz-answer", typed)
    p.click("#quiz-check")
    assert p.get_attribute("#quiz-result", "class") == "bad"
    question = Question(stage.id, stage.head, str(q["m"]), r - 1, c - 1, float(q["v"]), q["x"])  # type: ignore[arg-type]
    catalogue = Catalogue(trace.scenario, trace)  # type: ignore[arg-type]
    cell = Cell(stage.id, stage.head, question.matrix, r - 1, c - 1)
    named = next(s for s in catalogue.slips(cell) if s.kind == slip[1] and s.value == slip[0])
    said = p.text_content("#quiz-result") or ""
    assert said.splitlines()[0] == slip_sentence(trace, catalogue, question, named, typed, lang)
    assert p.text_content("#quiz-count") == "1"
    stored = json.loads(p.evaluate("localStorage.getItem('mhsa-tutor:mistakes')"))
    assert stored[-1]["got"] == typed and stored[-1]["name"] == trace.info.name
    p.reload()
    p.wait_for_selector("html[data-ready]", state="attached")
    assert p.text_content("#quiz-count") == "1"  # kept across visits
    p.click("#quiz-toggle")
    p.click("#quiz-mistakes-box > summary")
    assert p.locator("#quiz-mistakes li").count() == 1
    p.click("#quiz-clear")
    assert p.text_content("#quiz-count") == "0"
    p.fill("#quiz-answer", "zero")
    p.click("#quiz-check")
    assert "zero" in (p.text_content("#quiz-result") or "")  # not a number: said, not judged


def test_header_cites_the_article_and_elides_long_token_lists(screens: dict[str, Page], folder: Path) -> None:
    from mhsa_tutor.strings import ARTICLES

    name = next(n for n in BUILTINS if trace_of(n).info.article is not None)
    p = screens["desktop"]
    open_page(p, folder, name)
    article = ARTICLES[trace_of(name).info.article]  # type: ignore[index]
    assert article.full in (p.text_content(".facts") or "")
    from mhsa_tutor.io.generate import build_random

    text = to_page(run(build_random(40, 8, 2, 0)), View())
    tokens = re.search(r"<dd>(t1 · .*?)</dd>", text)
    assert tokens is not None and tokens.group(1) == "t1 · t2 · t3 · t4 · … · t37 · t38 · t39 · t40 (40)"


def test_screenshots_of_three_builtins(screens: dict[str, Page], folder: Path) -> None:
    keep = os.environ.get("MHSA_SCREENSHOTS")
    for name in SHOTS:
        trace = trace_of(name)
        k = next(i for i, s in enumerate(trace.stages) if s.id == "softmax")
        for screen, p in screens.items():
            open_page(p, folder, name, f"#stage-{k + 1}")
            p.locator("section.stage:not([hidden]) td[data-matrix]").nth(1).click()
            shot = p.screenshot()
            assert shot[:8] == b"\x89PNG\r\n\x1a\n"
            if keep:
                Path(keep).mkdir(parents=True, exist_ok=True)
                (Path(keep) / f"{name}_{screen}.png").write_bytes(shot)


NOTEBOOK_HOST = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>notebook</title></head>
<body data-jp-theme-light="true"><div class="output">%s</div><div class="output">%s</div></body></html>"""


def test_a_notebook_run_by_nbclient_sizes_the_frame_to_its_content(browser: Browser, tmp_path: Path) -> None:
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    root = str(Path(__file__).resolve().parents[1])
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell(
            f"import sys; sys.path.insert(0, {root!r})\n"
            "from mhsa_tutor.core.engine import run\nfrom mhsa_tutor.io.loader import load_scenario\n"
            "trace = run(load_scenario('by_hand'))\ntrace"
        ),
        nbformat.v4.new_code_cell("trace.stages[7]"),
    ]
    nbclient.NotebookClient(nb, timeout=120, kernel_name="python3").execute()
    [page_out] = [o for o in nb.cells[0].outputs if "data" in o]
    [stage_out] = [o for o in nb.cells[1].outputs if "data" in o]
    frame_html = page_out["data"]["text/html"]
    assert frame_html.startswith("<iframe") and 'data-theme="light"' in html.unescape(frame_html)
    assert "<table" in stage_out["data"]["text/html"] and stage_out["data"]["text/plain"].startswith("<Stage softmax")
    host = tmp_path / "notebook.html"
    host.write_text(NOTEBOOK_HOST % (frame_html, stage_out["data"]["text/html"]), encoding="utf-8")
    context = browser.new_context(viewport=DESKTOP)  # type: ignore[arg-type]
    p = context.new_page()
    p.goto(host.as_uri())
    frame = p.frame_locator("iframe.mhsa-tutor")
    frame.locator("html[data-ready]").wait_for(state="attached")

    def sizes() -> tuple[float, float]:
        outer = p.evaluate("document.querySelector('iframe.mhsa-tutor').getBoundingClientRect().height")
        inner = frame.locator("html").evaluate("e => e.scrollHeight")
        return float(outer), float(inner)

    p.wait_for_function(
        "Math.abs(document.querySelector('iframe.mhsa-tutor').getBoundingClientRect().height - 640) > 3"
    )
    outer, inner = sizes()
    assert abs(outer - inner) <= 6, (outer, inner)  # no slit, no nested scrolling
    frame.locator("#next").click()  # another stage: the frame follows its height
    p.wait_for_timeout(300)
    outer, inner = sizes()
    assert abs(outer - inner) <= 6, (outer, inner)
    bg = frame.locator("body").evaluate("e => getComputedStyle(e).backgroundColor")
    assert bg == "rgb(255, 255, 255)"  # light, as the notebook is
    context.close()
