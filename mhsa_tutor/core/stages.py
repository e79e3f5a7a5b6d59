"""THE stage table: every stage of a trace, declared once and read by every view.

Each ``StageSpec`` says what a stage is: its id (a contract: the JSON export and
the CLI use it), whether it is computed once per head, which matrices it may
hold and how their axes are labelled, whether a scenario may round it by hand,
and its formula in LaTeX. The engine builds stages in this order; the
validator, narration, explain, quiz and every exporter read this table and
nothing else for stage ids, axes, head columns or formula templates. Words
(titles, formulas in each language) live in the string catalogues under the
same stage ids.

Pure data and integer arithmetic; imports nothing heavy.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Axis = Literal["tokens", "keys", "dims", "steps"]


@dataclass(frozen=True)
class MatrixSpec:
    """One matrix a stage may hold: ``rows`` / ``cols`` label each axis; ``when`` it is there; its ``width``.

    ``"tokens"`` are the query tokens, ``"keys"`` the key/value tokens (memory
    tokens in cross-attention), ``"dims"`` numbered features 1..n (or key
    blocks, on the online softmax), ``"steps"`` the tokens generated one at a
    time when decoding with a KV cache (the last N tokens).
    """

    name: str
    rows: Axis
    cols: Axis
    #: When a run has this matrix (a condition of ``scenario.CONDITIONS``; "" always, with its stage).
    when: str = ""
    #: Columns of a ``"dims"`` axis (a size of ``scenario.WIDTHS``, e.g. "d_k·H"; "given": an array of the
    #: scenario, its own shape; "" for a matrix of tokens by keys).
    width: str = ""


@dataclass(frozen=True)
class StageSpec:
    """One stage: id, per-head or shared, its possible matrices, roundable, LaTeX formula, askable.

    ``latex`` is a ``string.Template`` filled with ``formula_fields`` (and
    ``$shapes``); a stage whose LaTeX depends on the scale has one template
    per scale in ``latex_by_scale``.
    """

    id: str
    per_head: bool
    matrices: tuple[MatrixSpec, ...]
    roundable: bool
    latex: str = ""
    latex_by_scale: tuple[tuple[str, str], ...] = ()
    latex_by_variant: tuple[tuple[str, str], ...] = ()
    #: The quiz asks a cell of this stage (every roundable stage, and positions, rotary and bias).
    askable: bool = False
    #: When a run has this stage (a condition of ``scenario.CONDITIONS``; "" always).
    when: str = ""

    def matrix(self, name: str) -> MatrixSpec:
        """The spec of one of this stage's matrices.

        Raises:
            KeyError: the stage has no matrix of that name.
        """
        for m in self.matrices:
            if m.name == name:
                return m
        raise KeyError((self.id, name))

    def latex_for(self, scale: str, variant: str = "") -> str:
        """The LaTeX template for this stage under a scenario's scale (and variant, e.g. a mask kind)."""
        if variant and variant in dict(self.latex_by_variant):
            return dict(self.latex_by_variant)[variant]
        return dict(self.latex_by_scale).get(scale, self.latex)


#: The projection biases a scenario may give (one row each), in this order; b_O goes with W_O.
BIAS_NAMES: tuple[str, ...] = ("b_Q", "b_K", "b_V", "b_O")


def _m(name: str, rows: Axis, cols: Axis, width: str = "", when: str = "") -> MatrixSpec:
    return MatrixSpec(name, rows, cols, when, width)


def _qkv(qk: str, v: str, when: str = "") -> tuple[MatrixSpec, ...]:
    return (
        _m("Q", "tokens", "dims", qk.replace("G", "H"), when),
        _m("K", "keys", "dims", qk, when),
        _m("V", "keys", "dims", v, when),
    )


