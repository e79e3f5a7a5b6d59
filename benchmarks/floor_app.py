"""The floor: what any Typer + NumPy + Rich command line pays before doing its own work.

A tiny Typer app of two commands, measured by ``bench.py`` in the same run as
mhsa-tutor and invoked the same way (``python FILE ...`` against
``python -m mhsa_tutor ...``):

* ``run NAME`` imports numpy, rich.console and rich.table and prints one line;
* ``forward`` draws the inputs of ``mhsa-tutor run random`` (same generator,
  same order, same small integers) and runs a bare multi-head attention forward
  pass once, written plainly with NumPy and recording nothing.

``bare_forward`` is also the in-process floor of the engine benchmark.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    Array = npt.NDArray[np.float64]

app = typer.Typer(add_completion=False, help="The floor app of the mhsa-tutor benchmark.")


def draw_inputs(tokens: int, d_model: int, seed: int) -> tuple[Array, Array, Array, Array, Array]:
    """X (T, d_model) and W_Q, W_K, W_V, W_O (d_model, d_model): integers −2 … 2 as ``run random`` draws them."""
    import numpy as np

    rng = np.random.default_rng(seed)
    X = rng.integers(-2, 3, size=(tokens, d_model)).astype(np.float64)
    W_Q, W_K, W_V, W_O = (rng.integers(-2, 3, size=(d_model, d_model)).astype(np.float64) for _ in range(4))
    return X, W_Q, W_K, W_V, W_O


def bare_forward(X: Array, W_Q: Array, W_K: Array, W_V: Array, W_O: Array, heads: int, causal: bool) -> Array:
    """Multi-head attention, the plain way: no trace, no rounding, nothing kept."""
    import numpy as np

    T, d_model = X.shape
    dk = d_model // heads
    Q = (X @ W_Q).reshape(T, heads, dk).transpose(1, 0, 2)  # (H, T, d_k)
    K = (X @ W_K).reshape(T, heads, dk).transpose(1, 0, 2)  # (H, T, d_k)
    V = (X @ W_V).reshape(T, heads, dk).transpose(1, 0, 2)  # (H, T, d_v)
    S = Q @ K.transpose(0, 2, 1) / math.sqrt(dk)  # (H, T, T)
    if causal:
        S = np.where(np.triu(np.ones((T, T), dtype=bool), k=1), -np.inf, S)
    E = np.exp(S - S.max(axis=-1, keepdims=True))
    A = E / E.sum(axis=-1, keepdims=True)  # (H, T, T)
    Z = (A @ V).transpose(1, 0, 2).reshape(T, d_model)  # (T, H·d_v)
    out: Array = Z @ W_O  # (T, d_model)
    return out


@app.command()
def run(name: Annotated[str, typer.Argument(help="Any name; it is only echoed.")]) -> None:
    """Import numpy, rich.console and rich.table, and print one line."""
    import numpy as np
    from rich.console import Console
    from rich.table import Table

    Console().print(f"floor: {name} (numpy {np.__version__}, {Table.__name__})")


@app.command()
def forward(
    tokens: Annotated[int, typer.Option(help="Number of tokens.")] = 512,
    d_model: Annotated[int, typer.Option(help="Width of each token's vector.")] = 768,
    heads: Annotated[int, typer.Option(help="Number of heads.")] = 12,
    seed: Annotated[int, typer.Option(help="Seed of the inputs.")] = 0,
    causal: Annotated[bool, typer.Option(help="Causal mask.")] = True,
) -> None:
    """Run the bare forward pass once at the given shapes and print one line."""
    import numpy as np
    from rich.console import Console
    from rich.table import Table

    out = bare_forward(*draw_inputs(tokens, d_model, seed), heads=heads, causal=causal)
    Console().print(f"floor: forward {out.shape} finite={bool(np.isfinite(out).all())} ({Table.__name__})")


if __name__ == "__main__":
    app()
