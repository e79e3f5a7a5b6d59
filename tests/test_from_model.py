"""``mhsa-tutor from-model`` against the models themselves: tiny checkpoints built here, never downloaded.

Each family (GPT-2, BERT, Llama with GQA, Mistral with a sliding window, Qwen2
with q/k/v biases) is built from a config with random float64 weights, saved
with ``save_pretrained`` to a temporary folder beside a word-level tokenizer
made with ``tokenizers``; ``from-model`` writes the scenario of layer 0 and of
the last layer, and the tutor's X, weights A and output O must equal the
model's own attention input, probabilities and attention output to 1e-9.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from mhsa_tutor.core.engine import run
from mhsa_tutor.io.loader import load_scenario
from tests.conftest import Invoke
from tests.hf_layers import TOL, assert_layer, capture, float64_softmax

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")
tokenizers = pytest.importorskip("tokenizers")
pytest.importorskip("safetensors")

WORDS = [
    "[UNK]",
    "[CLS]",
    "[SEP]",
    "the",
    "cat",
    "sat",
    "on",
    "mat",
    "a",
    "dog",
    "ran",
    "far",
    "and",
    "it",
    "was",
    "red",
]
TEXT = "the cat sat on the mat and it ran"


def _tokenizer(folder: Path, bert: bool) -> None:
    from tokenizers import Tokenizer, models, pre_tokenizers, processors

    tok = Tokenizer(models.WordLevel({w: i for i, w in enumerate(WORDS)}, unk_token="[UNK]"))
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    if bert:
        tok.post_processor = processors.TemplateProcessing(
            single="[CLS] $A [SEP]", special_tokens=[("[CLS]", 1), ("[SEP]", 2)]
        )
    tok.save(str(folder / "tokenizer.json"))


def _configs() -> dict[str, tuple[Any, Any, float | None]]:
    """family -> (config, model class, RoPE base or None)."""
    V = len(WORDS)
    return {
        "gpt2": (
            transformers.GPT2Config(
                vocab_size=V, n_embd=8, n_layer=2, n_head=2, n_positions=16, bos_token_id=1, eos_token_id=2
            ),
            transformers.GPT2LMHeadModel,
            None,
        ),
        "bert": (
            transformers.BertConfig(
                vocab_size=V,
                hidden_size=8,
                num_hidden_layers=2,
                num_attention_heads=2,
                intermediate_size=12,
                max_position_embeddings=16,
            ),
            transformers.BertModel,
            None,
        ),
        "llama": (
            transformers.LlamaConfig(
                vocab_size=V,
                hidden_size=8,
                num_hidden_layers=2,
                num_attention_heads=4,
                num_key_value_heads=2,
                intermediate_size=12,
                rope_theta=500.0,
            ),
            transformers.LlamaForCausalLM,
            500.0,
        ),
        "mistral": (
            transformers.MistralConfig(
                vocab_size=V,
                hidden_size=8,
                num_hidden_layers=2,
                num_attention_heads=2,
                num_key_value_heads=1,
                intermediate_size=12,
                sliding_window=3,
            ),
            transformers.MistralModel,
            10000.0,
        ),
        "qwen2": (
            transformers.Qwen2Config(
                vocab_size=V,
                hidden_size=8,
                num_hidden_layers=2,
                num_attention_heads=2,
                num_key_value_heads=2,
                intermediate_size=12,
            ),
            transformers.Qwen2Model,
            10000.0,
        ),
    }


@pytest.fixture(scope="module")
def checkpoints(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = {}
    for i, (name, (cfg, cls, _)) in enumerate(_configs().items()):
        torch.manual_seed(10 + i)
        cfg._attn_implementation = "eager"
        model = cls(cfg).double().eval()
        with torch.no_grad():  # random biases, so that a bias left out would show
            for pname, p in model.named_parameters():
                if pname.endswith("bias"):
                    p.normal_(0.0, 0.5)
        folder = tmp_path_factory.mktemp(name)
        model.save_pretrained(folder)
        _tokenizer(folder, bert=name == "bert")
        out[name] = folder
    return out


@contextmanager
def exact_float64(model: Any, base: float | None) -> Iterator[None]:
    """The model's own code with its float32 casts taken out: softmax, RMSNorm and the RoPE angles in float64."""
    patched: list[tuple[Any, Callable[..., Any]]] = []
    for module in model.modules():
        cls = type(module).__name__
        if cls.endswith("RMSNorm"):
            eps = getattr(module, "variance_epsilon", getattr(module, "eps", 1e-6))

            def norm(x: Any, m: Any = module, eps: float = eps) -> Any:
                return m.weight * (x / torch.sqrt(x.pow(2).mean(-1, keepdim=True) + eps))

            patched.append((module, module.forward))
            module.forward = norm
        elif cls.endswith("RotaryEmbedding") and base is not None:
            dim = 2 * module.inv_freq.shape[0]
            inv = 1.0 / (base ** (torch.arange(0, dim, 2, dtype=torch.float64) / dim))

            def rope(x: Any, position_ids: Any, inv: Any = inv) -> Any:
                freqs = position_ids[..., None].double() * inv  # (B, T, dim/2)
                emb = torch.cat((freqs, freqs), dim=-1)
                return emb.cos(), emb.sin()

            patched.append((module, module.forward))
            module.forward = rope
    try:
        with float64_softmax():
            yield
    finally:
        for module, forward in patched:
            module.forward = forward


