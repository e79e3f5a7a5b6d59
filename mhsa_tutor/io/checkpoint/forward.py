"""A NumPy forward pass of the supported families, up to the input of one attention layer, in float64.

``Layers`` wraps one checkpoint's tensors and gives, for a layer, its weights in
the tutor's row-vector convention (``attention``), the hidden state entering it
(``hidden``: the embeddings, then every earlier block) and the exact input of
its Q/K/V projections (``attention_input``: after the pre-norm of GPT-2 and
Llama, the hidden state itself in BERT). The blocks follow the Hugging Face
implementations: GPT-2 (LayerNorm, Conv1D weights stored in × out, gelu_new),
BERT (post-norm, exact-erf GELU, token type 0) and Llama / Mistral / Qwen2
(RMSNorm, RoPE in the "half" pairing, grouped-query attention, sliding
windows, SiLU-gated MLP). The tests check the hidden states against the
model's own forward pass in float64.
"""

from __future__ import annotations

import math
from typing import Protocol

import numpy as np
import numpy.typing as npt

from mhsa_tutor.core.engine import stable_softmax
from mhsa_tutor.core.variants import kv_group, mask_rule, rope_theta, rotate
from mhsa_tutor.io.checkpoint.families import Arch

Array = npt.NDArray[np.float64]


class Tensors(Protocol):
    """A tensor by its name (without the checkpoint's prefix), as float64; ``rows``: only those rows, in order."""

    def __call__(self, name: str, rows: list[int] | None = None, /) -> Array: ...


def layer_norm(x: Array, w: Array, b: Array, eps: float) -> Array:
    """LayerNorm over the last axis (biased variance, as torch)."""
    mu = x.mean(-1, keepdims=True)
    var = ((x - mu) ** 2).mean(-1, keepdims=True)
    out: Array = (x - mu) / np.sqrt(var + eps) * w + b
    return out


def rms_norm(x: Array, w: Array, eps: float) -> Array:
    """RMSNorm (Llama): x / √(mean(x²) + eps) · w."""
    out: Array = x / np.sqrt((x * x).mean(-1, keepdims=True) + eps) * w
    return out


_ERF = np.vectorize(math.erf, otypes=[np.float64])


def activation(name: str, x: Array) -> Array:
    """The MLP's activation by its config name: gelu (erf), gelu_new / gelu_pytorch_tanh, relu, silu."""
    if name in ("gelu_new", "gelu_pytorch_tanh", "gelu_fast"):
        out: Array = 0.5 * x * (1.0 + np.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x**3)))
        return out
    if name == "gelu":
        erf: Array = _ERF(x / math.sqrt(2.0))
        return 0.5 * x * (1.0 + erf)
    if name == "relu":
        return np.maximum(x, 0.0)
    if name == "silu":
        return x / (1.0 + np.exp(-x))
    raise ValueError(name)


