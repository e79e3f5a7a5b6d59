"""The attention heatmap (SVG): well-formed, one panel per head, token labels, shading that follows the weights."""

from __future__ import annotations

import itertools
import xml.etree.ElementTree as ET
from functools import cache
from pathlib import Path

import numpy as np
import pytest

from mhsa_tutor.core.engine import run
from mhsa_tutor.core.numbers import fmt
from mhsa_tutor.core.trace import Trace
from mhsa_tutor.io.generate import build_random
from mhsa_tutor.io.loader import builtin_names, load_scenario
from mhsa_tutor.views.page.heatmap import colour, to_heatmap
from mhsa_tutor.views.view import View
from tests.conftest import Invoke

NS = {"s": "http://www.w3.org/2000/svg"}
BUILTINS = builtin_names()


@cache
def trace_of(name: str) -> Trace:
    return run(load_scenario(name))


def _lightness(hex_colour: str) -> float:
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


@pytest.mark.parametrize("name", BUILTINS)
def test_one_panel_per_head_with_labels_and_shading(name: str) -> None:
    trace = trace_of(name)
    root = ET.fromstring(to_heatmap(trace, View()))
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    panels = root.findall("s:g[@class='panel']", NS)
    assert [p.get("data-head") for p in panels] == [str(h) for h in range(1, trace.info.heads + 1)]
    for panel in panels:
        head = int(str(panel.get("data-head")))
        A = trace.find("softmax", head).matrices["A"].values
        rows = [t.text for t in panel.findall("s:text[@class='row-label']", NS)]
        cols = [t.text for t in panel.findall("s:text[@class='col-label']", NS)]
        assert rows == list(trace.shown_labels("tokens", 0)) and cols == list(trace.shown_labels("keys", 0))
        cells = panel.findall("s:rect[@data-row]", NS)
        assert len(cells) == A.size
        seen: list[tuple[float, float]] = []
        for rect in cells:
            i, j = int(str(rect.get("data-row"))) - 1, int(str(rect.get("data-col"))) - 1
            w = float(A[i, j])
            fill = str(rect.get("fill"))
            assert fill == colour(w)
            title = rect.find("s:title", NS)
            assert title is not None and str(title.text).split(" = ")[1].split(" ")[0] == fmt(w, 4)
            seen.append((w, _lightness(fill)))
        seen.sort()
        assert all(a[1] >= b[1] for a, b in itertools.pairwise(seen))  # heavier weight, darker cell
    assert root.find("s:g[@class='colour-bar']", NS) is not None


def test_the_colour_scale_runs_from_white_to_dark() -> None:
    assert colour(0.0) == "#ffffff" and colour(1.0) == "#08306b"
    shades = [_lightness(colour(w)) for w in np.linspace(0, 1, 41)]
    assert all(a > b for a, b in itertools.pairwise(shades))


def test_masked_cells_are_marked() -> None:
    trace = trace_of("by_hand")
    root = ET.fromstring(to_heatmap(trace, View()))
    for h in (1, 2):
        S = trace.find("masked", h).matrices["S"].values
        panel = root.find(f"s:g[@data-head='{h}']", NS)
        assert panel is not None
        masked = {
            (int(str(r.get("data-row"))) - 1, int(str(r.get("data-col"))) - 1)
            for r in panel.findall("s:rect[@class='masked']", NS)
        }
        assert masked == {(int(i), int(j)) for i, j in zip(*np.nonzero(np.isneginf(S)), strict=True)}
        assert len(masked) == 6


def test_cli_heatmap_format_and_svg_without_format(invoke: Invoke, tmp_path: Path) -> None:
    r = invoke(["export", "dog_ate_food", "-o", str(tmp_path / "attn.svg"), "--format", "heatmap"])
    assert r.exit_code == 0, r.stderr
    root = ET.fromstring((tmp_path / "attn.svg").read_text(encoding="utf-8"))
    assert len(root.findall("s:g[@class='panel']", NS)) == 2
    assert invoke(["export", "dog_ate_food", "-o", str(tmp_path / "t.svg")]).exit_code == 0
    assert "rich-terminal" in (tmp_path / "t.svg").read_text(encoding="utf-8")  # -o x.svg: Rich's snapshot


def test_tricky_text_stays_text(tmp_path: Path) -> None:
    path = tmp_path / "t.toml"
    path.write_text(
        'title = "</svg><script>x</script>"\ntokens = ["<a>", "&b", "\\u001b[1m"]\nheads = 1\nscale = "none"\n'
        "[input]\nQ = [[1.0], [2.0], [3.0]]\nK = [[1.0], [0.0], [1.0]]\nV = [[1.0], [2.0], [3.0]]\n",
        encoding="utf-8",
    )
    root = ET.fromstring(to_heatmap(run(load_scenario(str(path))), View()))
    labels = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text") if t.get("class") == "row-label"]
    assert labels == ["<a>", "&b", "\\x1b[1m"]
    assert root.find(".//s:script", NS) is None


def test_too_many_tokens_is_refused(invoke: Invoke, tmp_path: Path) -> None:
    r = invoke(["export", "random", "--tokens", "200", "--d-model", "8", "--heads", "2", "-o", str(tmp_path / "a.svg")])
    assert r.exit_code == 0  # the Rich snapshot elides
    r = invoke(
        [
            "export",
            "random",
            "--tokens",
            "200",
            "--d-model",
            "8",
            "--heads",
            "2",
            "-o",
            str(tmp_path / "b.svg"),
            "--format",
            "heatmap",
        ]
    )
    assert r.exit_code == 2 and "at most 128 tokens" in r.stderr
    assert ET.fromstring(to_heatmap(run(build_random(128, 8, 2, 0)), View())) is not None


def test_korean_words() -> None:
    root = ET.fromstring(to_heatmap(trace_of("by_hand"), View(lang="ko")))
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert "헤드 1" in texts and "헤드 2" in texts and "가중치" in texts and "head 1" not in texts
    titles = [t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}title")]
    assert titles[0].endswith("어텐션 가중치") and any(t.endswith("(마스킹됨)") for t in titles)


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_axes_say_queries_down_and_keys_across(lang: str) -> None:
    from mhsa_tutor.strings import ui

    trace = run(load_scenario("by_hand"))
    root = ET.fromstring(to_heatmap(trace, View(lang=lang)))
    ns = "{http://www.w3.org/2000/svg}"
    for panel in root.iter(f"{ns}g"):
        if panel.get("class") != "panel":
            continue
        axes = [t for t in panel.iter(f"{ns}text") if t.get("class") == "axis-label"]
        assert [t.text for t in axes] == [f"{ui(lang)['heatmap_keys']} →", f"← {ui(lang)['heatmap_queries']}"]
        assert "rotate(-90" in (axes[1].get("transform") or "")  # the query axis runs down the rows
        cells = [r for r in panel.iter(f"{ns}rect") if r.get("data-row")]
        top = min(float(r.get("y") or 0) for r in cells)
        left = min(float(r.get("x") or 0) for r in cells)
        assert float(axes[0].get("y") or 0) < top and float(axes[1].get("x") or 0) < left
