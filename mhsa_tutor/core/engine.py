"""The engine: multi-head (self- or cross-) attention in float64, recording every step.

Pure NumPy. It never prints and never imports rich or typer. Conventions are
PyTorch's ``nn.MultiheadAttention`` in row-vector form:

* ``Q = X·W_Q`` (``W_Q`` is ``in_proj_weight[:E].T``), K and V likewise
  (from ``memory`` in cross-attention);
* head h (1-based) takes columns ``(h−1)·d_k + 1 … h·d_k`` (``reads.head_columns``);
* scores ``S = Q_h K_hᵀ``, scaled by ``1/√d_k`` (or as the scenario says);
* a causal mask sets ``S_ij = −∞`` for ``j > i`` before a row-wise, max-shifted
  softmax, so masked weights are exactly 0 and rows sum to 1;
* ``Z_h = A_h V_h``, ``Z = [Z_1 | … | Z_H]``, ``O = Z·W_O``;
* the optional projection biases are added to each row: ``Q = X·W_Q + b_Q``,
  …, ``O = Z·W_O + b_O`` (``in_proj_bias`` and ``out_proj.bias``).

The variants (``scenario.Variants``; formulas in ``variants``): absolute
positions are added to X before the projections (stage ``positions``); with
G key/value heads, query head h uses key/value head ⌊(h−1)·G/H⌋ + 1, as
``enable_gqa=True`` does (``split`` holds the K and V it uses); RoPE rotates
each head's Q and K by their positions (``rotary``; partial rotary turns only
the first N features); ALiBi adds −m_h·|i − j| to the scaled scores, or
−(m_h/√d_k)·|i − j| when it is added before the scaling (Falcon), and a
given bias B (T5) is added as it is (``bias``); the mask rule (causal, sliding, custom) and
the key padding set scores to −∞ (``masked``; ``aux`` says which rule blocked
each cell). A query row whose every key is blocked gives NaN weights and
outputs, as ``nn.MultiheadAttention`` does: the finiteness check allows NaN
exactly in those rows and still reports any real overflow.

Stages are emitted in the order of the stage table (``stages.STAGES``). The
work is done once for all heads as ``(H, T, d)`` arrays; each per-head stage
holds read-only views into them. Besides the numbers, the engine computes what
the views quote (softmax terms, which token a row attends to most, checkpoint
verdicts) and stores it in the Trace, so no view computes; a fact about one row
or cell (the unscaled weights the √d_k note quotes, the heads' terms of one
output cell) is computed for that row or cell only. A value that overflowed
float64 anywhere (any non-finite number other than a masked score) is a
``ScenarioError`` naming the first stage and cell where it appears. The inputs
are finite (validated), so only the stages whose operation can overflow are
checked: products and sums (projections, positions, rotary, scores, bias, head
outputs, output). The others cannot hold a new non-finite value: split and
concat copy checked values, scaling divides by at least 1, masking writes −∞
only where it blocks, a softmax of finite scores is finite (NaN only in a row
whose every key is blocked), and hand rounding keeps ±∞ as it is. The scores
(and ALiBi's sum) are screened in one pass for all heads; a head that fails is
searched for its first cell, so the error is the one a check of every stage
would give.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import numpy as np
import numpy.typing as npt

from mhsa_tutor.core import facts as fx
from mhsa_tutor.core import stagetext
from mhsa_tutor.core.checks import compare, round_half_up
from mhsa_tutor.core.errors import ScenarioError
from mhsa_tutor.core.limits import check_cells, run_cells_of
from mhsa_tutor.core.scenario import FromX, GivenQKV, Scenario
from mhsa_tutor.core.stages import Axis, axes
from mhsa_tutor.core.trace import Matrix, ScenarioInfo, Stage, StageFacts, Trace, Verdict
from mhsa_tutor.core.variants import (
    alibi_bias,
    kv_group,
    mask_rule,
    offset_demo,
    rope_theta,
    rotate,
    sinusoidal,
    sinusoidal_angles,
)

Array = npt.NDArray[np.float64]
Blocked = npt.NDArray[np.bool_]
Rounded = tuple[Array, Array | None, int | None]  # (values used next, exact or None, decimals or None)

__all__ = ["causal_mask", "round_half_up", "run", "stable_softmax"]


def stable_softmax(scores: Array) -> Array:
    """Row-wise softmax over the last axis, shifted by the row maximum.

    Rows with at least one finite score never give NaN; −∞ entries give
    exactly 0. (A row that is all −∞ gives NaN, as in PyTorch; a causal mask
    never makes one.)
    """
    return _softmax_parts(scores)[3]


def _softmax_parts(scores: Array, sparse: bool = False) -> tuple[Array, Array, Array, Array]:
    """(row max, e^(s − max), row sum of those, weights) of a row-wise softmax over the last axis.

    ``sparse``: many terms are expected to be exactly 0 (masked, or far below their row's max); the
    same numbers, faster then (see ``_exp_in_place``).
    """
    with np.errstate(invalid="ignore"):  # a row with every key blocked is NaN, as in PyTorch
        return _softmax_rows(scores, sparse)


def _softmax_rows(scores: Array, sparse: bool = False) -> tuple[Array, Array, Array, Array]:
    """``_softmax_parts`` without the warning for rows that are all −∞."""
    shift = scores.max(axis=-1, keepdims=True)  # (…, T, 1)
    e: Array = scores - shift  # (…, T, Tk), a new array: exponentiated in place
    _exp_in_place(e, sparse)
    total = e.sum(axis=-1, keepdims=True)  # (…, T, 1)
    return shift, e, total, e / total


UNDERFLOW = -746.0  # e^x is exactly 0 in float64 below about −745.13 (and for −∞)


def _exp_in_place(e: Array, sparse: bool) -> None:
    """``np.exp(e, out=e)``, bit for bit; with ``sparse``, the terms below ``UNDERFLOW`` are set to 0 unasked.

    NumPy's vectorised exp takes a slow path for lanes whose result underflows (or is e^−∞): at BERT
    size with a causal mask nearly every term is one, and the exp takes twice as long. Skipping them
    writes the same 0 it would have computed; a NaN (a row whose every key is blocked) is computed.
    """
    if not sparse:
        np.exp(e, out=e)
        return
    zero = e < UNDERFLOW  # False for NaN
    np.exp(e, out=e, where=~zero)
    e[zero] = 0.0


def causal_mask(t_q: int, t_k: int) -> Blocked:
    """True where query i may NOT attend key j (j > i), as torch's bool attn_mask."""
    return np.triu(np.ones((t_q, t_k), dtype=bool), k=1)


def _frozen(a: Array) -> Array:
    a.flags.writeable = False
    return a


def _affine(x: Array, w: Array, b: Array | None) -> Array:
    """x·W, plus the bias row b (1 × n) on every row when the scenario gives one."""
    out: Array = x @ w  # (rows, n)
    return out + b if b is not None else out


def _split(a: Array, heads: int) -> Array:
    """(T, H·d) -> (H, T, d): head h gets columns h·d … (h+1)·d − 1 (0-based h)."""
    t, width = a.shape
    return a.reshape(t, heads, width // heads).transpose(1, 0, 2)


class _Recorder:
    """Collects stages in order; applies the scenario's hand rounding; checks every stage for overflow."""

    def __init__(self, scenario: Scenario, info: ScenarioInfo, exact: bool) -> None:
        self.scenario = scenario
        self.info = info
        self.rounding = {} if exact else dict(scenario.rounding)
        self.stages: list[Stage] = []

    def rounded(self, stage_id: str, values: Array) -> Rounded:
        """(values the next stage uses, exact values or None, decimals or None)."""
        decimals = self.rounding.get(stage_id)
        if decimals is None:
            return _frozen(values), None, None
        return _frozen(round_half_up(values, decimals)), _frozen(values), decimals

    def add(
        self,
        stage_id: str,
        head: int | None,
        mats: dict[str, Rounded],
        *,
        blocked: Blocked | None = None,
        aux: dict[str, Array] | None = None,
        facts: StageFacts | None = None,
        dead: Blocked | None = None,
        check: bool = True,
    ) -> None:
        """Record one stage; ``mats`` maps a matrix name to (values, exact, decimals).

        ``check=False``: the caller knows the values hold no overflow (see the module's docstring).

        Raises:
            ScenarioError: a value is not finite (only ``blocked`` cells may be −∞, and only
                the query rows in ``dead``, whose every key is blocked, may be NaN).
        """
        matrices: dict[str, Matrix] = {}
        for name, (values, exact, decimals) in mats.items():
            rows, cols = axes(stage_id, name)
            if check:
                self.check_finite(stage_id, head, name, values, rows, cols, blocked, dead)
            matrices[name] = Matrix(values, rows, cols, exact, decimals)
        names = tuple(matrices)
        variant = facts.variant if facts is not None else ""
        title = stagetext.title(stage_id, head, "en", variant)
        formula = stagetext.formula(stage_id, head, self.info, names, "en")
        self.stages.append(Stage(stage_id, title, head, formula, matrices, aux or {}, facts or StageFacts()))

    def check_finite(
        self,
        stage_id: str,
        head: int | None,
        name: str,
        values: Array,
        rows: Axis,
        cols: Axis,
        blocked: Blocked | None,
        dead: Blocked | None = None,
    ) -> None:
        """Raise naming the first cell that overflowed float64.

        Not an overflow: a masked −∞, and NaN in a row whose every key is blocked (0/0 in its softmax).
        """
        bad = ~np.isfinite(values)
        if blocked is not None and blocked.shape == values.shape:
            bad &= ~(blocked & (values == -np.inf))
        if dead is not None and rows in ("tokens", "steps") and dead.shape[0] == values.shape[0] and dead.any():
            bad &= ~(dead[:, None] & np.isnan(values))
        if not bad.any():
            return
        i, j = (int(x) for x in np.argwhere(bad)[0])
        labels = {
            "tokens": self.info.tokens,
            "keys": self.info.key_tokens,
            "steps": self.info.tokens[self.info.prefill :],
        }
        r = f"{labels[rows][i]} (position {i + 1})" if rows in labels else str(i + 1)
        c = f"{labels[cols][j]} (position {j + 1})" if cols in labels else str(j + 1)
        where = f"{stage_id} (head {head})" if head is not None else stage_id
        raise ScenarioError(
            self.scenario.origin,
            f"overflow float64 at stage {where}, cell {name}[{r}, {c}] = {values[i, j]}; expected smaller numbers",
            "values",
        )


def _none(a: Array) -> Rounded:
    return a, None, None


def _at(t: Rounded, h: int) -> Rounded:
    values, exact, decimals = t
    return values[h], None if exact is None else exact[h], decimals


def _softmax_facts(A: Array, row_max: Array, seen: Array, cross: bool) -> StageFacts:
    """Which row first attends most to another token than itself, and how many rows are one-hot.

    ``row_max`` is each row's largest weight, ``seen`` how many keys each row sees. A row that sees a
    single key (the first row under a causal mask) is one-hot by necessity and not counted.
    """
    one_hot = int(((row_max > 0.999) & (seen > 1)).sum())
    if cross or A.shape[0] != A.shape[1]:
        return StageFacts(None, one_hot)
    others = np.flatnonzero(row_max > A.diagonal() + 1e-12)
    if not others.size:
        return StageFacts(None, one_hot)
    i = int(others[0])
    return StageFacts((i, int(np.argmax(A[i]))), one_hot)


def _positions(scn: Scenario, X: Array) -> tuple[Array, Array, dict[str, Array]] | None:
    """(P, X + P, aux: the sinusoids' angles) when the scenario adds absolute positions to X, else None."""
    var = scn.variants
    if var.positions == "none":
        return None
    if var.P is not None:
        return var.P, _frozen(X + var.P), {}
    P = sinusoidal(X.shape[0], X.shape[1])  # (T, d_model)
    return _frozen(P), _frozen(X + P), {"angle": _frozen(sinusoidal_angles(X.shape[0], X.shape[1]))}


def _rope(scn: Scenario, Qh: Array, Kh: Array) -> tuple[Array, Array, dict[str, Array]] | None:
    """Rotated (H, T, dk) queries and (H, Tk, dk) keys with the angles (aux), or None without RoPE."""
    rope = scn.variants.rope
    if rope is None:
        return None
    theta = rope_theta(rope.dims or Qh.shape[-1], rope.base)  # (N/2,): N = dk, or the rotary dims
    ang_q = np.arange(Qh.shape[1])[:, None] * theta[None, :]  # (T, dk/2)
    ang_k = np.arange(Kh.shape[1])[:, None] * theta[None, :]  # (Tk, dk/2)
    aux = {
        "theta": theta,
        "angle_Q": ang_q,
        "angle_K": ang_k,
        "cos_Q": np.cos(ang_q),
        "sin_Q": np.sin(ang_q),
        "cos_K": np.cos(ang_k),
        "sin_K": np.sin(ang_k),
    }
    return rotate(Qh, ang_q, rope.style), rotate(Kh, ang_k, rope.style), {k: _frozen(v) for k, v in aux.items()}


def _screen(a: Array) -> tuple[Blocked, Array]:
    """For each head h of an (H, …) array: is its slice all finite, and its largest |value| (max and min, no copy)."""
    flat = a.reshape(a.shape[0], -1)
    hi, lo = flat.max(axis=1), flat.min(axis=1)  # (H,), NaN or ±∞ when a cell is not finite
    return np.isfinite(hi) & np.isfinite(lo), np.maximum(np.abs(hi), np.abs(lo))


def _score_sizes(Q: Array, K: Array, S: Array) -> tuple[Blocked, Array]:
    """``_screen(S)`` for S = Q·Kᵀ, without reading S when Cauchy–Schwarz rules an overflow out.

    |q·k| ≤ ‖q‖·‖k‖: when the largest query norm times the largest key norm of every head stays far
    below float64's limit (1e300 against 1.8e308, rounding included), every score is finite and at
    most that product. Otherwise the scores themselves are screened.
    """
    q = np.sqrt(np.einsum("htd,htd->ht", Q, Q).max(axis=1))  # (H,) the largest query norm of each head
    k = np.sqrt(np.einsum("htd,htd->ht", K, K).max(axis=1))  # (H,) the largest key norm
    bound = q * k * (1 + 1e-9)
    if bool(np.all(bound < 1e300)):  # False for NaN or ∞ too
        return np.ones(S.shape[0], dtype=bool), bound
    return _screen(S)


def _score_bias(scn: Scenario, slopes: tuple[float, ...], divisor: float, T: int, Tk: int) -> Array | None:
    """The additive score bias B (H, T, Tk): ALiBi's −m_h·|i − j| (÷ the scale when added before it), or given."""
    var = scn.variants
    if var.bias == "given":
        return var.B
    if var.bias != "alibi":
        return None
    return _frozen(alibi_bias(np.array(slopes) / divisor, T, Tk))


def _mask_facts(scn: Scenario, T: int, Tk: int) -> tuple[Blocked, Blocked, Blocked] | None:
    """(blocked by the mask rule, blocked by padding, either), each (T, Tk); None when nothing is masked."""
    var = scn.variants
    if not scn.masks_cells:
        return None
    rule = mask_rule(scn.mask, T, Tk, var.window, var.blocked)
    pad = np.broadcast_to(var.padding[None, :], (T, Tk)).copy() if var.padding is not None else np.zeros_like(rule)
    return rule, pad, rule | pad


def _unscaled_rows(S: Array, B: Array | None, blocked: Blocked | None) -> Callable[[fx.Index], Array]:
    """Rows' weights without the scaling, computed when asked: the softmax of their raw (+ ALiBi, masked) scores."""

    def rows(i: fx.Index) -> Array:
        raw = S[i] + B[i] if B is not None else S[i]  # (len(i), Tk), a new array
        return fx.softmax_rows(np.where(blocked[i], -np.inf, raw) if blocked is not None else raw)

    return rows


def _rope_fact(scn: Scenario, q: Array, k: Array) -> tuple[int, int, float, float] | None:
    """The relative-offset property on this head's first query and key: (i, j, q_i·k_j, both one later)."""
    rope = scn.variants.rope
    if rope is None:
        return None
    i, j = q.shape[0] - 1, 0
    theta = rope_theta(rope.dims or q.shape[-1], rope.base)
    now, later = offset_demo(q[i], k[j], i, j, theta, rope.style)
    return i, j, now, later


def _inference(
    scn: Scenario,
    info: ScenarioInfo,
    rec: _Recorder,
    Sm: Array,
    Vh: Array,
    Z: Array,
    dead: Blocked,
    X: Array | None,
    group: npt.NDArray[np.int64],
) -> list[Verdict]:
    """Record the inference stages the scenario asks for (``core.inference``); their checks."""
    if scn.variants.block is None and scn.variants.decode_steps is None:
        return []
    from mhsa_tutor.core import inference

    records, checks = [], []
    if scn.variants.block is not None:
        r, c = inference.tiled_stages(info, Sm, Vh, Z, dead)
        records += r
        checks += c
    if scn.variants.decode_steps is not None:
        r, c = inference.decode_stages(scn, info, X, Z, group)
        records += r
        checks += c
    for st in records:
        mats = {k: _none(_frozen(np.ascontiguousarray(v))) for k, v in st.matrices.items()}
        aux = {k: _frozen(np.ascontiguousarray(v)) for k, v in st.aux.items()}
        rec.add(st.stage_id, st.head, mats, blocked=st.blocked, aux=aux, facts=st.facts, dead=st.dead)
    return checks


def run(scenario: Scenario, *, exact: bool = False) -> Trace:
    """Compute every stage of multi-head attention for a scenario.

    Args:
        scenario: a validated scenario (``load_scenario``).
        exact: ignore the scenario's hand rounding (``[rounding]``).

    Returns:
        The Trace, stages in the order of ``scenario.stage_matrices``, with the
        checkpoint verdicts.

    Raises:
        ScenarioError: the numbers overflow float64 somewhere.
    """
    scn = scenario
    check_cells(run_cells_of(scn, exact), scn.origin)  # the budget, before any work
    var = scn.variants
    info = ScenarioInfo.of(scn)
    rec = _Recorder(scn, info, exact)
    H, G = scn.heads, scn.kv_heads
    T, Tk = len(scn.tokens), len(scn.key_tokens)

    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        inp = scn.inputs
        Q: Rounded
        K: Rounded
        V: Rounded
        if isinstance(inp, GivenQKV):
            Q, K, V = (_none(m) for m in (inp.Q, inp.K, inp.V))
            rec.add("input", None, {"Q": Q, "K": K, "V": V}, check=False)  # validated finite
            if inp.W_O is not None:  # a source that gives Q, K, V may still project the heads' outputs
                given_params = {k: _none(w) for k, w in ({"W_O": inp.W_O} | inp.biases).items()}
                rec.add("params", None, given_params, check=False)  # validated finite
            brought: Array | None = None  # what a token brings: its rows of Q, K and V (below)
        else:
            assert isinstance(inp, FromX)
            given = {"X": _none(inp.X)} | ({"memory": _none(inp.memory)} if inp.memory is not None else {})
            rec.add("input", None, given, check=False)  # validated finite
            X = inp.X  # (T, d_model)
            pos = _positions(scn, X)
            if pos is not None:
                X = pos[1]
                rec.add("positions", None, {"P": _none(pos[0]), "X": _none(X)}, aux=pos[2])
            brought = X  # what a token brings: its row of X (+ P)
            src = inp.memory if inp.memory is not None else X  # (Tk, d_src)
            weights = {"W_Q": inp.W_Q, "W_K": inp.W_K, "W_V": inp.W_V, "W_O": inp.W_O} | inp.biases
            in_bias = any(b in inp.biases for b in ("b_Q", "b_K", "b_V"))  # then Q = X + b_Q, not X
            identity = StageFacts(identity_weights=fx.is_identity(inp.W_Q, inp.W_K, inp.W_V) and not in_bias)
            params = {k: _none(w) for k, w in weights.items() if w is not None}
            rec.add("params", None, params, facts=identity, check=False)  # validated finite
            Q = rec.rounded("projections", _affine(X, inp.W_Q, inp.b_Q))  # (T, H·dk)
            K = rec.rounded("projections", _affine(src, inp.W_K, inp.b_K))  # (Tk, G·dk)
            V = rec.rounded("projections", _affine(src, inp.W_V, inp.b_V))  # (Tk, G·dv)
            rec.add("projections", None, {"Q": Q, "K": K, "V": V})

        group = kv_group(H, G)  # (H,): the key/value head of each query head
        Qh = _split(Q[0], H)  # (H, T, dk)
        Kh, Vh = _split(K[0], G), _split(V[0], G)  # (H, Tk, dk), (H, Tk, dv)
        if G != H:
            Kh, Vh = Kh[group], Vh[group]
        rope = _rope(scn, Qh, Kh)
        Qr, Kr = (rope[0], rope[1]) if rope is not None else (Qh, Kh)  # (H, T, dk), (H, Tk, dk)
        S = rec.rounded("scores", Qr @ Kr.transpose(0, 2, 1))  # (H, T, Tk)
        Sc = rec.rounded("scaled", S[0] / info.scale_divisor) if scn.scale != "none" else S  # (H, T, Tk)
        B = _score_bias(scn, info.slopes, info.alibi_divisor, T, Tk)  # (H, T, Tk) or None
        Sb = _frozen(Sc[0] + B) if B is not None else Sc[0]  # (H, T, Tk)
        masks = _mask_facts(scn, T, Tk)
        blocked = masks[2] if masks is not None else None
        dead: Blocked = np.asarray(blocked.all(axis=1) if blocked is not None else np.zeros(T, dtype=bool))  # (T,)
        dead_rows = tuple(int(i) for i in np.flatnonzero(dead))
        Sm = _frozen(np.where(blocked, -np.inf, Sb)) if blocked is not None else Sb  # (H, T, Tk)
        finite_S, size_S = _score_sizes(Qr, Kr, S[0])  # (H,): the only (H, T, Tk) arrays that can overflow
        # terms far below their row's max are many when masked or when scores may spread beyond e^−746
        sparse = blocked is not None or B is not None or 2 * float(size_S.max()) / info.scale_divisor > -UNDERFLOW
        shift, E, total, A_raw = _softmax_parts(Sm, sparse)
        A = rec.rounded("softmax", A_raw)  # (H, T, Tk)
        Z = rec.rounded("head_output", A[0] @ Vh)  # (H, T, dv)
        finite_Sb = _screen(Sb)[0] if B is not None else finite_S
        # Without ALiBi and hand rounding after the scores, the unscaled weights are the scaled ones
        # sharpened (÷ c ≥ 1 flattens), up to the rounding errors ``sharpening_slack`` bounds.
        sharper = B is None and not {"scaled", "softmax"} & set(rec.rounding)
        slack = fx.sharpening_slack(size_S, Tk) if sharper else None  # (H,)
        # each row's largest weight: e^0 / sum, exactly (1 / NaN in a row whose every key is blocked)
        top = 1.0 / total[..., 0] if A[1] is None else A[0].max(axis=2)  # (H, T)
        seen = np.full(T, Tk) - (blocked.sum(axis=1) if blocked is not None else 0)  # (T,) keys each row sees
        rule_aux = (  # which rule blocked each cell, the same for every head
            {"by_rule": _frozen(masks[0].astype(np.float64)), "by_padding": _frozen(masks[1].astype(np.float64))}
            if masks is not None
            else {}
        )
        variant = scn.mask if scn.mask != "causal" else "causal.padding" if var.padding is not None else ""

        for h in range(H):
            n = h + 1
            g = int(group[h])
            split_facts = StageFacts(variant="gqa" if G != H else "", kv_head=g + 1, shared_by=info.sharing(n))
            split_mats = {"Q": _none(_frozen(Qh[h])), "K": _none(_frozen(Kh[h])), "V": _none(_frozen(Vh[h]))}
            rec.add("split", n, split_mats, facts=split_facts, check=False)  # views of checked projections
            if rope is not None:
                fact = StageFacts(rope_offset=_rope_fact(scn, Qh[h], Kh[h]))
                rec.add("rotary", n, {"Q": _none(_frozen(Qr[h])), "K": _none(_frozen(Kr[h]))}, aux=rope[2], facts=fact)
            rec.add("scores", n, {"S": _at(S, h)}, check=not finite_S[h])
            row_max = top[h]  # (T,)
            facts = replace(
                _softmax_facts(A[0][h], row_max, seen, info.cross),
                q_equals_k=bool(np.array_equal(Qr[h], Kr[h])),
                dead_rows=dead_rows,
            )
            if scn.scale != "none":  # the row the "what the division changes" note quotes
                unscaled = _unscaled_rows(S[0][h], B[h] if B is not None else None, blocked)
                other = facts.strongest_other
                row = other[0] if other is not None else None  # the row the softmax note is about ...
                if row is None or not fx.changes(unscaled(np.array([row]))[0], A[0][h][row]):
                    bound = float(slack[h]) if slack is not None else None  # ... when the division changes it
                    row = fx.telling_row(unscaled, row_max, seen, bound)  # else the row it changes most
                aux = {"unscaled": _frozen(unscaled(np.array([row]))[0])}
                rec.add("scaled", n, {"S": _at(Sc, h)}, aux=aux, facts=StageFacts(row=row), check=False)
            if B is not None:
                bias_mats = {"B": _none(_frozen(B[h])), "S": _none(Sb[h])}
                slope = info.slopes[h] if info.slopes else None
                bias_facts = StageFacts(slope=slope, variant=stagetext.bias_variant(info))
                rec.add("bias", n, bias_mats, facts=bias_facts, check=not finite_Sb[h])
            if masks is not None:
                mask_facts = StageFacts(variant=variant, dead_rows=dead_rows)
                mask_mats = {"S": _none(Sm[h])}
                rec.add("masked", n, mask_mats, blocked=blocked, aux=rule_aux, facts=mask_facts, check=False)
            softmax_aux = {"shift": _frozen(shift[h]), "exp": _frozen(E[h]), "sum": _frozen(total[h])}
            rec.add("softmax", n, {"A": _at(A, h)}, aux=softmax_aux, facts=facts, dead=dead, check=False)
            rec.add("head_output", n, {"Z": _at(Z, h)}, facts=StageFacts(dead_rows=dead_rows), dead=dead)

        C = rec.rounded("concat", np.ascontiguousarray(Z[0].transpose(1, 0, 2).reshape(T, -1)))  # (T, H·dv)
        twins = None
        if not info.cross and Tk == T:
            rows = brought if brought is not None else np.hstack([Q[0], K[0], V[0]])
            twins = fx.same_rows(rows, C[0])
        rec.add("concat", None, {"Z": C}, facts=StageFacts(same_rows=twins), dead=dead, check=False)  # Z, checked
        if scn.W_O is not None:
            cell, blocks = fx.block_terms(C[0], scn.W_O, H)
            O = rec.rounded("output", _affine(C[0], scn.W_O, scn.biases.get("b_O")))  # (T, d_out)
            out_aux = {"blocks": _frozen(blocks)} | ({"b_O": scn.biases["b_O"]} if "b_O" in scn.biases else {})
            rec.add("output", None, {"O": O}, aux=out_aux, facts=StageFacts(cell=cell), dead=dead)

        checks = _inference(scn, info, rec, Sm, Vh, Z[0], dead, brought if isinstance(inp, FromX) else None, group)

    stages = tuple(rec.stages)
    by_place = {(s.id, s.head): s for s in stages}
    verdicts = tuple(
        Verdict(cp, *compare(cp, by_place[(cp.stage, cp.head)].matrices[cp.matrix].values)) for cp in scn.expected
    ) + tuple(checks)
    return Trace(info, stages, scn.expected, exact, verdicts, scn)
