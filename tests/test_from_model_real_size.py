"""``from-model`` at real sizes: a GPT-2-small-sized and a BERT-base-sized layer (d_model 768, 12 heads).

The checkpoints are built here from configs with the real hidden sizes (a tiny
vocabulary and two layers keep them quick; nothing is downloaded). Such a layer
does not fit a TOML file, so ``from-model`` writes the TOML and an arrays file
beside it; the tutor's X, weights A and output O read back from the pair must
equal the model's own to 1e-9, at layer 0 and at the deeper layer. Also: the
pair is the same scenario as inline TOML (bit for bit, on a tiny model), and
``-o`` writes both files or neither.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from mhsa_tutor.core.engine import run
from mhsa_tutor.io.loader import load_scenario
from tests.conftest import Invoke
from tests.hf_layers import TOL, assert_layer, capture

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")
tokenizers = pytest.importorskip("tokenizers")
pytest.importorskip("safetensors")

from tests.test_from_model import WORDS, _attention_module, _tokenizer, exact_float64  # noqa: E402

TEXT = "the cat sat on the mat and it ran far"


def _config(family: str) -> Any:
    V = len(WORDS)
    if family == "gpt2":
        return transformers.GPT2Config(vocab_size=V, n_embd=768, n_layer=2, n_head=12, n_positions=64)
    return transformers.BertConfig(
        vocab_size=V,
        hidden_size=768,
        num_hidden_layers=2,
        num_attention_heads=12,
        intermediate_size=3072,
        max_position_embeddings=64,
    )


@pytest.fixture(scope="module")
def real_size(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = {}
    for i, family in enumerate(("gpt2", "bert")):
        torch.manual_seed(30 + i)
        cfg = _config(family)
        cfg._attn_implementation = "eager"
        cls = transformers.GPT2LMHeadModel if family == "gpt2" else transformers.BertModel
        model = cls(cfg).double().eval()
        with torch.no_grad():  # random biases, so that a bias left out would show
            for name, p in model.named_parameters():
                if name.endswith("bias"):
                    p.normal_(0.0, 0.5)
        folder = tmp_path_factory.mktemp(f"{family}-768")
        model.save_pretrained(folder)
        _tokenizer(folder, bert=family == "bert")
        out[family] = folder
    return out


@pytest.mark.parametrize("family", ["gpt2", "bert"])
def test_a_real_size_layer_is_written_with_an_arrays_file_and_equals_the_model(
    real_size: dict[str, Path], invoke: Invoke, tmp_path: Path, family: str
) -> None:
    folder = real_size[family]
    model = transformers.AutoModel.from_pretrained(folder, dtype=torch.float64, attn_implementation="eager").eval()
    ids = tokenizers.Tokenizer.from_file(str(folder / "tokenizer.json")).encode(TEXT).ids
    for layer in (0, 1):
        out = tmp_path / f"{family}{layer}.toml"
        res = invoke(["from-model", str(folder), "--text", TEXT, "--layer", str(layer), "-o", str(out)])
        assert res.exit_code == 0, res.output + res.stderr
        npz = out.with_suffix(".npz")
        assert npz.is_file() and f"{npz.name}" in " ".join(res.output.split())
        assert out.stat().st_size < 4000 and f'arrays = "{npz.name}"' in out.read_text(encoding="utf-8")
        scn = load_scenario(out)
        assert scn.X is not None and scn.X.shape == (len(ids), 768) and scn.heads == 12
        trace = run(scn)
        x_module, o_module = _attention_module(model, family, layer)
        with exact_float64(model, None), capture(x_module) as got_x, capture(o_module) as got_o, torch.no_grad():
            weights = model(torch.tensor([ids]), output_attentions=True).attentions[layer][0]
        o = got_o["out"][0] if isinstance(got_o["out"], tuple) else got_o["out"]
        np.testing.assert_allclose(scn.X, got_x["x"][0].numpy(), atol=TOL, rtol=0)
        assert_layer(trace, weights, o[0])
        assert set(scn.biases) == {"b_Q", "b_K", "b_V", "b_O"}
        assert scn.mask == ("none" if family == "bert" else "causal")


def test_inline_is_refused_at_real_size_with_a_way_out(
    real_size: dict[str, Path], invoke: Invoke, tmp_path: Path
) -> None:
    out = tmp_path / "inline.toml"
    res = invoke(["from-model", str(real_size["gpt2"]), "--text", TEXT, "--arrays", "inline", "-o", str(out)])
    assert res.exit_code == 2 and res.stderr.count("\n") == 1
    assert "leave out --arrays inline" in res.stderr and not out.exists()
    ko = invoke(
        ["from-model", str(real_size["gpt2"]), "--text", TEXT, "--arrays", "inline", "-o", str(out)],
        env={"MHSA_TUTOR_LANG": "ko"},
    )
    assert ko.exit_code == 2 and "--arrays inline을 빼세요" in ko.stderr and "expected" not in ko.stderr
    res = invoke(["from-model", str(real_size["gpt2"]), "--text", TEXT, "--arrays", "npy", "-o", str(out)])
    assert res.exit_code == 2 and "did you mean npz?" in res.stderr


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from mhsa_tutor.tools.make_tiny_checkpoint import build

    folder = tmp_path_factory.mktemp("tiny-gpt2")
    build(folder, "gpt2", seed=3)
    return folder


def test_the_pair_is_the_same_scenario_as_inline_toml(tiny: Path, invoke: Invoke, tmp_path: Path) -> None:
    traces = {}
    for mode in ("inline", "npz", "auto"):
        out = tmp_path / f"{mode}.toml"
        res = invoke(["from-model", str(tiny), "--text", "the cat saw a bird", "--arrays", mode, "-o", str(out)])
        assert res.exit_code == 0, res.stderr
        assert out.with_suffix(".npz").exists() == (mode == "npz")  # auto: a tiny layer fits inline
        traces[mode] = run(load_scenario(out))
    for a, b in zip(traces["inline"].stages, traces["npz"].stages, strict=True):
        assert a.id == b.id
        for key, m in a.matrices.items():
            assert np.array_equal(m.values, b.matrices[key].values), (a.id, key)


def test_o_writes_both_files_or_neither(tiny: Path, invoke: Invoke, tmp_path: Path) -> None:
    out, npz = tmp_path / "layer.toml", tmp_path / "layer.npz"
    args = ["from-model", str(tiny), "--text", "the cat", "--arrays", "npz", "-o", str(out)]
    npz.write_bytes(b"mine")  # an existing arrays file is not overwritten without --force ...
    res = invoke(args)
    assert res.exit_code == 2 and "layer.npz: already exists; use --force" in res.stderr
    assert not out.exists() and npz.read_bytes() == b"mine"  # ... and the TOML is not written either
    npz.unlink()
    out.write_text("mine", encoding="utf-8")  # nor an existing TOML
    res = invoke(args)
    assert res.exit_code == 2 and "layer.toml: already exists" in res.stderr and not npz.exists()
    res = invoke([*args, "--force"])
    assert res.exit_code == 0 and load_scenario(out).X is not None
    assert sorted(p.name for p in tmp_path.iterdir()) == ["layer.npz", "layer.toml"]  # no temporary file left
    res = invoke(["from-model", str(tiny), "--text", "the cat", "--arrays", "npz", "-o", str(tmp_path / "m.toml")])
    assert res.exit_code == 0
    folder_npz = tmp_path / "d.npz"
    folder_npz.mkdir()
    res = invoke(["from-model", str(tiny), "--text", "the cat", "--arrays", "npz", "-o", str(tmp_path / "d.toml")])
    assert res.exit_code == 2 and "d.npz: is a folder" in res.stderr and not (tmp_path / "d.toml").exists()
    ko = invoke([*args, "--lang", "ko", "--force"])
    assert ko.exit_code == 0 and "layer.npz 파일" in ko.output


def test_every_command_works_on_the_pair(tiny: Path, invoke: Invoke, tmp_path: Path) -> None:
    out = tmp_path / "pair.toml"
    res = invoke(["from-model", str(tiny), "--text", "the cat saw a bird", "--arrays", "npz", "-o", str(out)])
    assert res.exit_code == 0, res.stderr
    trace = run(load_scenario(out))
    a = trace.find("softmax", 2).matrices["A"].values
    ok = [
        ["run", str(out)],
        ["run", str(out), "--stage", "softmax", "--head", "2"],
        ["explain", str(out), "--stage", "softmax", "--head", "2", "--row", "3", "--col", "1"],
    ]
    for args in ok:
        r = invoke(args)
        assert r.exit_code == 0, (args, r.stderr)
    assert f"{a[2, 0]:.4f}" in invoke(ok[2]).output  # explain quotes the weight the engine computed
    step = invoke(["run", str(out), "--step"], input="n\nn\nq\n")
    assert step.exit_code == 0 and "projections" in step.output
    quiz = invoke(["quiz", str(out), "--count", "2", "--seed", "1"], input="0\n0\n")
    assert quiz.exit_code == 0 and "score:" in quiz.output
    for name in ("t.json", "t.html", "t.md", "t.svg"):
        r = invoke(["export", str(out), "-o", str(tmp_path / name)])
        assert r.exit_code == 0 and (tmp_path / name).stat().st_size > 0, (name, r.stderr)
    r = invoke(["export", str(out), "--format", "heatmap", "-o", str(tmp_path / "h.svg")])
    assert r.exit_code == 0, r.stderr
    import json

    doc = json.loads((tmp_path / "t.json").read_text(encoding="utf-8"))
    scn = load_scenario(out)
    assert doc["scenario"]["tokens"] == list(scn.tokens) and doc["scenario"]["d_model"] == 8
    assert scn.X is not None and doc["stages"][0]["matrices"]["X"] == scn.X.tolist()  # every number, unrounded
