"""The page's formulas as MathML: well-formed, one per stage and language, carrying the LaTeX they came from,
every command of the stage table rendered as mathematics, and the same symbols as ``latex2mathml`` gives."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from functools import cache

import pytest

from mhsa_tutor.core.engine import run
from mhsa_tutor.core.stages import STAGES
from mhsa_tutor.core.trace import Trace
from mhsa_tutor.io.loader import builtin_names, load_scenario
from mhsa_tutor.strings import LANGS
from mhsa_tutor.views.export import latex_formula
from mhsa_tutor.views.page.mathml import KNOWN, to_mathml
from mhsa_tutor.views.page.page import latex_formula as page_latex
from mhsa_tutor.views.page.page import to_page
from mhsa_tutor.views.view import View

M = "{http://www.w3.org/1998/Math/MathML}"
COMMAND = re.compile(r"\\([A-Za-z]+)")


@cache
def trace_of(name: str) -> Trace:
    return run(load_scenario(name))


def _templates() -> list[str]:
    out = []
    for s in STAGES:
        out += [s.latex, *(t for _, t in s.latex_by_scale), *(t for _, t in s.latex_by_variant)]
    from mhsa_tutor.strings.latex_ko import REWRITES

    out += [korean for _, korean in REWRITES]  # the Korean words' replacements
    return [t for t in out if t]


def test_every_command_of_the_stage_table_is_understood() -> None:
    used = {c for t in _templates() for c in COMMAND.findall(t)}
    assert used and used <= KNOWN, used - KNOWN
    for must in ("mapsto", "cos", "theta", "lvert", "le", "infty", "sum"):
        assert must in used


@pytest.mark.parametrize("name", builtin_names())
def test_every_stage_has_its_formula_once_per_language(name: str) -> None:
    trace = trace_of(name)
    text = to_page(trace, View())
    blocks = re.findall(r'<div class="math scroll" tabindex="0">(.*?)</div>', text)
    assert len(blocks) == len(trace.stages)
    for stage, block in zip(trace.stages, blocks, strict=True):
        maths = re.findall(r"<math .*?</math>", block)
        wanted = {lang: page_latex(trace, stage, lang) for lang in LANGS}
        assert len(maths) == (1 if wanted["en"] == wanted["ko"] else 2)
        for m in maths:
            root = ET.fromstring(m)
            annotation = root.find(f"{M}semantics/{M}annotation")
            assert annotation is not None and annotation.text in wanted.values()
            assert root.find(f".//{M}merror") is None
            for t in root.iter(f"{M}mtext"):  # words only: no LaTeX command spelled out
                assert not re.search(r"\\|mapsto|lvert|rvert|theta|\bcos\b|\ble\b|infty", t.text or ""), t.text
        assert page_latex(trace, stage, "en") == latex_formula(trace, stage)  # the export's LaTeX
    assert 'class="formula"' not in text  # no second, monospace copy


def _leaves(mathml: str) -> list[str]:
    """The characters a reader sees, in order: every token element's text, spaces and invisibles removed."""
    root = ET.fromstring(mathml)
    sem = root.find(f"{M}semantics")
    body = sem[0] if sem is not None else root
    out = []
    for el in body.iter():
        if el.tag in (f"{M}mi", f"{M}mo", f"{M}mn", f"{M}mtext") and el.text:
            out += [ch for ch in el.text if not ch.isspace() and ch not in "\u2061\u2062"]
    return out


@pytest.mark.parametrize(
    "name", ["by_hand", "rope_by_hand", "alibi", "sliding_window", "grouped_query", "padding_mask"]
)
def test_same_symbols_as_latex2mathml(name: str) -> None:
    """An independent converter (latex2mathml, in the test extra) reads the same symbols from each formula."""
    converter = pytest.importorskip("latex2mathml.converter")
    trace = trace_of(name)
    for stage in trace.stages:
        for lang in LANGS:
            latex = page_latex(trace, stage, lang)
            ours, theirs = _leaves(to_mathml(latex)), _leaves(converter.convert(latex))
            assert ours == theirs, (stage.id, lang, latex)


def test_the_subset_the_tutor_writes() -> None:
    root = ET.fromstring(to_mathml(r"S \leftarrow \frac{S}{\sqrt{d_k}} = \frac{S}{\sqrt{4}}"))
    assert len(root.findall(f".//{M}mfrac")) == 2 and len(root.findall(f".//{M}msqrt")) == 2
    assert root.find(f".//{M}mo").text == "←"  # type: ignore[union-attr]
    root = ET.fromstring(to_mathml(r"K_{1}^{\top},\quad \text{columns } 1 \text{ to } 2"))
    sub = root.find(f".//{M}msubsup")
    assert sub is not None and [c.tag for c in sub] == [f"{M}mi", f"{M}mrow", f"{M}mrow"]
    texts = [t.text for t in root.iter(f"{M}mtext")]
    assert texts == ["columns\u00a0", "\u00a0to\u00a0"]
    root = ET.fromstring(to_mathml(r"(a, b) \mapsto a\cos m\theta_j,\quad B = -m \lvert i - j \rvert,\; j \le i"))
    assert [t.text for t in root.iter(f"{M}mtext")] == []
    assert {"↦", "|", "≤"} <= {t.text for t in root.iter(f"{M}mo")}
    assert {"cos", "θ"} <= {t.text for t in root.iter(f"{M}mi")}


@pytest.mark.parametrize("latex", [r"\text{</math><script>", r"\frac{", r"x_", r"\unknown{a}", "<&>", r"\left.", "}"])
def test_any_input_gives_well_formed_mathml(latex: str) -> None:
    root = ET.fromstring(to_mathml(latex))
    assert root.tag == f"{M}math"
    assert root.find(f".//{M}script") is None


def test_an_unknown_command_is_marked_not_spelled_as_maths() -> None:
    root = ET.fromstring(to_mathml(r"a \unknown b"))
    err = root.find(f".//{M}merror")
    assert err is not None and err.find(f"{M}mtext").text == "\\unknown"  # type: ignore[union-attr]
