"""The variants against independent references: plain loops written from the papers' formulas, and PyTorch.

The loops below restate REFERENCE.md ("Variants") one number at a time and share
no code with ``mhsa_tutor.core.variants``: sinusoidal positions (Vaswani et al. 2017,
§3.5), RoPE in both pairings (Su et al. 2021), ALiBi's slopes and bias (Press et
al. 2022, also for head counts that are not powers of two), GQA's head sharing,
the sliding window and padding. PyTorch (float64) checks what it implements:
``F.scaled_dot_product_attention`` with boolean and float masks and
``enable_gqa=True``, and ``nn.MultiheadAttention`` with ``key_padding_mask``.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mhsa_tutor import run
from mhsa_tutor.core.scenario import FromX, GivenQKV, Rope, Scenario, Variants
from mhsa_tutor.core.trace import Trace
from mhsa_tutor.io.loader import load_scenario
from tests.bad_inputs import VARIANT_CASES, Bad
from tests.conftest import Invoke
from tests.test_cli_errors import assert_one_error_line, write

Arr = np.ndarray[Any, np.dtype[np.float64]]
TOL = 1e-12

# ----------------------------------------------------------------- plain-loop references


def ref_sinusoidal(T: int, d: int) -> list[list[float]]:
    P = [[0.0] * d for _ in range(T)]
    for pos in range(T):
        for k in range(d):
            if k % 2 == 0:
                P[pos][k] = math.sin(pos / 10000 ** (k / d))
            else:
                P[pos][k] = math.cos(pos / 10000 ** ((k - 1) / d))
    return P


def ref_rope(x: list[float], m: int, base: float, style: str) -> list[float]:
    d = len(x)
    out = list(x)
    for j in range(d // 2):
        theta = base ** (-2 * j / d)
        a_i, b_i = (2 * j, 2 * j + 1) if style == "interleaved" else (j, j + d // 2)
        a, b = x[a_i], x[b_i]
        c, s = math.cos(m * theta), math.sin(m * theta)
        out[a_i] = a * c - b * s
        out[b_i] = a * s + b * c
    return out


def ref_slopes(H: int) -> list[float]:
    def pow2(n: int) -> list[float]:
        return [2 ** (-8 * h / n) for h in range(1, n + 1)]

    n = 1
    while n * 2 <= H:
        n *= 2
    if n == H:
        return pow2(H)
    odd = [s for idx, s in enumerate(pow2(2 * n)) if idx % 2 == 0]  # 1st, 3rd, 5th, …
    return pow2(n) + odd[: H - n]


def ref_attention(scn: Scenario) -> tuple[list[list[float]], list[list[float]]]:
    """(concatenated heads, output or the concatenation) by loops over heads, rows, keys and features."""
    var = scn.variants
    T, Tk, H = len(scn.tokens), len(scn.key_tokens), scn.heads
    G = var.kv_heads or H
    inp = scn.inputs
    if isinstance(inp, FromX):
        X = inp.X.tolist()
        if var.positions == "sinusoidal":
            P = ref_sinusoidal(T, len(X[0]))
            X = [[X[i][k] + P[i][k] for k in range(len(X[0]))] for i in range(T)]
        elif var.positions == "learned":
            assert var.P is not None
            X = [[X[i][k] + float(var.P[i][k]) for k in range(len(X[0]))] for i in range(T)]
        src = inp.memory.tolist() if inp.memory is not None else X

        def mul(A: list[list[float]], W: Arr) -> list[list[float]]:
            return [[sum(a[r] * float(W[r][c]) for r in range(len(a))) for c in range(W.shape[1])] for a in A]

        Q, K, V = mul(X, inp.W_Q), mul(src, inp.W_K), mul(src, inp.W_V)
    else:
        assert isinstance(inp, GivenQKV)
        Q, K, V = inp.Q.tolist(), inp.K.tolist(), inp.V.tolist()
    dk, dv = len(Q[0]) // H, len(V[0]) // G
    slopes = ref_slopes(H)
    Z = [[0.0] * (H * dv) for _ in range(T)]
    for h in range(H):
        g = h * G // H  # ⌊(h − 1)·G/H⌋ + 1, 0-based
        q = [row[h * dk : (h + 1) * dk] for row in Q]
        k = [row[g * dk : (g + 1) * dk] for row in K]
        v = [row[g * dv : (g + 1) * dv] for row in V]
        if var.rope is not None:
            q = [ref_rope(q[i], i, var.rope.base, var.rope.style) for i in range(T)]
            k = [ref_rope(k[j], j, var.rope.base, var.rope.style) for j in range(Tk)]
        for i in range(T):
            scores: list[float] = []
            for j in range(Tk):
                s = sum(q[i][c] * k[j][c] for c in range(dk)) / math.sqrt(dk)
                if var.bias == "alibi":
                    s += -slopes[h] * abs(i - j)
                blocked = (
                    (scn.mask == "causal" and j > i)
                    or (scn.mask == "sliding" and not (i - (var.window or 0) < j <= i))
                    or (scn.mask == "custom" and var.blocked is not None and bool(var.blocked[i][j]))
                    or (var.padding is not None and bool(var.padding[j]))
                )
                scores.append(-math.inf if blocked else s)
            top = max(scores)
            if top == -math.inf:
                weights = [math.nan] * Tk
            else:
                e = [math.exp(s - top) for s in scores]
                weights = [x / sum(e) for x in e]
            for c in range(dv):
                Z[i][h * dv + c] = sum(weights[j] * v[j][c] for j in range(Tk))
    if isinstance(inp, FromX) and inp.W_O is not None:
        W_O = inp.W_O
        O = [[sum(z[r] * float(W_O[r][c]) for r in range(len(z))) for c in range(W_O.shape[1])] for z in Z]
        return Z, O
    return Z, Z


def close(a: Arr | list[list[float]], b: Arr | list[list[float]]) -> bool:
    return bool(np.allclose(np.asarray(a), np.asarray(b), rtol=0, atol=TOL, equal_nan=True))


# ----------------------------------------------------------------------- scenarios


def ro(a: Arr) -> Arr:
    a = np.array(a, dtype=np.float64)
    a.flags.writeable = False
    return a


def make(
    seed: int,
    *,
    T: int = 5,
    d_model: int = 8,
    heads: int = 2,
    kv_heads: int | None = None,
    d_k: int = 4,
    mask: str = "none",
    w_o: bool = True,
    **variants: Any,
) -> Scenario:
    """A random scenario from X with these variants (Scenario built directly, as generate does)."""
    rng = np.random.default_rng(seed)
    G = kv_heads or heads
    X = rng.normal(size=(T, d_model))
    W_Q = rng.normal(size=(d_model, heads * d_k)) / math.sqrt(d_model)
    W_K = rng.normal(size=(d_model, G * d_k)) / math.sqrt(d_model)
    W_V = rng.normal(size=(d_model, G * d_k)) / math.sqrt(d_model)
    W_O = rng.normal(size=(heads * d_k, d_model)) / math.sqrt(d_model) if w_o else None
    if variants.get("positions") == "learned":
        variants["P"] = ro(rng.normal(size=(T, d_model)))
    var = Variants(kv_heads=kv_heads, **variants)
    inputs = FromX(X=ro(X), W_Q=ro(W_Q), W_K=ro(W_K), W_V=ro(W_V), W_O=ro(W_O) if W_O is not None else None)
    tokens = tuple(f"t{i + 1}" for i in range(T))
    return Scenario("t", "t.toml", "t", tokens, heads, inputs, mask=mask, variants=var)  # type: ignore[arg-type]


def concat(trace: Trace) -> Arr:
    return trace.find("concat").matrices["Z"].values


def final(trace: Trace) -> Arr:
    return trace.stages[-1].matrices[next(iter(trace.stages[-1].matrices))].values


# --------------------------------------------------------------- the formulas alone


def test_sinusoidal_positions_match_the_paper() -> None:
    scn = make(0, positions="sinusoidal")
    trace = run(scn)
    assert close(trace.find("positions").matrices["P"].values, ref_sinusoidal(5, 8))
    assert close(trace.find("positions").matrices["X"].values, np.asarray(scn.inputs.X) + ref_sinusoidal(5, 8))  # type: ignore[union-attr]


@pytest.mark.parametrize("style", ["half", "interleaved"])
@pytest.mark.parametrize("base", [10000.0, 100.0])
def test_rope_rotates_as_the_paper_says(style: str, base: float) -> None:
    scn = make(1, d_k=6, heads=2, rope=Rope(base, style))  # type: ignore[arg-type]
    trace = run(scn)
    for h in (1, 2):
        split, rot = trace.find("split", h).matrices, trace.find("rotary", h).matrices
        q, k = split["Q"].values, split["K"].values
        assert close(rot["Q"].values, [ref_rope(q[i].tolist(), i, base, style) for i in range(5)])
        assert close(rot["K"].values, [ref_rope(k[j].tolist(), j, base, style) for j in range(5)])
        assert np.array_equal(trace.find("split", h).matrices["V"].values, split["V"].values)  # V is not rotated


def test_the_two_rope_pairings_disagree() -> None:
    half = run(make(2, rope=Rope(style="half")))
    inter = run(make(2, rope=Rope(style="interleaved")))
    assert not np.allclose(half.find("rotary", 1).matrices["Q"].values, inter.find("rotary", 1).matrices["Q"].values)


def test_alibi_slopes_known_lists() -> None:
    assert ref_slopes(8) == [1 / 2, 1 / 4, 1 / 8, 1 / 16, 1 / 32, 1 / 64, 1 / 128, 1 / 256]
    assert ref_slopes(6) == [1 / 4, 1 / 16, 1 / 64, 1 / 256, 1 / 2, 1 / 8]  # 4 heads' slopes, then 1st, 3rd of 8


@pytest.mark.parametrize("heads", [1, 2, 3, 4, 5, 6, 8, 12])
def test_alibi_bias_and_slopes(heads: int) -> None:
    trace = run(make(3, heads=heads, d_k=2, d_model=heads * 2, bias="alibi", mask="causal"))
    assert trace.info.slopes == pytest.approx(ref_slopes(heads), abs=0)
    for h in range(1, heads + 1):
        st = trace.find("bias", h)
        B = [[-ref_slopes(heads)[h - 1] * abs(i - j) for j in range(5)] for i in range(5)]
        assert close(st.matrices["B"].values, B)
        assert close(st.matrices["S"].values, trace.find("scaled", h).matrices["S"].values + np.asarray(B))
        assert st.facts.slope == ref_slopes(heads)[h - 1]


# -------------------------------------------------- every variant against the loops

COMBOS: list[dict[str, Any]] = [
    {},
    {"positions": "sinusoidal"},
    {"positions": "learned"},
    {"rope": Rope(style="half")},
    {"rope": Rope(base=50.0, style="interleaved")},
    {"bias": "alibi"},
    {"bias": "alibi", "mask": "causal", "heads": 3, "d_model": 6, "d_k": 2},
    {"mask": "causal"},
    {"mask": "sliding", "window": 2},
    {"mask": "custom", "blocked": ro(np.eye(5, k=1) + np.eye(5, k=-2)).astype(bool)},
    {"padding": np.array([False, True, False, False, True])},
    {"kv_heads": 2, "heads": 4, "d_k": 2},
    {"kv_heads": 1, "heads": 4, "d_k": 2},
    {"positions": "sinusoidal", "rope": Rope(), "bias": "alibi", "mask": "sliding", "window": 3, "kv_heads": 1},
    {"rope": Rope(style="interleaved"), "kv_heads": 2, "heads": 4, "d_k": 2, "mask": "causal"},
    {"padding": np.array([True, False, False, False, False]), "mask": "causal", "bias": "alibi"},
]


@pytest.mark.parametrize(("combo", "seed"), list(itertools.product(range(len(COMBOS)), (0, 7))))
def test_every_variant_alone_and_combined_matches_the_loops(combo: int, seed: int) -> None:
    scn = make(seed, **COMBOS[combo])
    trace = run(scn)
    Z, O = ref_attention(scn)
    assert close(concat(trace), Z)
    assert close(final(trace), O)


# -------------------------------------------------------------------------- PyTorch


def _sdpa_case(scn: Scenario) -> tuple[Any, Any, Any, Any]:
    """(q, k, v, attn_mask) for F.scaled_dot_product_attention from a trace's own split/rotary stages."""
    torch = pytest.importorskip("torch")
    trace = run(scn)
    H, G = scn.heads, scn.kv_heads
    src = "rotary" if scn.variants.rope is not None else "split"
    q = torch.tensor(np.stack([trace.find(src, h).matrices["Q"].values for h in range(1, H + 1)]))[None]
    # the key/value heads themselves (G of them): enable_gqa repeats them
    firsts = [next(h for h in range(1, H + 1) if trace.info.kv_head(h) == g) for g in range(1, G + 1)]
    k = torch.tensor(np.stack([trace.find(src, h).matrices["K"].values for h in firsts]))[None]
    v = torch.tensor(np.stack([trace.find("split", h).matrices["V"].values for h in firsts]))[None]
    T = len(scn.tokens)
    allowed = np.ones((T, T), dtype=bool)
    if scn.masks_cells:
        allowed = trace.find("masked", 1).matrices["S"].values != -np.inf
    mask = torch.tensor(allowed)
    if scn.variants.bias == "alibi":
        B = np.stack([trace.find("bias", h).matrices["B"].values for h in range(1, H + 1)])
        mask = torch.where(torch.tensor(allowed), torch.tensor(B), torch.tensor(-np.inf, dtype=torch.float64))[None]
    return q, k, v, mask


