"""Issue 20's first ten minutes: the clean first scenario, `list` as a path, and the small mends.

The first scenario is checked against plain loops (not the engine); the rest
drive the CLI as a learner would.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from rich.color import Color

from mhsa_tutor.core.engine import run
from mhsa_tutor.io.loader import builtin_names, load_scenario
from mhsa_tutor.teach.quiz import Question, is_right, parse_answer
from mhsa_tutor.views.terminal.matrix import _weight_style
from tests.conftest import Invoke

# ------------------------------------------------------------------ the first scenario


Mat = list[list[float]]


def _loops_attention(X: Mat, Wq: Mat, Wk: Mat, Wv: Mat, Wo: Mat, heads: int) -> tuple[list[Mat], Mat]:
    """Multi-head attention with plain Python loops: (weights per head, output)."""
    T, d = len(X), len(X[0])

    def matmul(a: Mat, b: Mat) -> Mat:
        return [[sum(a[i][k] * b[k][j] for k in range(len(b))) for j in range(len(b[0]))] for i in range(len(a))]

    Q, K, V = matmul(X, Wq), matmul(X, Wk), matmul(X, Wv)
    dk = d // heads
    weights: list[Mat] = []
    Z = [[0.0] * d for _ in range(T)]
    for h in range(heads):
        cols = range(h * dk, (h + 1) * dk)
        A: Mat = []
        for i in range(T):
            s = [sum(Q[i][c] * K[j][c] for c in cols) / math.sqrt(dk) for j in range(T)]
            e = [math.exp(x - max(s)) for x in s]
            A.append([x / sum(e) for x in e])
            for c in cols:
                Z[i][c] = sum(A[i][j] * V[j][c] for j in range(T))
        weights.append(A)
    return weights, matmul(Z, Wo)


def test_first_steps_is_standard_attention_on_small_integers() -> None:
    scn = load_scenario("first_steps")
    inp = scn.inputs
    X, Wq, Wk, Wv, Wo = (np.asarray(getattr(inp, n)).tolist() for n in ("X", "W_Q", "W_K", "W_V", "W_O"))
    assert scn.scale == "sqrt_dk" and scn.mask == "none" and not scn.given_qkv and scn.heads == 2
    assert len(set(scn.tokens)) == len(scn.tokens)  # distinct labels
    for m in (X, Wq, Wk, Wv, Wo):
        assert all(float(x).is_integer() and 0 <= x <= 2 for row in m for x in row)  # easy to multiply
    weights, out = _loops_attention(X, Wq, Wk, Wv, Wo, 2)
    trace = run(scn)
    for h in (1, 2):
        A = trace.find("softmax", h).matrices["A"].values
        np.testing.assert_allclose(A, weights[h - 1], rtol=0, atol=1e-12)
        assert A.max() < 0.8 and A.min() > 0.05  # soft: no row one-hot
        assert trace.find("softmax", h).facts.one_hot_rows == 0
    np.testing.assert_allclose(trace.stages[-1].matrices["O"].values, out, rtol=0, atol=1e-12)
    # the two heads look at different words
    assert int(np.argmax(weights[0][0])) != int(np.argmax(weights[1][0]))


def test_list_is_a_path_that_starts_with_first_steps(invoke: Invoke) -> None:
    out = invoke(["list"], env={"COLUMNS": "80"}).stdout
    lines = out.splitlines()
    assert lines[0] == "Start here" and lines[1] == "first_steps" and "(start here)" in lines[2]
    modern, articles = out.index("What models do today"), out.index("Article reproductions")
    assert modern < articles
    for name in builtin_names():
        at = out.index(f"\n{name}\n")
        cites = load_scenario(name).article is not None
        assert (at > articles) == cites, name  # every reproduction under its heading, and only they
    ko = invoke(["list", "--lang", "ko"], env={"COLUMNS": "80"}).stdout
    assert ko.startswith("여기서 시작하세요\n")
    assert ko.index("first_steps") < ko.index("요즘 모델") < ko.index("글 재현")


# ------------------------------------------------------------------ small mends


def test_explain_takes_the_stage_number_run_shows(invoke: Invoke) -> None:
    by_id = invoke(["explain", "first_steps", "--stage", "softmax", "--head", "2", "--row", "1", "--col", "2"])
    by_number = invoke(["explain", "first_steps", "--stage", "12", "--row", "1", "--col", "2"])
    assert "stage 12/15 · head 2 · softmax" in invoke(["run", "first_steps", "--stage", "12"]).stdout
    assert by_number.exit_code == 0 and by_number.stdout == by_id.stdout
    clash = invoke(["explain", "first_steps", "--stage", "12", "--head", "1", "--row", "1", "--col", "1"])
    assert clash.exit_code == 2 and "head 2's softmax" in clash.stderr
    assert invoke(["explain", "first_steps", "--stage", "99", "--row", "1", "--col", "1"]).exit_code == 2


def test_the_quiz_takes_fractions() -> None:
    q = Question("scores", 1, "S", 0, 0, 1.5)
    for text in ("3/2", "6/4", " 3 / 2 "):
        a = parse_answer(text)
        assert a is not None and a.value == 1.5 and is_right(q, a)
    assert not is_right(q, parse_answer("4/3"))  # type: ignore[arg-type]
    assert parse_answer("−1/3") is not None and parse_answer("−1/3").value == pytest.approx(-1 / 3)  # type: ignore[union-attr]
    for bad in ("1/0", "1/2/3", "/2", "a/b"):
        assert parse_answer(bad) is None


def test_the_quiz_names_the_real_command(invoke: Invoke) -> None:
    r = invoke(["quiz", "first_steps", "--seed", "1", "--count", "1"], input="12345\n")
    assert "mhsa-tutor run first_steps --stage" in r.stdout and "<scenario>" not in r.stdout
    r = invoke(["quiz", "random", "--tokens", "3", "--d-model", "4", "--heads", "2", "--seed", "5", "-n", "1"], "99\n")
    assert "mhsa-tutor run random --tokens 3 --d-model 4 --heads 2 --seed 5 --stage" in " ".join(r.stdout.split())


def test_new_writes_soft_weights_or_says_so(invoke: Invoke, tmp_path: Path) -> None:
    from mhsa_tutor.io.generate import build_new, one_hot_rows

    for seed in range(6):
        scn = build_new(
            ["a", "b", "c"], d_model=4, heads=2, seed=seed, mask="none", values="small-int", name="s", origin="s"
        )
        assert one_hot_rows(scn) == 0, seed
    path = tmp_path / "s.toml"
    assert invoke(["new", str(path), "--tokens", "the cat sat"]).exit_code == 0
    text = path.read_text(encoding="utf-8")
    assert "No softmax row of any head is one-hot" in text
    assert one_hot_rows(load_scenario(str(path))) == 0
    # too big to soften at these sizes: the file says so, honestly
    hard = tmp_path / "h.toml"
    r = invoke(["new", str(hard), "--tokens", "a b c d e f g h", "--d-model", "16", "--heads", "1"])
    assert r.exit_code == 0
    n = one_hot_rows(load_scenario(str(hard)))
    said = hard.read_text(encoding="utf-8")
    assert (f"{n} softmax rows stay effectively one-hot" in said) == (n > 0)
    assert ("No softmax row" in said) == (n == 0)


def _luminance(c: Color) -> float:
    def lin(v: int) -> float:
        x = v / 255
        return x / 12.92 if x <= 0.03928 else ((x + 0.055) / 1.055) ** 2.4

    r, g, b = c.get_truecolor()
    return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)


@pytest.mark.parametrize("w", [0.15, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0])
def test_every_shaded_weight_sets_a_readable_foreground(w: float) -> None:
    style = _weight_style(w)
    assert style.bgcolor is not None and style.color is not None  # never the terminal's own (light or dark) text
    hi, lo = sorted((_luminance(style.color), _luminance(style.bgcolor)), reverse=True)
    assert (hi + 0.05) / (lo + 0.05) >= 4.5  # WCAG AA contrast
