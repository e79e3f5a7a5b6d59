"""``from-model``: one attention layer of a local Hugging Face checkpoint, on the learner's text, as a scenario.

``layer_scenario(folder, text, layer)`` reads ``config.json``,
``model.safetensors`` and ``tokenizer.json`` from a folder (never the network),
tokenizes the text with the model's own tokenizer and returns the TOML text of
a scenario of that layer: the tokens, X = the exact input of the layer's Q/K/V
projections (computed by a NumPy forward pass of the earlier blocks,
``forward``), W_Q, W_K, W_V, W_O and the biases in the tutor's row-vector
convention, the model's mask (causal, sliding window, or none for BERT), RoPE
and kv_heads. Every float is written with ``repr``, so the file runs on the
model's exact numbers.

Where the numbers go (``arrays``): ``"inline"`` writes every matrix into the
TOML (which must then fit ``limits.MAX_SCENARIO_BYTES``: small layers only);
``"npz"`` writes them to an arrays file beside it (``io.sidecar``: X, W_*, b_*
as float64, the TOML says ``[input] arrays = "<name>.npz"``); ``"auto"``
(the default) writes inline when the TOML fits, else the arrays file. With an
arrays file the size limit is the run's budget (``limits.MAX_CELLS``), checked
before the forward pass.

Needs the optional ``model`` extra (``safetensors``, ``tokenizers``); a missing
extra, file, unsupported architecture, bad layer or a text over the budget is a
``ScenarioError`` / ``OptionError`` / ``LimitError`` (exit 2).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from mhsa_tutor.core.errors import OptionError, ScenarioError
from mhsa_tutor.core.limits import MAX_SCENARIO_BYTES, MAX_TOKENS, check_cells, run_cells
from mhsa_tutor.io.checkpoint.families import Arch, arch_of
from mhsa_tutor.io.checkpoint.forward import Layers
from mhsa_tutor.io.toml_out import dumps

Array = npt.NDArray[np.float64]
FILES = ("config.json", "model.safetensors", "tokenizer.json")
#: Where ``from-model`` writes the numbers: ``auto`` (inline when it fits), ``inline`` (the TOML),
#: ``npz`` (an arrays file beside it).
ARRAYS = ("auto", "inline", "npz")
#: The prefixes a checkpoint may put before the base model's tensor names (a head model wraps the base).
_PREFIXES = ("", "transformer.", "bert.", "model.")


@dataclass(frozen=True)
class LayerFile:
    """What ``from-model`` writes: the TOML text, the arrays file's arrays (empty when inline) and the
    facts its closing line quotes."""

    text: str
    model_type: str
    layer: int
    tokens: tuple[str, ...]
    d_model: int
    heads: int
    arrays: dict[str, Array] = field(default_factory=dict)


def arrays_path(output: str) -> str:
    """The arrays file written beside the scenario file ``output``: ``layer.toml`` -> ``layer.npz``."""
    return (output[: -len(".toml")] if output.endswith(".toml") else output) + ".npz"


def _need(module: str) -> Any:
    """Import an optional library of the ``model`` extra, or say how to install it."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError:
        raise OptionError(
            f"needs the optional library {module.split('.')[0]}; install it with: pip install 'mhsa-tutor[model]'",
            "from-model",
        ) from None


def _files(folder: Path) -> dict[str, Path]:
    if not folder.is_dir():
        raise ScenarioError(
            str(folder), "is not a folder; expected a Hugging Face checkpoint folder (" + ", ".join(FILES) + ")"
        )
    out = {}
    for name in FILES:
        p = folder / name
        if not p.is_file():
            raise ScenarioError(str(folder), f"has no {name}; expected {', '.join(FILES)} in the folder")
        out[name] = p
    return out


def _tensors(path: Path) -> Any:
    """A lookup of float64 tensors by base-model name (whatever prefix the checkpoint uses)."""
    st = _need("safetensors")
    try:
        handle = st.safe_open(str(path), framework="numpy")
    except Exception as exc:
        raise ScenarioError(
            str(path), f"cannot be read as safetensors ({type(exc).__name__}); expected model.safetensors"
        ) from None
    names = set(handle.keys())

    def get(name: str, rows: list[int] | None = None) -> Array:
        for prefix in _PREFIXES:
            if prefix + name in names:
                try:
                    if rows is None:
                        arr = handle.get_tensor(prefix + name)
                    else:  # only the rows asked for: a 50,000-word embedding table is not read whole
                        part = handle.get_slice(prefix + name)
                        n = part.get_shape()[0]
                        if any(not 0 <= r < n for r in rows):
                            raise ScenarioError(
                                str(path), f"tensor {prefix + name} has {n} rows; the tokenizer gave an id over that"
                            )
                        arr = np.concatenate([part[r : r + 1] for r in rows]) if rows else part[0:0]
                except ScenarioError:
                    raise
                except Exception:
                    raise ScenarioError(
                        str(path),
                        f"tensor {prefix + name} has a dtype NumPy cannot read; expected float16, float32 or float64",
                    ) from None
                return np.asarray(arr, dtype=np.float64)
        raise KeyError(name)

    return get