#: Every stage, in trace order.
STAGES: tuple[StageSpec, ...] = (
    StageSpec(
        "input",
        False,
        (
            _m("X", "tokens", "dims", "given", when="from_x"),
            _m("memory", "keys", "dims", "given", when="memory"),
            *_qkv("given", "given", when="given_qkv"),
        ),
        False,
        "$shapes",
    ),
    StageSpec(
        "positions",
        False,
        (_m("P", "tokens", "dims", "d_model"), _m("X", "tokens", "dims", "d_model")),
        False,
        r"X \leftarrow X + P",
        askable=True,
        when="positions",
    ),
    StageSpec(
        "params",
        False,
        (
            *(_m(w, "dims", "dims", "given", "from_x") for w in ("W_Q", "W_K", "W_V")),
            _m("W_O", "dims", "dims", "given", "w_o"),
            *(_m(b, "dims", "dims", "given", b) for b in BIAS_NAMES),  # each 1 × n, when the scenario gives it
        ),
        False,
        "$shapes",  # a run has this stage when it has one of its matrices (W_O and b_O go with Q, K, V given)
    ),
    StageSpec(
        "projections",
        False,
        _qkv("d_k·G", "d_v·G"),
        True,
        r"Q = X W_Q$bq,\quad K = $m W_K$bk,\quad V = $m W_V$bv",
        askable=True,
        when="from_x",
    ),
    StageSpec(
        "split",
        True,
        _qkv("d_k", "d_v"),
        False,
        r"Q_{$h}, K_{$h} = \text{columns } $c0 \text{ to } $c1 \text{ of } Q, K,"
        r"\quad V_{$h} = \text{columns } $v0 \text{ to } $v1 \text{ of } V",
        latex_by_variant=(
            (
                "gqa",
                r"Q_{$h} = \text{columns } $c0 \text{ to } $c1 \text{ of } Q,\quad K_{$h}, V_{$h} = "
                r"\text{key/value head } $g",
            ),
        ),
    ),
    StageSpec(
        "rotary",
        True,
        (_m("Q", "tokens", "dims", "d_k"), _m("K", "keys", "dims", "d_k")),
        False,
        r"(a, b) \mapsto (a\cos m\theta_j - b\sin m\theta_j,\; a\sin m\theta_j + b\cos m\theta_j),"
        r"\quad \theta_j = $base^{-2j/$rd}",
        askable=True,
        when="rope",
    ),
    StageSpec("scores", True, (_m("S", "tokens", "keys"),), True, r"S = Q_{$h} K_{$h}^{\top}", askable=True),
    StageSpec(
        "scaled",
        True,
        (_m("S", "tokens", "keys"),),
        True,
        latex_by_scale=(
            ("sqrt_dk", r"S \leftarrow \frac{S}{\sqrt{d_k}} = \frac{S}{\sqrt{$dk}}"),
            ("sqrt_seq_len", r"S \leftarrow \frac{S}{\sqrt{T}} = \frac{S}{\sqrt{$Tk}}"),
        ),
        askable=True,
        when="scaled",
    ),
    StageSpec(
        "bias",
        True,
        (_m("B", "tokens", "keys"), _m("S", "tokens", "keys")),
        False,
        r"B_{ij} = -m_{$h} \lvert i - j \rvert,\quad m_{$h} = $slope,\quad S \leftarrow S + B",
        latex_by_variant=(
            (
                "alibi.before",
                r"B_{ij} = -\frac{m_{$h}}{$div} \lvert i - j \rvert,\quad m_{$h} = $slope,\quad S \leftarrow S + B",
            ),
            ("given", r"S \leftarrow S + B_{$h},\quad B_{$h} \text{ given}"),
        ),
        askable=True,
        when="bias",
    ),
    StageSpec(
        "masked",
        True,
        (_m("S", "tokens", "keys"),),
        False,
        r"S_{ij} = -\infty \quad \text{where } j > i",
        latex_by_variant=(
            ("sliding", r"S_{ij} = -\infty \quad \text{unless } i - $window < j \le i"),
            ("custom", r"S_{ij} = -\infty \quad \text{where blocked}_{ij}"),
            ("none", r"S_{ij} = -\infty \quad \text{where key } j \text{ is padding}"),
            ("causal.padding", r"S_{ij} = -\infty \quad \text{where } j > i \text{ or key } j \text{ is padding}"),
            (
                "sliding.padding",
                r"S_{ij} = -\infty \quad \text{unless } i - $window < j \le i"
                r" \text{, or where key } j \text{ is padding}",
            ),
            (
                "custom.padding",
                r"S_{ij} = -\infty \quad \text{where blocked}_{ij} \text{ or key } j \text{ is padding}",
            ),
        ),
        when="masks",
    ),
    StageSpec(
        "softmax",
        True,
        (_m("A", "tokens", "keys"),),
        True,
        r"A_{ij} = \frac{e^{S_{ij}}}{\sum_{k} e^{S_{ik}}}",
        askable=True,
    ),
    StageSpec("head_output", True, (_m("Z", "tokens", "dims", "d_v"),), True, r"Z_{$h} = A V_{$h}", askable=True),
    StageSpec("concat", False, (_m("Z", "tokens", "dims", "d_v·H"),), True, r"Z = \left[ $parts \right]", askable=True),
    StageSpec("output", False, (_m("O", "tokens", "dims", "d_out"),), True, r"O = Z W_O$bo", askable=True, when="w_o"),
    # Attention at inference (core/inference.py): FlashAttention's online softmax, then KV-cache decoding.
    StageSpec(
        "online_softmax",
        True,
        (
            _m("m", "tokens", "dims", "blocks"),
            _m("l", "tokens", "dims", "blocks"),
            _m("r", "tokens", "dims", "blocks"),
            _m("O", "tokens", "dims", "blocks·d_v"),
            _m("Z", "tokens", "dims", "d_v"),
        ),
        False,
        r"m_b = \max(m_{b-1}, \max_{j \in b} s_j),\quad r_b = e^{m_{b-1} - m_b},\quad "
        r"\ell_b = r_b \ell_{b-1} + \sum_{j \in b} e^{s_j - m_b},\quad "
        r"o_b = r_b o_{b-1} + \sum_{j \in b} e^{s_j - m_b} v_j,\quad Z = o_{$nb} / \ell_{$nb}",
        askable=True,
        when="block",
    ),
    StageSpec(
        "decode_qkv",
        True,
        (_m("q", "steps", "dims", "d_k"), _m("k", "steps", "dims", "d_k"), _m("v", "steps", "dims", "d_v")),
        False,
        r"q_t = x_t W_Q^{($h)},\quad k_t = x_t W_K^{($g)},\quad v_t = x_t W_V^{($g)}",
        askable=True,
        when="decode",
    ),
    StageSpec(
        "kv_cache",
        True,
        (_m("K", "keys", "dims", "d_k"), _m("V", "keys", "dims", "d_v")),
        False,
        r"K^{($g)} \leftarrow \begin{bmatrix} K^{($g)} \\ k_t \end{bmatrix},\quad "
        r"V^{($g)} \leftarrow \begin{bmatrix} V^{($g)} \\ v_t \end{bmatrix}",
        when="decode",
    ),
    StageSpec(
        "decode_scores",
        True,
        (_m("S", "steps", "keys"),),
        False,
        r"s_{tj} = q_t \cdot k_j / \sqrt{$dk},\quad j \le t",
        askable=True,
        when="decode",
    ),
    StageSpec(
        "decode_softmax",
        True,
        (_m("A", "steps", "keys"),),
        False,
        r"a_{tj} = \frac{e^{s_{tj}}}{\sum_{k \le t} e^{s_{tk}}}",
        askable=True,
        when="decode",
    ),
    StageSpec(
        "decode_output",
        True,
        (_m("Z", "steps", "dims", "d_v"),),
        False,
        r"z_t = \sum_{j \le t} a_{tj} v_j",
        askable=True,
        when="decode",
    ),
)