def _attention_module(model: Any, family: str, layer: int) -> tuple[Any, Any]:
    """(the module whose input is the layer's X, the module whose output is O)."""
    base = getattr(model, "transformer", getattr(model, "model", model))
    if family == "gpt2":
        att = base.h[layer].attn
        return att, att
    if family == "bert":
        att = base.encoder.layer[layer].attention
        return att.self, att.output.dense
    att = base.layers[layer].self_attn
    return att, att


@pytest.mark.parametrize("family", ["gpt2", "bert", "llama", "mistral", "qwen2"])
@pytest.mark.parametrize("layer", [0, 1])
def test_from_model_equals_the_models_own_attention(
    checkpoints: dict[str, Path], invoke: Invoke, tmp_path: Path, family: str, layer: int
) -> None:
    folder = checkpoints[family]
    out = tmp_path / f"{family}{layer}.toml"
    res = invoke(["from-model", str(folder), "--text", TEXT, "--layer", str(layer), "-o", str(out)])
    assert res.exit_code == 0, res.output + res.stderr
    assert f"layer {layer} of the {family} model" in " ".join(res.output.split())
    scn = load_scenario(out)
    trace = run(scn)

    base = _configs()[family][2]
    model = transformers.AutoModel.from_pretrained(folder, dtype=torch.float64, attn_implementation="eager").eval()
    ids = tokenizers.Tokenizer.from_file(str(folder / "tokenizer.json")).encode(TEXT).ids
    x_module, o_module = _attention_module(model, family, layer)
    with exact_float64(model, base), capture(x_module) as got_x, capture(o_module) as got_o, torch.no_grad():
        weights = model(torch.tensor([ids]), output_attentions=True).attentions[layer][0]
    o = got_o["out"][0] if isinstance(got_o["out"], tuple) else got_o["out"]
    assert scn.X is not None
    np.testing.assert_allclose(scn.X, got_x["x"][0].numpy(), atol=TOL, rtol=0)
    assert_layer(trace, weights, o[0])
    assert len(scn.tokens) == len(ids)
    assert f"layer {layer} of 2" in scn.source and TEXT in scn.source
    has_bias = family in ("gpt2", "bert", "qwen2")
    assert ("b_Q" in scn.biases) == has_bias
    assert ("b_O" in scn.biases) == (family in ("gpt2", "bert"))
    if family == "mistral":
        assert scn.mask == "sliding" and scn.variants.window == 3
    if family == "llama":
        assert scn.kv_heads == 2 and scn.variants.rope is not None and scn.variants.rope.base == 500.0


def test_from_model_errors_are_one_clear_line(checkpoints: dict[str, Path], invoke: Invoke, tmp_path: Path) -> None:
    gpt2 = checkpoints["gpt2"]
    out = str(tmp_path / "o.toml")
    cases = [
        ([str(tmp_path / "nowhere"), "--text", "the cat"], "is not a folder"),
        ([str(gpt2), "--text", "the cat", "--layer", "2"], "--layer is 2; expected a layer from 0 to 1"),
        ([str(gpt2), "--text", "   "], "--text is empty"),
        ([str(gpt2), "--text", " ".join(["the"] * 17)], "the model takes at most 16 positions"),
    ]
    bad = tmp_path / "bad"
    bad.mkdir()
    for f in ("model.safetensors", "tokenizer.json"):
        (bad / f).write_bytes((gpt2 / f).read_bytes())
    cases.append(([str(bad), "--text", "the cat"], "has no config.json"))
    for args, expect in cases:
        _one_error(invoke, [*args, "-o", out], expect)
    (bad / "config.json").write_text('{"model_type": "t5"}', encoding="utf-8")
    _one_error(
        invoke, [str(bad), "--text", "the cat", "-o", out], "config.json: model_type is 't5'; expected one of: gpt2"
    )
    (bad / "config.json").write_text((gpt2 / "config.json").read_text(encoding="utf-8"), encoding="utf-8")
    (bad / "model.safetensors").write_bytes(b"not a safetensors file")
    _one_error(invoke, [str(bad), "--text", "the cat", "-o", out], "cannot be read as safetensors")
    assert not Path(out).exists()


def _one_error(invoke: Invoke, args: list[str], expect: str) -> None:
    res = invoke(["from-model", *args])
    assert res.exit_code == 2, (args, res.output)
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:") and expect in lines[0], (args, res.stderr)


def test_from_model_without_the_extra_says_how_to_install_it(
    checkpoints: dict[str, Path], invoke: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "tokenizers", None)  # import fails as if not installed
    res = invoke(["from-model", str(checkpoints["gpt2"]), "--text", "the cat", "-o", str(tmp_path / "o.toml")])
    assert res.exit_code == 2
    assert "pip install 'mhsa-tutor[model]'" in res.stderr
