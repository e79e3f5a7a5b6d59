"""The JSON form of a trace: ``to_dict`` / ``from_dict`` and the TypedDicts of schema ``mhsa-tutor/trace@1``.

Numbers are Python floats at full float64 precision; non-finite numbers become
the strings ``"-inf"``, ``"inf"``, ``"nan"`` so that the JSON stays strict.
The ``scenario`` block carries the hand-rounding table and whether this run
applied it; each stage carries the values the run used and, for a matrix
rounded by hand, its decimals and unrounded values (``rounded``).
"""

from __future__ import annotations

import math
from typing import NotRequired, TypedDict

import numpy as np
import numpy.typing as npt

from mhsa_tutor.core.restore import restore
from mhsa_tutor.core.scenario import Checkpoint
from mhsa_tutor.core.stages import axes
from mhsa_tutor.core.trace import Matrix, ScenarioInfo, Stage, Trace, Verdict
from mhsa_tutor.core.variants import alibi_slopes

Array = npt.NDArray[np.float64]
SCHEMA = "mhsa-tutor/trace@1"


class RopeJSON(TypedDict):
    """``trace["scenario"]["rope"]``, present only when the scenario uses RoPE; ``dims`` only for partial rotary."""

    base: float
    style: str
    dims: NotRequired[int]


class AlibiJSON(TypedDict):
    """``trace["scenario"]["alibi"]``: ALiBi's slopes and where it is added (only with bias "alibi")."""

    slopes: list[float]
    before_scaling: bool


class DecodeJSON(TypedDict):
    """``trace["scenario"]["decode"]``: the last ``steps`` tokens were generated one at a time (KV cache)."""

    steps: int


class TilingJSON(TypedDict):
    """``trace["scenario"]["tiling"]``: the online softmax's key block size."""

    block: int


class CheckJSON(TypedDict):
    """One of the engine's own checks (``trace["checks"]``): a decoding step against full causal attention
    (``against`` = "full", ``row`` = the 0-based step) or a head's online softmax against softmax·V
    ("ordinary", ``row`` null), with the largest difference and the tolerance."""

    stage: str
    head: int | None
    matrix: str
    row: int | None
    against: str
    ok: bool
    diff: float | str
    tolerance: float
    expected: list[list[float | str]]


class ScenarioJSON(TypedDict, total=False):
    """``trace["scenario"]``; memory_tokens only for cross-attention; the variants only when used."""

    name: str
    title: str
    tokens: list[str]
    memory_tokens: list[str]
    d_model: int
    heads: int
    d_k: int
    d_v: int
    mask: str
    scale: str
    source: str
    rounding: dict[str, int]
    hand_rounded: bool
    positions: str
    rope: RopeJSON
    bias: str
    alibi: AlibiJSON
    window: int
    padding: list[bool]
    kv_heads: int
    biases: list[str]
    decode: DecodeJSON
    tiling: TilingJSON


class RoundedJSON(TypedDict):
    """``stage["rounded"][name]``: a matrix the run rounded by hand, with its unrounded values."""

    decimals: int
    exact: list[list[float | str]]


class StageJSON(TypedDict):
    """One entry of ``trace["stages"]``; ``rounded`` only where the run rounded a matrix by hand."""

    id: str
    head: int | None
    title: str
    formula: str
    matrices: dict[str, list[list[float | str]]]
    rounded: NotRequired[dict[str, RoundedJSON]]


class TraceJSON(TypedDict):
    """The whole JSON export (schema ``mhsa-tutor/trace@1``); ``checks`` only when the engine made some."""

    schema: str
    scenario: ScenarioJSON
    stages: list[StageJSON]
    checks: NotRequired[list[CheckJSON]]


def _cell(x: float) -> float | str:
    if x != x:
        return "nan"
    if x in (float("inf"), float("-inf")):
        return "inf" if x > 0 else "-inf"
    return x


def matrix_to_lists(values: Array) -> list[list[float | str]]:
    """Rows of Python floats at full precision; non-finite as strings."""
    rows: list[list[float | str]] = values.tolist()
    bad = ~np.isfinite(values)  # (rows, cols); half of a causal mask's scores are −∞
    if bad.any():
        for i, j in zip(*(index.tolist() for index in np.nonzero(bad)), strict=True):
            rows[i][j] = _cell(rows[i][j])
    return rows