BY_ID: dict[str, StageSpec] = {s.id: s for s in STAGES}
#: The stages of decoding with a KV cache (``[decode] steps``), in trace order.
DECODE_STAGES: tuple[str, ...] = ("decode_qkv", "kv_cache", "decode_scores", "decode_softmax", "decode_output")
#: Stage ids in trace order (a contract).
STAGE_IDS: tuple[str, ...] = tuple(s.id for s in STAGES)
PER_HEAD_STAGES: frozenset[str] = frozenset(s.id for s in STAGES if s.per_head)
#: Stages the quiz asks about, in the order a person meets them.
ASKABLE_STAGES: tuple[str, ...] = tuple(s.id for s in STAGES if s.askable)
#: Stages whose result may be rounded by hand before the next stage uses it.
ROUNDABLE_STAGES: tuple[str, ...] = tuple(s.id for s in STAGES if s.roundable)

MASKS: tuple[str, ...] = ("none", "causal", "sliding", "custom")
POSITIONS: tuple[str, ...] = ("none", "sinusoidal", "learned")
BIASES: tuple[str, ...] = ("none", "alibi", "given")
ROPE_STYLES: tuple[str, ...] = ("half", "interleaved")
SCALES: tuple[str, ...] = ("sqrt_dk", "none", "sqrt_seq_len")


def spec(stage_id: str) -> StageSpec:
    """The spec of a stage id.

    Raises:
        KeyError: not a stage id.
    """
    return BY_ID[stage_id]


def axes(stage_id: str, matrix: str) -> tuple[Axis, Axis]:
    """(row axis, column axis) of one matrix of one stage."""
    m = BY_ID[stage_id].matrix(matrix)
    return m.rows, m.cols


def column_range(first: int, last: int) -> str:
    """``3–4``, or ``3`` when the range is one column."""
    return f"{first}–{last}" if last > first else f"{first}"


def subscript(n: int) -> str:
    """``12`` → ``₁₂``: head numbers as subscripts (Q₁, Z₂)."""
    return str(n).translate(_SUB)


_SUB = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
