"""The engine: multi-head (self- or cross-) attention in float64, recording every step.

Pure NumPy. It never prints and never imports rich or typer. Conventions are
PyTorch's ``nn.MultiheadAttention`` in row-vector form:

* ``Q = X·W_Q`` (``W_Q`` is ``in_proj_weight[:E].T``), K and V likewise
  (from ``memory`` in cross-attention);
* head h (0-based) takes columns ``h·d_k … (h+1)·d_k − 1``;
* scores ``S = Q_h K_hᵀ``, scaled by ``1/√d_k`` (or as the scenario says);
* a causal mask sets ``S_ij = −∞`` for ``j > i`` before a row-wise, max-shifted
  softmax, so masked weights are exactly 0 and rows sum to 1;
* ``Z_h = A_h V_h``, ``Z = [Z_1 | … | Z_H]``, ``O = Z·W_O``.

The work is done once for all heads as ``(H, T, d)`` arrays; each per-head
stage holds read-only views into them, so the trace copies nothing it need not.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from mhsa_tutor.errors import ScenarioError
from mhsa_tutor.limits import check_cells, run_cells_of
from mhsa_tutor.numbers import SUB
from mhsa_tutor.scenario import Scenario
from mhsa_tutor.trace import Axis, Matrix, ScenarioInfo, Stage, Trace

Array = npt.NDArray[np.float64]


def round_half_up(values: Array, decimals: int) -> Array:
    """Round as a person does by hand: halves away from zero, at ``decimals`` places.

    A tiny nudge makes decimal ties that binary cannot hold exactly (2.675 is
    stored as 2.67499…) round up as they would on paper. It stays far below one
    unit of the last kept digit (a relative 1e-9 alone reached a whole unit once
    ``|x|·10^decimals`` passed 1e9: 1.0 to 12 places gave 1.000000001). Values
    too large to carry a digit at that place (and ±∞) are returned unchanged.
    """
    factor = 10.0**decimals
    with np.errstate(over="ignore", invalid="ignore"):
        scaled = np.abs(values) * factor
        nudge = np.maximum(np.minimum(1e-9 * np.maximum(scaled, 1.0), 1e-6), 4 * np.spacing(scaled))
        rounded = np.sign(values) * np.floor(scaled + 0.5 + nudge) / factor
    out: Array = np.where(scaled < 2.0**46, rounded, values)
    return out


def stable_softmax(scores: Array) -> Array:
    """Row-wise softmax over the last axis, shifted by the row maximum.

    Rows with at least one finite score never give NaN; −∞ entries give
    exactly 0. (A row that is all −∞ gives NaN, as in PyTorch; a causal mask
    never makes one.)
    """
    e: Array = scores - scores.max(axis=-1, keepdims=True)  # a new array: exponentiate and divide it in place
    np.exp(e, out=e)
    e /= e.sum(axis=-1, keepdims=True)
    return e


def causal_mask(t_q: int, t_k: int) -> npt.NDArray[np.bool_]:
    """True where query i may NOT attend key j (j > i), as torch's bool attn_mask."""
    return np.triu(np.ones((t_q, t_k), dtype=bool), k=1)


def scale_factor(scenario: Scenario) -> float:
    """The divisor of the scores: √d_k, √(sequence length) or 1 (``ScenarioInfo.scale_divisor``)."""
    return ScenarioInfo.of(scenario).scale_divisor


def _frozen(a: Array) -> Array:
    a.flags.writeable = False
    return a


