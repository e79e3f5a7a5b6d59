"""The page's formulas as MathML: well-formed, one per stage, carrying the LaTeX they came from."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from mhsa_tutor.core.engine import run
from mhsa_tutor.io.loader import builtin_names, load_scenario
from mhsa_tutor.views.export import latex_formula
from mhsa_tutor.views.page.mathml import to_mathml
from mhsa_tutor.views.page.page import to_page
from mhsa_tutor.views.view import View

M = "{http://www.w3.org/1998/Math/MathML}"


@pytest.mark.parametrize("name", builtin_names())
def test_every_stage_has_its_formula_as_mathml(name: str) -> None:
    trace = run(load_scenario(name))
    text = to_page(trace, View())
    sections = re.findall(r"<section .*?</section>", text, re.S)
    assert len(sections) == len(trace.stages)
    for stage, section in zip(trace.stages, sections, strict=True):
        maths = re.findall(r"<math .*?</math>", section)
        # one formula; one per language where its \text{} words differ (the Korean one in Korean word order)
        wanted = list(dict.fromkeys(latex_formula(trace, stage, lang) for lang in ("en", "ko")))
        assert len(maths) == len(wanted)
        for m, latex in zip(maths, wanted, strict=True):
            root = ET.fromstring(m)
            annotation = root.find(f"{M}semantics/{M}annotation")
            assert annotation is not None and annotation.text == latex


def test_the_subset_the_tutor_writes() -> None:
    root = ET.fromstring(to_mathml(r"S \leftarrow \frac{S}{\sqrt{d_k}} = \frac{S}{\sqrt{4}}"))
    assert len(root.findall(f".//{M}mfrac")) == 2 and len(root.findall(f".//{M}msqrt")) == 2
    assert root.find(f".//{M}mo").text == "←"  # type: ignore[union-attr]
    root = ET.fromstring(to_mathml(r"K_{1}^{\top},\quad \text{columns } 1 \text{ to } 2"))
    sub = root.find(f".//{M}msubsup")
    assert sub is not None and [c.tag for c in sub] == [f"{M}mi", f"{M}mrow", f"{M}mrow"]
    texts = [t.text for t in root.iter(f"{M}mtext")]
    assert texts == ["columns\u00a0", "\u00a0to\u00a0"]


@pytest.mark.parametrize("latex", [r"\text{</math><script>", r"\frac{", r"x_", r"\unknown{a}", "<&>", r"\left.", "}"])
def test_any_input_gives_well_formed_mathml(latex: str) -> None:
    root = ET.fromstring(to_mathml(latex))
    assert root.tag == f"{M}math"
    assert root.find(f".//{M}script") is None
