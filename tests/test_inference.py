"""Decoding with a KV cache and the online softmax, against independent references and PyTorch.

The references here share no code with ``mhsa_tutor.core.inference``: a plain-loop decoder (one
token at a time, its own cache per key/value head, RoPE by the loop of ``test_variants.ref_rope``
at each token's position), a plain-loop online softmax (m, ℓ, r and o one number at a time, as
REFERENCE.md's "Inference-time attention" states them), and PyTorch's
``F.scaled_dot_product_attention`` on the full sequence in float64 (RoPE applied to q and k by the
loop first; GQA by ``enable_gqa=True``; the mask as a float mask with −∞ and ALiBi's bias). Random
scenarios cover sizes, masks (causal, sliding, padding, custom and none for the online softmax),
both RoPE pairings, ALiBi and GQA groupings; given Q, K, V too.
"""

from __future__ import annotations

import math
from typing import Any, Literal

import numpy as np
import pytest

from mhsa_tutor import run
from mhsa_tutor.core.scenario import FromX, GivenQKV, Rope, Scenario, Variants
from mhsa_tutor.core.trace import Trace
from tests.test_variants import ref_rope, ref_slopes

Arr = np.ndarray[Any, np.dtype[np.float64]]
TOL = 1e-12


def ro(a: Arr) -> Arr:
    a = np.array(a, dtype=np.float64)
    a.flags.writeable = False
    return a


def frozen_bools(a: np.ndarray[Any, np.dtype[np.bool_]]) -> np.ndarray[Any, np.dtype[np.bool_]]:
    a = np.array(a, dtype=bool)
    a.flags.writeable = False
    return a


def scenario(seed: int, *, decode: bool, block: bool) -> Scenario:
    """A random scenario: sizes, mask, RoPE style, ALiBi, GQA grouping, padding, X or given Q, K, V."""
    rng = np.random.default_rng(seed)
    T = int(rng.integers(2, 8))
    heads = int(rng.choice([1, 2, 3, 4]))
    kv = int(rng.choice([g for g in range(1, heads + 1) if heads % g == 0]))
    dk = int(rng.choice([2, 4]))
    dv = int(rng.integers(1, 4))
    d_model = int(rng.integers(2, 6))
    masks = ["causal", "sliding"] if decode else ["causal", "sliding", "none", "custom"]
    mask = str(rng.choice(masks))
    window = int(rng.integers(1, T + 1)) if mask == "sliding" else None
    blocked = frozen_bools(rng.random((T, T)) < 0.3) if mask == "custom" else None
    padding = frozen_bools(rng.random(T) < 0.25) if rng.random() < 0.3 else None
    style: Literal["half", "interleaved"] = "half" if rng.random() < 0.5 else "interleaved"
    rope = Rope(float(rng.choice([10.0, 10000.0])), style) if rng.random() < 0.6 else None
    bias = "alibi" if rng.random() < 0.25 else "none"
    scale = 3.0 if rng.random() < 0.3 else 1.0  # sometimes large scores, so that a later block raises the max
    if rng.random() < 0.3:
        inputs: FromX | GivenQKV = GivenQKV(
            Q=ro(rng.normal(size=(T, heads * dk)) * scale),
            K=ro(rng.normal(size=(T, kv * dk)) * scale),
            V=ro(rng.normal(size=(T, kv * dv))),
        )
    else:
        inputs = FromX(
            X=ro(rng.normal(size=(T, d_model)) * scale),
            W_Q=ro(rng.normal(size=(d_model, heads * dk))),
            W_K=ro(rng.normal(size=(d_model, kv * dk))),
            W_V=ro(rng.normal(size=(d_model, kv * dv))),
        )
    var = Variants(
        rope=rope,
        bias=bias,  # type: ignore[arg-type]
        window=window,
        blocked=blocked,
        padding=padding,
        kv_heads=kv if kv != heads else None,
        decode_steps=int(rng.integers(1, T)) if decode else None,
        block=int(rng.integers(1, T + 1)) if block else None,
    )
    tokens = tuple(f"t{i + 1}" for i in range(T))
    return Scenario("r", "r.toml", "r", tokens, heads, inputs, mask=mask, variants=var)  # type: ignore[arg-type]


