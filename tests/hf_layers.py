"""Helpers for checking the tutor against real attention layers: tiny models built locally, never downloaded.

``capture`` records what one attention module receives and returns during a
forward pass; ``run_doc`` writes a scenario document to TOML (the writer the
``from-model`` command uses), reads it back through the validator and runs it;
``rows`` turns a tensor into nested lists of floats.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import numpy as np

from mhsa_tutor.core.engine import run
from mhsa_tutor.core.trace import Trace
from mhsa_tutor.io.toml_out import dumps
from mhsa_tutor.io.validate import parse_scenario

TOL = 1e-9


@contextmanager
def capture(module: Any) -> Iterator[dict[str, Any]]:
    """``{"x": the hidden states the module got, "out": what it returned}`` for the forward pass inside."""
    got: dict[str, Any] = {}

    def hook(mod: Any, args: tuple[Any, ...], kwargs: dict[str, Any], out: Any) -> None:
        got["x"] = args[0] if args else kwargs["hidden_states"]
        got["args"] = args
        got["kwargs"] = kwargs
        got["out"] = out

    handle = module.register_forward_hook(hook, with_kwargs=True)
    try:
        yield got
    finally:
        handle.remove()


@contextmanager
def float64_softmax() -> Iterator[None]:
    """Run Hugging Face's eager attention with its softmax in float64.

    The eager attention of transformers 5 takes ``softmax(..., dtype=torch.float32)`` (meant to lift fp16
    to fp32); on a float64 model that would round the weights to float32 (~1e-8). Inside this block the
    softmax keeps the input's float64; everything else is the model's own code.
    """
    import torch

    original = torch.nn.functional.softmax

    def softmax(x: Any, dim: Any = None, _stacklevel: int = 3, dtype: Any = None) -> Any:
        keep = dtype is not None and x.dtype == torch.float64
        return original(x, dim=dim, dtype=None if keep else dtype)

    torch.nn.functional.softmax = softmax  # type: ignore[assignment]
    try:
        yield
    finally:
        torch.nn.functional.softmax = original


def rows(t: Any) -> list[Any]:
    """A tensor or array as nested lists of Python floats."""
    a = t.detach().cpu().numpy() if hasattr(t, "detach") else np.asarray(t)
    out: list[Any] = a.astype(np.float64).tolist()
    return out


def run_doc(doc: Mapping[str, object]) -> Trace:
    """Write the scenario document to TOML, validate it as a file would be, and run it."""
    return run(parse_scenario(dumps(doc), origin="layer.toml", name="layer"))


def assert_layer(trace: Trace, weights: Any, output: Any) -> None:
    """The trace's weights A (every head) and output O equal the model's, to 1e-9."""
    w = np.asarray(weights.detach().numpy() if hasattr(weights, "detach") else weights)  # (H, T, Tk)
    for h in range(w.shape[0]):
        np.testing.assert_allclose(trace.find("softmax", h + 1).matrices["A"].values, w[h], atol=TOL, rtol=0)
    final = trace.find("output").matrices["O"].values
    o = np.asarray(output.detach().numpy() if hasattr(output, "detach") else output)
    np.testing.assert_allclose(final, o, atol=TOL, rtol=0)
