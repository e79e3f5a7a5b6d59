"""Train the weights of the built-in ``learned_heads``: two causal heads that learn a job you can name.

    python -m mhsa_tutor.tools.train_two_heads            # prints the [weights] tables of the scenario

The task: sequences of 4 tokens over the alphabet {a, b}. Each token's vector x is
[is a, is b | at position 1, 2, 3, 4] (6 numbers). One attention layer with 2 heads
(d_k = d_v = 2), a causal mask and W_O must output, for every position i,
[the previous token (the token itself at position 1) | the first token], each as
[is a, is b]. Nothing tells a head what to do; the loss only sees the output.
Training is full-batch (all 16 sequences), Adam, from ``numpy.random.default_rng(SEED)``,
hand-written backpropagation in float64; the weights are rounded to 1 decimal at the
end, so that the scenario can be worked by hand and the same numbers come out on any
machine. ``tests/test_learned_heads.py`` re-runs it and compares with the built-in.
"""

from __future__ import annotations

import itertools

import numpy as np
import numpy.typing as npt

Array = npt.NDArray[np.float64]
SEED = 7
STEPS = 1500
T, H, DK = 4, 2, 2
D = 2 + T  # token one-hot + position one-hot


def data() -> tuple[Array, Array]:
    """X (16, T, D) of every sequence over {a, b} and the targets Y (16, T, 4)."""
    xs, ys = [], []
    for seq in itertools.product((0, 1), repeat=T):
        x = np.zeros((T, D))
        y = np.zeros((T, 4))
        for i, tok in enumerate(seq):
            x[i, tok] = 1.0
            x[i, 2 + i] = 1.0
            y[i, seq[max(i - 1, 0)]] = 1.0  # the previous token (itself at the start)
            y[i, 2 + seq[0]] = 1.0  # the first token
        xs.append(x)
        ys.append(y)
    return np.array(xs), np.array(ys)


CAUSAL = np.triu(np.ones((T, T), dtype=bool), k=1)


def forward(w: dict[str, Array], X: Array) -> tuple[Array, dict[str, Array]]:
    """O (N, T, 4) and the intermediates backpropagation needs."""
    Q = (X @ w["W_Q"]).reshape(-1, T, H, DK).transpose(0, 2, 1, 3)  # (N, H, T, dk)
    K = (X @ w["W_K"]).reshape(-1, T, H, DK).transpose(0, 2, 1, 3)
    V = (X @ w["W_V"]).reshape(-1, T, H, DK).transpose(0, 2, 1, 3)
    S = Q @ K.transpose(0, 1, 3, 2) / np.sqrt(DK)  # (N, H, T, T)
    S = np.where(CAUSAL, -np.inf, S)
    E = np.exp(S - S.max(-1, keepdims=True))
    A = E / E.sum(-1, keepdims=True)
    Z = A @ V  # (N, H, T, dv)
    C = Z.transpose(0, 2, 1, 3).reshape(-1, T, H * DK)  # (N, T, H·dv)
    return C @ w["W_O"], {"Q": Q, "K": K, "V": V, "A": A, "C": C}


def grads(w: dict[str, Array], X: Array, Y: Array) -> tuple[float, dict[str, Array]]:
    """The mean squared error and its gradient for every weight."""
    O, m = forward(w, X)
    n = O.size
    dO = 2.0 * (O - Y) / n  # (N, T, 4)
    g = {"W_O": np.einsum("ntc,nto->co", m["C"], dO)}
    dC = dO @ w["W_O"].T  # (N, T, H·dv)
    dZ = dC.reshape(-1, T, H, DK).transpose(0, 2, 1, 3)  # (N, H, T, dv)
    A = m["A"]
    dA = dZ @ m["V"].transpose(0, 1, 3, 2)  # (N, H, T, T)
    dV = A.transpose(0, 1, 3, 2) @ dZ
    dS = A * (dA - (dA * A).sum(-1, keepdims=True)) / np.sqrt(DK)  # masked cells: A = 0, so 0
    dQ = dS @ m["K"]
    dK = dS.transpose(0, 1, 3, 2) @ m["Q"]
    for name, d in (("W_Q", dQ), ("W_K", dK), ("W_V", dV)):
        flat = d.transpose(0, 2, 1, 3).reshape(-1, T, H * DK)  # (N, T, H·d)
        g[name] = np.einsum("ntd,nte->de", X, flat)
    return float(((O - Y) ** 2).mean()), g


def train(seed: int = SEED, steps: int = STEPS) -> tuple[dict[str, Array], float]:
    """The trained weights, rounded to 1 decimal, and the final loss before rounding."""
    rng = np.random.default_rng(seed)
    shapes = {"W_Q": (D, H * DK), "W_K": (D, H * DK), "W_V": (D, H * DK), "W_O": (H * DK, 4)}
    w = {k: rng.standard_normal(s) * 0.5 for k, s in shapes.items()}
    X, Y = data()
    mom = {k: np.zeros_like(v) for k, v in w.items()}
    vel = {k: np.zeros_like(v) for k, v in w.items()}
    lr, b1, b2 = 0.05, 0.9, 0.999
    loss = 0.0
    for step in range(1, steps + 1):
        loss, g = grads(w, X, Y)
        for k in w:
            mom[k] = b1 * mom[k] + (1 - b1) * g[k]
            vel[k] = b2 * vel[k] + (1 - b2) * g[k] ** 2
            w[k] = w[k] - lr * (mom[k] / (1 - b1**step)) / (np.sqrt(vel[k] / (1 - b2**step)) + 1e-8)
    return {k: np.round(v, 1) + 0.0 for k, v in w.items()}, loss


TOKENS = ("a", "b", "b", "a")


def weights_toml(w: dict[str, Array]) -> str:
    """The [weights] table of the built-in, one row a line."""
    out = ["[weights]"]
    for k, v in w.items():
        rows = "\n".join("  [" + ", ".join(f"{x:.1f}" for x in r) + "]," for r in v)
        out.append(f"{k} = [\n{rows}\n]")
    return "\n".join(out) + "\n"


def main() -> None:
    w, loss = train()
    print(f"# trained {STEPS} steps from seed {SEED}: final loss {loss:.5f} (before rounding)")
    print(weights_toml(w), end="")


if __name__ == "__main__":
    main()
