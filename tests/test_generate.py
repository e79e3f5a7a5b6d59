"""Generated scenarios: `random` of any size, and `new` scenario files that load and run."""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from mhsa_tutor.core.engine import run
from mhsa_tutor.core.errors import OptionError
from mhsa_tutor.io.generate import RandomSpec, build_new, build_random
from mhsa_tutor.io.loader import load_scenario
from mhsa_tutor.io.newfile import scenario_toml
from mhsa_tutor.io.validate import parse_scenario
from tests.conftest import Invoke

MATRICES = ("X", "W_Q", "W_K", "W_V", "W_O")


def _arrays(scn: object) -> list[np.ndarray]:
    return [getattr(scn, k) for k in MATRICES]


# -------------------------------------------------------------------- random


def test_random_shapes_names_and_values() -> None:
    scn = build_random(5, 6, 3, seed=1, mask="causal")
    assert scn.name == "random" and scn.tokens == ("t1", "t2", "t3", "t4", "t5")
    assert (scn.heads, scn.d_model, scn.d_k, scn.d_v, scn.mask) == (3, 6, 2, 2, "causal")
    assert scn.X is not None and scn.X.shape == (5, 6)
    for a in _arrays(scn):
        assert a.dtype == np.float64 and not a.flags.writeable
        assert set(np.unique(a)) <= {-2.0, -1.0, 0.0, 1.0, 2.0}
    with pytest.raises(ValueError):
        scn.X[0, 0] = 9


def test_random_reproducible_by_seed() -> None:
    a, b, c = build_random(4, 8, 2, seed=7), build_random(4, 8, 2, seed=7), build_random(4, 8, 2, seed=8)
    for x, y, z in zip(_arrays(a), _arrays(b), _arrays(c), strict=True):
        assert np.array_equal(x, y)
        assert not np.array_equal(x, z)
    n1, n2 = build_random(4, 8, 2, seed=7, values="normal"), build_random(4, 8, 2, seed=7, values="normal")
    assert all(np.array_equal(x, y) for x, y in zip(_arrays(n1), _arrays(n2), strict=True))


def test_random_normal_scale() -> None:
    scn = build_random(64, 256, 4, seed=0, values="normal")
    assert scn.X is not None and scn.W_Q is not None
    assert abs(float(scn.X.std()) - 1) < 0.05
    assert abs(float(scn.W_Q.std()) * math.sqrt(256) - 1) < 0.05  # weights ~ N(0, 1/d_model)
    trace = run(scn)
    A = trace.find("softmax", 1).matrices["A"].values
    assert float(A.max(axis=1).mean()) < 0.5  # not saturated


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((0, 4, 2), "tokens 0 is out of range"),
        ((3, 0, 1), "d-model 0 is out of range"),
        ((3, 4, 0), "heads 0 is out of range"),
        ((3, 5, 2), "d-model 5 cannot be split into 2 heads"),
        ((4096, 768, 12), "attention weights"),
    ],
)
def test_random_sizes_checked(args: tuple[int, int, int], message: str) -> None:
    with pytest.raises(OptionError, match=message):
        build_random(*args, seed=0)


def test_random_choices_checked() -> None:
    with pytest.raises(OptionError, match="mask 'future'"):
        build_random(3, 4, 2, seed=0, mask="future")
    with pytest.raises(OptionError, match="values 'uniform'"):
        build_random(3, 4, 2, seed=0, values="uniform")


def test_random_spec_from_options() -> None:
    assert RandomSpec.from_options("acting_machines") is None
    assert RandomSpec.from_options("random") == RandomSpec(3, 4, 2, 0, "none", "small-int")
    spec = RandomSpec.from_options("random", tokens=5, heads=1, mask="causal")
    assert spec == RandomSpec(5, 4, 1, 0, "causal", "small-int")
    with pytest.raises(OptionError, match=r"^heads is only for the random scenario"):
        RandomSpec.from_options("by_hand", heads=2)


