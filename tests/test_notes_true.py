"""Every note and explain sentence is true of the numbers on screen, in both languages, and both say the same.

Renders every built-in and generated scenarios (each variant, causal and not) in English and Korean
and checks each note against the trace's numbers: the one-hot note on every one-hot head, the
"what the division changes" row visibly changed, "same rows" rows equal, no order-blindness claim
under a mask, no "before the query" for a later key (``cell_notes`` raises where a sentence is
false, and every masked cell is explained here), "=" only where the printed operands are exact.
The two catalogues must say the same notes with the same numbers.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import cache

import numpy as np
import pytest

from mhsa_tutor.core.engine import run
from mhsa_tutor.core.trace import Stage, Trace
from mhsa_tutor.io.generate import build_random
from mhsa_tutor.io.loader import builtin_names, load_scenario
from mhsa_tutor.io.variant_options import VariantOptions
from mhsa_tutor.strings import LANGS
from mhsa_tutor.teach.explain import explain_cell
from mhsa_tutor.teach.narration import note_keys, stage_notes

#: generated scenarios: (label, mask, variants); each runs causal and not where the variant allows
VARIANTS: list[tuple[str, VariantOptions]] = [
    ("plain", VariantOptions()),
    ("sinusoidal", VariantOptions(positions="sinusoidal")),
    ("learned", VariantOptions(positions="learned")),
    ("rope", VariantOptions(rope=True)),
    ("alibi", VariantOptions(bias="alibi")),
    ("gqa", VariantOptions(kv_heads=2)),
    ("mqa", VariantOptions(kv_heads=1)),
]


@cache
def _generated(label: str, mask: str, seed: int) -> Trace:
    variants = dict(VARIANTS)[label] if label != "sliding" else VariantOptions(window=2)
    scn = build_random(5, 8, 4, seed, mask=mask, variants=variants)
    return run(scn)


GENERATED = [(label, mask, seed) for label, _ in VARIANTS for mask in ("none", "causal") for seed in (0, 1)]
GENERATED += [("sliding", "sliding", 0), ("sliding", "sliding", 1)]


def _traces() -> list[tuple[str, Trace]]:
    out = [(name, run(load_scenario(name))) for name in builtin_names()]
    out += [(f"{lb}-{m}-{s}", _generated(lb, m, s)) for lb, m, s in GENERATED]
    return out


@cache
def _all() -> tuple[tuple[str, Trace], ...]:
    return tuple(_traces())


NAMES = [name for name, _ in _traces()]
NUMBER = re.compile(r"−?\d+(?:\.\d+)?")


def _trace(name: str) -> Trace:
    return dict(_all())[name]


def _one_hot(stage: Stage) -> bool:
    A = stage.matrices["A"].values
    seen = (A > 0).sum(axis=1)
    with np.errstate(invalid="ignore"):
        return bool(((np.nan_to_num(A.max(axis=1)) > 0.999) & (seen > 1)).any())


@pytest.mark.parametrize("name", NAMES)
def test_each_note_is_true_of_the_numbers(name: str) -> None:
    trace = _trace(name)
    info = trace.info
    for stage in trace.stages:
        keys = set(note_keys(trace, stage))
        if stage.id == "softmax":  # on every head that is one-hot, and only there
            assert ("softmax.pitfall.one_hot" in keys) == _one_hot(stage), (stage.head, keys)
        if "positions.narration.order_blind" in keys:  # shuffling permutes outputs only without a mask
            assert info.mask == "none" and info.padding is None
        if "scaled.narration.row" in keys:  # a row the division visibly changes
            r = stage.facts.row
            assert r is not None and stage.head is not None
            after = trace.find("softmax", stage.head).matrices["A"].values[r]
            assert not np.allclose(np.round(stage.aux["unscaled"], 4), np.round(after, 4))
        if "concat.narration.same_rows" in keys:
            a, b = stage.facts.same_rows or (0, 0)
            Z = stage.matrices["Z"].values
            assert np.array_equal(Z[a], Z[b])
        if "bias.pitfall.always" in keys or "split.narration.gqa" in keys:
            said = " ".join(text for _, text in stage_notes(trace, stage, "en"))
            assert "interleave" not in said
            if info.groups == 1:
                assert "grouped-query" not in said.lower()


@pytest.mark.parametrize("name", NAMES)
def test_both_languages_say_the_same_notes_with_the_same_numbers(name: str) -> None:
    trace = _trace(name)
    for stage in trace.stages:
        en = stage_notes(trace, stage, "en")
        ko = stage_notes(trace, stage, "ko")
        assert [k for k, _ in en] == [k for k, _ in ko]
        for (_, e), (_, k) in zip(en, ko, strict=True):
            assert Counter(NUMBER.findall(e)) == Counter(NUMBER.findall(k)), (stage.id, stage.head, e, k)


@pytest.mark.parametrize("name", [n for n in NAMES if _trace(n).info.mask != "none" or _trace(n).info.padding])
@pytest.mark.parametrize("lang", LANGS)
def test_every_masked_cell_is_explained_truly(name: str, lang: str) -> None:
    trace = _trace(name)
    stage = trace.find("masked", 1)
    n_rows, n_cols = stage.matrices["S"].values.shape
    for i in range(n_rows):
        for j in range(n_cols):
            ex = explain_cell(trace, "masked", f"@{i + 1}", f"@{j + 1}", lang=lang)  # FalseNote if untrue
            text = " ".join(ex.lines)
            if j > i and not trace.info.cross:
                assert "before" not in text and "앞에 있습니다" not in text
            last = ex.lines[-1]
            if "−∞" not in last and last.split()[-2] == "=":  # "= x" only when x is the exact value
                assert float(last.split()[-1].replace("−", "-")) == ex.value


@pytest.mark.parametrize("name", NAMES)
def test_an_equals_sign_follows_exact_operands(name: str) -> None:
    """Softmax terms: ``e^(a − b) = c`` only when a, b and c are all printed exactly."""
    trace = _trace(name)
    ex = explain_cell(trace, "softmax", "@1", "@1")
    for line in ex.lines:
        m = re.match(r"\s*e\^\((\S+) − (\S+)\) = (\S+)", line)
        if m and "∞" not in line:
            a, b, c = (float(x.replace("−", "-").strip("()")) for x in m.groups())
            assert np.exp(a - b) == pytest.approx(c, abs=0), line


def test_repeated_tokens_are_told_apart_and_explain_reads_the_label() -> None:
    trace = run(load_scenario("sinusoidal_positions"))  # dog bites dog
    assert trace.shown_labels("tokens", 0) == ("dog@1", "bites", "dog@3")
    ex = explain_cell(trace, "scores", "dog@3", "dog@1")
    assert (ex.row, ex.col) == (2, 0) and ex.label == "S₁[dog@3, dog@1]"