class _Recorder:
    """Collects stages; applies the scenario's hand rounding; checks finiteness."""

    def __init__(self, scenario: Scenario, exact: bool) -> None:
        self.scenario = scenario
        self.rounding = {} if exact else dict(scenario.rounding)
        self.stages: list[Stage] = []

    def rounded(self, stage_id: str, values: Array) -> tuple[Array, Array | None, int | None]:
        """(values the next stage uses, exact values or None, decimals or None)."""
        decimals = self.rounding.get(stage_id)
        if decimals is None:
            return _frozen(values), None, None
        return _frozen(round_half_up(values, decimals)), _frozen(values), decimals

    def check_finite(self, last: Array) -> None:
        """Raise at the first stage and cell that overflowed float64 (every stage, not only ``last``).

        Only the cells a causal mask blocks may be −∞; any other inf or NaN, even
        one the softmax would hide as a weight of 0, is an error naming the cell.
        """
        del last  # kept for the call site; every stage is checked
        blocked = causal_mask(len(self.scenario.tokens), len(self.scenario.key_tokens))
        for stage in self.stages:
            for name, m in stage.matrices.items():
                ok = np.isfinite(m.values)
                if stage.id == "masked":
                    ok |= blocked & (m.values == -np.inf)
                if ok.all():
                    continue
                i, j = (int(x) for x in np.argwhere(~ok)[0])
                where = f"{stage.id} (head {stage.head})" if stage.head is not None else stage.id
                rows = self.labels(m.rows, m.values.shape[0])
                cols = self.labels(m.cols, m.values.shape[1])
                raise ScenarioError(
                    self.scenario.origin,
                    f"overflow float64 at stage {where}, cell {name}[{rows[i]}, {cols[j]}] = {m.values[i, j]}; "
                    "expected smaller numbers",
                    "values",
                )

    def labels(self, axis: Axis, n: int) -> list[str]:
        """Names along an axis for a message: tokens (with their position), or 1 … n."""
        names = {"tokens": self.scenario.tokens, "keys": self.scenario.key_tokens}.get(axis)
        if names is None:
            return [str(k + 1) for k in range(n)]
        return [f"{t} (position {k + 1})" for k, t in enumerate(names)]

    def add(self, stage_id: str, title: str, formula: str, head: int | None = None, **mats: Matrix) -> None:
        self.stages.append(Stage(stage_id, title, head, formula, mats))

    def add_all(self, stage_id: str, title: str, formula: str, mats: dict[str, Matrix]) -> None:
        self.stages.append(Stage(stage_id, title, None, formula, mats))


def _m(values: Array, rows: Axis, cols: Axis, exact: Array | None = None, decimals: int | None = None) -> Matrix:
    return Matrix(values, rows, cols, exact, decimals)