def scenario_to_dict(info: ScenarioInfo, exact: bool = False) -> ScenarioJSON:
    """The ``scenario`` block of the JSON form.

    ``rounding`` is the scenario's hand-rounding table (stage id -> decimals);
    ``hand_rounded`` says whether this run applied it (False under ``--exact``).
    """
    out: ScenarioJSON = {"name": info.name, "title": info.title, "tokens": list(info.tokens)}
    if info.memory_tokens is not None:
        out["memory_tokens"] = list(info.memory_tokens)
    out.update(
        {
            "d_model": info.d_model,
            "heads": info.heads,
            "d_k": info.d_k,
            "d_v": info.d_v,
            "mask": info.mask,
            "scale": info.scale,
            "source": info.source,
            "rounding": dict(info.rounding),
            "hand_rounded": bool(info.rounding) and not exact,
        }
    )
    # the variants, only when a scenario uses them (a plain scenario's JSON is unchanged)
    if info.positions != "none":
        out["positions"] = info.positions
    if info.rope_style is not None and info.rope_base is not None:
        out["rope"] = {"base": info.rope_base, "style": info.rope_style}
        if info.rope_dims is not None:
            out["rope"]["dims"] = info.rope_dims
    if info.bias != "none":
        out["bias"] = info.bias
    if info.bias == "alibi" and (info.alibi_slopes_given or info.alibi_before_scaling):  # only when not the paper's
        out["alibi"] = {"slopes": list(info.slopes), "before_scaling": info.alibi_before_scaling}
    if info.window is not None:
        out["window"] = info.window
    if info.padding is not None:
        out["padding"] = list(info.padding)
    if info.groups != info.heads:
        out["kv_heads"] = info.groups
    if info.biases:  # the projection biases given (their values are matrices of the params stage)
        out["biases"] = list(info.biases)
    if info.decode_steps is not None:
        out["decode"] = {"steps": info.decode_steps}
    if info.block is not None:
        out["tiling"] = {"block": info.block}
    return out


def rounded_to_dict(stage: Stage) -> dict[str, RoundedJSON]:
    """The matrices of a stage that were rounded by hand: decimals and unrounded values."""
    return {
        name: {"decimals": m.decimals, "exact": matrix_to_lists(m.exact)}
        for name, m in stage.matrices.items()
        if m.exact is not None and m.decimals is not None
    }


def stage_to_dict(stage: Stage) -> StageJSON:
    """One stage in JSON form (``matrices`` hold the values the run used; ``rounded`` the exact ones)."""
    out: StageJSON = {
        "id": stage.id,
        "head": stage.head,
        "title": stage.title,
        "formula": stage.formula,
        "matrices": {name: matrix_to_lists(m.values) for name, m in stage.matrices.items()},
    }
    rounded = rounded_to_dict(stage)
    if rounded:
        out["rounded"] = rounded
    return out


def checks_to_list(trace: Trace) -> list[CheckJSON]:
    """The engine's own checks (decoding steps, online softmax) in JSON form."""
    out: list[CheckJSON] = []
    for v in trace.verdicts:
        if v.against == "source":
            continue
        cp = v.checkpoint
        expected = np.atleast_2d(np.asarray(cp.value, dtype=np.float64))
        out.append(
            {
                "stage": cp.stage,
                "head": cp.head,
                "matrix": cp.matrix,
                "row": cp.row,
                "against": v.against,
                "ok": v.ok,
                "diff": _cell(v.diff),
                "tolerance": v.tolerance,
                "expected": matrix_to_lists(expected),
            }
        )
    return out


def to_dict(trace: Trace) -> TraceJSON:
    """The JSON form of a trace (full float64 precision, nothing elided)."""
    out: TraceJSON = {
        "schema": SCHEMA,
        "scenario": scenario_to_dict(trace.info, trace.exact),
        "stages": [stage_to_dict(s) for s in trace.stages],
    }
    checks = checks_to_list(trace)
    if checks:
        out["checks"] = checks
    return out


def _parse_cell(x: float | str) -> float:
    if isinstance(x, str):
        if x not in ("inf", "-inf", "nan"):
            raise ValueError(f"unexpected string {x!r} in a matrix")
        return float(x)
    return float(x)