def qkv_lists(scn: Scenario) -> tuple[list[list[float]], list[list[float]], list[list[float]]]:
    inp = scn.inputs
    if isinstance(inp, GivenQKV):
        return inp.Q.tolist(), inp.K.tolist(), inp.V.tolist()
    X = inp.X.tolist()

    def mul(x: list[float], W: Arr) -> list[float]:
        return [sum(x[r] * float(W[r][c]) for r in range(len(x))) for c in range(W.shape[1])]

    return [mul(x, inp.W_Q) for x in X], [mul(x, inp.W_K) for x in X], [mul(x, inp.W_V) for x in X]


def allowed(scn: Scenario, i: int, j: int) -> bool:
    var = scn.variants
    if var.padding is not None and var.padding[j]:
        return False
    if scn.mask == "causal":
        return j <= i
    if scn.mask == "sliding":
        return i - (var.window or 0) < j <= i
    if scn.mask == "custom":
        return var.blocked is None or not var.blocked[i][j]
    return True


def score(scn: Scenario, h: int, q: list[float], k: list[float], i: int, j: int) -> float:
    s = sum(a * b for a, b in zip(q, k, strict=True)) / math.sqrt(len(q))
    if scn.variants.bias == "alibi":
        s -= ref_slopes(scn.heads)[h] * abs(i - j)
    return s


def ref_decode(scn: Scenario) -> dict[tuple[int, int], list[float]]:
    """(head, step) → output row, one token at a time with a cache per key/value head (plain loops)."""
    Q, K, V = qkv_lists(scn)
    H, T = scn.heads, len(scn.tokens)
    G, N = scn.kv_heads, scn.variants.decode_steps or 0
    dk, dv = len(Q[0]) // H, len(V[0]) // G
    rope = scn.variants.rope

    def turn(x: list[float], pos: int) -> list[float]:
        return ref_rope(x, pos, rope.base, rope.style) if rope is not None else x

    cache_k: list[list[list[float]]] = [[] for _ in range(G)]
    cache_v: list[list[list[float]]] = [[] for _ in range(G)]
    out = {}
    for t in range(T):  # prefill and steps alike append one token's rotated key and value
        for g in range(G):
            cache_k[g].append(turn(K[t][g * dk : (g + 1) * dk], t))
            cache_v[g].append(V[t][g * dv : (g + 1) * dv])
        if t < T - N:
            continue
        for h in range(H):
            g = h * G // H
            q = turn(Q[t][h * dk : (h + 1) * dk], t)
            s = [score(scn, h, q, k, t, j) if allowed(scn, t, j) else -math.inf for j, k in enumerate(cache_k[g])]
            top = max(s)
            w = [math.nan] * len(s) if top == -math.inf else [math.exp(x - top) for x in s]
            total = sum(w)
            out[(h, t - (T - N))] = [sum(w[j] / total * cache_v[g][j][c] for j in range(t + 1)) for c in range(dv)]
    return out


def ref_online(
    S: list[float], V: list[list[float]], B: int
) -> tuple[list[float], list[float], list[float], list[list[float]], list[float]]:
    """One row's online softmax: (m, ℓ, r per block, o per block, the result o/ℓ), plain loops."""
    m, l, o = -math.inf, 0.0, [0.0] * len(V[0])
    ms, ls, rs, os_ = [], [], [], []
    for b0 in range(0, len(S), B):
        block = range(b0, min(b0 + B, len(S)))
        m_new = max([m] + [S[j] for j in block])
        r = 1.0 if m_new == -math.inf else math.exp(m - m_new)
        p = {j: (0.0 if m_new == -math.inf else math.exp(S[j] - m_new)) for j in block}
        l = r * l + sum(p.values())
        o = [r * o[c] + sum(p[j] * V[j][c] for j in block) for c in range(len(o))]
        m = m_new
        ms.append(m)
        ls.append(l)
        rs.append(r)
        os_.append(list(o))
    z = [x / l if l else math.nan for x in o]
    return ms, ls, rs, os_, z


