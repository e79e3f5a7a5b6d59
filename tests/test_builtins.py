"""The built-in scenarios reproduce their sources: every [expected] checkpoint, and the issue's facts."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from functools import cache
from pathlib import Path

import numpy as np
import pytest

from mhsa_tutor.core.checks import compare
from mhsa_tutor.core.engine import run
from mhsa_tutor.core.scenario import Checkpoint
from mhsa_tutor.core.trace import Trace
from mhsa_tutor.io.loader import builtin_names, load_scenario

ROOT = Path(__file__).resolve().parent.parent


@cache
def trace_of(name: str, exact: bool = False) -> Trace:
    return run(load_scenario(name), exact=exact)


def values(name: str, stage: str, matrix: str, head: int | None = None, exact: bool = False) -> np.ndarray:
    return trace_of(name, exact).find(stage, head).matrices[matrix].values


CHECKPOINTS = [(name, cp.name) for name in builtin_names() for cp in load_scenario(name).expected]


def checkpoint(name: str, key: str) -> Checkpoint:
    return next(cp for cp in load_scenario(name).expected if cp.name == key)


def test_the_builtins_are_there() -> None:
    assert builtin_names() == (
        "acting_machines",
        "alibi",
        "all_is_well",
        "by_hand",
        "cross_attention",
        "dog_ate_food",
        "first_steps",
        "grouped_query",
        "i_am_a_student",
        "illustrated",
        "kv_cache",
        "learned_heads",
        "online_softmax",
        "padding_mask",
        "rope_by_hand",
        "sinusoidal_positions",
        "sliding_window",
    )


@pytest.mark.parametrize("name", builtin_names())
def test_builtin_loads_runs_and_says_where_it_comes_from(name: str) -> None:
    scn = load_scenario(name)
    assert scn.name == name and scn.origin == f"{name}.toml"
    assert scn.title and scn.description and scn.source
    trace = trace_of(name)
    assert trace.stages[0].id == "input"
    dead = list(trace.find("softmax", 1).facts.dead_rows)  # rows with every key blocked: NaN, as in PyTorch
    for stage in trace:
        for m in stage.matrices.values():
            if stage.id not in ("masked", "decode_scores"):  # −∞: masked, or not in the cache yet
                live = np.delete(m.values, dead, axis=0) if m.rows == "tokens" else m.values
                assert np.isfinite(live).all(), (name, stage.id)
                if stage.id in ("softmax", "head_output", "concat", "output"):
                    assert np.isnan(m.values[dead]).all(), (name, stage.id)


@pytest.mark.parametrize(("name", "key"), CHECKPOINTS, ids=[f"{n}.{k}" for n, k in CHECKPOINTS])
def test_every_checkpoint_of_every_builtin(name: str, key: str) -> None:
    cp = checkpoint(name, key)
    got, ok = compare(cp, values(name, cp.stage, cp.matrix, cp.head))
    assert ok, f"{name} [expected.{key}]: computed {got}, the source printed {cp.value} ({cp.decimals} decimals)"


@pytest.mark.parametrize(("name", "key"), CHECKPOINTS, ids=[f"{n}.{k}" for n, k in CHECKPOINTS])
def test_checkpoints_would_catch_a_wrong_number(name: str, key: str) -> None:
    """compare() is not vacuous: moving the source's value by one printed unit fails it."""
    cp = checkpoint(name, key)
    step = 10.0**-cp.decimals
    for delta in (step, -step):
        wrong = Checkpoint(cp.name, cp.stage, cp.head, cp.matrix, cp.row, cp.col, cp.value + delta, cp.decimals)
        assert not compare(wrong, values(name, cp.stage, cp.matrix, cp.head))[1]


def test_builtins_with_a_source_to_reproduce_have_checkpoints() -> None:
    # by_hand's and cross_attention's source matrices are lost (made-up numbers): nothing to reproduce
    for name in set(builtin_names()) - {"by_hand", "cross_attention"}:
        assert load_scenario(name).expected, name


# --------------------------------------------------------------- acting_machines (002)


def test_acting_machines_weights_and_outputs() -> None:
    A = values("acting_machines", "softmax", "A", 1)
    assert np.round(A, 4).tolist() == [[0.9999, 0.0001], [0.7685, 0.2315]]
    Z = values("acting_machines", "head_output", "Z", 1)
    assert np.round(Z[0], 4).tolist() == [1.0002, 2.9998, 4.0]
    assert np.round(Z[1], 3).tolist() == [1.463, 2.537, 4.0]
    assert load_scenario("acting_machines").rounding == {"scaled": 1}
    V = load_scenario("acting_machines").V
    assert V is not None and V.tolist() == [[1, 3, 4], [3, 1, 4]]


def test_acting_machines_exact_machines_row() -> None:
    A = values("acting_machines", "softmax", "A", 1, exact=True)
    assert np.round(A[1], 4).tolist() == [0.7604, 0.2396]
    assert np.round(A[0], 4).tolist() == [0.9999, 0.0001]
    assert trace_of("acting_machines", True).exact


# ---------------------------------------------------------------- i_am_a_student (001)


def test_i_am_a_student_q_k_v_of_i_and_the_scaled_score() -> None:
    proj = trace_of("i_am_a_student").find("projections").matrices
    assert proj["Q"].values[0].tolist() == [1, 1, 1, 1]
    assert proj["K"].values[0].tolist() == [1, 0, 1, 1]
    assert proj["V"].values[0].tolist() == [1, 1, 1, 0]
    assert values("i_am_a_student", "scaled", "S", 1)[0, 0] == 1.5
    scn = load_scenario("i_am_a_student")
    assert scn.X is not None and scn.X[0].tolist() == [1, 1, 1, 1]
    assert scn.d_k == 4


