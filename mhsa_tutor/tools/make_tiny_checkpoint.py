"""Build a tiny Hugging Face checkpoint folder locally, to try ``mhsa-tutor from-model`` without any download.

    python -m mhsa_tutor.tools.make_tiny_checkpoint /tmp/tiny-gpt2 --family gpt2

writes config.json, model.safetensors (random float64 weights from a seed) and a
word-level tokenizer.json that knows a few English words. Needs torch,
transformers and tokenizers (``pip install 'mhsa-tutor[test]'`` and torch).
Families: gpt2, bert, llama, mistral, qwen2.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

WORDS = [
    "[UNK]", "[CLS]", "[SEP]", "the", "cat", "sat", "on", "mat", "a", "dog", "ran", "far", "and", "it",
    "was", "red", "big", "small", "saw", "bird",
]  # fmt: skip


def build(folder: Path, family: str, seed: int = 0) -> None:
    """Write a tiny checkpoint of ``family`` (d_model 8, 2 layers, 2 heads) with random weights to ``folder``."""
    import torch
    import transformers
    from tokenizers import Tokenizer, models, pre_tokenizers, processors

    V = len(WORDS)
    small: dict[str, Any] = {
        "vocab_size": V,
        "hidden_size": 8,
        "num_hidden_layers": 2,
        "num_attention_heads": 2,
        "intermediate_size": 16,
    }
    configs = {
        "gpt2": (
            transformers.GPT2Config(vocab_size=V, n_embd=8, n_layer=2, n_head=2, n_positions=32),
            "GPT2LMHeadModel",
        ),
        "bert": (transformers.BertConfig(**small, max_position_embeddings=32), "BertModel"),
        "llama": (transformers.LlamaConfig(**small, num_key_value_heads=1), "LlamaForCausalLM"),
        "mistral": (transformers.MistralConfig(**small, num_key_value_heads=1, sliding_window=3), "MistralModel"),
        "qwen2": (transformers.Qwen2Config(**small, num_key_value_heads=2), "Qwen2Model"),
    }
    cfg, cls = configs[family]
    torch.manual_seed(seed)
    model = getattr(transformers, cls)(cfg).double().eval()
    with torch.no_grad():  # biases drawn too (they start at zero), so that they show in the numbers
        for name, p in model.named_parameters():
            if name.endswith("bias"):
                p.normal_(0.0, 0.5)
    folder.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(folder)
    tok = Tokenizer(models.WordLevel({w: i for i, w in enumerate(WORDS)}, unk_token="[UNK]"))
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    if family == "bert":
        tok.post_processor = processors.TemplateProcessing(
            single="[CLS] $A [SEP]", special_tokens=[("[CLS]", 1), ("[SEP]", 2)]
        )
    tok.save(str(folder / "tokenizer.json"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--family", default="gpt2", choices=["gpt2", "bert", "llama", "mistral", "qwen2"])
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    build(args.folder, args.family, args.seed)
    print(f"wrote {args.folder}: a tiny {args.family} checkpoint (config.json, model.safetensors, tokenizer.json)")


if __name__ == "__main__":
    main()