def torch_full(scn: Scenario) -> Arr:
    """(H, T, dv): F.scaled_dot_product_attention on the whole sequence, float64."""
    torch = pytest.importorskip("torch")
    Q, K, V = qkv_lists(scn)
    H, G, T = scn.heads, scn.kv_heads, len(scn.tokens)
    dk, dv = len(Q[0]) // H, len(V[0]) // G
    rope = scn.variants.rope
    q = [[Q[i][h * dk : (h + 1) * dk] for i in range(T)] for h in range(H)]
    k = [[K[i][g * dk : (g + 1) * dk] for i in range(T)] for g in range(G)]
    v = [[V[i][g * dv : (g + 1) * dv] for i in range(T)] for g in range(G)]
    if rope is not None:
        q = [[ref_rope(x, i, rope.base, rope.style) for i, x in enumerate(rows)] for rows in q]
        k = [[ref_rope(x, i, rope.base, rope.style) for i, x in enumerate(rows)] for rows in k]
    mask = np.array([[0.0 if allowed(scn, i, j) else -np.inf for j in range(T)] for i in range(T)])
    masks = np.stack([mask] * H)
    if scn.variants.bias == "alibi":
        slopes = ref_slopes(H)
        masks = masks + np.array([[[-slopes[h] * abs(i - j) for j in range(T)] for i in range(T)] for h in range(H)])
    out = torch.nn.functional.scaled_dot_product_attention(
        torch.tensor(q, dtype=torch.float64)[None],
        torch.tensor(k, dtype=torch.float64)[None],
        torch.tensor(v, dtype=torch.float64)[None],
        attn_mask=torch.tensor(masks)[None],
        enable_gqa=True,
    )
    res: Arr = out[0].numpy()
    # SDPA's math path may give 0 for a row with no key left; the tutor (and nn.MultiheadAttention) NaN
    dead = [i for i in range(T) if not any(allowed(scn, i, j) for j in range(T))]
    res[:, dead, :] = np.nan
    return res


def close(a: object, b: object) -> bool:
    return bool(np.allclose(np.asarray(a, dtype=float), np.asarray(b, dtype=float), rtol=0, atol=TOL, equal_nan=True))


def decode_rows(trace: Trace, h: int) -> Arr:
    return trace.find("decode_output", h + 1).matrices["Z"].values


SEEDS = range(40)


@pytest.mark.parametrize("seed", SEEDS)
def test_every_decode_step_equals_full_causal_attention(seed: int) -> None:
    scn = scenario(seed, decode=True, block=False)
    trace = run(scn)
    T, N = len(scn.tokens), scn.variants.decode_steps or 0
    ref = ref_decode(scn)
    full = torch_full(scn)
    for h in range(scn.heads):
        rows = decode_rows(trace, h)
        for s in range(N):
            assert close(rows[s], ref[(h, s)]), (seed, h, s)
            assert close(rows[s], full[h, T - N + s]), (seed, h, s)
    checks = [v for v in trace.verdicts if v.against == "full"]
    assert len(checks) == scn.heads * N and all(v.ok for v in checks)


@pytest.mark.parametrize("seed", SEEDS)
def test_every_tiled_computation_equals_the_ordinary_one(seed: int) -> None:
    scn = scenario(1000 + seed, decode=False, block=True)
    trace = run(scn)
    B = scn.variants.block or 1
    full = torch_full(scn)
    for h in range(1, scn.heads + 1):
        st = trace.find("online_softmax", h)
        S = trace.find("masked", h) if scn.masks_cells else trace.find("scaled", h)
        S_rows = (
            (trace.find("bias", h) if scn.variants.bias == "alibi" and not scn.masks_cells else S).matrices["S"].values
        )
        V = trace.find("split", h).matrices["V"].values.tolist()
        dv = len(V[0])
        for i, row in enumerate(S_rows.tolist()):
            ms, ls, rs, os_, z = ref_online(row, V, B)
            assert close(st.matrices["m"].values[i], ms)
            assert close(st.matrices["l"].values[i], ls)
            assert close(st.matrices["r"].values[i], rs)
            assert close(st.matrices["O"].values[i], [x for o in os_ for x in o])
            assert close(st.matrices["Z"].values[i], z)
            assert len(z) == dv
        assert close(st.matrices["Z"].values, trace.find("head_output", h).matrices["Z"].values)
        assert close(st.matrices["Z"].values, full[h - 1])
    checks = [v for v in trace.verdicts if v.against == "ordinary"]
    assert len(checks) == scn.heads and all(v.ok for v in checks)