def test_engine_matches_a_reference_on_a_random_scenario() -> None:
    scn = build_random(5, 6, 3, seed=2, mask="causal", values="normal")
    assert scn.X is not None and scn.W_Q is not None and scn.W_K is not None
    assert scn.W_V is not None and scn.W_O is not None
    Q, K, V = scn.X @ scn.W_Q, scn.X @ scn.W_K, scn.X @ scn.W_V
    heads = []
    for h in range(3):
        cols = slice(2 * h, 2 * h + 2)
        s = Q[:, cols] @ K[:, cols].T / math.sqrt(2)
        s[np.triu_indices(5, k=1)] = -np.inf
        a = np.exp(s - s.max(axis=1, keepdims=True))
        heads.append((a / a.sum(axis=1, keepdims=True)) @ V[:, cols])
    want = np.hstack(heads) @ scn.W_O
    got = run(scn).find("output").matrices["O"].values
    assert np.allclose(got, want, rtol=1e-12, atol=1e-12)


# ---------------------------------------------------------------------- new


def test_new_round_trip(invoke: Invoke, tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    r = invoke(["new", str(path), "--tokens", "the cat sat"])
    assert r.exit_code == 0, r.stderr
    assert "Wrote" in r.stdout
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# ") and "# X: one row per token" in text and "# W_O:" in text
    scn = load_scenario(path)
    assert scn.tokens == ("the", "cat", "sat")
    assert (scn.heads, scn.d_model, scn.d_k, scn.mask, scn.scale) == (2, 4, 2, "none", "sqrt_dk")
    want = build_new(
        ["the", "cat", "sat"], d_model=4, heads=2, seed=0, mask="none", values="small-int", name="x", origin="x"
    )
    for got, exp in zip(_arrays(scn), _arrays(want), strict=True):
        assert np.array_equal(got, exp)
        assert set(np.unique(got)) <= {-2.0, -1.0, 0.0, 1.0, 2.0}  # every value an integer in [-2, 2]
    r = invoke(["run", str(path), "--brief"])
    assert r.exit_code == 0, r.stderr
    assert "the cat sat" in r.stdout and "O = Z·W_O" in r.stdout


def test_new_with_every_option(invoke: Invoke, tmp_path: Path) -> None:
    path = tmp_path / "big.toml"
    args = ["new", str(path), "--tokens", "a b c d", "--d-model", "6", "--heads", "3", "--mask", "causal"]
    r = invoke([*args, "--seed", "4", "--values", "normal", "--lang", "ko"])
    assert r.exit_code == 0, r.stderr
    assert "저장했습니다" in r.stdout
    text = path.read_text(encoding="utf-8")
    assert "헤드" in text
    scn = load_scenario(path)
    assert (scn.heads, scn.d_model, scn.mask, len(scn.tokens)) == (3, 6, "causal", 4)
    assert scn.X is not None
    assert np.array_equal(scn.X, np.round(scn.X, 2)) and not np.array_equal(scn.X, np.round(scn.X))
    assert invoke(["run", str(path)]).exit_code == 0


def test_new_refuses_to_overwrite(invoke: Invoke, tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text("keep me\n", encoding="utf-8")
    r = invoke(["new", str(path), "--tokens", "a b"])
    assert r.exit_code == 2
    assert "already exists; use --force" in r.stderr and r.stderr.count("\n") == 1
    assert path.read_text(encoding="utf-8") == "keep me\n"
    r = invoke(["new", str(path), "--tokens", "a b", "--force"])
    assert r.exit_code == 0, r.stderr
    assert load_scenario(path).tokens == ("a", "b")
    assert [p.name for p in tmp_path.iterdir()] == ["mine.toml"]  # no temporary file left


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--tokens", "   "], "at least one token"),
        (["--tokens", "a b", "--heads", "3"], "cannot be split into 3 heads"),
        (["--tokens", "a b", "--d-model", "1024"], "the limit for a scenario file"),
        (["--tokens", "a b", "--values", "uniform"], "uniform"),
    ],
)
def test_new_bad_options(invoke: Invoke, tmp_path: Path, args: list[str], message: str) -> None:
    path = tmp_path / "x.toml"
    r = invoke(["new", str(path), *args])
    assert r.exit_code == 2
    assert message in r.stderr and r.stderr.count("\n") == 1
    assert not path.exists()


def test_new_missing_folder(invoke: Invoke, tmp_path: Path) -> None:
    r = invoke(["new", str(tmp_path / "no" / "x.toml"), "--tokens", "a"])
    assert r.exit_code == 2 and "does not exist" in r.stderr


