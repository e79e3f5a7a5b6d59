"""The engine against an independent plain-Python reference, on random shapes, plus its invariants.

``reference`` below never touches NumPy: explicit loops over tokens, heads and
dimensions, ``math.exp``, and the PyTorch conventions of ../shared/REFERENCE.md
(head h takes columns h·d_k … (h+1)·d_k − 1, a causal mask blocks j > i).
Scenarios are written as TOML text and read by ``parse_scenario``, so the
loader is exercised on every example too.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mhsa_tutor.core.engine import round_half_up, run
from mhsa_tutor.core.errors import ScenarioError
from mhsa_tutor.core.scenario import Scenario, matrix_shape, stage_matrices
from mhsa_tutor.core.stages import PER_HEAD_STAGES, axes
from mhsa_tutor.core.trace import Trace
from mhsa_tutor.io.loader import builtin_names, load_scenario
from mhsa_tutor.io.validate import parse_scenario
from tests.strategies import Matrix, Spec, specs, to_toml

SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SECONDARY = settings(SETTINGS, max_examples=50)
RefStage = tuple[str, int | None, dict[str, Matrix]]


# ------------------------------------------------------------------ the reference


def matmul(a: Matrix, b: Matrix) -> Matrix:
    n, m, p = len(a), len(b), len(b[0])
    out = [[0.0] * p for _ in range(n)]
    for i in range(n):
        for j in range(p):
            total = 0.0
            for k in range(m):
                total += a[i][k] * b[k][j]
            out[i][j] = total
    return out


def columns(a: Matrix, start: int, stop: int) -> Matrix:
    return [[row[c] for c in range(start, stop)] for row in a]


def softmax_row(row: list[float]) -> list[float]:
    finite = [x for x in row if x != -math.inf]
    top = max(finite)
    e = [0.0 if x == -math.inf else math.exp(x - top) for x in row]
    total = sum(e)
    return [x / total for x in e]


def rounded(stage: str, a: Matrix, rounding: dict[str, int]) -> Matrix:
    """The scenario's hand rounding, with the engine's own half-up rule (tested on its own below)."""
    if stage not in rounding:
        return a
    out: Matrix = np.asarray(round_half_up(np.array(a, dtype=float), rounding[stage])).tolist()
    return out


def reference(spec: Spec, rounding: dict[str, int] | None = None) -> list[RefStage]:
    """Every stage of multi-head attention, by loops: [(id, head or None, {name: matrix})]."""
    rnd = rounding or {}
    out: list[RefStage] = []
    H, dk, dv = spec.heads, spec.d_k, spec.d_v
    T, Tk = len(spec.tokens), len(spec.key_tokens)
    if spec.X is None:
        assert spec.Q is not None and spec.K is not None and spec.V is not None
        Q, K, V = spec.Q, spec.K, spec.V
        out.append(("input", None, {"Q": Q, "K": K, "V": V}))
    else:
        assert spec.W_Q is not None and spec.W_K is not None and spec.W_V is not None
        inputs = {"X": spec.X} if spec.memory is None else {"X": spec.X, "memory": spec.memory}
        out.append(("input", None, inputs))
        params = {"W_Q": spec.W_Q, "W_K": spec.W_K, "W_V": spec.W_V}
        if spec.W_O is not None:
            params["W_O"] = spec.W_O
        out.append(("params", None, params))
        src = spec.memory if spec.memory is not None else spec.X
        Q = rounded("projections", matmul(spec.X, spec.W_Q), rnd)
        K = rounded("projections", matmul(src, spec.W_K), rnd)
        V = rounded("projections", matmul(src, spec.W_V), rnd)
        out.append(("projections", None, {"Q": Q, "K": K, "V": V}))
    if spec.scale == "sqrt_dk":
        divisor: float | None = math.sqrt(dk)
    elif spec.scale == "sqrt_seq_len":
        divisor = math.sqrt(Tk)
    else:
        divisor = None
    Z_heads: list[Matrix] = []
    for h in range(H):
        n = h + 1
        Qh, Kh, Vh = (
            columns(Q, h * dk, (h + 1) * dk),
            columns(K, h * dk, (h + 1) * dk),
            columns(V, h * dv, (h + 1) * dv),
        )
        out.append(("split", n, {"Q": Qh, "K": Kh, "V": Vh}))
        S = [[0.0] * Tk for _ in range(T)]
        for i in range(T):
            for j in range(Tk):
                total = 0.0
                for c in range(dk):
                    total += Qh[i][c] * Kh[j][c]
                S[i][j] = total
        S = rounded("scores", S, rnd)
        out.append(("scores", n, {"S": S}))
        if divisor is not None:
            S = rounded("scaled", [[S[i][j] / divisor for j in range(Tk)] for i in range(T)], rnd)
            out.append(("scaled", n, {"S": S}))
        if spec.mask == "causal":
            S = [[-math.inf if j > i else S[i][j] for j in range(Tk)] for i in range(T)]
            out.append(("masked", n, {"S": S}))
        A = rounded("softmax", [softmax_row(row) for row in S], rnd)
        out.append(("softmax", n, {"A": A}))
        Z = [[0.0] * dv for _ in range(T)]
        for i in range(T):
            for c in range(dv):
                total = 0.0
                for j in range(Tk):
                    total += A[i][j] * Vh[j][c]
                Z[i][c] = total
        Z = rounded("head_output", Z, rnd)
        out.append(("head_output", n, {"Z": Z}))
        Z_heads.append(Z)
    concat = rounded("concat", [[x for h in range(H) for x in Z_heads[h][i]] for i in range(T)], rnd)
    out.append(("concat", None, {"Z": concat}))
    if spec.W_O is not None:
        out.append(("output", None, {"O": rounded("output", matmul(concat, spec.W_O), rnd)}))
    return out


def load(spec: Spec) -> Scenario:
    return parse_scenario(to_toml(spec), origin="gen.toml", name="gen")


def assert_matches(trace: Trace, ref: list[RefStage]) -> None:
    assert [(s.id, s.head) for s in trace.stages] == [(sid, head) for sid, head, _ in ref]
    for stage, (sid, _head, mats) in zip(trace.stages, ref, strict=True):
        assert list(stage.matrices) == list(mats), sid
        for name, want in mats.items():
            got = stage.matrices[name].values
            assert got.dtype == np.float64
            np.testing.assert_allclose(got, np.array(want, dtype=float), rtol=1e-9, atol=1e-9, err_msg=f"{sid} {name}")


# ----------------------------------------------------------- engine == reference


@SETTINGS
@given(specs(allow_rounding=True))
def test_engine_matches_plain_loop_reference(spec: Spec) -> None:
    scn = load(spec)
    assert_matches(run(scn, exact=True), reference(spec))
    assert_matches(run(scn), reference(spec, spec.rounding))


@SECONDARY
@given(specs(allow_rounding=True))
def test_trace_structure_follows_the_stage_table(spec: Spec) -> None:
    scn = load(spec)
    trace = run(scn)
    want: list[tuple[str, int | None]] = [("input", None)]
    if spec.X is not None:
        want += [("params", None), ("projections", None)]
    for h in range(1, spec.heads + 1):
        want += [("split", h), ("scores", h)]
        want += [("scaled", h)] if spec.scale != "none" else []
        want += [("masked", h)] if spec.mask != "none" else []
        want += [("softmax", h), ("head_output", h)]
    want += [("concat", None)] + ([("output", None)] if spec.W_O is not None else [])
    assert [(s.id, s.head) for s in trace.stages] == want
    # the loader's idea of the stages (used to validate [expected] and [rounding]) agrees with the engine's
    declared = stage_matrices(scn)
    assert list(dict.fromkeys(s.id for s in trace.stages)) == list(declared)
    for stage in trace.stages:
        assert (stage.head is not None) == (stage.id in PER_HEAD_STAGES)
        assert tuple(stage.matrices) == declared[stage.id]
        assert stage.title and stage.formula
        for name, m in stage.matrices.items():
            assert m.values.shape == matrix_shape(scn, stage.id, name)
            assert (m.rows, m.cols) == axes(stage.id, name)
    if spec.X is not None:
        params = trace.find("params").matrices
        assert ("W_O" in params) == (spec.W_O is not None)
    inputs = trace.find("input").matrices
    assert ("memory" in inputs) == (spec.memory is not None)


@SECONDARY
@given(specs(allow_rounding=True))
def test_per_head_stages_are_column_slices(spec: Spec) -> None:
    trace = run(load(spec))
    dk, dv = spec.d_k, spec.d_v
    full = trace.find("projections" if spec.X is not None else "input").matrices
    concat_m = trace.find("concat").matrices["Z"]
    concat = concat_m.exact if concat_m.exact is not None else concat_m.values  # before its own rounding
    for h in range(spec.heads):
        split = trace.find("split", h + 1).matrices
        assert np.array_equal(split["Q"].values, full["Q"].values[:, h * dk : (h + 1) * dk])
        assert np.array_equal(split["K"].values, full["K"].values[:, h * dk : (h + 1) * dk])
        assert np.array_equal(split["V"].values, full["V"].values[:, h * dv : (h + 1) * dv])
        z = trace.find("head_output", h + 1).matrices["Z"].values
        assert np.array_equal(concat[:, h * dv : (h + 1) * dv], z)


# ---------------------------------------------------------------------- invariants


@SECONDARY
@given(specs())
def test_softmax_invariants(spec: Spec) -> None:
    trace = run(load(spec), exact=True)
    for h in range(1, spec.heads + 1):
        A = trace.find("softmax", h).matrices["A"].values
        assert np.all(A >= 0.0)
        np.testing.assert_allclose(A.sum(axis=1), 1.0, rtol=0, atol=1e-12)
        assert not np.isnan(A).any()
        if spec.mask == "causal":
            T = len(spec.tokens)
            blocked = np.triu(np.ones((T, T), dtype=bool), k=1)
            assert np.all(A[blocked] == 0.0)  # exactly, not approximately
            assert A[0, 0] == 1.0
            assert A[0].tolist() == [1.0] + [0.0] * (T - 1)
            S = trace.find("masked", h).matrices["S"].values
            assert np.all(S[blocked] == -np.inf)
            before = trace.find("scaled" if spec.scale != "none" else "scores", h).matrices["S"].values
            assert np.array_equal(S[~blocked], before[~blocked])


@SECONDARY
@given(specs(allow_rounding=True))
def test_every_array_is_read_only(spec: Spec) -> None:
    scn = load(spec)
    for name in ("X", "memory", "Q", "K", "V", "W_Q", "W_K", "W_V", "W_O"):
        arr = getattr(scn, name)
        if arr is not None:
            with pytest.raises(ValueError):
                arr[0, 0] = 42.0
    for stage in run(scn):
        for m in stage.matrices.values():
            for arr in (m.values, m.exact):
                if arr is None:
                    continue
                assert not arr.flags.writeable
                with pytest.raises(ValueError):
                    arr[0, 0] = 42.0
                with pytest.raises(ValueError):
                    arr += 1.0


def test_trace_arrays_do_not_write_through_to_the_scenario() -> None:
    spec = Spec(tokens=["a", "b"], heads=1, d_k=1, d_v=1, Q=[[1.0], [2.0]], K=[[1.0], [0.0]], V=[[3.0], [4.0]])
    scn = load(spec)
    trace = run(scn)
    with pytest.raises(ValueError):
        trace.find("split", 1).matrices["Q"].values[0, 0] = 9.0
    assert scn.Q is not None and scn.Q[0, 0] == 1.0


# -------------------------------------------------------------- numerical edges


def qkv_spec(q: Matrix, k: Matrix, v: Matrix, **kw: object) -> Spec:
    base = Spec(tokens=[f"t{i}" for i in range(len(q))], heads=1, d_k=len(q[0]), d_v=len(v[0]), Q=q, K=k, V=v)
    return base.with_(scale="none", **kw)


@pytest.mark.parametrize(
    ("q", "k", "want"),
    [
        ([[100.0]], [[100.0], [-100.0]], [1.0, 0.0]),  # scores +1e4, -1e4
        ([[100.0]], [[-100.0], [100.0]], [0.0, 1.0]),
        ([[100.0]], [[100.0], [100.0]], [0.5, 0.5]),  # both +1e4
        ([[-100.0]], [[100.0], [100.0]], [0.5, 0.5]),  # both -1e4
        ([[100.0]], [[100.0], [100.0], [-100.0], [-100.0]], [0.5, 0.5, 0.0, 0.0]),
    ],
)
def test_huge_scores_give_exact_weights_never_nan(q: Matrix, k: Matrix, want: list[float]) -> None:
    spec = qkv_spec(q, k, [[1.0]] * len(k), memory_tokens=[f"m{j}" for j in range(len(k))])
    trace = run(load(spec))
    S = trace.find("scores", 1).matrices["S"].values
    assert set(np.abs(S).ravel().tolist()) == {1e4}
    A = trace.find("softmax", 1).matrices["A"].values
    assert A[0].tolist() == want
    assert np.isfinite(trace.find("head_output", 1).matrices["Z"].values).all()


def test_huge_scores_with_causal_mask() -> None:
    q = [[100.0], [100.0], [-100.0]]
    spec = qkv_spec(q, [[100.0], [-100.0], [100.0]], [[1.0], [2.0], [3.0]], mask="causal")
    A = run(load(spec)).find("softmax", 1).matrices["A"].values
    assert A.tolist() == [[1.0, 0.0, 0.0], [1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]


def test_overflowing_products_raise_scenario_error() -> None:
    # every value is allowed on its own (|x| <= 1e150), but Q·Kᵀ = 1e200·1e200 overflows float64
    big = [[1e100, 1e100], [1e100, 1e100]]
    spec = Spec(tokens=["a", "b"], heads=1, d_k=2, d_v=2, X=big, W_Q=big, W_K=big, W_V=big)
    scn = load(spec)
    with pytest.raises(ScenarioError) as err:
        run(scn)
    assert str(err.value).startswith("gen.toml: ")
    assert "overflow" in str(err.value) and "scores" in str(err.value)


def test_overflow_in_the_output_projection_raises() -> None:
    one = [[1.0]]
    spec = Spec(tokens=["a"], heads=1, d_k=1, d_v=1, X=[[1e150]], W_Q=one, W_K=one, W_V=[[1e150]], W_O=[[1e150]])
    with pytest.raises(ScenarioError, match=r"^gen\.toml: .*overflow.*output"):
        run(load(spec))


# ------------------------------------------------------------- --exact and rounding

ACTING_LIKE = Spec(
    tokens=["Acting", "Machines"],
    heads=1,
    d_k=3,
    d_v=3,
    Q=[[1.0, 3.0, 4.0], [2.0, 0.0, 2.0]],
    K=[[1.0, 3.0, 4.0], [2.0, 0.0, 2.0]],
    V=[[1.0, 3.0, 4.0], [3.0, 1.0, 4.0]],
    rounding={"scaled": 1},
)


def test_rounding_is_applied_and_exact_ignores_it() -> None:
    scn = load(ACTING_LIKE)
    handy, exact = run(scn), run(scn, exact=True)
    assert not handy.exact and exact.exact
    m = handy.find("scaled", 1).matrices["S"]
    assert m.decimals == 1 and m.exact is not None
    np.testing.assert_allclose(m.exact, np.array([[26, 10], [10, 8]]) / math.sqrt(3), rtol=1e-12)
    assert m.values.tolist() == [[15.0, 5.8], [5.8, 4.6]]
    # the next stage used the rounded numbers
    A = handy.find("softmax", 1).matrices["A"].values
    assert np.round(A[1], 4).tolist() == [0.7685, 0.2315]
    # --exact: nothing rounded, nothing recorded as rounded
    for stage in exact:
        for mat in stage.matrices.values():
            assert mat.exact is None and mat.decimals is None
    assert np.round(exact.find("softmax", 1).matrices["A"].values[1], 4).tolist() == [0.7604, 0.2396]
    # stages before the rounded one are identical in both runs
    assert np.array_equal(handy.find("scores", 1).matrices["S"].values, exact.find("scores", 1).matrices["S"].values)


@pytest.mark.parametrize(
    ("decimals", "values", "want"),
    [
        (1, [0.25, -0.25, 0.35, 2.45, 0.04999], [0.3, -0.3, 0.4, 2.5, 0.0]),
        (2, [2.675, 1.005, -1.005, 0.125], [2.68, 1.01, -1.01, 0.13]),
        (0, [0.5, 1.5, 2.5, -0.5, 0.49999], [1.0, 2.0, 3.0, -1.0, 0.0]),
        (4, [0.76845, 123456.78904, 1234567.89044], [0.7685, 123456.789, 1234567.8904]),
        (12, [0.5, 1.0, 2.675, 0.1234567890125], [0.5, 1.0, 2.675, 0.123456789013]),
    ],
)
def test_round_half_up_as_by_hand(decimals: int, values: list[float], want: list[float]) -> None:
    got = round_half_up(np.array(values), decimals)
    assert got.tolist() == pytest.approx(want, rel=1e-15, abs=0)


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=12), st.integers(min_value=-(10**14), max_value=10**14))
def test_round_half_up_matches_decimal_arithmetic(decimals: int, digits: int) -> None:
    from decimal import ROUND_HALF_UP, Decimal

    # a number printed with one digit more than is kept (so ties are common), at most 15 significant digits
    x = Decimal(digits).scaleb(-(decimals + 1))
    want = float(x.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP))
    assert round_half_up(np.array([float(x)]), decimals).tolist() == [want]


def test_round_half_up_keeps_huge_and_non_finite_values() -> None:
    with np.errstate(all="raise"):
        got = round_half_up(np.array([1e300, -1e300, np.inf, -np.inf, 0.0]), 12)
    assert got.tolist() == [1e300, -1e300, np.inf, -np.inf, 0.0]


# ---------------------------------------------------------------- PyTorch agrees


@st.composite
def torch_specs(draw: st.DrawFn) -> Spec:
    """Shapes nn.MultiheadAttention can take: W_Q, W_V square in the embedding width E = heads·d_k."""
    H, dk = draw(st.integers(1, 4)), draw(st.integers(1, 3))
    E = H * dk
    T = draw(st.integers(1, 6))
    cross = draw(st.booleans())
    Tk = draw(st.integers(1, 6)) if cross else T
    d_src = draw(st.integers(1, 5)) if cross else E
    from tests.strategies import matrices

    return Spec(
        tokens=[f"t{i}" for i in range(T)],
        heads=H,
        d_k=dk,
        d_v=dk,
        mask="none" if cross else draw(st.sampled_from(["none", "causal"])),
        scale=draw(st.sampled_from(["sqrt_dk", "none", "sqrt_seq_len"])),
        memory_tokens=[f"m{j}" for j in range(Tk)] if cross else None,
        X=draw(matrices(T, E)),
        memory=draw(matrices(Tk, d_src)) if cross else None,
        W_Q=draw(matrices(E, E)),
        W_K=draw(matrices(d_src, E)),
        W_V=draw(matrices(d_src, E)),
        W_O=draw(matrices(E, E)) if draw(st.booleans()) else None,
    )


def torch_attention(spec: Spec) -> tuple[np.ndarray, np.ndarray]:
    """(weights (H, T, Tk), output (T, E)) from torch.nn.MultiheadAttention in float64."""
    import torch

    E, H = spec.heads * spec.d_k, spec.heads
    T, Tk = len(spec.tokens), len(spec.key_tokens)
    d_src = len(spec.memory[0]) if spec.memory is not None else E
    mha = torch.nn.MultiheadAttention(E, H, bias=False, batch_first=True, kdim=d_src, vdim=d_src).double()
    t: Callable[[Matrix], torch.Tensor] = lambda m: torch.tensor(m, dtype=torch.float64)  # noqa: E731
    # torch always divides by √d_k: fold the scenario's own scale into W_Q to compare the rest
    fix = {"sqrt_dk": 1.0, "none": math.sqrt(spec.d_k), "sqrt_seq_len": math.sqrt(spec.d_k) / math.sqrt(Tk)}
    W_Q = t(spec.W_Q) * fix[spec.scale]  # type: ignore[arg-type]
    with torch.no_grad():
        if mha._qkv_same_embed_dim:
            mha.in_proj_weight.copy_(torch.cat([W_Q.T, t(spec.W_K).T, t(spec.W_V).T], dim=0))  # type: ignore[arg-type]
        else:
            mha.q_proj_weight.copy_(W_Q.T)
            mha.k_proj_weight.copy_(t(spec.W_K).T)  # type: ignore[arg-type]
            mha.v_proj_weight.copy_(t(spec.W_V).T)  # type: ignore[arg-type]
        mha.out_proj.weight.copy_(t(spec.W_O).T if spec.W_O is not None else torch.eye(E, dtype=torch.float64))
    x = t(spec.X).unsqueeze(0)  # type: ignore[arg-type]
    src = t(spec.memory).unsqueeze(0) if spec.memory is not None else x
    mask = torch.triu(torch.ones(T, Tk, dtype=torch.bool), diagonal=1) if spec.mask == "causal" else None
    with torch.no_grad():
        out, weights = mha(x, src, src, attn_mask=mask, need_weights=True, average_attn_weights=False)
    return weights[0].numpy(), out[0].numpy()


def test_engine_agrees_with_torch_multihead_attention() -> None:
    pytest.importorskip("torch")

    @settings(max_examples=60, deadline=None)
    @given(torch_specs())
    def check(spec: Spec) -> None:
        trace = run(load(spec))
        weights, out = torch_attention(spec)
        for h in range(spec.heads):
            A = trace.find("softmax", h + 1).matrices["A"].values
            np.testing.assert_allclose(A, weights[h], rtol=1e-9, atol=1e-12)
        final = trace.find("output" if spec.W_O is not None else "concat").matrices
        np.testing.assert_allclose(next(iter(final.values())).values, out, rtol=1e-9, atol=1e-9)

    check()


# ------------------------------------------------------------------ facts the narration quotes


@pytest.mark.parametrize("name", builtin_names())
def test_facts_narration_quotes_hold(name: str) -> None:
    trace = run(load_scenario(name))
    for stage in trace.stages:
        if stage.id == "output" and stage.facts.cell is not None:
            i, j = stage.facts.cell
            o = stage.matrices["O"]
            total = (o.exact if o.exact is not None else o.values)[i, j]
            assert float(np.sum(stage.aux["blocks"])) == pytest.approx(float(total), abs=1e-12)
        if stage.id == "scaled":
            assert stage.head is not None and stage.facts.row is not None
            raw = trace.find("scores", stage.head).matrices["S"].values
            stage_ids = {s.id for s in trace.stages}
            if "bias" in stage_ids:  # ALiBi's bias is on the scores the softmax reads, scaled or not
                raw = raw + trace.find("bias", stage.head).matrices["B"].values
            if "masked" in stage_ids:  # every mask rule and the padding: the cells the masked stage blocks
                raw = np.where(trace.find("masked", stage.head).matrices["S"].values == -np.inf, -np.inf, raw)
            with np.errstate(invalid="ignore"):  # a row whose every key is blocked is NaN, as in the softmax
                e = np.exp(raw - raw.max(axis=1, keepdims=True))
                want = e / e.sum(axis=1, keepdims=True)
            np.testing.assert_allclose(stage.aux["unscaled"], want[stage.facts.row], atol=1e-15)  # that row only
        if stage.id == "concat" and stage.facts.same_rows is not None:
            a, b = stage.facts.same_rows
            np.testing.assert_array_equal(stage.matrices["Z"].values[a], stage.matrices["Z"].values[b])
        if stage.id == "softmax" and stage.facts.q_equals_k:
            sp = trace.find("split", stage.head).matrices
            np.testing.assert_array_equal(sp["Q"].values, sp["K"].values)


def test_facts_on_the_builtins_that_show_them() -> None:
    dog = run(load_scenario("dog_ate_food"))
    assert dog.find("concat").facts.same_rows == (0, 2)  # 'A' and 'ate' share an embedding
    assert dog.find("softmax", 1).facts.strongest_other == (5, 1)  # it -> dog
    assert run(load_scenario("cross_attention")).find("params").facts.identity_weights
    assert not run(load_scenario("by_hand")).find("params").facts.identity_weights
    assert run(load_scenario("acting_machines")).find("softmax", 1).facts.q_equals_k
