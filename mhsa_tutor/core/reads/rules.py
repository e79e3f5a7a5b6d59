"""Every (stage id, matrix) of the stage table and the rule that computes it (``RULES``, ``rule``).

The ordinary stages first, then the inference stages (``core.inference``): the online softmax of
each head block by block, and the decoding step's projections, cache, scores, weights and output.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from mhsa_tutor.core.reads.spec import ColMap, Read, Rule, _r
from mhsa_tutor.core.stages import BIAS_NAMES


def _bias(name: str) -> Read:
    """``+ b[j]``: the projection bias of the cell's column (a 1 × n row), when the scenario gives one."""
    return _r(("params", name), rows="all", cols="col", optional=True)


_GIVEN = Rule("given")
#: The X the projections multiply: X + P when positions are added, else the input X.
_X = (("positions", "X"), ("input", "X"))
#: What the scores multiply: the rotated Q and K when RoPE is on, else the split.
_QK = ("rotary", "split")
#: The scores each stage before the softmax reads, nearest first (the softmax reads the last present).
BEFORE_SOFTMAX: tuple[str, ...] = ("masked", "bias", "scaled", "scores")


def _before(stage_id: str) -> tuple[tuple[str, str], ...]:
    """The score stages before ``stage_id`` in ``BEFORE_SOFTMAX`` order: ``bias`` reads scaled, else scores."""
    pipeline = (*BEFORE_SOFTMAX[::-1], "softmax")  # scores, scaled, bias, masked, softmax
    earlier = pipeline[: pipeline.index(stage_id)][::-1]
    return tuple((s, "S") for s in earlier)


#: The scores the softmax reads, which the online softmax reads block by block.


_S = _before("softmax")


def _step_projection(m: str) -> Rule:
    """q, k or v of the token a decoding step generates: its own row of X (+ P) times the head's columns of
    W (+ b), or its row of the given Q, K, V; under RoPE (q and k) the partner feature's column too."""
    cmap: ColMap = "head" if m == "q" else "kv_head"
    pmap: ColMap = "head_partner" if m == "q" else "kv_head_partner"
    big = m.upper()
    reads = [
        _r(*_X, rows="step", cols="all", optional=True),
        _r(("params", f"W_{big}"), rows="all", cols="col", col_map=cmap, optional=True),
        _r(("params", f"b_{big}"), rows="all", cols="col", col_map=cmap, optional=True),
        _r(("input", big), rows="step", cols="col", col_map=cmap, optional=True),
    ]
    if m != "v":  # RoPE turns q and k: the pair's other feature is read too
        reads += [
            _r(("params", f"W_{big}"), rows="all", cols="col", col_map=pmap, optional=True, when="rope"),
            _r(("params", f"b_{big}"), rows="all", cols="col", col_map=pmap, optional=True, when="rope"),
            _r(("input", big), rows="step", cols="col", col_map=pmap, optional=True, when="rope"),
        ]
    return Rule("project", tuple(reads))


#: Where the prefill's cache rows come from: the keys as the scores read them (turned by RoPE), the values.
_CACHED = {"K": _QK, "V": ("split",)}

#: The inference stages (``core.inference``): the online softmax of each head, block by block, and the
#: decoding step's projections, cache, scores, weights and output.
_INFERENCE: dict[tuple[str, str], Rule] = {
    # m_b = max(m_{b−1}, the block's scores)
    ("online_softmax", "m"): Rule(
        "running_max",
        (
            _r(("online_softmax", "m"), rows="row", cols="col", col_map="prev"),
            _r(*_S, rows="row", cols="block"),
        ),
    ),
    # r_b = e^(m_{b−1} − m_b)
    ("online_softmax", "r"): Rule(
        "rescale",
        (
            _r(("online_softmax", "m"), rows="row", cols="col", col_map="prev"),
            _r(("online_softmax", "m"), rows="row", cols="col"),
        ),
    ),
    # ℓ_b = r_b·ℓ_{b−1} + Σ_{j∈b} e^(s_j − m_b)
    ("online_softmax", "l"): Rule(
        "running_sum",
        (
            _r(("online_softmax", "r"), rows="row", cols="col"),
            _r(("online_softmax", "l"), rows="row", cols="col", col_map="prev"),
            _r(*_S, rows="row", cols="block"),
            _r(("online_softmax", "m"), rows="row", cols="col"),
        ),
    ),
    # o_b = r_b·o_{b−1} + Σ_{j∈b} e^(s_j − m_b)·v_j: column c is feature c mod d_v of block ⌊c / d_v⌋
    ("online_softmax", "O"): Rule(
        "running_output",
        (
            _r(("online_softmax", "r"), rows="row", cols="col", col_map="block_of"),
            _r(("online_softmax", "O"), rows="row", cols="col", col_map="prev_block"),
            _r(*_S, rows="row", cols="block"),
            _r(("online_softmax", "m"), rows="row", cols="col", col_map="block_of"),
            _r(("split", "V"), rows="block", cols="col", col_map="feature"),
        ),
    ),
    # Z = o_last / ℓ_last
    ("online_softmax", "Z"): Rule(
        "divide",
        (
            _r(("online_softmax", "O"), rows="row", cols="col", col_map="last_block"),
            _r(("online_softmax", "l"), rows="row", cols="col", col_map="last"),
        ),
    ),
    **{("decode_qkv", m): _step_projection(m) for m in ("q", "k", "v")},
    # the cache: the prefill's rows as the ordinary pass computed them, then each step's k and v appended
    **{
        ("kv_cache", m): Rule(
            "cache",
            (
                _r(*((s, m) for s in _CACHED[m]), rows="row", cols="col", when="prefill"),
                _r(("decode_qkv", m.lower()), rows="cached", cols="col", when="decoded"),
            ),
        )
        for m in ("K", "V")
    },
    # q_t·k_j over the cache (scaled, ALiBi or a given bias added, window and padding masked)
    ("decode_scores", "S"): Rule(
        "score", (_r(("decode_qkv", "q"), rows="row", cols="all"), _r(("kv_cache", "K"), rows="col", cols="all"))
    ),
    ("decode_softmax", "A"): Rule("softmax", (_r(("decode_scores", "S"), rows="row", cols="all"),)),
    ("decode_output", "Z"): Rule(
        "dot", (_r(("decode_softmax", "A"), rows="row", cols="upto"), _r(("kv_cache", "V"), rows="upto", cols="col"))
    ),
}


