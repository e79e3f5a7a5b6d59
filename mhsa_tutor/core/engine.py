"""The engine: multi-head (self- or cross-) attention in float64, recording every step.

Pure NumPy. It never prints and never imports rich or typer. Conventions are
PyTorch's ``nn.MultiheadAttention`` in row-vector form:

* ``Q = X·W_Q`` (``W_Q`` is ``in_proj_weight[:E].T``), K and V likewise
  (from ``memory`` in cross-attention);
* head h (1-based) takes columns ``(h−1)·d_k + 1 … h·d_k`` (``stages.head_columns``);
* scores ``S = Q_h K_hᵀ``, scaled by ``1/√d_k`` (or as the scenario says);
* a causal mask sets ``S_ij = −∞`` for ``j > i`` before a row-wise, max-shifted
  softmax, so masked weights are exactly 0 and rows sum to 1;
* ``Z_h = A_h V_h``, ``Z = [Z_1 | … | Z_H]``, ``O = Z·W_O``.

The variants (``scenario.Variants``; formulas in ``variants``): absolute
positions are added to X before the projections (stage ``positions``); with
G key/value heads, query head h uses key/value head ⌊(h−1)·G/H⌋ + 1, as
``enable_gqa=True`` does (``split`` holds the K and V it uses); RoPE rotates
each head's Q and K by their positions (``rotary``); ALiBi adds −m_h·|i − j|
to the scaled scores (``bias``); the mask rule (causal, sliding, custom) and
the key padding set scores to −∞ (``masked``; ``aux`` says which rule blocked
each cell). A query row whose every key is blocked gives NaN weights and
outputs, as ``nn.MultiheadAttention`` does: the finiteness check allows NaN
exactly in those rows and still reports any real overflow.

Stages are emitted in the order of the stage table (``stages.STAGES``). The
work is done once for all heads as ``(H, T, d)`` arrays; each per-head stage
holds read-only views into them. Besides the numbers, the engine computes what
the views quote (softmax terms, which token a row attends to most, checkpoint
verdicts) and stores it in the Trace, so no view computes. Every stage is
checked as it is recorded: a value that overflowed float64 anywhere (any
non-finite number other than a masked score) is a ``ScenarioError`` naming the
stage and the cell.
"""

from __future__ import annotations

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


def _softmax_parts(scores: Array) -> tuple[Array, Array, Array, Array]:
    """(row max, e^(s − max), row sum of those, weights) of a row-wise softmax over the last axis."""
    with np.errstate(invalid="ignore"):  # a row with every key blocked is NaN, as in PyTorch
        return _softmax_rows(scores)


def _softmax_rows(scores: Array) -> tuple[Array, Array, Array, Array]:
    """``_softmax_parts`` without the warning for rows that are all −∞."""
    shift = scores.max(axis=-1, keepdims=True)  # (…, T, 1)
    e: Array = scores - shift  # (…, T, Tk), a new array: exponentiated in place
    np.exp(e, out=e)
    total = e.sum(axis=-1, keepdims=True)  # (…, T, 1)
    return shift, e, total, e / total


def causal_mask(t_q: int, t_k: int) -> Blocked:
    """True where query i may NOT attend key j (j > i), as torch's bool attn_mask."""
    return np.triu(np.ones((t_q, t_k), dtype=bool), k=1)


def _frozen(a: Array) -> Array:
    a.flags.writeable = False
    return a


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
    ) -> None:
        """Record one stage; ``mats`` maps a matrix name to (values, exact, decimals).

        Raises:
            ScenarioError: a value is not finite (only ``blocked`` cells may be −∞, and only
                the query rows in ``dead``, whose every key is blocked, may be NaN).
        """
        matrices: dict[str, Matrix] = {}
        for name, (values, exact, decimals) in mats.items():
            rows, cols = axes(stage_id, name)
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
        if blocked is not None:
            bad &= ~(blocked & (values == -np.inf))
        if dead is not None and rows == "tokens" and dead.any():
            bad &= ~(dead[:, None] & np.isnan(values))
        if not bad.any():
            return
        i, j = (int(x) for x in np.argwhere(bad)[0])
        labels = {"tokens": self.info.tokens, "keys": self.info.key_tokens}
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