def test_a_row_with_no_key_left_is_nan_in_both_paths() -> None:
    rng = np.random.default_rng(5)
    T = 4
    inputs = GivenQKV(Q=ro(rng.normal(size=(T, 2))), K=ro(rng.normal(size=(T, 2))), V=ro(rng.normal(size=(T, 2))))
    pad = frozen_bools(np.array([True, False, False, True]))
    var = Variants(padding=pad, block=2, decode_steps=3)
    tokens = ("a", "b", "c", "d")
    trace = run(Scenario("n", "n.toml", "n", tokens, 1, inputs, mask="causal", variants=var))
    Z = trace.find("online_softmax", 1).matrices["Z"].values
    assert np.isnan(Z[0]).all() and np.isfinite(Z[1:]).all()
    m = trace.find("online_softmax", 1).matrices["m"].values
    assert m[0, 0] == -np.inf and m[0, 1] == -np.inf  # nothing seen: m stays −∞, r = 1
    assert (trace.find("online_softmax", 1).matrices["r"].values[0] == 1).all()
    assert all(v.ok for v in trace.verdicts)


def test_rope_at_position_zero_would_not_match() -> None:
    """The check can fail: the decoded row with RoPE at position 0 differs from full attention."""
    scn = next(
        s
        for s in (scenario(seed, decode=True, block=False) for seed in range(200))
        if s.variants.rope is not None
        and s.variants.bias == "none"
        and s.mask == "causal"
        and s.variants.padding is None
    )
    trace = run(scn)
    rope = scn.variants.rope
    assert rope is not None
    h, s = 0, 0
    t = len(scn.tokens) - (scn.variants.decode_steps or 0)
    q_raw = trace.find("decode_qkv", 1).aux["q_raw"][s].tolist()
    K = trace.find("kv_cache", 1).matrices["K"].values[: t + 1]
    V = trace.find("kv_cache", 1).matrices["V"].values[: t + 1]
    wrong = np.array(K) @ np.array(ref_rope(q_raw, 0, rope.base, rope.style)) / math.sqrt(len(q_raw))
    w = np.exp(wrong - wrong.max())
    z_wrong = (w / w.sum()) @ V
    assert not close(z_wrong, decode_rows(trace, h)[s])


def test_cache_facts_are_counted_in_the_engine() -> None:
    scn = scenario(7, decode=True, block=False)
    trace = run(scn)
    st = trace.find("kv_cache", 1)
    G, dk, dv = scn.kv_heads, scn.d_k, scn.d_v
    T, N = len(scn.tokens), scn.variants.decode_steps or 0
    assert [d.position for d in st.facts.decode] == list(range(T - N, T))
    for d in st.facts.decode:
        assert d.numbers == (d.position + 1) * G * (dk + dv)
        assert d.bytes == 2 * d.numbers and d.bytes_per_token == 2 * G * (dk + dv)
        assert d.saved_rows == d.position


# ------------------------------------------------------------------ every view of the new stages

INFERENCE_STAGES = ("online_softmax", "decode_qkv", "kv_cache", "decode_scores", "decode_softmax", "decode_output")


@pytest.mark.parametrize("name", ["kv_cache", "online_softmax"])
def test_every_cell_of_the_new_stages_is_explained_in_both_languages(name: str) -> None:
    from mhsa_tutor.io.loader import load_scenario
    from mhsa_tutor.teach.explain import explain_cell

    trace = run(load_scenario(name))
    seen = 0
    for st in trace.stages:
        if st.id not in INFERENCE_STAGES:
            continue
        for mname, m in st.matrices.items():
            rows, cols = m.values.shape
            for i in range(rows):
                for j in range(cols):
                    for lang in ("en", "ko"):
                        ex = explain_cell(trace, st.id, f"@{i + 1}", f"@{j + 1}", head=st.head, matrix=mname, lang=lang)
                        assert ex.lines and (ex.value == m.values[i, j] or np.isnan(ex.value))
                    seen += 1
    assert seen > 20


# ------------------------------------------------------------------------------ bad input