def test_odd_tokens_survive_the_file() -> None:
    tokens = ['say"hi"', "back\\slash", "한국어", "#hash", "x\x7fy", "tab\there"]
    scn = build_new(tokens, d_model=2, heads=1, seed=0, mask="none", values="small-int", name="o", origin="o")
    text = scenario_toml(scn, values="small-int", seed=0, path="odd file.toml")
    back = parse_scenario(text, origin="odd.toml", name="odd")
    assert back.tokens == tuple(tokens)
    assert "mhsa-tutor run 'odd file.toml'" in text


# ------------------------------------------------------------ random in the CLI


def test_run_random_defaults(invoke: Invoke) -> None:
    r = invoke(["run", "random", "--brief"])
    assert r.exit_code == 0, r.stderr
    assert "random: T = 3, d_model = 4, heads = 2" in r.stdout
    assert "t1 · t2 · t3" in r.stdout


def test_run_random_reproducible(invoke: Invoke) -> None:
    args = ["run", "random", "--tokens", "4", "--d-model", "6", "--heads", "3", "--mask", "causal", "--brief"]
    a, b = invoke([*args, "--seed", "5"]), invoke([*args, "--seed", "5"])
    c = invoke([*args, "--seed", "6"])
    assert a.exit_code == b.exit_code == c.exit_code == 0, a.stderr
    assert a.stdout == b.stdout != c.stdout
    assert "−∞" in a.stdout  # causal


def test_export_random(invoke: Invoke) -> None:
    r = invoke(["export", "random", "--tokens", "2", "--d-model", "2", "--heads", "1", "-o", "-", "--format", "json"])
    assert r.exit_code == 0, r.stderr
    assert '"name": "random"' in r.stdout and '"tokens": ["t1", "t2"]' in r.stdout


@pytest.mark.parametrize("command", ["run", "export", "quiz"])
@pytest.mark.parametrize(
    "option", [["--tokens", "3"], ["--d-model", "4"], ["--heads", "2"], ["--mask", "causal"], ["--values", "normal"]]
)
def test_random_options_need_the_random_scenario(invoke: Invoke, command: str, option: list[str]) -> None:
    extra = ["-o", "-"] if command == "export" else []
    r = invoke([command, "acting_machines", *extra, *option], input="")
    assert r.exit_code == 2
    assert r.stderr == f"error: {option[0]} is only for the random scenario, not for acting_machines\n"


@pytest.mark.parametrize("command", ["run", "export"])
def test_seed_needs_the_random_scenario(invoke: Invoke, command: str) -> None:
    extra = ["-o", "-"] if command == "export" else []
    r = invoke([command, "by_hand", *extra, "--seed", "1"])
    assert r.exit_code == 2 and "--seed is only for the random scenario" in r.stderr


def test_random_bad_size_is_one_line(invoke: Invoke) -> None:
    r = invoke(["run", "random", "--d-model", "10", "--heads", "4"])
    assert r.exit_code == 2
    assert r.stderr.startswith("error: --d-model 10 cannot be split into 4 heads") and r.stderr.count("\n") == 1


def test_bert_base_sized_run_is_elided(invoke: Invoke) -> None:
    args = ["run", "random", "--tokens", "512", "--d-model", "768", "--heads", "12", "--mask", "causal"]
    r = invoke([*args, "--head", "1"])
    assert r.exit_code == 0, r.stderr
    assert "…" in r.stdout and "⋮" in r.stdout
    assert "t512" in r.stdout and "A: 512 × 512" in r.stdout
    assert len(r.stdout) < 64_000


def test_help_names_the_random_defaults_without_numpy() -> None:
    code = (
        "import sys\n"
        "from mhsa_tutor.cli.app import app\n"
        "for cmd in ('run', 'quiz', 'new'):\n"
        "    try:\n"
        "        app([cmd, '--help'])\n"
        "    except SystemExit:\n"
        "        pass\n"
        "print('numpy' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env={"COLUMNS": "200", "NO_COLOR": "1"}
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.rstrip().endswith("False")
    assert "3 tokens, d_model 4, 2 heads" in out.stdout and "(default 0)" in out.stdout