class Layers:
    """One checkpoint's layers: weights in row-vector form, hidden states, attention inputs."""

    def __init__(self, arch: Arch, tensor: Tensors) -> None:
        self.arch = arch
        self.t = tensor

    # ------------------------------------------------------------------ weights of one attention layer

    def attention(self, i: int) -> dict[str, Array]:
        """W_Q, W_K, W_V, W_O (row-vector convention: Q = X·W_Q) and whichever biases the layer has, each 1 × n."""
        a, t = self.arch, self.t
        if a.kind == "gpt2":
            W = t(f"h.{i}.attn.c_attn.weight")  # (d, 3d): Conv1D stores in × out, already row-vector
            b = t(f"h.{i}.attn.c_attn.bias")
            d = a.d_model
            out = {f"W_{n}": W[:, k * d : (k + 1) * d] for k, n in enumerate("QKV")}
            out |= {f"b_{n}": b[None, k * d : (k + 1) * d] for k, n in enumerate("QKV")}
            return out | {"W_O": t(f"h.{i}.attn.c_proj.weight"), "b_O": t(f"h.{i}.attn.c_proj.bias")[None]}
        if a.kind == "bert":
            p = f"encoder.layer.{i}.attention."
            out = {f"W_{n}": t(f"{p}self.{m}.weight").T for n, m in zip("QKV", ("query", "key", "value"), strict=True)}
            out |= {
                f"b_{n}": t(f"{p}self.{m}.bias")[None] for n, m in zip("QKV", ("query", "key", "value"), strict=True)
            }
            return out | {"W_O": t(f"{p}output.dense.weight").T, "b_O": t(f"{p}output.dense.bias")[None]}
        p = f"layers.{i}.self_attn."
        out = {f"W_{n}": t(f"{p}{n.lower()}_proj.weight").T for n in "QKVO"}
        for n in "QKVO":
            bias = self.maybe(f"{p}{n.lower()}_proj.bias")
            if bias is not None:
                out[f"b_{n}"] = bias[None]
        return out

    def maybe(self, name: str) -> Array | None:
        """A tensor, or None when the checkpoint has none of that name."""
        try:
            return self.t(name)
        except KeyError:
            return None

    # ------------------------------------------------------------------ the forward pass

    def embed(self, ids: list[int]) -> Array:
        """The hidden state entering layer 0, (T, d_model)."""
        a, t = self.arch, self.t
        T = len(ids)
        first = list(range(T))
        if a.kind == "gpt2":
            return t("wte.weight", ids) + t("wpe.weight", first)
        if a.kind == "bert":
            e = t("embeddings.word_embeddings.weight", ids) + t("embeddings.position_embeddings.weight", first)
            e = e + t("embeddings.token_type_embeddings.weight", [0])[0]
            return layer_norm(e, t("embeddings.LayerNorm.weight"), t("embeddings.LayerNorm.bias"), a.eps)
        return t("embed_tokens.weight", ids)

    def attention_input(self, h: Array, i: int) -> Array:
        """What layer ``i``'s Q/K/V projections read: the pre-norm of h (GPT-2, Llama), or h itself (BERT)."""
        a, t = self.arch, self.t
        if a.kind == "gpt2":
            return layer_norm(h, t(f"h.{i}.ln_1.weight"), t(f"h.{i}.ln_1.bias"), a.eps)
        if a.kind == "bert":
            return h
        return rms_norm(h, t(f"layers.{i}.input_layernorm.weight"), a.eps)

    def hidden(self, ids: list[int], layer: int) -> Array:
        """The hidden state entering ``layer``: the embeddings through every earlier block."""
        h = self.embed(ids)
        for i in range(layer):
            h = self.block(h, i)
        return h

    def attend(self, x: Array, i: int) -> Array:
        """Layer ``i``'s attention output (after W_O and b_O) for its input x (T, d_model)."""
        a = self.arch
        w = self.attention(i)
        T = x.shape[0]
        q = x @ w["W_Q"] + w.get("b_Q", 0.0)  # (T, H·dk)
        k = x @ w["W_K"] + w.get("b_K", 0.0)  # (T, G·dk)
        v = x @ w["W_V"] + w.get("b_V", 0.0)  # (T, G·dv)
        qh = q.reshape(T, a.heads, a.head_dim).transpose(1, 0, 2)  # (H, T, dk)
        group = kv_group(a.heads, a.kv_heads)
        kh = k.reshape(T, a.kv_heads, a.head_dim).transpose(1, 0, 2)[group]  # (H, T, dk)
        vh = v.reshape(T, a.kv_heads, a.head_dim).transpose(1, 0, 2)[group]  # (H, T, dv)
        if a.rope_base is not None:
            theta = rope_theta(a.rope_dims or a.head_dim, a.rope_base)
            ang = np.arange(T)[:, None] * theta[None, :]  # (T, N/2)
            qh, kh = rotate(qh, ang, "half"), rotate(kh, ang, "half")
        s = qh @ kh.transpose(0, 2, 1) / math.sqrt(a.head_dim)  # (H, T, T)
        if a.kind != "bert":
            window = a.windows[i] if a.windows else None
            blocked = mask_rule("sliding" if window is not None else "causal", T, T, window, None)
            s = np.where(blocked, -np.inf, s)
        z = (stable_softmax(s) @ vh).transpose(1, 0, 2).reshape(T, -1)  # (T, H·dv)
        out: Array = z @ w["W_O"] + w.get("b_O", 0.0)
        return out

    def block(self, h: Array, i: int) -> Array:
        """One whole block (attention and MLP, with their norms and residuals): h entering i -> h entering i + 1."""
        a, t = self.arch, self.t
        if a.kind == "gpt2":
            h = h + self.attend(self.attention_input(h, i), i)
            m = layer_norm(h, t(f"h.{i}.ln_2.weight"), t(f"h.{i}.ln_2.bias"), a.eps)
            m = activation(a.act, m @ t(f"h.{i}.mlp.c_fc.weight") + t(f"h.{i}.mlp.c_fc.bias"))
            return h + m @ t(f"h.{i}.mlp.c_proj.weight") + t(f"h.{i}.mlp.c_proj.bias")
        if a.kind == "bert":
            p = f"encoder.layer.{i}."
            ln = f"{p}attention.output.LayerNorm."
            h = layer_norm(h + self.attend(h, i), t(ln + "weight"), t(ln + "bias"), a.eps)
            m = activation(a.act, h @ t(f"{p}intermediate.dense.weight").T + t(f"{p}intermediate.dense.bias"))
            m = m @ t(f"{p}output.dense.weight").T + t(f"{p}output.dense.bias")
            return layer_norm(h + m, t(f"{p}output.LayerNorm.weight"), t(f"{p}output.LayerNorm.bias"), a.eps)
        p = f"layers.{i}."
        h = h + self.attend(self.attention_input(h, i), i)
        m = rms_norm(h, t(f"{p}post_attention_layernorm.weight"), a.eps)
        gate = activation("silu", m @ t(f"{p}mlp.gate_proj.weight").T)
        return h + (gate * (m @ t(f"{p}mlp.up_proj.weight").T)) @ t(f"{p}mlp.down_proj.weight").T