def _split(a: Array, heads: int) -> Array:
    """(T, H·d) -> (H, T, d): head h gets columns h·d … (h+1)·d − 1."""
    t, width = a.shape
    return a.reshape(t, heads, width // heads).transpose(1, 0, 2)


def run(scenario: Scenario, *, exact: bool = False) -> Trace:
    """Compute every stage of multi-head attention for a scenario.

    Args:
        scenario: a validated scenario (``load_scenario``).
        exact: ignore the scenario's hand rounding (``[rounding]``).

    Returns:
        The Trace, stages in the order of ``scenario.stage_matrices``.

    Raises:
        ScenarioError: the numbers overflow float64 somewhere.
    """
    scn = scenario
    check_cells(run_cells_of(scn, exact), scn.origin)  # the budget, before any work
    rec = _Recorder(scn, exact)
    H, dk, dv = scn.heads, scn.d_k, scn.d_v
    cross = scn.memory_tokens is not None

    with np.errstate(over="ignore", invalid="ignore"):
        if scn.given_qkv:
            assert scn.Q is not None and scn.K is not None and scn.V is not None
            Q, K, V = scn.Q, scn.K, scn.V
            rec.add(
                "input",
                "Input: Q, K and V as the source gives them",
                "Q, K, V given",
                Q=_m(Q, "tokens", "dims"),
                K=_m(K, "keys", "dims"),
                V=_m(V, "keys", "dims"),
            )
        else:
            assert scn.X is not None and scn.W_Q is not None and scn.W_K is not None and scn.W_V is not None
            X = scn.X  # (T, d_model)
            src = scn.memory if scn.memory is not None else X  # (Tk, d_src)
            inputs = {"X": _m(X, "tokens", "dims")}
            if scn.memory is not None:
                inputs["memory"] = _m(scn.memory, "keys", "dims")
            rec.add_all("input", "Input: one vector per token", "X" + (", M (memory)" if cross else ""), inputs)
            params = {
                k: _m(getattr(scn, k), "dims", "dims")
                for k in ("W_Q", "W_K", "W_V", "W_O")
                if getattr(scn, k) is not None
            }
            rec.add_all("params", "Learned weights", ", ".join(params), params)
            Q, q_ex, q_d = rec.rounded("projections", X @ scn.W_Q)  # (T, H·dk)
            K, k_ex, k_d = rec.rounded("projections", src @ scn.W_K)  # (Tk, H·dk)
            V, v_ex, v_d = rec.rounded("projections", src @ scn.W_V)  # (Tk, H·dv)
            m = "M" if cross else "X"
            rec.add(
                "projections",
                "Projections: queries, keys and values",
                f"Q = X·W_Q,  K = {m}·W_K,  V = {m}·W_V",
                Q=_m(Q, "tokens", "dims", q_ex, q_d),
                K=_m(K, "keys", "dims", k_ex, k_d),
                V=_m(V, "keys", "dims", v_ex, v_d),
            )

        Qh, Kh, Vh = _split(Q, H), _split(K, H), _split(V, H)  # (H, T, dk), (H, Tk, dk), (H, Tk, dv)
        S_raw = Qh @ Kh.transpose(0, 2, 1)  # (H, T, Tk)
        S, S_ex, S_d = rec.rounded("scores", S_raw)
        divisor = scale_factor(scn)
        if scn.scale != "none":
            Sc, Sc_ex, Sc_d = rec.rounded("scaled", S / divisor)  # (H, T, Tk)
        else:
            Sc, Sc_ex, Sc_d = S, S_ex, S_d
        if scn.mask == "causal":
            blocked = causal_mask(len(scn.tokens), len(scn.key_tokens))
            Sm = _frozen(np.where(blocked, -np.inf, Sc))  # (H, T, T)
        else:
            Sm = Sc
        A, A_ex, A_d = rec.rounded("softmax", stable_softmax(Sm))  # (H, T, Tk)
        Z, Z_ex, Z_d = rec.rounded("head_output", A @ Vh)  # (H, T, dv)

        scale_text = {"sqrt_dk": f"√d_k = S / √{dk}", "sqrt_seq_len": f"√T = S / √{len(scn.key_tokens)}"}.get(
            scn.scale, ""
        )
        for h in range(H):
            n = h + 1
            sub = str(n).translate(SUB)
            cols = f"{h * dk + 1}–{(h + 1) * dk}" if dk > 1 else f"{h * dk + 1}"
            rec.add(
                "split",
                f"Head {n}: its slice of Q, K and V",
                f"Q{sub}, K{sub}, V{sub} = columns {cols} of Q, K"
                + (f" and columns {h * dv + 1}–{(h + 1) * dv} of V" if dv != dk else ", V"),
                head=n,
                Q=_m(_frozen(Qh[h]), "tokens", "dims"),
                K=_m(_frozen(Kh[h]), "keys", "dims"),
                V=_m(_frozen(Vh[h]), "keys", "dims"),
            )
            rec.add(
                "scores",
                f"Head {n}: scores, every query against every key",
                f"S = Q{sub} K{sub}ᵀ",
                head=n,
                S=_m(S[h], "tokens", "keys", _at(S_ex, h), S_d),
            )
            if scn.scale != "none":
                rec.add(
                    "scaled",
                    f"Head {n}: scaled scores",
                    f"S / {scale_text}",
                    head=n,
                    S=_m(Sc[h], "tokens", "keys", _at(Sc_ex, h), Sc_d),
                )
            if scn.mask == "causal":
                rec.add(
                    "masked",
                    f"Head {n}: causal mask",
                    "S_ij = −∞ where j > i (no looking ahead)",
                    head=n,
                    S=_m(Sm[h], "tokens", "keys"),
                )
            rec.add(
                "softmax",
                f"Head {n}: attention weights",
                "A = softmax(S), row by row",
                head=n,
                A=_m(A[h], "tokens", "keys", _at(A_ex, h), A_d),
            )
            rec.add(
                "head_output",
                f"Head {n}: weighted sum of values",
                f"Z{sub} = A V{sub}",
                head=n,
                Z=_m(Z[h], "tokens", "dims", _at(Z_ex, h), Z_d),
            )

        concat_raw = Z.transpose(1, 0, 2).reshape(len(scn.tokens), H * dv)  # (T, H·dv)
        C, C_ex, C_d = rec.rounded("concat", np.ascontiguousarray(concat_raw))
        parts = " | ".join(f"Z{str(h + 1).translate(SUB)}" for h in range(H))
        rec.add("concat", "Concatenate the heads", f"Z = [{parts}]", Z=_m(C, "tokens", "dims", C_ex, C_d))
        if scn.W_O is not None:
            O, O_ex, O_d = rec.rounded("output", C @ scn.W_O)  # (T, d_out)
            rec.add("output", "Output projection", "O = Z·W_O", O=_m(O, "tokens", "dims", O_ex, O_d))
        rec.check_finite(rec.stages[-1].matrices["O" if scn.W_O is not None else "Z"].values)
    return Trace(ScenarioInfo.of(scn), tuple(rec.stages), scn.expected, exact)


def _at(a: Array | None, h: int) -> Array | None:
    return None if a is None else a[h]