@pytest.mark.parametrize(
    "combo",
    [c for c in COMBOS if not (c.get("padding") is not None and bool(c["padding"][0]) and c.get("mask") == "causal")],
)
def test_sdpa_agrees(combo: dict[str, Any]) -> None:
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    scn = make(5, w_o=False, **combo)
    q, k, v, mask = _sdpa_case(scn)
    out = F.scaled_dot_product_attention(q, k, v, attn_mask=mask, enable_gqa=True)  # (1, H, T, dv)
    trace = run(scn)
    for h in range(scn.heads):
        assert close(out[0, h].numpy(), trace.find("head_output", h + 1).matrices["Z"].values)


@pytest.mark.parametrize("name", ["grouped_query", "sliding_window", "alibi", "rope_by_hand", "sinusoidal_positions"])
def test_builtins_agree_with_sdpa(name: str) -> None:
    torch = pytest.importorskip("torch")
    scn = load_scenario(name)
    q, k, v, mask = _sdpa_case(scn)
    out = torch.nn.functional.scaled_dot_product_attention(q, k, v, attn_mask=mask, enable_gqa=True)
    trace = run(scn, exact=True)
    for h in range(scn.heads):
        assert close(out[0, h].numpy(), trace.find("head_output", h + 1).matrices["Z"].values)