def test_i_attends_more_to_another_token_than_to_itself() -> None:
    """The seed claims self-attention is always the highest; with its own weights it is not."""
    A = values("i_am_a_student", "softmax", "A", 1)
    assert A[0, 1:].max() > A[0, 0]
    assert int(np.argmax(A[0])) != 0


# ------------------------------------------------------------------- all_is_well (003)


def test_all_is_well_row_of_well() -> None:
    tokens = load_scenario("all_is_well").tokens
    well = tokens.index("well")
    A = values("all_is_well", "softmax", "A", 1)
    assert [round(float(x), 1) for x in A[well]] == [0.6, 0.0, 0.4]
    Z = values("all_is_well", "head_output", "Z", 1)
    assert [round(float(x), 2) for x in Z[well, :2]] == [4.42, 7.40]
    V = load_scenario("all_is_well").V
    assert V is not None
    assert V[:, :2].tolist() == [[3.1, 6.8], [0.1, 0.6], [6.4, 8.3]]


# ------------------------------------------------------------------ dog_ate_food (003)


def test_dog_ate_food_heads_link_it_to_dog_and_to_food() -> None:
    scn = load_scenario("dog_ate_food")
    it = scn.tokens.index("it")
    assert scn.heads == 2
    head1 = values("dog_ate_food", "softmax", "A", 1)[it]
    head2 = values("dog_ate_food", "softmax", "A", 2)[it]
    assert scn.tokens[int(np.argmax(head1))] == "dog"
    assert scn.tokens[int(np.argmax(head2))] == "food"


def test_dog_ate_food_concatenates_then_projects() -> None:
    ids = [s.id for s in trace_of("dog_ate_food")]
    assert ids[-2:] == ["concat", "output"]
    Z = values("dog_ate_food", "concat", "Z")
    W_O = load_scenario("dog_ate_food").W_O
    assert W_O is not None
    np.testing.assert_allclose(values("dog_ate_food", "output", "O"), Z @ W_O)


# ----------------------------------------------------------------------- by_hand (000)


def test_by_hand_divides_by_root_sequence_length_with_a_causal_mask() -> None:
    scn = load_scenario("by_hand")
    assert (scn.scale, scn.mask, scn.heads) == ("sqrt_seq_len", "causal", 2)
    trace = trace_of("by_hand")
    for h in (1, 2):
        S = trace.find("scores", h).matrices["S"].values
        np.testing.assert_allclose(trace.find("scaled", h).matrices["S"].values, S / 2.0)  # √4 tokens
        masked = trace.find("masked", h).matrices["S"].values
        assert np.isneginf(masked[np.triu_indices(4, k=1)]).all()
        A = trace.find("softmax", h).matrices["A"].values
        assert A[0].tolist() == [1.0, 0.0, 0.0, 0.0]
    assert [s.id for s in trace][-1] == "concat"


# --------------------------------------------------------------- cross_attention (004)


def test_cross_attention_keys_and_values_come_from_the_memory() -> None:
    scn = load_scenario("cross_attention")
    assert scn.memory_tokens is not None and scn.memory is not None
    assert len(scn.memory_tokens) == scn.memory.shape[0] != len(scn.tokens)
    trace = trace_of("cross_attention")
    assert "scaled" not in {s.id for s in trace}
    assert list(trace.find("input").matrices) == ["X", "memory"]
    proj = trace.find("projections").matrices
    assert scn.W_K is not None and scn.W_V is not None
    np.testing.assert_allclose(proj["K"].values, scn.memory @ scn.W_K)
    np.testing.assert_allclose(proj["V"].values, scn.memory @ scn.W_V)
    assert values("cross_attention", "softmax", "A", 1).shape == (len(scn.tokens), len(scn.memory_tokens))


# ------------------------------------------------------------------------- illustrated


def test_illustrated_scores_and_exact_outputs() -> None:
    assert values("illustrated", "scores", "S", 1).tolist() == [[2, 4, 4], [4, 16, 12], [4, 12, 10]]
    Z = values("illustrated", "head_output", "Z", 1)
    want = [[1.9366, 6.6831, 1.5951], [2.0000, 7.9640, 0.0540], [1.9997, 7.7599, 0.3584]]
    assert np.round(Z, 4).tolist() == want
    assert "scaled" not in {s.id for s in trace_of("illustrated")}


# --------------------------------------------------------- shipped in a plain install


@pytest.mark.slow
@pytest.mark.skipif(os.environ.get("MHSA_SLOW") != "1", reason="slow (builds a wheel in a fresh venv): MHSA_SLOW=1")
def test_builtins_are_found_after_a_plain_install(tmp_path: Path) -> None:
    """`pip install .` (not editable) into a fresh venv, run from another folder, finds every built-in."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    py = venv / "bin" / "python"
    subprocess.run([str(py), "-m", "pip", "install", "-q", str(ROOT)], check=True)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    script = textwrap.dedent(
        """
        import mhsa_tutor, mhsa_tutor.io.loader as s
        assert "site-packages" in mhsa_tutor.__file__, mhsa_tutor.__file__
        print(" ".join(s.builtin_names()))
        for n in s.builtin_names():
            s.load_scenario(n)
        """
    )
    out = subprocess.run([str(py), "-c", script], cwd=elsewhere, capture_output=True, text=True, check=True)
    assert out.stdout.split() == list(builtin_names())
    cli = venv / "bin" / "mhsa-tutor"
    r = subprocess.run([str(cli), "run", "acting_machines"], cwd=elsewhere, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert "0.7685" in r.stdout
