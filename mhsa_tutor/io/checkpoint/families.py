"""The model families ``from-model`` reads: their config fields and tensor names, declared once.

A ``Family`` says how one architecture's ``config.json`` gives the sizes of an
attention layer and where its tensors live in ``model.safetensors``. Three
families are supported: GPT-2 (``gpt2``), BERT (``bert``) and the Llama family
(``llama``, ``mistral``, ``qwen2``: RMSNorm, RoPE, grouped-query attention,
sliding windows). Anything else is a ``ScenarioError`` naming the field.

Pure data and dictionary reading; imports nothing heavy.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from mhsa_tutor.core.errors import ScenarioError

#: model_type of config.json -> family
FAMILIES: dict[str, str] = {"gpt2": "gpt2", "bert": "bert", "llama": "llama", "mistral": "llama", "qwen2": "llama"}


@dataclass(frozen=True)
class Arch:
    """One checkpoint's attention sizes and the variants its layers use.

    ``kind`` is the family (``gpt2``, ``bert``, ``llama``); ``model_type`` the config's own name.
    ``window`` is the sliding window of each layer (None: full causal or bidirectional).
    """

    kind: str
    model_type: str
    layers: int
    d_model: int
    heads: int
    kv_heads: int
    head_dim: int
    max_positions: int | None
    eps: float
    act: str
    rope_base: float | None = None
    rope_dims: int | None = None
    windows: tuple[int | None, ...] = ()


def _int(cfg: Mapping[str, Any], origin: str, *keys: str, default: int | None = None) -> int:
    for k in keys:
        v = cfg.get(k)
        if isinstance(v, int) and not isinstance(v, bool) and v > 0:
            return v
    if default is not None:
        return default
    raise ScenarioError(origin, f"has no usable {' or '.join(keys)}; expected a positive integer")


def _float(cfg: Mapping[str, Any], key: str, default: float) -> float:
    v = cfg.get(key, default)
    return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else default


def arch_of(cfg: Mapping[str, Any], origin: str) -> Arch:
    """The ``Arch`` of a parsed config.json.

    Raises:
        ScenarioError: an unsupported architecture or a setting the tutor cannot reproduce exactly.
    """
    model_type = cfg.get("model_type")
    if not isinstance(model_type, str) or model_type not in FAMILIES:
        shown = repr(model_type) if isinstance(model_type, str) else "missing"
        raise ScenarioError(
            origin,
            f"is {shown}; expected one of: {', '.join(FAMILIES)} (GPT-2, BERT and the Llama family)",
            "model_type",
        )
    kind = FAMILIES[model_type]
    if kind == "gpt2":
        return _gpt2(cfg, origin)
    if kind == "bert":
        return _bert(cfg, origin)
    return _llama(cfg, origin, model_type)


def _unsupported(origin: str, what: str) -> ScenarioError:
    return ScenarioError(origin, f"{what}; the tutor cannot reproduce this layer exactly")


def _gpt2(cfg: Mapping[str, Any], origin: str) -> Arch:
    d = _int(cfg, origin, "n_embd", "hidden_size")
    heads = _int(cfg, origin, "n_head", "num_attention_heads")
    if cfg.get("scale_attn_by_inverse_layer_idx") or cfg.get("reorder_and_upcast_attn"):
        raise _unsupported(origin, "uses scale_attn_by_inverse_layer_idx or reorder_and_upcast_attn")
    if cfg.get("scale_attn_weights") is False:
        raise _unsupported(origin, "has scale_attn_weights = false")
    act = str(cfg.get("activation_function", "gelu_new"))
    layers = _int(cfg, origin, "n_layer", "num_hidden_layers")
    return Arch(
        "gpt2", "gpt2", layers, d, heads, heads, d // heads, _int(cfg, origin, "n_positions", default=1024),
        _float(cfg, "layer_norm_epsilon", 1e-5), act, windows=(None,) * layers,
    )  # fmt: skip


def _bert(cfg: Mapping[str, Any], origin: str) -> Arch:
    if cfg.get("position_embedding_type", "absolute") != "absolute":
        raise _unsupported(origin, f"has position_embedding_type {cfg.get('position_embedding_type')!r}")
    d = _int(cfg, origin, "hidden_size")
    heads = _int(cfg, origin, "num_attention_heads")
    layers = _int(cfg, origin, "num_hidden_layers")
    return Arch(
        "bert", "bert", layers, d, heads, heads, d // heads, _int(cfg, origin, "max_position_embeddings", default=512),
        _float(cfg, "layer_norm_eps", 1e-12), str(cfg.get("hidden_act", "gelu")), windows=(None,) * layers,
    )  # fmt: skip


def _llama(cfg: Mapping[str, Any], origin: str, model_type: str) -> Arch:
    d = _int(cfg, origin, "hidden_size")
    heads = _int(cfg, origin, "num_attention_heads")
    kv = _int(cfg, origin, "num_key_value_heads", default=heads)
    head_dim = cfg.get("head_dim") if isinstance(cfg.get("head_dim"), int) else d // heads
    assert isinstance(head_dim, int)
    layers = _int(cfg, origin, "num_hidden_layers")
    rope = cfg.get("rope_parameters") if isinstance(cfg.get("rope_parameters"), dict) else None
    scaling = cfg.get("rope_scaling") if isinstance(cfg.get("rope_scaling"), dict) else None
    rope_type = (rope or scaling or {}).get("rope_type", (rope or scaling or {}).get("type", "default"))
    if rope_type != "default":
        raise _unsupported(origin, f"scales RoPE (rope_type {rope_type!r})")
    base = float((rope or {}).get("rope_theta", cfg.get("rope_theta", 10000.0)))
    factor = float((rope or {}).get("partial_rotary_factor", cfg.get("partial_rotary_factor", 1.0)))
    dims = int(head_dim * factor) if factor != 1.0 else None
    act = str(cfg.get("hidden_act", "silu"))
    if act != "silu":
        raise _unsupported(origin, f"has hidden_act {act!r} (expected silu)")
    return Arch(
        "llama", model_type, layers, d, heads, kv, head_dim, _int(cfg, origin, "max_position_embeddings", default=4096),
        _float(cfg, "rms_norm_eps", 1e-6), act, base, dims, _windows(cfg, model_type, layers),
    )  # fmt: skip


def _windows(cfg: Mapping[str, Any], model_type: str, layers: int) -> tuple[int | None, ...]:
    """Each layer's sliding window: Mistral's ``sliding_window``; Qwen2's only where ``layer_types`` says so."""
    w = cfg.get("sliding_window")
    window = w if isinstance(w, int) and not isinstance(w, bool) and w > 0 else None
    types = cfg.get("layer_types")
    if isinstance(types, list) and len(types) == layers:
        return tuple(window if t == "sliding_attention" else None for t in types)
    if model_type == "qwen2":
        if not cfg.get("use_sliding_window"):
            return (None,) * layers
        first = _int(cfg, "", "max_window_layers", default=layers)
        return tuple(window if i >= first else None for i in range(layers))
    return (window,) * layers
