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
    from collections.abc import Iterable

    from mhsa_tutor.core.scenario import Scenario
    from mhsa_tutor.core.trace import Stage

MAX_SCENARIO_BYTES = 1_000_000  # a scenario file is kilobytes
MAX_TOKENS = 4096  # tokens (and memory tokens) of one scenario
MAX_HEADS = 128  # heads of one scenario (GPT-3 has 96)
MAX_CELLS = 80_000_000  # float64 numbers a run may hold at once (~640 MB; GPT-2 small's 12 × 1024² fits)
MAX_FULL_CELLS = 250_000  # numbers that --full may lay out as tables
MAX_COUNT = 1000  # quiz questions
MAX_LINE = 4096  # characters in one line of input (quiz answers, --step keys)
MAX_COLUMNS = 400  # the widest layout: a wider terminal or COLUMNS is capped to it, not obeyed
MAX_WINDOW = MAX_TOKENS  # a sliding window: a longer one sees the same keys as one this long
MAX_SEED = 2**64 - 1  # --seed: one 64-bit word, as numpy's generators take it

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
    """``run_cells`` for a validated scenario (its shapes, stages and hand rounding)."""
    T, Tk = len(scn.tokens), len(scn.key_tokens)
    d_model = scn.X.shape[1] if scn.X is not None else 0
    d_src = scn.memory.shape[1] if scn.memory is not None else d_model
    width_qk, width_v = scn.heads * scn.d_k, scn.heads * scn.d_v
    return run_cells(
        tokens=T,
        keys=Tk,
        d_model=d_model,
        d_src=d_src,
        width_qk=width_qk,
        width_v=width_v,
        d_out=scn.W_O.shape[1] if scn.W_O is not None else 0,
        heads=scn.heads,
        score_stages=3 + (scn.scale != "none") + (scn.mask == "causal"),  # S, the softmax terms, A
        rounded_stages=0 if exact else len(scn.rounding),
    )


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