def _tokenize(path: Path, text: str) -> tuple[list[int], tuple[str, ...]]:
    tk = _need("tokenizers")
    try:
        tok = tk.Tokenizer.from_file(str(path))
    except Exception as exc:
        raise ScenarioError(str(path), f"cannot be read as a tokenizers file ({type(exc).__name__})") from None
    enc = tok.encode(text)
    ids = [int(i) for i in enc.ids]
    return ids, tuple(_label(t) for t in enc.tokens)


def _label(token: str) -> str:
    """A token as a visible label: byte-level BPE's Ġ (a space) and Ċ (a newline) kept, blanks made visible."""
    return token if token.strip() else repr(token)


def estimate_bytes(tokens: int, arch: Arch) -> int:
    """About how many bytes the scenario file of one layer takes (≈ 24 bytes a number)."""
    d, hd = arch.d_model, arch.head_dim
    numbers = tokens * d + d * hd * (2 * arch.heads + 2 * arch.kv_heads) + 4 * d
    return 24 * numbers


def layer_scenario(
    folder: str | Path, text: str, layer: int = 0, *, arrays: str = "auto", arrays_name: str = "layer.npz"
) -> LayerFile:
    """The scenario file of one attention layer of a local checkpoint on ``text``.

    Args:
        folder: a folder holding config.json, model.safetensors and tokenizer.json.
        text: the learner's text, tokenized by the model's tokenizer.
        layer: 0-based layer index.
        arrays: ``auto``, ``inline`` or ``npz`` (see the module's docstring).
        arrays_name: the arrays file's name as the TOML gives it (relative to the TOML's folder).

    Raises:
        ScenarioError: a missing or unreadable file, an unsupported architecture.
        OptionError: a missing optional library, a bad layer, a text that is empty or over the budget.
        LimitError: a layer and text whose run would be over the budget of numbers.
    """
    if arrays not in ARRAYS:
        raise OptionError(f"is {arrays!r}; expected one of: {', '.join(ARRAYS)}", "arrays")
    files = _files(Path(folder))
    try:
        cfg = json.loads(files["config.json"].read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ScenarioError(str(files["config.json"]), f"is not valid JSON ({type(exc).__name__})") from None
    if not isinstance(cfg, dict):
        raise ScenarioError(str(files["config.json"]), "is not a JSON object")
    arch = arch_of(cfg, str(files["config.json"]))
    if not 0 <= layer < arch.layers:
        raise OptionError(f"is {layer}; expected a layer from 0 to {arch.layers - 1} ({arch.layers} layers)", "layer")
    if not text.strip():
        raise OptionError("is empty; expected some text for the model's tokenizer", "text")
    ids, tokens = _tokenize(files["tokenizer.json"], text)
    inline = _check_size(len(tokens), arch, arrays)
    layers = Layers(arch, _tensors(files["model.safetensors"]))
    try:
        X = layers.attention_input(layers.hidden(ids, layer), layer)  # (T, d_model)
        weights = layers.attention(layer)
    except KeyError as exc:
        raise ScenarioError(
            str(files["model.safetensors"]), f"has no tensor {exc.args[0]}; expected a {arch.model_type} checkpoint"
        ) from None
    if inline:
        doc, notes = _document(arch, Path(folder), text, layer, tokens, X, weights, None)
        out = dumps(doc, notes)
        size = len(out.encode("utf-8"))
        if size <= MAX_SCENARIO_BYTES:
            return LayerFile(out, arch.model_type, layer, tokens, arch.d_model, arch.heads)
        if arrays == "inline":
            raise OptionError(
                f"makes a scenario of {size:,} bytes; a scenario file is read up to {MAX_SCENARIO_BYTES:,} "
                "bytes; leave out --arrays inline (the numbers then go to an .npz file beside it)",
                "text",
            )
    doc, notes = _document(arch, Path(folder), text, layer, tokens, X, weights, arrays_name)
    numbers = {"X": X} | {k: (v[0] if k.startswith("b_") else v) for k, v in weights.items()}
    return LayerFile(dumps(doc, notes), arch.model_type, layer, tokens, arch.d_model, arch.heads, numbers)


def _check_size(T: int, arch: Arch, arrays: str) -> bool:
    """Check the text's length and the budget before any work; True when the numbers are to go inline."""
    if T > MAX_TOKENS:
        raise OptionError(f"has {T:,} tokens; the limit is {MAX_TOKENS:,}", "text")
    if arch.max_positions is not None and arch.max_positions < T:
        raise OptionError(f"has {T:,} tokens; the model takes at most {arch.max_positions:,} positions", "text")
    need = estimate_bytes(T, arch)
    if arrays == "inline" and need > MAX_SCENARIO_BYTES:
        raise OptionError(
            f"with this model (d_model = {arch.d_model}) makes a scenario of about {need:,} bytes of numbers; a "
            f"scenario file is read up to {MAX_SCENARIO_BYTES:,} bytes (about 40,000 numbers): use a shorter text, "
            "a smaller model, or leave out --arrays inline (the numbers then go to an .npz file beside it)",
            "text",
        )
    hk = arch.heads * arch.head_dim
    cells = run_cells(
        tokens=T, keys=T, d_model=arch.d_model, d_src=arch.d_model, width_qk=hk, width_v=hk,
        d_out=arch.d_model, heads=arch.heads, score_stages=5,
    )  # fmt: skip
    check_cells(cells, f"layer {arch.model_type} d_model {arch.d_model}, {arch.heads} heads, {T} tokens")
    return arrays == "inline" or (arrays == "auto" and need <= MAX_SCENARIO_BYTES)


def _document(
    arch: Arch,
    folder: Path,
    text: str,
    layer: int,
    tokens: tuple[str, ...],
    X: Array,
    weights: dict[str, Array],
    arrays_name: str | None,
) -> tuple[dict[str, object], dict[str, str]]:
    """The scenario document of the layer and the comments above its fields (the numbers inline, or
    ``[input] arrays = arrays_name`` when they go to an arrays file)."""
    window = arch.windows[layer] if arch.windows else None
    mask = "none" if arch.kind == "bert" else "sliding" if window is not None else "causal"
    name = folder.name or str(folder)
    source = f"from-model: {arch.model_type} checkpoint {name}, layer {layer} of {arch.layers}, text {text!r}"
    doc: dict[str, object] = {
        "title": f"{name}, layer {layer}: {text}"[:120],
        "source": source,
        "source_ko": (
            f"from-model: {arch.model_type} 체크포인트 {name}, 층 {layer} (전체 {arch.layers}개), 텍스트 {text!r}"
        ),
        "tokens": list(tokens),
        "heads": arch.heads,
        "mask": mask,
    }
    if window is not None:
        doc["window"] = window
    if arch.kv_heads != arch.heads:
        doc["kv_heads"] = arch.kv_heads
    if arch.rope_base is not None:
        rope: dict[str, object] = {"base": arch.rope_base, "style": "half"}
        if arch.rope_dims is not None:
            rope["dims"] = arch.rope_dims
        doc["rope"] = rope
    x_note = f"X: the exact input of layer {layer}'s Q/K/V projections" + (
        " (the hidden state after the pre-norm)" if arch.kind != "bert" else " (the hidden state entering the layer)"
    )
    w_note = "W_Q, W_K, W_V, W_O in the row-vector convention: Q = X·W_Q + b_Q (Linear weights transposed)"
    notes = {"source": "Written by mhsa-tutor from-model from a local checkpoint: every number is the model's own."}
    if arrays_name is not None:
        names = ", ".join(["X", *weights])
        doc["input"] = {"arrays": arrays_name}
        notes["input.arrays"] = (
            f"The matrices are in {arrays_name} beside this file (NumPy .npz, float64): {names}.\n"
            f"{x_note}\n{w_note}; each b_* holds one value per column of its W. Keep the two files together."
        )
        return doc, notes
    doc["input"] = {"X": X.tolist()}
    doc["weights"] = {k: (v[0].tolist() if k.startswith("b_") else v.tolist()) for k, v in weights.items()}
    notes["input.X"] = x_note
    notes["weights.W_Q"] = w_note
    return doc, notes
