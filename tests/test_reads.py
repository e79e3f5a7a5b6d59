"""core.reads: one rule per stage and matrix, complete, and every teaching view built on it.

The completeness test is the checklist of a new stage kind: a rule for every matrix of the stage
table whose sources are real matrices, a title and formula in every language, an explainer, and,
for an askable stage, a question (its cell, its givens, its words in every language).
"""

from __future__ import annotations

import numpy as np
import pytest

from mhsa_tutor.core import reads
from mhsa_tutor.core.engine import run
from mhsa_tutor.core.reads import Layout, concat_source, head_columns, kv_head, operands, rope_partner, sinusoid_index
from mhsa_tutor.core.scenario import CONDITIONS, WIDTHS
from mhsa_tutor.core.stages import ASKABLE_STAGES, BY_ID, STAGES
from mhsa_tutor.core.variants import kv_group, rope_pairs
from mhsa_tutor.io.loader import builtin_names, load_scenario
from mhsa_tutor.strings import LANGS, NOTE_ORDER, table, ui
from mhsa_tutor.teach import quiz, quiz_text
from mhsa_tutor.teach.explain import explainer
from tests.variant_scenarios import named

# ------------------------------------------------------------------------------------ completeness


def test_every_matrix_of_the_stage_table_has_a_rule_and_only_those() -> None:
    assert set(reads.RULES) == set(reads.table_pairs())


@pytest.mark.parametrize(("stage", "matrix"), reads.table_pairs())
def test_every_rule_reads_real_matrices_of_earlier_or_the_same_stage(stage: str, matrix: str) -> None:
    order = [s.id for s in STAGES]
    r = reads.rule(stage, matrix)
    assert r.op in ("given", "sinusoid") or r.reads, "an operation with no operands"
    for read in r.reads:
        for sid, name in read.sources:
            assert name in [m.name for m in BY_ID[sid].matrices], (sid, name)
            assert order.index(sid) <= order.index(stage), f"{stage} reads the later stage {sid}"
        if read.head == "of_column" or read.col_map != "same":
            assert read.cols == "col", "a column mapping needs the cell's column"
    explainer(stage, matrix)  # every matrix has an explainer: its stage's own or its operation's


@pytest.mark.parametrize("spec", STAGES, ids=lambda s: s.id)
def test_every_stage_has_words_in_every_language_and_a_known_condition(spec: object) -> None:
    from mhsa_tutor.core.stages import StageSpec

    assert isinstance(spec, StageSpec)
    assert spec.when in CONDITIONS
    for m in spec.matrices:
        assert m.when in CONDITIONS
        assert m.width in ("given", "") or m.width in WIDTHS
        assert (m.width == "") == (m.rows != "dims" and m.cols != "dims")  # a dims axis has its width
    for lang in LANGS:
        words = table(lang)
        assert words.titles.get(spec.id), (lang, spec.id)
        assert any(k == spec.id or k.startswith(spec.id + ".") for k in words.formulas), (lang, spec.id)
        if spec.roundable:  # a rounded stage is named in the rounding list and in the quiz's diagnosis
            assert ui(lang).get(f"stage_name_{spec.id}"), (lang, spec.id)
    assert spec.id in NOTE_ORDER  # its narration (the words are checked per language in test_narration)


@pytest.mark.parametrize("stage", ASKABLE_STAGES)
def test_every_askable_stage_has_a_question(stage: str) -> None:
    assert stage in quiz.CELL_OF_PATH
    for lang in LANGS:
        assert ui(lang).get(f"quiz_ask_{stage}"), (lang, stage)
    for m in BY_ID[stage].matrices:
        op = reads.rule(stage, m.name).op
        assert stage in quiz_text.GIVENS or op in quiz_text._BY_OP, (stage, m.name)


def test_an_unknown_stage_fails_loudly_everywhere() -> None:
    trace = run(load_scenario("by_hand"))
    with pytest.raises(KeyError):
        reads.rule("attention_sink", "K")
    with pytest.raises(KeyError):
        explainer("attention_sink", "K")
    with pytest.raises(KeyError):
        operands(Layout.of_trace(trace), "attention_sink", 1, "K", 0, 0)
    q = quiz.Question("attention_sink", 1, "K", 0, 0, 0.0)
    with pytest.raises(KeyError):
        quiz_text.givens(trace, q)


