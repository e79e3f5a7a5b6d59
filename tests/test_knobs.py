"""The knobs real layers use, each checked against the layer of the model family that uses it (float64, 1e-9).

Tiny models are built locally from their configs with random weights (never
downloaded): Falcon (ALiBi added before the scaling, its own slopes), Bloom
(ALiBi after the scaling), GPT-NeoX (partial rotary, "half" pairing, biases),
GPT-J (partial rotary, "interleaved" pairing), T5 (a learned relative bias per
head, given as data, no scaling), and ``nn.MultiheadAttention`` for W_O with
Q, K and V given directly. Each test writes the layer as a scenario file,
reads it back and compares the tutor's weights A and output O with the
model's own.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from mhsa_tutor.core.errors import ScenarioError
from mhsa_tutor.io.toml_out import dumps
from mhsa_tutor.io.validate import parse_scenario
from tests.hf_layers import assert_layer, capture, float64_softmax, rows, run_doc

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")


@pytest.fixture(autouse=True)
def _float64() -> Any:
    with float64_softmax():
        yield


T = 5
IDS = [[3, 1, 4, 1, 5]]


def _tokens() -> list[str]:
    return [f"t{i}" for i in range(T)]


def _fused(weight: Any, bias: Any, heads: int, layout: str) -> dict[str, list[Any]]:
    """W_Q, W_K, W_V (row-vector convention) and their biases from a fused q/k/v projection.

    ``layout`` "per_head": rows (heads, 3, head_dim), q, k, v interleaved per head (Falcon, Bloom, GPT-NeoX).
    """
    W = weight.detach().numpy().T  # (E, 3E)
    E = W.shape[0]
    hd = W.shape[1] // (3 * heads)
    assert layout == "per_head"
    W4 = W.reshape(E, heads, 3, hd)
    out = {f"W_{n}": W4[:, :, k, :].reshape(E, heads * hd).tolist() for k, n in enumerate("QKV")}
    if bias is not None:
        b = bias.detach().numpy().reshape(heads, 3, hd)
        out |= {f"b_{n}": b[:, k, :].reshape(-1).tolist() for k, n in enumerate("QKV")}
    return out


def _doc(heads: int, x: Any, weights: dict[str, Any], **top: Any) -> dict[str, Any]:
    tables: dict[str, Any] = {k: top.pop(k) for k in ("rope", "alibi") if k in top}
    inp = top.pop("input", {})
    return {
        "title": "layer",
        "tokens": _tokens(),
        "heads": heads,
        **top,
        **tables,
        "input": {"X": rows(x), **inp},
        "weights": weights,
    }


def test_falcon_alibi_added_before_the_scaling_with_the_models_slopes() -> None:
    from transformers.models.falcon.modeling_falcon import build_alibi_tensor

    torch.manual_seed(1)
    cfg = transformers.FalconConfig(
        vocab_size=16, hidden_size=12, num_hidden_layers=1, num_attention_heads=4, alibi=True,
        new_decoder_architecture=False, multi_query=False, bias=True, attn_implementation="eager",
    )  # fmt: skip
    model = transformers.FalconModel(cfg).double().eval()
    att = model.h[0].self_attention
    with capture(att) as got, torch.no_grad():
        weights = model(torch.tensor(IDS), output_attentions=True).attentions[0][0]
    # m_h·j at j = 1. Falcon computes the slopes in float32; with 4 heads they are powers of two, exact in both
    slopes = build_alibi_tensor(torch.ones(1, T), 4, torch.float64)[:, 0, 1].tolist()
    W = _fused(att.query_key_value.weight, att.query_key_value.bias, 4, "per_head")
    W |= {"W_O": rows(att.dense.weight.T), "b_O": rows(att.dense.bias)}
    alibi = {"slopes": slopes, "before_scaling": True}
    trace = run_doc(_doc(4, got["x"][0], W, mask="causal", bias="alibi", alibi=alibi))
    assert_layer(trace, weights, got["out"][0][0])
    # added after the scaling instead, the same slopes give other weights: the knob matters
    after = run_doc(_doc(4, got["x"][0], W, mask="causal", bias="alibi", alibi={"slopes": slopes}))
    assert np.abs(after.find("softmax", 1).matrices["A"].values - weights[0].numpy()).max() > 1e-3
    assert trace.find("bias", 1).title == "Head 1: ALiBi distance bias, added before the scaling"


def test_bloom_alibi_after_the_scaling() -> None:
    torch.manual_seed(2)
    cfg = transformers.BloomConfig(vocab_size=16, hidden_size=8, n_layer=1, n_head=2, attn_implementation="eager")
    model = transformers.BloomModel(cfg).double().eval()
    att = model.h[0].self_attention
    with capture(att) as got, torch.no_grad():
        weights = model(torch.tensor(IDS), output_attentions=True).attentions[0][0]
    W = _fused(att.query_key_value.weight, att.query_key_value.bias, 2, "per_head")
    W |= {"W_O": rows(att.dense.weight.T), "b_O": rows(att.dense.bias)}
    trace = run_doc(_doc(2, got["x"][0], W, mask="causal", bias="alibi"))
    # Bloom's attention module adds its residual inside; its output is dense(Z) + residual
    residual = got["args"][1] if len(got["args"]) > 1 else got["kwargs"]["residual"]
    out = got["out"][0][0] - residual[0]
    assert_layer(trace, weights, out)


def test_gpt_neox_partial_rotary_half_pairing_with_biases() -> None:
    torch.manual_seed(3)
    cfg = transformers.GPTNeoXConfig(
        vocab_size=16, hidden_size=12, num_attention_heads=2, num_hidden_layers=1, intermediate_size=16,
        rotary_pct=1 / 3, attn_implementation="eager",
    )  # fmt: skip
    model = transformers.GPTNeoXModel(cfg).double().eval()
    att = model.layers[0].attention
    with capture(att) as got, torch.no_grad():
        weights = model(torch.tensor(IDS), output_attentions=True).attentions[0][0]
    W = _fused(att.query_key_value.weight, att.query_key_value.bias, 2, "per_head")
    W |= {"W_O": rows(att.dense.weight.T), "b_O": rows(att.dense.bias)}
    trace = run_doc(_doc(2, got["x"][0], W, mask="causal", rope={"base": 10000.0, "style": "half", "dims": 2}))
    assert_layer(trace, weights, got["out"][0][0])
    assert trace.find("rotary", 1).formula.startswith("features 1–2 of 6:")


def test_gptj_partial_rotary_interleaved() -> None:
    torch.manual_seed(4)
    cfg = transformers.GPTJConfig(
        vocab_size=16, n_embd=8, n_head=2, n_layer=1, rotary_dim=2, attn_implementation="eager"
    )
    model = transformers.GPTJModel(cfg).double().eval()
    att = model.h[0].attn
    with capture(att) as got, torch.no_grad():
        weights = model(torch.tensor(IDS), output_attentions=True).attentions[0][0]
    W = {f"W_{n}": rows(getattr(att, f"{n.lower()}_proj").weight.T) for n in "QKV"} | {
        "W_O": rows(att.out_proj.weight.T)
    }
    trace = run_doc(_doc(2, got["x"][0], W, mask="causal", rope={"style": "interleaved", "dims": 2}))
    assert_layer(trace, weights, got["out"][0][0])


def test_t5_relative_position_bias_given_per_head_without_scaling() -> None:
    torch.manual_seed(5)
    cfg = transformers.T5Config(
        vocab_size=16, d_model=8, d_kv=3, d_ff=16, num_heads=2, num_layers=1, relative_attention_num_buckets=8,
        attn_implementation="eager",
    )  # fmt: skip
    model = transformers.T5EncoderModel(cfg).double().eval()
    att = model.encoder.block[0].layer[0].SelfAttention
    with capture(att) as got, torch.no_grad():
        weights = model(torch.tensor(IDS), output_attentions=True).attentions[0][0]
    B = got["out"][1][0]  # (H, T, T): the relative position bias the layer added
    W = {f"W_{n}": rows(getattr(att, n.lower()).weight.T) for n in "QKVO"}
    trace = run_doc(_doc(2, got["x"][0], W, scale="none", bias="given", input={"B": rows(B)}))
    assert_layer(trace, weights, got["out"][0][0])
    stage = trace.find("bias", 2)
    assert stage.title == "Head 2: score bias (given)"
    np.testing.assert_array_equal(stage.matrices["B"].values, B[1].numpy())


def test_w_o_with_q_k_v_given_directly_against_multihead_attention() -> None:
    torch.manual_seed(6)
    E, H = 6, 3
    mha = torch.nn.MultiheadAttention(E, H, bias=True, batch_first=True).double()
    x = torch.randn(1, T, E, dtype=torch.float64)
    with torch.no_grad():
        out, weights = mha(x, x, x, average_attn_weights=False)
        qkv = torch.nn.functional.linear(x[0], mha.in_proj_weight, mha.in_proj_bias)  # (T, 3E)
    q, k, v = qkv.split(E, dim=-1)
    doc = {
        "title": "given", "tokens": _tokens(), "heads": H,
        "input": {"Q": rows(q), "K": rows(k), "V": rows(v)},
        "weights": {"W_O": rows(mha.out_proj.weight.T), "b_O": rows(mha.out_proj.bias)},
    }  # fmt: skip
    trace = run_doc(doc)
    assert_layer(trace, weights[0], out[0])
    assert [s.id for s in trace.stages][:2] == ["input", "params"]


@pytest.mark.parametrize(
    ("top", "field", "expect"),
    [
        ({"bias": "alibi", "alibi": {"slopes": [0.5]}}, "alibi.slopes", "expected 2 numbers (one slope per head)"),
        ({"alibi": {"slopes": [0.5, 0.25]}}, "alibi", 'bias is not "alibi"'),
        ({"bias": "alibi", "alibi": {"before": True}}, "alibi.before", "did you mean before_scaling?"),
        ({"bias": "alibi", "alibi": {"before_scaling": 1}}, "alibi.before_scaling", "expected true or false"),
        ({"bias": "given"}, "input.B", 'is missing; bias = "given" needs B'),
        ({"rope": {"dims": 3}}, "rope.dims", "expected an even number"),
        ({"rope": {"dims": 8}}, "rope.dims", "expected an integer from 2 to 4"),
    ],
)
def test_bad_knobs_are_one_clear_error(top: dict[str, Any], field: str, expect: str) -> None:
    doc = _doc(2, np.eye(3, 8)[:, :8].tolist() * 2, {}, **top)
    doc["tokens"] = ["a", "b", "c"]
    doc["input"]["X"] = np.ones((3, 8)).tolist()
    doc["weights"] = {f"W_{n}": np.eye(8).tolist() for n in "QKV"}
    with pytest.raises(ScenarioError) as err:
        parse_scenario(dumps(doc), origin="k.toml", name="k")
    assert field in str(err.value) and expect in str(err.value), str(err.value)


def test_given_bias_must_be_one_matrix_per_head_of_tokens_by_keys() -> None:
    doc = {
        "title": "b", "tokens": ["a", "b"], "heads": 2, "bias": "given",
        "input": {"X": [[1.0, 0.0], [0.0, 1.0]], "B": [[[0.0, 1.0], [1.0, 0.0]]]},
        "weights": {f"W_{n}": [[1.0, 0.0], [0.0, 1.0]] for n in "QKV"},
    }  # fmt: skip
    with pytest.raises(ScenarioError, match=r"input\.B is 1 matrices, expected 2 matrices"):
        parse_scenario(dumps(doc), origin="b.toml", name="b")
    doc["input"]["B"] = [[[0.0, 1.0]], [[0.0, 1.0]]]  # type: ignore[index]
    with pytest.raises(ScenarioError, match=r"input\.B\[1\] is 1×2, expected 2×2"):
        parse_scenario(dumps(doc), origin="b.toml", name="b")