BASE = """title = "t"
tokens = ["a", "b", "c"]
heads = 1
mask = "{mask}"
{extra}
[input]
Q = [[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]
K = [[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]
V = [[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]
"""

BAD_FILES = [
    ("causal", "[decode]\nsteps = 3", "decode.steps", "from 1 to 2"),
    ("causal", "[decode]\nsteps = 0", "decode.steps", "from 1 to 2"),
    ("causal", '[decode]\nsteps = "two"', "decode.steps", "integer"),
    ("causal", "[decode]\nstep = 1", "decode.step", "steps"),
    ("causal", "[decode]", "decode.steps", "is missing"),
    ("none", "[decode]\nsteps = 1", "decode", "causal"),
    ("causal", "[decode]\nsteps = 1\n[rounding]\nscaled = 1", "rounding", "no [rounding]"),
    ("none", "[tiling]\nblock = 0", "tiling.block", "from 1 to 4096"),
    ("none", "[tiling]\nblock = 5000", "tiling.block", "from 1 to 4096"),
    ("none", "[tiling]\nblocks = 2", "tiling.blocks", "block"),
    ("none", "[tiling]\nblock = 2\n[rounding]\nsoftmax = 2", "rounding", "[tiling]"),
]


@pytest.mark.parametrize(("mask", "extra", "field", "says"), BAD_FILES)
def test_bad_inference_fields_exit_2_with_one_line(
    invoke: Any, tmp_path: Any, mask: str, extra: str, field: str, says: str
) -> None:
    from tests.test_cli_errors import assert_one_error_line, write

    path = write(tmp_path, BASE.format(mask=mask, extra=extra))
    assert_one_error_line(invoke(["run", str(path)]), "bad.toml", field, says)


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--tokens", "4", "--mask", "causal", "--decode", "4"], "--decode"),
        (["--tokens", "4", "--decode", "2"], "--mask causal"),
        (["--tokens", "4", "--block", "0"], "--block"),
        (["--tokens", "4", "--block", "5000"], "from 1 to 4096"),
    ],
)
def test_bad_inference_options_exit_2_with_one_line(invoke: Any, args: list[str], says: str) -> None:
    from tests.test_cli_errors import assert_one_error_line

    assert_one_error_line(invoke(["run", "random", *args]), says)
    assert_one_error_line(invoke(["run", "by_hand", "--block", "2"]), "--block", "random")


def test_random_and_new_take_both_mechanisms_with_the_variants(invoke: Any, tmp_path: Any) -> None:
    args = ["--tokens", "5", "--d-model", "8", "--heads", "4", "--kv-heads", "2", "--rope"]
    args += ["--mask", "sliding", "--window", "3", "--decode", "2", "--block", "2"]
    r = invoke(["run", "random", *args, "--brief", "-s", "decode_output", "-s", "online_softmax"])
    assert r.exit_code == 0, r.stderr
    out = tmp_path / "n.toml"
    r = invoke(["new", str(out), "--tokens", "a b c d e", *args[6:], "--d-model", "8", "--heads", "4"])
    assert r.exit_code == 0, r.stderr
    text = out.read_text(encoding="utf-8")
    assert "[decode]\nsteps = 2" in text and "[tiling]\nblock = 2" in text
    from mhsa_tutor.io.loader import load_scenario

    trace = run(load_scenario(str(out)))
    assert all(v.ok for v in trace.verdicts) and len(trace.verdicts) == 4 + 4 * 2


