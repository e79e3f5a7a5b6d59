"""One resolver per fact the rules use: a head's columns, a query head's key/value head, a concatenated
column's head, the RoPE partner of a feature, the sinusoid of a feature of P.

Pure integer arithmetic with no imports, so the records and words that quote these facts
(``core.trace``, ``core.stagetext``) import them without the rules.
"""

from __future__ import annotations


def head_columns(head: int, width: int) -> tuple[int, int]:
    """First and last 1-based column of the whole matrix that head ``head`` (1-based) takes.

    Head h takes columns (h−1)·width + 1 … h·width, PyTorch's contiguous slice.
    """
    return (head - 1) * width + 1, head * width


def kv_head(head: int, heads: int, kv_heads: int) -> int:
    """The 1-based key/value head query head ``head`` (1-based) uses: ⌊(h − 1)·G/H⌋ + 1 (GQA; G = H is MHA)."""
    return (head - 1) * kv_heads // heads + 1


def concat_source(col: int, d_v: int) -> tuple[int, int]:
    """Concatenated column ``col`` (0-based) -> (its head, 1-based; its column in that head, 0-based)."""
    return col // d_v + 1, col % d_v


def rope_partner(j: int, d: int, style: str | None) -> tuple[int, int, bool]:
    """Feature ``j`` (0-based) of the ``d`` rotated features -> (pair index, partner feature, j is the pair's first).

    ``"half"`` pairs j with j + d/2 (``rotate_half``); ``"interleaved"`` pairs 2j with 2j + 1. With
    partial rotary only the first ``d`` features of a head turn: a feature beyond them has no partner
    (see ``rotated``).

    Raises:
        KeyError: ``style`` is not a RoPE style.
    """
    if style == "interleaved":
        first = j % 2 == 0
        return j // 2, j + 1 if first else j - 1, first
    if style == "half":
        half = d // 2
        first = j < half
        return j % half, j + half if first else j - half, first
    raise KeyError(("rope style", style))


def sinusoid_index(k: int) -> tuple[str, int]:
    """Feature ``k`` (0-based) of a sinusoidal P -> (``"sin"`` or ``"cos"``, 2i): sin for even k, cos for odd."""
    return ("sin" if k % 2 == 0 else "cos"), k - k % 2