@pytest.mark.parametrize(
    ("padding", "causal"),
    [
        ([False, True, False, False, True], False),
        ([False, False, False, True, True], True),
        ([True, False, False, False, False], True),  # the first row loses every key: NaN
        ([True, True, True, True, True], False),  # every row loses every key
    ],
)
def test_multihead_attention_with_key_padding_mask(padding: list[bool], causal: bool) -> None:
    torch = pytest.importorskip("torch")
    E, H, T = 8, 2, 5
    scn = make(11, d_model=E, heads=H, d_k=E // H, mask="causal" if causal else "none", padding=np.array(padding))
    inp = scn.inputs
    assert isinstance(inp, FromX) and inp.W_O is not None
    mha = torch.nn.MultiheadAttention(E, H, bias=False, batch_first=True, dtype=torch.float64)
    with torch.no_grad():
        mha.in_proj_weight.copy_(torch.tensor(np.concatenate([inp.W_Q.T, inp.W_K.T, inp.W_V.T])))
        mha.out_proj.weight.copy_(torch.tensor(inp.W_O.T))
    x = torch.tensor(inp.X)[None]
    attn_mask = torch.triu(torch.ones(T, T, dtype=torch.bool), 1) if causal else None
    out, weights = mha(
        x, x, x, key_padding_mask=torch.tensor([padding]), attn_mask=attn_mask, average_attn_weights=False
    )
    trace = run(scn)
    assert close(out[0].detach().numpy(), trace.find("output").matrices["O"].values)
    for h in range(H):
        assert close(weights[0, h].detach().numpy(), trace.find("softmax", h + 1).matrices["A"].values)


# ---------------------------------------------------------------- the built-ins' facts


def test_sinusoidal_positions_tell_the_two_dogs_apart() -> None:
    scn = load_scenario("sinusoidal_positions")
    assert scn.tokens[0] == scn.tokens[2] and np.array_equal(scn.inputs.X[0], scn.inputs.X[2])  # type: ignore[union-attr]
    with_positions = concat(run(scn))
    without = concat(run(replace(scn, variants=Variants(), expected=())))
    assert np.array_equal(without[0], without[2])  # the same word, the same output
    assert np.abs(with_positions[0] - with_positions[2]).max() > 0.1  # positions make them differ


def test_rope_by_hand_scores_depend_only_on_the_offset() -> None:
    trace = run(load_scenario("rope_by_hand"))
    S = trace.find("scores", 1).matrices["S"].values
    T = S.shape[0]
    for i in range(T):
        for j in range(T):
            assert S[i, j] == pytest.approx(math.cos(i - j) + math.cos(0.1 * (i - j)), abs=TOL)
            if i + 1 < T and j + 1 < T:
                assert S[i + 1, j + 1] == pytest.approx(S[i, j], abs=TOL)
    i, j, now, later = trace.find("rotary", 1).facts.rope_offset or (0, 0, 0.0, 1.0)
    assert (i, j) == (3, 0) and now == pytest.approx(later, abs=TOL) == pytest.approx(S[3, 0], abs=TOL)


def test_alibi_far_keys_fade() -> None:
    trace = run(load_scenario("alibi"))
    for h in range(1, 5):
        A = trace.find("softmax", h).matrices["A"].values
        for i in range(4):
            row = A[i, : i + 1]
            assert all(a < b for a, b in itertools.pairwise(row))  # nearer keys weigh more
    first, last = trace.find("softmax", 1).matrices["A"].values[3], trace.find("softmax", 4).matrices["A"].values[3]
    assert first[3] - first[0] > last[3] - last[0]  # head 1's larger slope fades faster


def test_grouped_query_heads_share_keys_and_values() -> None:
    trace = run(load_scenario("grouped_query"))
    assert (trace.info.heads, trace.info.groups) == (4, 2)
    split = [trace.find("split", h) for h in range(1, 5)]
    assert [s.facts.kv_head for s in split] == [1, 1, 2, 2]
    assert split[0].facts.shared_by == (1, 2) and split[3].facts.shared_by == (3, 4)
    for a, b in ((0, 1), (2, 3)):
        for m in ("K", "V"):
            assert np.array_equal(split[a].matrices[m].values, split[b].matrices[m].values)
        assert not np.array_equal(split[a].matrices["Q"].values, split[b].matrices["Q"].values)


def test_sliding_window_sees_itself_and_one_before() -> None:
    trace = run(load_scenario("sliding_window"))
    A = trace.find("softmax", 1).matrices["A"].values
    for i in range(5):
        for j in range(5):
            assert (A[i, j] > 0) == (i - 2 < j <= i)


def test_padding_mask_gives_a_nan_row_and_says_why() -> None:
    trace = run(load_scenario("padding_mask"))
    A = trace.find("softmax", 1).matrices["A"].values
    assert np.isnan(A[0]).all() and np.isfinite(A[1:]).all()
    assert (A[1:, 0] == 0).all()  # nobody attends to the padding
    assert np.isnan(trace.find("concat").matrices["Z"].values[0]).all()
    assert trace.find("masked", 1).facts.dead_rows == (0,)
    from mhsa_tutor.teach.narration import stage_notes

    for lang in ("en", "ko"):
        text = " ".join(t for _, t in stage_notes(trace, trace.find("masked", 1), lang))
        assert "NaN" in text and "'pad'" in text


def test_a_real_overflow_is_still_an_overflow_next_to_a_nan_row() -> None:
    from mhsa_tutor.core.errors import ScenarioError

    scn = make(0, padding=np.array([True, False, False, False, False]), mask="causal")
    inp = scn.inputs
    assert isinstance(inp, FromX)
    X = np.array(inp.X)
    X[3] *= 1e150
    W_K = np.array(inp.W_K) * 1e150
    huge = replace(scn, inputs=replace(inp, X=ro(X), W_K=ro(W_K)))
    with pytest.raises(ScenarioError, match="overflow float64 at stage scores"):
        run(huge)


def test_the_finiteness_check_allows_nan_only_in_rows_with_every_key_blocked() -> None:
    from mhsa_tutor.core.engine import _Recorder
    from mhsa_tutor.core.errors import ScenarioError
    from mhsa_tutor.core.trace import ScenarioInfo

    scn = make(0)
    rec = _Recorder(scn, ScenarioInfo.of(scn), False)
    A = np.full((5, 5), 0.2)
    A[0] = np.nan
    dead = np.array([True, False, False, False, False])
    rec.check_finite("softmax", 1, "A", A, "tokens", "keys", None, dead)  # the blocked row: allowed
    A[2, 3] = np.nan
    with pytest.raises(ScenarioError, match=r"softmax \(head 1\), cell A\[t3 \(position 3\), t4 \(position 4\)\]"):
        rec.check_finite("softmax", 1, "A", A, "tokens", "keys", None, dead)


# ------------------------------------------------------------------------ bad input


@pytest.mark.parametrize("case", VARIANT_CASES, ids=[c.id for c in VARIANT_CASES])
def test_bad_variant_field_is_one_error_line_naming_file_and_field(case: Bad, invoke: Invoke, tmp_path: Path) -> None:
    path = write(tmp_path, case.content)
    assert case.field is not None
    assert_one_error_line(invoke(["run", str(path)]), "bad.toml", case.field, case.phrase)


# ------------------------------------------------------------------ explain and quiz


def test_explain_a_rotated_cell_with_its_angle() -> None:
    from mhsa_tutor.teach.explain import explain_cell

    trace = run(load_scenario("rope_by_hand"))
    ex = explain_cell(trace, "rotary", "2", "1", matrix="Q")  # position 1, feature 1 pairs with feature 3
    text = "\n".join(ex.lines)
    assert "a·cos − b·sin ≈ 1×0.5403 − 0×0.8415" in text and "1 × 1 = 1 rad" in text
    assert ex.value == pytest.approx(math.cos(1.0), abs=TOL)
    ex = explain_cell(trace, "rotary", "3", "3", matrix="K")  # position 2, the second of pair 0
    assert "a·sin + b·cos" in "\n".join(ex.lines) and ex.value == pytest.approx(math.sin(2.0), abs=TOL)
    inter = run(make(4, rope=Rope(style="interleaved")))
    ex = explain_cell(inter, "rotary", "3", "2", matrix="Q")
    assert "feature 2 pairs with feature 1 (interleaved pairing, pair j = 0)" in " ".join(ex.lines).replace("\n", " ")


def test_explain_a_bias_cell_with_its_slope() -> None:
    from mhsa_tutor.teach.explain import explain_cell

    trace = run(load_scenario("alibi"))
    ex = explain_cell(trace, "bias", "down", "the", head=2, matrix="B")
    assert "m = 0.0625" in ex.lines[0] and "|i − j| = 3" in ex.lines[0] and ex.value == -0.1875
    ex = explain_cell(trace, "bias", "down", "the", head=1, matrix="S")
    assert ex.lines[-2] == "S₁[down, the] = 1 + (−0.75)" and ex.value == 0.25


@pytest.mark.parametrize(
    ("name", "row", "col", "rule"),
    [
        ("padding_mask", "am", "pad", "padding"),
        ("padding_mask", "am", "here", "causal mask"),
        ("sliding_window", "four", "one", "sliding window"),
        ("sliding_window", "four", "three", "inside the window"),
    ],
)
def test_explain_a_masked_cell_by_its_rule(name: str, row: str, col: str, rule: str) -> None:
    from mhsa_tutor.teach.explain import explain_cell

    ex = explain_cell(run(load_scenario(name)), "masked", row, col)
    assert rule in " ".join(ex.lines).replace("\n", " ")


def test_explain_a_custom_mask_cell() -> None:
    from mhsa_tutor.teach.explain import explain_cell

    blocked = np.zeros((5, 5), dtype=bool)
    blocked[1, 3] = True
    trace = run(make(0, mask="custom", blocked=blocked))
    assert "custom mask blocks it" in " ".join(explain_cell(trace, "masked", "2", "4").lines)
    assert "mask keeps it" in " ".join(explain_cell(trace, "masked", "2", "3").lines)


@pytest.mark.parametrize(
    ("name", "stage"),
    [("rope_by_hand", "rotary"), ("alibi", "bias"), ("sinusoidal_positions", "positions")],
)
@pytest.mark.parametrize("lang", ["en", "ko"])
def test_quiz_asks_about_the_new_stages(name: str, stage: str, lang: str) -> None:
    from mhsa_tutor.teach.quiz import choose_questions
    from mhsa_tutor.teach.quiz_text import ask_text, givens

    trace = run(load_scenario(name))
    for seed in range(5):
        qs = choose_questions(trace, stages=(stage,), count=2, seed=seed)
        for q in qs:
            assert q.stage == stage
            assert q.value == trace.find(stage, q.head).matrices[q.matrix].values[q.row, q.col]
            assert ask_text(trace, q, lang) and givens(trace, q)


def test_quiz_rotary_givens_are_enough_to_compute_the_answer() -> None:
    from mhsa_tutor.teach.quiz import choose_questions
    from mhsa_tutor.teach.quiz_text import givens

    trace = run(load_scenario("rope_by_hand"))
    for seed in range(8):
        (q,) = choose_questions(trace, stages=("rotary",), count=1, seed=seed)
        first, second = givens(trace, q)
        a_text, b_text = (part.split(" = ")[1].split()[0].rstrip(",") for part in first.split(", ")[:2])
        m = int(second.split("m = ")[1].split(",")[0])
        theta = float(second.split("θ = ")[1])
        x, other = float(a_text), float(b_text)
        own_first = q.col < 2  # half pairing, d_k = 4: features 1, 2 are the first of their pair
        want = (
            x * math.cos(m * theta) - other * math.sin(m * theta)
            if own_first
            else other * math.sin(m * theta) + x * math.cos(m * theta)
        )
        assert want == pytest.approx(q.value, abs=1e-4)


@pytest.mark.parametrize("name", ["padding_mask", "sliding_window"])
def test_quiz_never_asks_about_a_blocked_key_or_a_nan_row(name: str) -> None:
    from mhsa_tutor.teach.quiz import choose_questions

    trace = run(load_scenario(name))
    for seed in range(20):
        for q in choose_questions(trace, seed=seed):
            assert math.isfinite(q.value)
            if q.stage == "softmax":
                assert q.value > 0


# ------------------------------------------------------------------------ built-ins

NEW_BUILTINS = ("sinusoidal_positions", "rope_by_hand", "alibi", "grouped_query", "sliding_window", "padding_mask")


@pytest.mark.parametrize("name", NEW_BUILTINS)
@pytest.mark.parametrize("lang", ["en", "ko"])
def test_every_new_builtin_runs_in_both_languages(invoke: Invoke, name: str, lang: str) -> None:
    r = invoke(["run", name, "--lang", lang])
    assert r.exit_code == 0, r.stderr
    assert "✗" not in r.stdout  # every checkpoint reproduced
    if lang == "ko":
        assert "헤드" in r.stdout


def test_a_custom_mask_file_against_sdpa(tmp_path: Path) -> None:
    torch = pytest.importorskip("torch")
    text = """\
title = "custom"
tokens = ["a", "b", "c"]
heads = 1
mask = "custom"

[input]
Q = [[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]
K = [[1.0, 2.0], [0.0, 1.0], [2.0, 1.0]]
V = [[1.0, 0.0], [0.0, 1.0], [3.0, 1.0]]
blocked = [[false, true, false], [true, false, false], [false, false, true]]
padding = [false, false, true]
"""
    path = tmp_path / "custom.toml"
    path.write_text(text, encoding="utf-8")
    scn = load_scenario(str(path))
    trace = run(scn)
    assert isinstance(scn.inputs, GivenQKV) and scn.variants.blocked is not None
    allowed = ~(np.array(scn.variants.blocked) | np.array([False, False, True])[None, :])
    q, k, v = (torch.tensor(np.array(m))[None, None] for m in (scn.inputs.Q, scn.inputs.K, scn.inputs.V))
    out = torch.nn.functional.scaled_dot_product_attention(q, k, v, attn_mask=torch.tensor(allowed))
    assert close(out[0, 0].numpy(), trace.find("head_output", 1).matrices["Z"].values)
    assert trace.find("masked", 1).facts.variant == "custom"
    assert trace.find("masked", 1).title == "Head 1: custom mask"


# ------------------------------------------------------------- random combinations


@st.composite
def variant_cases(draw: st.DrawFn) -> Scenario:
    heads = draw(st.sampled_from([1, 2, 3, 4, 6]))
    kv_heads = draw(st.sampled_from([g for g in range(1, heads + 1) if heads % g == 0]))
    d_k = draw(st.sampled_from([2, 4]))
    T = draw(st.integers(1, 6))
    mask = draw(st.sampled_from(["none", "causal", "sliding"]))
    extra: dict[str, Any] = {}
    if mask == "sliding":
        extra["window"] = draw(st.integers(1, 4))
    if draw(st.booleans()):
        extra["rope"] = Rope(draw(st.sampled_from([10.0, 10000.0])), draw(st.sampled_from(["half", "interleaved"])))
    if draw(st.booleans()):
        extra["padding"] = np.array(draw(st.lists(st.booleans(), min_size=T, max_size=T)))
    return make(
        draw(st.integers(0, 2**16)),
        T=T,
        d_model=draw(st.sampled_from([3, 8])),
        heads=heads,
        kv_heads=kv_heads if kv_heads != heads else None,
        d_k=d_k,
        mask=mask,
        positions=draw(st.sampled_from(["none", "sinusoidal", "learned"])),
        bias=draw(st.sampled_from(["none", "alibi"])),
        **extra,
    )


@given(variant_cases())
@settings(max_examples=60, deadline=None)
def test_any_combination_matches_the_loops(scn: Scenario) -> None:
    trace = run(scn)
    Z, O = ref_attention(scn)
    assert close(concat(trace), Z)
    assert close(final(trace), O)
    dead = trace.find("softmax", 1).facts.dead_rows
    A = trace.find("softmax", 1).matrices["A"].values
    assert np.isnan(A[list(dead)]).all()
    live = np.delete(A, list(dead), axis=0)
    assert np.allclose(live.sum(axis=1), 1.0, atol=1e-12)


@pytest.mark.parametrize("name", NEW_BUILTINS)
def test_json_round_trip_keeps_the_variants(name: str) -> None:
    import json

    from mhsa_tutor.io.trace_json import from_dict, to_dict

    trace = run(load_scenario(name))
    doc = to_dict(trace)
    back = from_dict(json.loads(json.dumps(doc)))
    # the JSON form has no description, nor the Korean title, description and source
    assert back.info == replace(trace.info, description="", title_ko="", description_ko="", source_ko="")
    for a, b in zip(back.stages, trace.stages, strict=True):
        assert (a.id, a.head, a.title) == (b.id, b.head, b.title)
        for m in a.matrices:
            assert np.array_equal(a.matrices[m].values, b.matrices[m].values, equal_nan=True)


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_explain_a_nan_row_says_why(lang: str) -> None:
    from mhsa_tutor.teach.explain import explain_cell

    trace = run(load_scenario("padding_mask"))
    ex = explain_cell(trace, "softmax", "pad", "I", lang=lang)
    assert math.isnan(ex.value) and ex.lines[-2:] == ("= 0 / 0", "= NaN")
    assert "NaN" in ex.lines[0] and "'pad'" in ex.lines[0]
    ex = explain_cell(trace, "head_output", "pad", "1", lang=lang)
    assert "nn.MultiheadAttention" in ex.lines[0] and ex.lines[-1] == "= NaN"


def test_gqa_params_narration_counts_the_shared_heads() -> None:
    from mhsa_tutor.teach.narration import stage_notes

    trace = run(load_scenario("grouped_query"))
    text = " ".join(t for _, t in stage_notes(trace, trace.find("params"), "en"))
    assert "G = 2 key/value heads" in text and "each serving 2 query heads" in text
    assert "W_K does the same" not in text  # the plain note would be wrong under GQA


@pytest.mark.parametrize(
    ("combo", "latex"),
    [
        ({"mask": "sliding", "window": 3}, r"\text{unless } i - 3 < j \le i"),
        ({"mask": "causal", "padding": np.array([False, True, False, False, False])}, r"j > i \text{ or key } j"),
        ({"padding": np.array([False, True, False, False, False])}, r"\text{where key } j \text{ is padding}"),
        ({"kv_heads": 1}, r"\text{key/value head } 1"),
        ({"rope": Rope(base=500.0)}, r"\theta_j = 500^{-2j/4}"),
        ({"bias": "alibi"}, r"m_{1} = 0.0625"),
    ],
)
def test_latex_formulas_of_the_variants(combo: dict[str, Any], latex: str) -> None:
    from mhsa_tutor.views.export import to_markdown
    from mhsa_tutor.views.view import View

    assert latex in to_markdown(run(make(0, **combo)), View())


def test_given_qkv_under_gqa_says_the_real_widths() -> None:
    from mhsa_tutor.teach.narration import stage_notes

    Q = ro(np.arange(12.0).reshape(3, 4))
    K = ro(np.ones((3, 2)))
    V = ro(np.ones((3, 2)))
    scn = Scenario("g", "g.toml", "g", ("a", "b", "c"), 2, GivenQKV(Q, K, V), variants=Variants(kv_heads=1))
    trace = run(scn)
    text = " ".join(t for _, t in stage_notes(trace, trace.find("input"), "en"))
    assert "Q is 3 × 4, K is 3 × 2 and V is 3 × 2" in text