#: Every (stage id, matrix) of the stage table and the rule that computes it.
RULES: Mapping[tuple[str, str], Rule] = MappingProxyType(
    {
        **{("input", m): _GIVEN for m in ("X", "memory", "Q", "K", "V")},
        ("positions", "P"): Rule("sinusoid"),  # learned P is given: ``op`` is read with the scenario's positions
        ("positions", "X"): Rule(
            "add", (_r(("input", "X"), rows="row", cols="col"), _r(("positions", "P"), rows="row", cols="col"))
        ),
        **{("params", m): _GIVEN for m in ("W_Q", "W_K", "W_V", "W_O", *BIAS_NAMES)},
        ("projections", "Q"): Rule(
            "dot", (_r(*_X, rows="row", cols="all"), _r(("params", "W_Q"), rows="all", cols="col"), _bias("b_Q"))
        ),
        **{
            ("projections", m): Rule(
                "dot",
                (
                    _r(("input", "memory"), *_X, rows="row", cols="all"),
                    _r(("params", f"W_{m}"), rows="all", cols="col"),
                    _bias(f"b_{m}"),
                ),
            )
            for m in ("K", "V")
        },
        ("split", "Q"): Rule(
            "copy", (_r(("projections", "Q"), ("input", "Q"), rows="row", cols="col", col_map="head"),)
        ),
        **{
            ("split", m): Rule(
                "copy", (_r(("projections", m), ("input", m), rows="row", cols="col", col_map="kv_head"),)
            )
            for m in ("K", "V")
        },
        **{
            ("rotary", m): Rule(
                "rotate",
                (
                    _r(("split", m), rows="row", cols="col"),
                    _r(("split", m), rows="row", cols="col", col_map="partner"),
                ),
            )
            for m in ("Q", "K")
        },
        ("scores", "S"): Rule(
            "dot",
            (
                _r(*((s, "Q") for s in _QK), rows="row", cols="all"),
                _r(*((s, "K") for s in _QK), rows="col", cols="all"),
            ),
        ),
        ("scaled", "S"): Rule("scale", (_r(*_before("scaled"), rows="row", cols="col"),)),
        ("bias", "B"): Rule("given"),  # −m_h·|i − j|: the head's slope and the distance, no cell
        ("bias", "S"): Rule(
            "add", (_r(*_before("bias"), rows="row", cols="col"), _r(("bias", "B"), rows="row", cols="col"))
        ),
        ("masked", "S"): Rule("mask", (_r(*_before("masked"), rows="row", cols="col"),)),
        ("softmax", "A"): Rule("softmax", (_r(*_before("softmax"), rows="row", cols="all"),)),
        ("head_output", "Z"): Rule(
            "dot", (_r(("softmax", "A"), rows="row", cols="all"), _r(("split", "V"), rows="all", cols="col"))
        ),
        ("concat", "Z"): Rule(
            "copy", (_r(("head_output", "Z"), rows="row", cols="col", head="of_column", col_map="in_head"),)
        ),
        ("output", "O"): Rule(
            "dot",
            (_r(("concat", "Z"), rows="row", cols="all"), _r(("params", "W_O"), rows="all", cols="col"), _bias("b_O")),
        ),
        **_INFERENCE,
    }
)


def rule(stage_id: str, matrix: str) -> Rule:
    """The rule of one matrix of one stage.

    Raises:
        KeyError: no such (stage, matrix) in the table: every one has a rule.
    """
    return RULES[(stage_id, matrix)]