def test_the_online_softmax_mistakes_are_what_they_say() -> None:
    """Row 'mat' of the built-in, block 3 (the max moves from 1 to 3), worked by hand."""
    from mhsa_tutor.io.loader import load_scenario
    from mhsa_tutor.teach.mistakes import Catalogue, Cell
    from mhsa_tutor.teach.quiz import Question, matching_slip, parse_answer

    scn = load_scenario("online_softmax")
    trace = run(scn)
    cat = Catalogue(scn, trace)
    l_old = 1 + math.exp(-0.5) + math.exp(-0.5) * (1 + math.exp(-0.5))  # ℓ after block 2: 2.5809
    want = {
        "no_rescale": l_old + 1,  # r forgotten: the old sum kept as it was
        "rescale_sign": math.exp(3 - 1) * l_old + 1,  # e^(m_new − m_old)
        "stale_max": l_old + math.exp(3 - 1),  # m left at 1: the block measured against it
    }
    right = math.exp(1 - 3) * l_old + 1
    cell = Cell("online_softmax", 1, "l", 4, 2)
    got = {s.kind: s.value for s in cat.slips(cell)}
    for kind, value in want.items():
        assert got[kind] == pytest.approx(value, abs=1e-12), kind
        q = Question("online_softmax", 1, "l", 4, 2, right, None)
        answer = parse_answer(f"{value:.4f}")
        assert answer is not None
        slip = matching_slip(cat, q, answer)
        assert slip is not None and slip.kind == kind
    r_cell = Cell("online_softmax", 1, "r", 4, 2)
    assert {s.kind: s.value for s in cat.slips(r_cell)}["rescale_sign"] == pytest.approx(math.exp(2), abs=1e-12)
    m_cell = Cell("online_softmax", 1, "m", 4, 2)
    assert {s.kind: s.value for s in cat.slips(m_cell)}["stale_max"] == 1.0


def test_the_decoding_mistakes_are_what_they_say() -> None:
    from mhsa_tutor.io.loader import load_scenario
    from mhsa_tutor.teach.mistakes import Catalogue, Cell

    scn = load_scenario("kv_cache")
    trace = run(scn)
    cat = Catalogue(scn, trace)
    qkv = trace.find("decode_qkv", 2)
    # RoPE at position 0 turns nothing: the q of 'green' as projected
    slips = {s.kind: s.value for s in cat.slips(Cell("decode_qkv", 2, "q", 0, 1))}
    assert slips["rope_zero"] == qkv.aux["q_raw"][0, 1]
    # under GQA query head 2 reads key/value head 1's cache; "its own" would be key/value head 2's (query head 3's)
    own = trace.find("kv_cache", 3).matrices["K"].values
    q = qkv.matrices["q"].values[0]
    s = {k.kind: k.value for k in cat.slips(Cell("decode_scores", 2, "S", 0, 1))}
    assert s["own_cache"] == pytest.approx(float(q @ own[1]) / math.sqrt(2), abs=1e-12)
    # re-projecting the prefix gives the keys before RoPE
    raw = trace.find("kv_cache", 2).aux["K_raw"][1]
    assert s["reprojected"] == pytest.approx(float(q @ raw) / math.sqrt(2), abs=1e-12)
    assert trace.info.kv_head(2) == 1 and trace.info.kv_head(3) == 2


@pytest.mark.parametrize("seed", range(6))
def test_both_mechanisms_with_projection_biases_partial_rotary_alibi_and_given_biases(seed: int) -> None:
    """The variants another change added: b_Q, b_K, b_V; RoPE on the first dims only; ALiBi with given slopes,
    before the scaling; a given score bias B. Every step and every tiled head equals the full computation."""
    from dataclasses import replace

    from mhsa_tutor.io.generate import build_random
    from mhsa_tutor.io.variant_options import VariantOptions

    rng = np.random.default_rng(seed)
    opts = VariantOptions(rope=True, kv_heads=2, bias_terms=True, decode=3, block=2)
    scn = build_random(6, 16, 4, seed=seed, mask="causal", values="normal", variants=opts)
    var = scn.variants
    assert var.rope is not None
    kind = seed % 3
    if kind == 0:  # partial rotary: only the first 2 of d_k = 4 features turn
        var = replace(var, rope=replace(var.rope, dims=2))
    elif kind == 1:  # ALiBi with given slopes, added before the scaling (Falcon)
        var = replace(var, bias="alibi", slopes=(0.5, 0.25, 0.125, 0.0625), alibi_before_scaling=True)
    else:  # a given score bias, one matrix per head (T5-like)
        B = rng.normal(size=(4, 6, 6))
        B.flags.writeable = False
        var = replace(var, bias="given", B=B)
    trace = run(replace(scn, variants=var))
    checks = [v for v in trace.verdicts if v.against != "source"]
    assert len(checks) == 4 + 4 * 3
    assert all(v.ok for v in checks), [(v.checkpoint.stage, v.checkpoint.head, v.diff) for v in checks if not v.ok]
