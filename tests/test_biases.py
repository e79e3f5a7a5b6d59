"""Projection biases b_Q, b_K, b_V, b_O: the format, the engine against PyTorch, and every view of them."""

from __future__ import annotations

import json
import re
from typing import Any

import numpy as np
import pytest

from mhsa_tutor.core.engine import run
from mhsa_tutor.core.errors import ScenarioError
from mhsa_tutor.core.stagetext import latex
from mhsa_tutor.io.generate import build_random
from mhsa_tutor.io.newfile import scenario_toml
from mhsa_tutor.io.trace_json import from_dict, to_dict
from mhsa_tutor.io.validate import parse_scenario
from mhsa_tutor.io.variant_options import VariantOptions
from mhsa_tutor.teach.explain import explain_cell
from mhsa_tutor.teach.mistakes import Catalogue, Cell
from mhsa_tutor.teach.narration import stage_notes
from mhsa_tutor.teach.quiz import Question, parse_answer
from mhsa_tutor.teach.quiz_text import ask_text, diagnose, givens
from mhsa_tutor.views.page.page_data import sources

BASE = """
title = "biases"
tokens = ["a", "b", "c"]
heads = 2
mask = "causal"
[input]
X = [[1.0, 2.0, 0.0, -1.0], [0.5, -1.0, 1.0, 0.0], [0.0, 1.0, -2.0, 1.0]]
[weights]
W_Q = [[1.0, 0.0, 0.5, 0.0], [0.0, 1.0, 0.0, 0.5], [0.5, 0.0, 1.0, 0.0], [0.0, -1.0, 0.0, 1.0]]
W_K = [[1.0, 0.5, 0.0, 0.0], [0.0, 1.0, 1.0, 0.0], [0.0, 0.0, 1.0, 0.5], [1.0, 0.0, 0.0, 1.0]]
W_V = [[1.0, 0.0, 0.0, 2.0], [0.0, 1.0, 0.0, 0.0], [0.0, 0.0, 1.0, 0.0], [-1.0, 0.0, 0.0, 1.0]]
W_O = [[1.0, 0.0, 0.0, 1.0], [0.0, 1.0, 0.0, 0.0], [0.0, 0.0, 1.0, 0.0], [1.0, 0.0, 0.0, 1.0]]
"""
BIASES = """b_Q = [0.5, -0.25, 1.0, 0.0]
b_K = [1.0, 2.0, 0.0, -1.0]
b_V = [0.0, 1.0, -0.5, 0.25]
b_O = [3.0, 4.0, 0.0, -2.0]
"""


def _scenario(extra: str = BIASES, base: str = BASE):  # type: ignore[no-untyped-def]
    return parse_scenario(base + extra, origin="b.toml", name="b")


def test_engine_adds_each_bias_to_every_row() -> None:
    scn = _scenario()
    trace = run(scn)
    plain = run(_scenario(""))
    X = scn.X
    assert X is not None and scn.W_Q is not None and scn.W_O is not None
    proj = trace.find("projections").matrices
    np.testing.assert_array_equal(proj["Q"].values, X @ scn.W_Q + scn.biases["b_Q"])
    np.testing.assert_array_equal(
        proj["Q"].values - plain.find("projections").matrices["Q"].values, np.broadcast_to(scn.biases["b_Q"], (3, 4))
    )
    Z = trace.find("concat").matrices["Z"].values
    np.testing.assert_array_equal(trace.find("output").matrices["O"].values, Z @ scn.W_O + scn.biases["b_O"])
    params = trace.find("params").matrices
    assert [n for n in params if n.startswith("b_")] == ["b_Q", "b_K", "b_V", "b_O"]
    assert params["b_K"].values.shape == (1, 4)


