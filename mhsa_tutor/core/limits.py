"""The one resource budget of a run: every size a user can ask for, checked before any work.

Contract:

* each limit is a constant here, listed in ``LIMITS`` (the README's "Limits"
  table is this table);
* each ``check_*`` function is pure arithmetic on sizes (no arrays are made)
  and raises ``LimitError`` naming the limit and the estimated cost;
* the engine, the generator, the quiz, the line reader and the CLI call these
  functions; nothing else decides how big is too big.

Nothing here imports NumPy, prints or exits.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mhsa_tutor.core.errors import LimitError

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping, Sequence

    from mhsa_tutor.core.scenario import Scenario
    from mhsa_tutor.core.trace import Stage

MAX_SCENARIO_BYTES = 1_000_000  # a scenario file is kilobytes
MAX_TOKENS = 4096  # tokens (and memory tokens) of one scenario
MAX_HEADS = 128  # heads of one scenario (GPT-3 has 96)
MAX_CELLS = 140_000_000  # float64 numbers a run may hold at once (~1.1 GB): GPT-2 small (12 heads × 1024²) fits
# with any mask and ALiBi (a causal run peaks near 780 MB, with ALiBi near 980 MB; room for an estimate 10 % high)
MAX_FULL_CELLS = 250_000  # numbers that --full may lay out as tables
MAX_COUNT = 1000  # quiz questions
MAX_LINE = 4096  # characters in one line of input (quiz answers, --step keys)
MAX_COLUMNS = 400  # the widest layout: a wider terminal or COLUMNS is capped to it, not obeyed
MAX_WINDOW = MAX_TOKENS  # a sliding window: a longer one sees the same keys as one this long
MAX_SEED = 2**64 - 1  # --seed: one 64-bit word, as numpy's generators take it
#: Bytes of token text one command may write (token names in labels, explanations, tooltips), estimated
#: from the scenario before any work. The page holds about 8 bytes of memory per byte of this text while
#: it is built, so the limit keeps the export's memory within that of ``MAX_CELLS``.
MAX_TEXT_BYTES = 64_000_000

BYTES_PER_CELL = 8  # float64

#: (what, limit, unit) for the README table and for tests.
LIMITS: tuple[tuple[str, int, str], ...] = (
    ("scenario file size", MAX_SCENARIO_BYTES, "bytes"),
    ("tokens (files and `random`)", MAX_TOKENS, "tokens"),
    ("heads (files and `random`)", MAX_HEADS, "heads"),
    ("numbers held by one run (estimated before the run)", MAX_CELLS, "float64 numbers"),
    ("numbers laid out by `--full`", MAX_FULL_CELLS, "numbers"),
    ("`quiz --count`", MAX_COUNT, "questions"),
    ("one line of input (`quiz`, `--step`)", MAX_LINE, "characters"),
    ("layout width (a wider terminal or `COLUMNS` is capped to it)", MAX_COLUMNS, "characters"),
    ("sliding `window` (files, `--window`)", MAX_WINDOW, "tokens"),
    ("`--seed`", MAX_SEED, ""),
    ("token names one command writes (estimated before the run)", MAX_TEXT_BYTES, "bytes"),
)


def _mb(cells: int) -> str:
    return f"{cells * BYTES_PER_CELL / 1e6:,.0f} MB"


def check_count(what: str, value: int, limit: int, unit: str) -> None:
    """Raise unless ``value`` ≤ ``limit``: ``"<what> is <value> <unit>; the limit is <limit>"``."""
    if value > limit:
        raise LimitError(f"{what} is {value:,} {unit}; the limit is {limit:,} {unit}")


def run_cells(
    *,
    tokens: int,
    keys: int,
    d_model: int,
    d_src: int,
    width_qk: int,
    width_v: int,
    d_out: int,
    heads: int,
    score_stages: int,
    rounded_stages: int = 0,
) -> int:
    """Estimated float64 numbers a run holds at its peak (inputs, weights, every stage, temporaries).

    Args:
        tokens, keys: T (queries) and Tk (keys and values).
        d_model, d_src: widths of X and of the key/value source.
        width_qk, width_v: heads·d_k and heads·d_v.
        d_out: columns of W_O (0 without it).
        heads: H.
        score_stages: (H, T, Tk) stages kept: scores, and scaled, masked, softmax as present.
        rounded_stages: stages rounded by hand (each keeps an exact copy and makes temporaries).
    """
    attention = heads * tokens * keys  # one (H, T, Tk) array
    inputs = tokens * d_model + keys * d_src
    weights = d_model * width_qk + d_src * (width_qk + width_v) + width_v * d_out
    per_token = tokens * width_qk + keys * (width_qk + width_v) + 3 * tokens * width_v + tokens * d_out
    # one (H, T, Tk) temporary (the softmax's shifted copy); hand rounding: an exact copy and ~3 temporaries
    score_arrays = score_stages + 1 + (4 if rounded_stages else 0)
    return inputs + weights + per_token * (2 if rounded_stages else 1) + attention * score_arrays


def run_cells_of(scn: Scenario, exact: bool = False) -> int:
    """Estimated float64 numbers a run of ``scn`` holds at its peak, from the stage table (within 10 %).

    The scenario's own arrays (inputs, weights, learned positions) and every matrix the engine makes for
    every stage the scenario has (``scenario.stage_matrices`` and ``matrix_shape``; a per-head stage
    holds one such matrix per head; the split's matrices are views of the projections, but for K and V
    shared by query heads), what the engine keeps beside them (``_KEPT``: a softmax's e^(s − max)
    terms, a row of weights without the scaling, the angles of positions and rotations, the mask rules),
    the exact copy of each stage rounded by hand, and the temporaries alive at the peak
    (``_peak_temporaries``, or hand rounding's). ``tests/test_limits_memory.py`` measures the real peak
    (tracemalloc) of every variant combination against it: a change to what the engine keeps changes it.
    """
    from mhsa_tutor.core.scenario import matrix_shape, stage_matrices
    from mhsa_tutor.core.stages import BY_ID

    present = stage_matrices(scn)
    rounded = () if exact else tuple(s for s in scn.rounding if s in present)

    def size(sid: str, name: str) -> int:
        rows, cols = matrix_shape(scn, sid, name)
        return rows * cols * (scn.heads if BY_ID[sid].per_head else 1)

    given = made = 0
    for sid, names in present.items():
        for name in names:
            learned = (sid, name) == ("positions", "P") and scn.variants.P is not None
            if BY_ID[sid].matrix(name).width == "given" or learned:
                given += size(sid, name)  # the scenario's own arrays, held before and through the run
            elif sid != "split" or (name != "Q" and scn.kv_heads != scn.heads):
                # the split's Q (and its K and V unless key/value heads are shared) are views of the projections
                made += size(sid, name) * (2 if sid in rounded else 1)  # rounded by hand: and its exact copy
        made += _KEPT.get(sid, _none)(scn)
    largest_rounded = max((size(sid, m) for sid in rounded for m in present[sid]), default=0)
    # the identity check of the weights makes a d × d identity once, before anything else is made
    identity = scn.d_model * scn.d_model if scn.W_Q is not None and scn.W_Q.shape[0] == scn.W_Q.shape[1] else 0
    # hand rounding makes about 3.5 arrays of the stage's size while it rounds
    rounding = 7 * largest_rounded // 2
    temporaries = max(_peak_temporaries(scn, present), _inference_temporaries(scn), rounding)  # not at once
    return max(given + identity, given + made + temporaries)


def _none(scn: Scenario) -> int:
    return 0


def _attention(scn: Scenario) -> int:
    """One (H, T, Tk) array: a head's scores or weights for every head."""
    return scn.heads * len(scn.tokens) * len(scn.key_tokens)


#: What the engine keeps beside a stage's matrices (its ``aux`` arrays), in float64 numbers.
_KEPT: dict[str, Callable[[Scenario], int]] = {
    # the sinusoids' angles (T × d_model); learned positions keep none
    "positions": lambda scn: len(scn.tokens) * scn.d_model if scn.variants.positions == "sinusoidal" else 0,
    # each position's angle, cos and sin (n × d_k/2) for the queries and the keys
    "rotary": lambda scn: 3 * (len(scn.tokens) + len(scn.key_tokens)) * scn.d_k // 2,
    "scaled": lambda scn: scn.heads * len(scn.key_tokens),  # one row of weights without the scaling (its note)
    "masked": lambda scn: 2 * len(scn.tokens) * len(scn.key_tokens),  # which rule blocked each cell
    "softmax": lambda scn: _attention(scn) + 2 * scn.heads * len(scn.tokens),  # e^(s − max), each row's max and sum
}


def _online_kept(scn: Scenario) -> int:
    """The online softmax: e^(s_j − m_b) for every score and each block's own max (``aux``), beside the
    stage's m, ℓ, r, o and Z."""
    T, Tk = len(scn.tokens), len(scn.key_tokens)
    blocks = -(-Tk // (scn.variants.block or 1))
    return scn.heads * (T * Tk + T * blocks)


def _decode_kept(scn: Scenario) -> int:
    """Decoding: per head the step's q·k row, its terms e^(s − max) (and the bias added) over the cache, the
    raw and turned q, k, v of each step; the cache of each key/value head (its keys before RoPE too),
    and the cache's masks."""
    T, N, H, G = len(scn.tokens), scn.variants.decode_steps or 0, scn.heads, scn.kv_heads
    dk, dv = scn.d_k, scn.d_v
    rows = (2 + (scn.variants.bias != "none")) * H * N * T + 2 * H * N  # q·k, e^(s − max), bias; max and sum
    steps = (2 * H + 3 * G) * N * dk + G * N * dv + N * dk // 2  # q and k raw and turned, v, the angles
    return rows + steps + G * T * (2 * dk + dv) + 5 * N * T  # the cache (K, K raw, V), in_cache and masks


_KEPT["online_softmax"] = _online_kept
_KEPT["decode_scores"] = _decode_kept


def _inference_temporaries(scn: Scenario) -> int:
    """Alive while the inference stages are made: the online softmax's per-block lists before they are
    stacked (m, ℓ, r, each block's max, and o), the decoding step's cache copied as it grows."""
    T, Tk, H = len(scn.tokens), len(scn.key_tokens), scn.heads
    out = 0
    if scn.variants.block is not None:
        blocks = -(-Tk // scn.variants.block)
        out = max(out, H * T * blocks * (4 + scn.d_v))
    if scn.variants.decode_steps is not None:
        out = max(out, scn.kv_heads * T * (2 * scn.d_k + scn.d_v))
    return out


def _peak_temporaries(scn: Scenario, present: Mapping[str, tuple[str, ...]]) -> int:
    """The arrays alive only around the peak: where the softmax skips the terms that underflow (masked or
    biased scores), it marks them in two boolean (H, T, Tk) arrays (an eighth of a float64 each)."""
    return _attention(scn) // 4 if "bias" in present or "masked" in present else 0


def check_cells(cells: int, who: str = "") -> None:
    """Raise if a run would hold more than ``MAX_CELLS`` numbers (``run_cells``); ``who`` starts the message."""
    if cells > MAX_CELLS:
        raise LimitError(
            f"{who + ': ' if who else ''}needs about {cells:,} numbers ({_mb(cells)}) in memory; "
            f"the limit is {MAX_CELLS:,} numbers ({_mb(MAX_CELLS)}); use smaller sizes"
        )


def full_cells(stages: Iterable[Stage]) -> int:
    """Numbers in these stages' matrices: what ``--full`` lays out."""
    return sum(int(m.values.size) for s in stages for m in s.matrices.values())


def check_full(cells: int) -> None:
    """Raise if showing every number whole (``--full``) means laying out more than ``MAX_FULL_CELLS``."""
    if cells > MAX_FULL_CELLS:
        raise LimitError(
            f"--full would lay out {cells:,} numbers as tables; the limit is {MAX_FULL_CELLS:,}; "
            "leave out --full (corners are shown), pick a --stage or --head, or export JSON for every number"
        )


def check_columns(value: str | None, lines: str | None = None) -> None:
    """Raise if ``COLUMNS`` or ``LINES`` is a number Rich would fail to read (Rich takes any
    ``str.isdigit`` text, such as "²"). A huge but readable ``COLUMNS`` is not refused: the
    console caps its width at ``MAX_COLUMNS``."""
    for name, text in (("COLUMNS", value), ("LINES", lines)):
        if text is None or not text.strip().isdigit():
            continue  # unset, or not digits: Rich ignores it
        shown = text.strip()[:20]
        try:
            int(text.strip()[:18])
        except ValueError:
            raise LimitError(f"{name}={shown} is not a number of characters; expected digits 0-9") from None


# ---------------------------------------------------------------------------- text: what a command writes


#: Per output: how many times a shown token's name is written, per (heads + 1) × (shown tokens of the
#: other axis + 4). Measured on scenarios of 2 … 16 tokens and 1 … 4 heads (tests/test_hostile_round3.py
#: checks that the estimate stays above what is written) and rounded up about twice: the terminal view's
#: SVG repeats a name in every cell's markup, the page in every cell's arithmetic (in two languages).
LABEL_REPEATS: dict[str, float] = {"run": 1.0, "md": 1.5, "html": 8.0, "svg": 12.0, "heatmap": 1.5}
#: Outputs that write every token name a fixed number of times, not per shown cell: the JSON trace
#: (tokens and key tokens once, escaped), one ``explain`` (a row of keys at most twice), one quiz question.
WHOLE_REPEATS: dict[str, float] = {"json": 2.0, "explain": 2.0, "quiz": 2.0}
ELIDED_SHOWN = 8  # tokens a long axis shows (4 at each end, ``views.view.shown_indices``)
ELIDE_OVER = 12  # an axis longer than this is elided (``views.view.ELIDE_AT``)
HEATMAP_TOKENS = 128  # the heatmap draws every token up to this many per axis


def text_bytes(token: str) -> int:
    """What one token name costs each time it is written: 1 byte a plain ASCII character, 6 for any
    other (UTF-8, and the escapes of HTML, JSON and ``\\u3164``-style text are up to 6 bytes)."""
    plain = sum(1 for ch in token if " " <= ch <= "~" and ch not in "&<>\"'\\")
    return plain + 6 * (len(token) - plain)


def _shown(tokens: Sequence[str], output: str, full: bool) -> tuple[int, int]:
    """(how many tokens of this axis an output shows, the bytes of their names)."""
    if output == "heatmap":
        kept = list(tokens[:HEATMAP_TOKENS])
    elif full or len(tokens) <= ELIDE_OVER:
        kept = list(tokens)
    else:
        half = ELIDED_SHOWN // 2
        kept = [*tokens[:half], *tokens[-half:]]
    return len(kept), sum(text_bytes(t) for t in kept)


def text_cost(
    tokens: Sequence[str], key_tokens: Sequence[str], *, heads: int, output: str, full: bool = False, count: int = 1
) -> int:
    """Estimated bytes of token text ``output`` writes (an upper bound; see ``LABEL_REPEATS``).

    Separate from the memory estimate (``run_cells``): this counts the text a run writes, which the
    numbers' budget never sees, so a small file of long tokens cannot cost gigabytes.

    Args:
        tokens, key_tokens: the names of the queries and of the keys (the same for self-attention).
        heads: H.
        output: ``run``, ``md``, ``html``, ``svg``, ``heatmap``, ``json``, ``explain`` or ``quiz``.
        full: ``--full`` (no axis is elided).
        count: the quiz's questions (each lists a row of keys).
    """
    if output in WHOLE_REPEATS:
        every = sum(text_bytes(t) for t in tokens) + sum(text_bytes(t) for t in key_tokens)
        return int(WHOLE_REPEATS[output] * every * (count if output == "quiz" else 1))
    n_q, bytes_q = _shown(tokens, output, full)
    n_k, bytes_k = _shown(key_tokens, output, full)
    return int(LABEL_REPEATS[output] * (heads + 1) * ((n_k + 4) * bytes_q + (n_q + 4) * bytes_k))


def check_text(cost: int, output: str, who: str = "") -> None:
    """Raise if ``output`` would write more than ``MAX_TEXT_BYTES`` of token text (``text_cost``)."""
    if cost > MAX_TEXT_BYTES:
        what = {"run": "the terminal view", "explain": "the explanation", "quiz": "the quiz"}.get(
            output, f"the {output} export"
        )
        raise LimitError(
            f"{who + ': ' if who else ''}{what} would write about {cost:,} bytes of token names (each name is "
            f"repeated in labels, explanations and tooltips); the limit is {MAX_TEXT_BYTES:,} bytes; "
            "use shorter tokens"
        )