def _softmax_facts(A: Array, cross: bool, blocked: Blocked | None = None) -> StageFacts:
    """Which row first attends most to another token than itself, and how many rows are one-hot.

    A row that sees a single key (the first row under a causal mask) is one-hot by necessity and not counted.
    """
    row_max = A.max(axis=1)  # (T,)
    seen = A.shape[1] - (blocked.sum(axis=1) if blocked is not None else 0)  # (T,) keys each row sees
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
    theta = rope_theta(Qh.shape[-1], rope.base)  # (dk/2,)
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


def _mask_facts(scn: Scenario, T: int, Tk: int) -> tuple[Blocked, Blocked, Blocked] | None:
    """(blocked by the mask rule, blocked by padding, either), each (T, Tk); None when nothing is masked."""
    var = scn.variants
    if not scn.masks_cells:
        return None
    rule = mask_rule(scn.mask, T, Tk, var.window, var.blocked)
    pad = np.broadcast_to(var.padding[None, :], (T, Tk)).copy() if var.padding is not None else np.zeros_like(rule)
    return rule, pad, rule | pad


def _rope_fact(scn: Scenario, q: Array, k: Array) -> tuple[int, int, float, float] | None:
    """The relative-offset property on this head's first query and key: (i, j, q_i·k_j, both one later)."""
    rope = scn.variants.rope
    if rope is None:
        return None
    i, j = q.shape[0] - 1, 0
    theta = rope_theta(q.shape[-1], rope.base)
    now, later = offset_demo(q[i], k[j], i, j, theta, rope.style)
    return i, j, now, later


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
            rec.add("input", None, {"Q": Q, "K": K, "V": V})
            brought: Array | None = None  # what a token brings: its rows of Q, K and V (below)
        else:
            assert isinstance(inp, FromX)
            given = {"X": _none(inp.X)} | ({"memory": _none(inp.memory)} if inp.memory is not None else {})
            rec.add("input", None, given)
            X = inp.X  # (T, d_model)
            pos = _positions(scn, X)
            if pos is not None:
                X = pos[1]
                rec.add("positions", None, {"P": _none(pos[0]), "X": _none(X)}, aux=pos[2])
            brought = X  # what a token brings: its row of X (+ P)
            src = inp.memory if inp.memory is not None else X  # (Tk, d_src)
            weights = {"W_Q": inp.W_Q, "W_K": inp.W_K, "W_V": inp.W_V, "W_O": inp.W_O}
            identity = StageFacts(identity_weights=fx.is_identity(inp.W_Q, inp.W_K, inp.W_V))
            rec.add("params", None, {k: _none(w) for k, w in weights.items() if w is not None}, facts=identity)
            Q = rec.rounded("projections", X @ inp.W_Q)  # (T, H·dk)
            K = rec.rounded("projections", src @ inp.W_K)  # (Tk, G·dk)
            V = rec.rounded("projections", src @ inp.W_V)  # (Tk, G·dv)
            rec.add("projections", None, {"Q": Q, "K": K, "V": V})

        group = kv_group(H, G)  # (H,): the key/value head of each query head
        Qh = _split(Q[0], H)  # (H, T, dk)
        Kh, Vh = _split(K[0], G)[group], _split(V[0], G)[group]  # (H, Tk, dk), (H, Tk, dv)
        rope = _rope(scn, Qh, Kh)
        Qr, Kr = (rope[0], rope[1]) if rope is not None else (Qh, Kh)  # (H, T, dk), (H, Tk, dk)
        S = rec.rounded("scores", Qr @ Kr.transpose(0, 2, 1))  # (H, T, Tk)
        Sc = rec.rounded("scaled", S[0] / info.scale_divisor) if scn.scale != "none" else S  # (H, T, Tk)
        B = alibi_bias(np.array(info.slopes), T, Tk) if var.bias == "alibi" else None  # (H, T, Tk)
        Sb = _frozen(Sc[0] + B) if B is not None else Sc[0]  # (H, T, Tk)
        masks = _mask_facts(scn, T, Tk)
        blocked = masks[2] if masks is not None else None
        dead: Blocked = np.asarray(blocked.all(axis=1) if blocked is not None else np.zeros(T, dtype=bool))  # (T,)
        dead_rows = tuple(int(i) for i in np.flatnonzero(dead))
        Sm = _frozen(np.where(blocked, -np.inf, Sb)) if blocked is not None else Sb  # (H, T, Tk)
        shift, E, total, A_raw = _softmax_parts(Sm)
        A = rec.rounded("softmax", A_raw)  # (H, T, Tk)
        Z = rec.rounded("head_output", A[0] @ Vh)  # (H, T, dv)
        unscaled = None  # (H, T, Tk): the weights without the scaling (NaN in dead rows), for the scaled note
        if scn.scale != "none":
            S_raw = S[0] + B if B is not None else S[0]  # the scores as the softmax would get them unscaled
            S_raw = np.where(blocked, -np.inf, S_raw) if blocked is not None else S_raw
            unscaled = fx.softmax_rows(S_raw)
        rule_aux = (  # which rule blocked each cell, the same for every head
            {"by_rule": _frozen(masks[0].astype(np.float64)), "by_padding": _frozen(masks[1].astype(np.float64))}
            if masks is not None
            else {}
        )
        variant = scn.mask if scn.mask != "causal" else "causal.padding" if var.padding is not None else ""

        for h in range(H):
            n = h + 1
            g = int(group[h])
            shared = tuple(int(x) + 1 for x in np.flatnonzero(group == g))
            split_facts = StageFacts(variant="gqa" if G != H else "", kv_head=g + 1, shared_by=shared)
            split_mats = {"Q": _none(_frozen(Qh[h])), "K": _none(_frozen(Kh[h])), "V": _none(_frozen(Vh[h]))}
            rec.add("split", n, split_mats, facts=split_facts)
            if rope is not None:
                fact = StageFacts(rope_offset=_rope_fact(scn, Qh[h], Kh[h]))
                rec.add("rotary", n, {"Q": _none(_frozen(Qr[h])), "K": _none(_frozen(Kr[h]))}, aux=rope[2], facts=fact)
            rec.add("scores", n, {"S": _at(S, h)})
            facts = replace(
                _softmax_facts(A[0][h], info.cross, blocked),
                q_equals_k=bool(np.array_equal(Qr[h], Kr[h])),
                dead_rows=dead_rows,
            )
            if unscaled is not None:  # the row the softmax note is about, else the one the scaling changes most
                other = facts.strongest_other
                row = fx.telling_row(unscaled[h], A[0][h])  # a row the division visibly changes
                if other is not None and fx.changes(unscaled[h][other[0]], A[0][h][other[0]]):
                    row = other[0]  # the row the softmax note is about, when the division changes it
                aux = {"unscaled": _frozen(unscaled[h])}
                rec.add("scaled", n, {"S": _at(Sc, h)}, aux=aux, facts=StageFacts(row=row))
            if B is not None:
                rec.add(
                    "bias", n, {"B": _none(_frozen(B[h])), "S": _none(Sb[h])}, facts=StageFacts(slope=info.slopes[h])
                )
            if masks is not None:
                mask_facts = StageFacts(variant=variant, dead_rows=dead_rows)
                rec.add("masked", n, {"S": _none(Sm[h])}, blocked=blocked, aux=rule_aux, facts=mask_facts)
            softmax_aux = {"shift": _frozen(shift[h]), "exp": _frozen(E[h]), "sum": _frozen(total[h])}
            rec.add("softmax", n, {"A": _at(A, h)}, aux=softmax_aux, facts=facts, dead=dead)
            rec.add("head_output", n, {"Z": _at(Z, h)}, facts=StageFacts(dead_rows=dead_rows), dead=dead)

        C = rec.rounded("concat", np.ascontiguousarray(Z[0].transpose(1, 0, 2).reshape(T, -1)))  # (T, H·dv)
        twins = None
        if not info.cross and Tk == T:
            rows = brought if brought is not None else np.hstack([Q[0], K[0], V[0]])
            twins = fx.same_rows(rows, C[0])
        rec.add("concat", None, {"Z": C}, facts=StageFacts(same_rows=twins), dead=dead)
        if scn.W_O is not None:
            cell, blocks = fx.block_terms(C[0], scn.W_O, H)
            O = rec.rounded("output", C[0] @ scn.W_O)  # (T, d_out)
            rec.add("output", None, {"O": O}, aux={"blocks": _frozen(blocks)}, facts=StageFacts(cell=cell), dead=dead)

    stages = tuple(rec.stages)
    by_place = {(s.id, s.head): s for s in stages}
    verdicts = tuple(
        Verdict(cp, *compare(cp, by_place[(cp.stage, cp.head)].matrices[cp.matrix].values)) for cp in scn.expected
    )
    return Trace(info, stages, scn.expected, exact, verdicts)