# ------------------------------------------------------------------------------------ resolvers


def test_head_columns_and_concat_source_invert_each_other() -> None:
    for d_v in (1, 2, 3):
        for col in range(4 * d_v):
            h, c = concat_source(col, d_v)
            assert head_columns(h, d_v)[0] - 1 + c == col
            assert head_columns(h, d_v)[0] - 1 <= col <= head_columns(h, d_v)[1] - 1


@pytest.mark.parametrize(("heads", "groups"), [(4, 4), (4, 2), (4, 1), (6, 3), (8, 2)])
def test_kv_head_is_the_engines_group(heads: int, groups: int) -> None:
    engine = kv_group(heads, groups)  # what the engine computes with (0-based)
    assert [kv_head(h, heads, groups) for h in range(1, heads + 1)] == [int(g) + 1 for g in engine]


@pytest.mark.parametrize("style", ["half", "interleaved"])
@pytest.mark.parametrize("d", [2, 4, 6])
def test_rope_partner_is_the_engines_pairing(style: str, d: int) -> None:
    first, second = rope_pairs(d, style)
    for pj, (a, b) in enumerate(zip(first, second, strict=True)):
        assert rope_partner(int(a), d, style) == (pj, int(b), True)
        assert rope_partner(int(b), d, style) == (pj, int(a), False)
    with pytest.raises(KeyError):
        rope_partner(0, d, None)


def test_sinusoid_index() -> None:
    assert [sinusoid_index(k) for k in range(4)] == [("sin", 0), ("cos", 0), ("sin", 2), ("cos", 2)]


# ------------------------------------------------------------------------------------ what the rules resolve to


def test_gqa_key_columns_are_numbered_by_key_value_head() -> None:
    trace = run(named()["gqa"])  # 4 query heads, 2 key/value heads, d_k = 2
    lay = Layout.of_trace(trace)
    assert [operands(lay, "split", h, "K", 0, 1)[0].col for h in (1, 2, 3, 4)] == [1, 1, 3, 3]
    assert [operands(lay, "split", h, "Q", 0, 1)[0].col for h in (1, 2, 3, 4)] == [1, 3, 5, 7]


def test_before_the_softmax_and_x_plus_p_come_from_the_run() -> None:
    scenarios = named()
    lay = Layout.of_trace(run(scenarios["padding"]))  # ALiBi and a padding mask
    assert reads.read_stage(lay, "softmax", "A") == "masked"
    assert reads.read_stage(lay, "masked", "S") == "bias"
    assert reads.read_stage(lay, "bias", "S") == "scaled"
    lay = Layout.of_trace(run(scenarios["sin_pos"]))
    assert reads.read_stage(lay, "softmax", "A") == "scaled"
    x = operands(lay, "projections", None, "K", 1, 0)[0]
    assert (x.stage, x.head, x.matrix, x.row, x.col) == ("positions", None, "X", 1, None)
    lay = Layout.of_trace(run(scenarios["rope_half"]))
    assert reads.read_stage(lay, "scores", "S") == "rotary"
    lay = Layout.of_trace(run(load_scenario("cross_attention")))
    assert operands(lay, "projections", None, "V", 1, 0)[0].matrix == "memory"
    assert operands(lay, "projections", None, "Q", 1, 0)[0].matrix == "X"


@pytest.mark.parametrize("name", [*builtin_names(), *named()])
def test_layout_of_the_scenario_is_the_layout_of_its_trace(name: str) -> None:
    scn = named()[name] if name in named() else load_scenario(name)
    assert Layout.of_scenario(scn) == Layout.of_trace(run(scn))


def test_operand_values_shapes() -> None:
    trace = run(load_scenario("by_hand"))
    lay = Layout.of_trace(trace)
    x, w = operands(lay, "projections", None, "Q", 1, 0)
    assert x.values(trace).shape == (trace.info.d_model,)
    assert w.values(trace).shape == (trace.info.d_model,)
    (s,) = operands(lay, "scaled", 1, "S", 0, 1)
    assert np.ndim(s.values(trace)) == 0
    assert s.cells((3, 3)) == frozenset({(0, 1)})
