"""The built-in ``learned_heads``: its weights are what the training script gives, and its words are true."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType

import numpy as np

from mhsa_tutor.core.engine import run
from mhsa_tutor.io.loader import load_scenario

SCRIPT = Path(__file__).resolve().parents[1] / "mhsa_tutor" / "tools" / "train_two_heads.py"


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("train_two_heads", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["train_two_heads"] = module
    spec.loader.exec_module(module)
    return module


def test_training_reproduces_the_builtins_weights_exactly() -> None:
    train = _script()
    weights, loss = train.train()
    assert loss < 1e-3  # it learned the task before rounding
    scn = load_scenario("learned_heads")
    for name, w in weights.items():
        np.testing.assert_array_equal(getattr(scn, name), w, err_msg=name)
    X, Y = train.data()
    O, _ = train.forward(weights, X)  # the rounded weights still get every output right, on all 16 sequences
    assert (O[..., :2].argmax(-1) == Y[..., :2].argmax(-1)).all()
    assert (O[..., 2:].argmax(-1) == Y[..., 2:].argmax(-1)).all()
    assert scn.X is not None
    x = np.zeros((4, 6))
    for i, tok in enumerate([0, 1, 1, 0]):
        x[i, tok] = x[i, 2 + i] = 1.0
    np.testing.assert_array_equal(scn.X, x)  # X is [is a, is b | position one-hot] of "a b b a"


def test_the_heads_do_what_the_description_says() -> None:
    scn = load_scenario("learned_heads")
    trace = run(scn)
    A1 = trace.find("softmax", 1).matrices["A"].values
    A2 = trace.find("softmax", 2).matrices["A"].values
    assert [int(np.argmax(A1[i])) for i in range(1, 4)] == [0, 1, 2]  # one step left of the diagonal
    assert (A2[:, 0] >= 0.996).all()  # the first token
    quoted = {"0.9995": A1[1, 0], "0.9967": A1[2, 1], "0.9989": A1[3, 2]}
    for text, value in quoted.items():
        assert text in scn.description and f"{value:.4f}" == text
    S1 = trace.find("scaled", 1).matrices["S"].values
    S2 = trace.find("scaled", 2).matrices["S"].values
    assert f"{S1[3, 2]:.2f}" == "6.90" and f"{np.delete(S1[3], 2).max():.2f}" == "-0.23"
    assert [f"{S2[i, 0]:.2f}" for i in (1, 2, 3)] == ["6.19", "6.84", "6.48"]
    assert f"{max(S2[i, 1:].max() for i in (1, 2, 3)):.2f}" == "2.21"
    assert all(int(np.argmax(S2[i])) == 0 for i in range(4))
    for quote in re.findall(r"\d\.\d+", scn.description):
        assert quote in scn.description_ko  # the Korean says the same numbers