@pytest.mark.parametrize("cross", [False, True])
def test_engine_agrees_with_torch_multihead_attention_bias_true(cross: bool) -> None:
    """nn.MultiheadAttention(bias=True) in float64: in_proj_bias = [b_Q, b_K, b_V], out_proj.bias = b_O."""
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(3)
    for heads, dk, T, Tk, d_src in ((1, 3, 4, 4, 3), (2, 2, 5, 3, 5), (3, 2, 3, 6, 6), (4, 1, 6, 2, 4)):
        E = heads * dk
        d_src = d_src if cross else E
        Tk = Tk if cross else T
        X, M = rng.standard_normal((T, E)), rng.standard_normal((Tk, d_src))
        W = {k: rng.standard_normal((E if k in ("Q", "O") else d_src, E)) for k in "QKVO"}
        b = {k: rng.standard_normal(E) for k in "QKVO"}
        mha = torch.nn.MultiheadAttention(E, heads, bias=True, batch_first=True, kdim=d_src, vdim=d_src).double()

        def t(a: Any) -> Any:
            return torch.tensor(a, dtype=torch.float64)

        with torch.no_grad():
            if mha._qkv_same_embed_dim:
                mha.in_proj_weight.copy_(torch.cat([t(W["Q"]).T, t(W["K"]).T, t(W["V"]).T]))
            else:
                mha.q_proj_weight.copy_(t(W["Q"]).T)
                mha.k_proj_weight.copy_(t(W["K"]).T)
                mha.v_proj_weight.copy_(t(W["V"]).T)
            mha.in_proj_bias.copy_(torch.cat([t(b["Q"]), t(b["K"]), t(b["V"])]))  # row vectors: added, not transposed
            mha.out_proj.weight.copy_(t(W["O"]).T)
            mha.out_proj.bias.copy_(t(b["O"]))
            src = t(M)[None] if cross else t(X)[None]
            mask = None if cross else torch.triu(torch.ones(T, T, dtype=torch.bool), diagonal=1)
            out, weights = mha(t(X)[None], src, src, attn_mask=mask, average_attn_weights=False)

        def rows(a: Any) -> str:
            return "[" + ", ".join("[" + ", ".join(repr(float(x)) for x in r) + "]" for r in a) + "]"

        text = f'title = "t"\ntokens = {[f"t{i}" for i in range(T)]}\nheads = {heads}\n'
        text += f'mask = "{"none" if cross else "causal"}"\n'
        if cross:
            text += f"memory_tokens = {[f'm{i}' for i in range(Tk)]}\n"
        text += f"[input]\nX = {rows(X)}\n" + (f"memory = {rows(M)}\n" if cross else "")
        text += "[weights]\n" + "".join(f"W_{k} = {rows(W[k])}\nb_{k} = {rows([b[k]])[1:-1]}\n" for k in "QKVO")
        trace = run(parse_scenario(text, origin="t.toml", name="t"))
        for h in range(heads):
            np.testing.assert_allclose(
                trace.find("softmax", h + 1).matrices["A"].values, weights[0, h].numpy(), atol=1e-12
            )
        np.testing.assert_allclose(trace.find("output").matrices["O"].values, out[0].numpy(), atol=1e-12)


@pytest.mark.parametrize(
    ("extra", "field", "expect"),
    [
        ("b_Q = [1.0, 2.0]\n", "weights.b_Q", "has 2 values, expected 4 (one per column of W_Q)"),
        ("b_Q = 1.0\n", "weights.b_Q", "is a number, expected a list of numbers (one per column of W_Q)"),
        ("b_Q = [[1.0, 2.0, 3.0, 4.0]]\n", "weights.b_Q", "is a list of lists, expected a list of numbers"),
        ("b_V = []\n", "weights.b_V", "is an empty list"),
        ('b_K = [1.0, "x", 0.0, 0.0]\n', "weights.b_K[1][2]", "expected a number"),
        ("b_q = [1.0, 2.0, 3.0, 4.0]\n", "weights.b_q", "did you mean b_Q?"),
    ],
)
def test_bad_biases_are_one_clear_error(extra: str, field: str, expect: str) -> None:
    with pytest.raises(ScenarioError) as err:
        _scenario(extra)
    text = str(err.value)
    assert field in text and expect in text and "did you mean W_Q" not in text


def test_b_o_needs_w_o_and_gqa_biases_have_kv_width() -> None:
    no_wo = BASE.replace(
        "W_O = [[1.0, 0.0, 0.0, 1.0], [0.0, 1.0, 0.0, 0.0], [0.0, 0.0, 1.0, 0.0], [1.0, 0.0, 0.0, 1.0]]\n", ""
    )
    with pytest.raises(ScenarioError, match=r"weights\.b_O.*weights\.W_O is missing"):
        _scenario("b_O = [1.0, 2.0, 3.0, 4.0]\n", no_wo)
    gqa = BASE.replace("heads = 2", "heads = 2\nkv_heads = 1")
    gqa = re.sub(r"W_K = .*\n", "W_K = [[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [0.0, 0.0]]\n", gqa)
    gqa = re.sub(r"W_V = .*\n", "W_V = [[1.0, 0.0], [0.0, 1.0], [1.0, 0.0], [0.0, 2.0]]\n", gqa)
    with pytest.raises(ScenarioError, match=r"weights\.b_K has 4 values, expected 2"):
        _scenario("b_K = [1.0, 2.0, 3.0, 4.0]\n", gqa)
    scn = _scenario("b_K = [1.0, 2.0]\nb_V = [0.5, 0.0]\n", gqa)
    K = run(scn).find("projections").matrices["K"].values
    assert scn.X is not None and scn.W_K is not None
    np.testing.assert_array_equal(K, scn.X @ scn.W_K + np.array([[1.0, 2.0]]))