def from_dict(data: TraceJSON) -> Trace:
    """Rebuild a Trace from its JSON form (checkpoints are not kept; hand rounding is).

    What the explanations quote besides the matrices is derived again (``core.restore``), so every
    cell of the trace read back can be explained as in the run it came from.

    Raises:
        ValueError / KeyError: not a ``mhsa-tutor/trace@1`` document.
    """
    if data.get("schema") != SCHEMA:
        raise ValueError(f"not a {SCHEMA} document")
    sc = data["scenario"]
    mem = sc.get("memory_tokens")
    keys = mem if mem is not None else sc["tokens"]
    by_id = {s["id"]: s for s in data["stages"]}
    params = by_id["params"]["matrices"] if "params" in by_id else {}
    d_src = len(params["W_K"]) if "W_K" in params else sc["d_model"]
    d_out = len(by_id["output"]["matrices"]["O"][0]) if "output" in by_id else None
    info = ScenarioInfo(
        name=sc["name"],
        title=sc["title"],
        tokens=tuple(sc["tokens"]),
        memory_tokens=tuple(mem) if mem is not None else None,
        d_model=sc["d_model"],
        heads=sc["heads"],
        d_k=sc["d_k"],
        d_v=sc["d_v"],
        mask=sc["mask"],
        scale=sc["scale"],
        source=sc["source"],
        given_qkv="Q" in by_id["input"]["matrices"],
        rounding=tuple(sorted(sc.get("rounding", {}).items())),
        d_src=d_src,
        d_out=d_out,
        scale_divisor=ScenarioInfo.divisor_for(sc["scale"], sc["d_k"], len(keys)),
        sqrt_dk=math.sqrt(sc["d_k"]),
        positions=sc.get("positions", "none"),
        rope_style=sc["rope"]["style"] if "rope" in sc else None,
        rope_base=sc["rope"]["base"] if "rope" in sc else None,
        bias=sc.get("bias", "none"),
        window=sc.get("window"),
        padding=tuple(sc["padding"]) if "padding" in sc else None,
        kv_heads=sc.get("kv_heads", sc["heads"]),
        slopes=_slopes_of(sc),
        biases=tuple(sc.get("biases", ())),
        rope_dims=sc["rope"].get("dims") if "rope" in sc else None,
        alibi_before_scaling=sc["alibi"]["before_scaling"] if "alibi" in sc else False,
        alibi_slopes_given="alibi" in sc and tuple(sc["alibi"]["slopes"]) != _slopes_of({**sc, "alibi": None}),
        decode_steps=sc["decode"]["steps"] if "decode" in sc else None,
        block=sc["tiling"]["block"] if "tiling" in sc else None,
    )
    stages = []
    for st in data["stages"]:
        mats: dict[str, Matrix] = {}
        rounded = st.get("rounded", {})
        for name, rows in st["matrices"].items():
            r, c = axes(st["id"], name)
            hand = rounded.get(name)
            exact = _array(hand["exact"]) if hand is not None else None
            decimals = hand["decimals"] if hand is not None else None
            mats[name] = Matrix(_array(rows), r, c, exact, decimals)
        stages.append(Stage(st["id"], st["title"], st["head"], st["formula"], mats))
    ignored = bool(info.rounding) and not sc.get("hand_rounded", False)
    checks = tuple(_check(c, stages) for c in data.get("checks", []))
    # what explain quotes besides the matrices (softmax terms, rotary angles, mask rules), derived again
    return Trace(info, restore(info, tuple(stages)), exact=ignored, verdicts=checks)


def _check(c: CheckJSON, stages: list[Stage]) -> Verdict:
    """One engine check back as a Verdict (its computed value read from the stage it is about)."""
    expected = _array(c["expected"])
    stage = next(s for s in stages if s.id == c["stage"] and s.head == c["head"])
    got = stage.matrices[c["matrix"]].values
    row = c["row"]
    if row is not None:
        got, expected = got[row], expected[0]
    cp = Checkpoint(c["against"], c["stage"], c["head"], c["matrix"], row, None, expected, 12)
    diff = _parse_cell(c["diff"])
    return Verdict(cp, got, c["ok"], against=c["against"], diff=diff, tolerance=c["tolerance"])


def _slopes_of(sc: ScenarioJSON | dict[str, object]) -> tuple[float, ...]:
    """ALiBi's slopes of a JSON scenario block: its ``alibi.slopes``, else the paper's for its heads."""
    if sc.get("bias") != "alibi":
        return ()
    alibi = sc.get("alibi")
    if isinstance(alibi, dict):
        return tuple(float(m) for m in alibi["slopes"])
    heads = sc["heads"]
    assert isinstance(heads, int)
    return tuple(float(m) for m in alibi_slopes(heads))


def _array(rows: list[list[float | str]]) -> Array:
    arr = np.array([[_parse_cell(x) for x in row] for row in rows], dtype=np.float64)
    arr.flags.writeable = False
    return arr