def test_given_qkv_may_have_w_o_and_b_o_but_no_other_bias() -> None:
    given = """title = "g"\ntokens = ["a", "b"]\nheads = 1\n[input]\nQ = [[1.0, 0.0], [0.0, 1.0]]
K = [[1.0, 1.0], [0.0, 1.0]]\nV = [[1.0, 2.0], [3.0, 4.0]]\n[weights]\nW_O = [[1.0, 0.0], [1.0, 1.0]]\n"""
    trace = run(parse_scenario(given + "b_O = [10.0, 0.0]\n", origin="g.toml", name="g"))
    Z = trace.find("concat").matrices["Z"].values
    np.testing.assert_array_equal(trace.find("output").matrices["O"].values, Z @ np.array([[1.0, 0], [1, 1]]) + [10, 0])
    assert [s.id for s in trace.stages][:2] == ["input", "params"]
    with pytest.raises(ScenarioError, match=r"weights\.b_Q.*Q, K, V are given directly"):
        parse_scenario(given + "b_Q = [1.0, 0.0]\n", origin="g.toml", name="g")
    with pytest.raises(ScenarioError, match=r"weights\.W_Q is given with input\.Q/K/V"):
        parse_scenario(given + "W_Q = [[1.0, 0.0], [0.0, 1.0]]\n", origin="g.toml", name="g")


def _evaluate(line: str) -> float:
    """Evaluate an arithmetic line as explain writes it (``= (1×2 + …) + 0.5``)."""
    expr = line.lstrip("=≈ ").replace("×", "*").replace("−", "-")
    return float(eval(expr, {"__builtins__": {}}))


@pytest.mark.parametrize(
    ("stage", "matrix", "bias"),
    [("projections", "Q", "b_Q"), ("projections", "K", "b_K"), ("projections", "V", "b_V"), ("output", "O", "b_O")],
)
def test_explain_writes_the_bias_term_and_its_arithmetic_is_true(stage: str, matrix: str, bias: str) -> None:
    trace = run(_scenario())
    for row in range(3):
        for col in range(4):
            ex = explain_cell(
                trace, stage, str(row + 1), str(col + 1), matrix=matrix if stage != "output" else None, precision=4
            )
            assert ex.lines[0].endswith(f"+ {bias}[{col + 1}]")
            assert abs(_evaluate(ex.lines[1]) - ex.value) < 1e-3
    plain = explain_cell(run(_scenario("")), stage, "1", "1", matrix=matrix if stage != "output" else None, precision=4)
    assert "b_" not in " ".join(plain.lines)


def test_formulas_notes_and_latex_show_the_biases() -> None:
    trace = run(_scenario("b_Q = [0.5, -0.25, 1.0, 0.0]\nb_O = [3.0, 4.0, 0.0, -2.0]\n"))
    assert trace.find("projections").formula == "Q = X·W_Q + b_Q,  K = X·W_K,  V = X·W_V"
    assert trace.find("output").formula == "O = Z·W_O + b_O"
    shapes = {"Q": (3, 4)}
    assert "X W_Q + b_Q" in latex("projections", None, trace.info, shapes)
    for lang in ("en", "ko"):
        notes = " ".join(text for _, text in stage_notes(trace, trace.find("output"), lang))
        assert "b_O[" in notes and "+ b_O" in notes
        params = " ".join(text for _, text in stage_notes(trace, trace.find("params"), lang))
        assert "b_Q, b_O" in params
    # the output note's sum over heads, + b_O, adds up to the cell it names
    en = " ".join(text for _, text in stage_notes(trace, trace.find("output"), "en"))
    terms = re.search(r"= ([−\d. +]+) [=≈] (−?[\d.]+)\.", en)
    assert terms is not None
    total = sum(float(x.replace("−", "-")) for x in terms.group(1).split(" + "))
    assert abs(total - float(terms.group(2).replace("−", "-"))) < 1e-3
    plain = run(_scenario(""))
    assert all(
        "bias" not in text for s in plain.stages for _, text in stage_notes(plain, s, "en") if s.id == "projections"
    )


def test_quiz_asks_for_the_bias_and_names_its_omission() -> None:
    scn = _scenario()
    trace = run(scn)
    cat = Catalogue(scn, trace)
    for stage, matrix, bias, col in (("projections", "K", "b_K", 1), ("output", "O", "b_O", 0)):
        m = trace.find(stage).matrices[matrix]
        q = Question(stage, None, matrix, 1, col, float(m.values[1, col]), None)
        for lang in ("en", "ko"):
            assert f"{bias}[{col + 1}]" in ask_text(trace, q, lang)
        assert any(line.startswith(f"{bias}[{col + 1}] = ") for line in givens(trace, q))
        b = float(trace.find("params").matrices[bias].values[0, col])
        forgot = f"{q.value - b:.4f}"
        slips = cat.slips(Cell(stage, None, matrix, 1, col))
        assert any(s.kind == "no_bias" for s in slips)
        answer = parse_answer(forgot)
        assert answer is not None
        said = diagnose(trace, cat, q, answer, "en")
        assert said is not None and "leaves out the bias" in said and f"{bias}[{col + 1}]" in said
        said_ko = diagnose(trace, cat, q, answer, "ko")
        assert said_ko is not None and "편향" in said_ko


def test_json_carries_the_biases_and_round_trips() -> None:
    trace = run(_scenario())
    data = to_dict(trace)
    assert data["scenario"]["biases"] == ["b_Q", "b_K", "b_V", "b_O"]
    params = next(s for s in data["stages"] if s["id"] == "params")
    assert params["matrices"]["b_O"] == [[3.0, 4.0, 0.0, -2.0]]
    back = from_dict(json.loads(json.dumps(data)))
    assert back.info.biases == trace.info.biases
    assert back.find("output").formula == "O = Z·W_O + b_O"
    assert "biases" not in to_dict(run(_scenario("")))["scenario"]


def test_page_highlights_the_bias_a_cell_reads() -> None:
    trace = run(_scenario())
    rules = sources(trace)
    at = {(s.id, s.head): i for i, s in enumerate(trace.stages)}
    proj, params, out = at[("projections", None)], at[("params", None)], at[("output", None)]
    assert [params, "b_Q", "*", 0, "c", 0, 0, 0] in rules[f"{proj}|Q"]
    assert [params, "b_O", "*", 0, "c", 0, 0, 0] in rules[f"{out}|O"]
    assert not any(str(r[1]).startswith("b_") for r in sources(run(_scenario("")))[f"{proj}|Q"])


def test_random_and_new_write_biases_and_keep_the_seed_numbers() -> None:
    opts = VariantOptions(bias_terms=True, kv_heads=1)
    scn = build_random(3, 4, 2, 5, variants=opts)
    plain = build_random(3, 4, 2, 5, variants=VariantOptions(kv_heads=1))
    assert list(scn.biases) == ["b_Q", "b_K", "b_V", "b_O"]
    assert scn.biases["b_K"].shape == (1, 2)  # kv_heads·d_k
    assert scn.W_O is not None and plain.W_O is not None
    np.testing.assert_array_equal(scn.W_O, plain.W_O)
    text = scenario_toml(scn, values="small-int", seed=5, path="n.toml")
    back = parse_scenario(text, origin="n.toml", name="n")
    for k, v in scn.biases.items():
        np.testing.assert_array_equal(back.biases[k], v)
    assert opts.flags().endswith("--bias-terms")


def test_cli_bias_terms_and_alibi_bias_are_separate(invoke) -> None:  # type: ignore[no-untyped-def]
    res = invoke(
        [
            "run",
            "random",
            "--tokens",
            "3",
            "--d-model",
            "4",
            "--heads",
            "2",
            "--bias-terms",
            "--bias",
            "alibi",
            "--stage",
            "params",
            "--brief",
        ]
    )
    assert res.exit_code == 0, res.output
    assert "b_O" in res.output
    res = invoke(["run", "by_hand", "--bias-terms"])
    assert res.exit_code == 2
