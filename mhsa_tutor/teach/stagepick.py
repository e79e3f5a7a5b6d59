"""Which stages ``run --stage`` means: ids, the numbers the headers show, and ranges of them.

``pick(trace, specs, head)`` turns each ``--stage`` value into positions in
``trace.stages``: a stage id (``softmax``: every head's), a number as the
progress line shows it (``8`` for ``stage 8/16``) or a range (``5-7``), then
keeps only head ``head``'s per-head stages when a head is given (as
``render.select`` does). ``head_number`` reads ``--head`` for this trace. No maths; reads only the trace's stage list.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from mhsa_tutor.core.errors import OptionError, did_you_mean
from mhsa_tutor.core.trace import Trace

_RANGE = re.compile(r"(\d{1,9})\s*[-–]\s*(\d{1,9})")


def _positions(trace: Trace, spec: str) -> list[int]:
    """The 0-based positions one ``--stage`` value names.

    Raises:
        OptionError: not an id of this trace, a number out of range or an empty range.
    """
    total = len(trace.stages)
    ids = list(dict.fromkeys(s.id for s in trace.stages))
    expected = f"expected a stage id ({', '.join(ids)}), a number from 1 to {total} or a range such as 5-7"
    text = spec.strip()
    m = _RANGE.fullmatch(text)
    if text.isascii() and text.isdigit() and len(text) <= 9:
        first = last = int(text)
    elif m:
        first, last = int(m.group(1)), int(m.group(2))
    elif text in ids:
        return [i for i, s in enumerate(trace.stages) if s.id == text]
    else:
        hint = did_you_mean(text, ids)
        raise OptionError(f"{spec!r} is not a stage of {trace.info.name}; {hint}{expected}", "stage")
    if first > last:
        raise OptionError(f"{spec!r} runs backwards; expected the lower number first, e.g. {last}-{first}", "stage")
    if not 1 <= first <= last <= total:
        raise OptionError(f"{spec!r} is out of range; {trace.info.name} has stages 1 to {total}", "stage")
    return list(range(first - 1, last))


def head_number(text: str | None, trace: Trace) -> int | None:
    """The head ``--head`` names (None when not given).

    Raises:
        OptionError: not a whole number from 1 to the scenario's heads.
    """
    if text is None:
        return None
    heads = trace.info.heads
    expected = f"expected a whole number from 1 to {heads}" if heads > 1 else "expected 1, the only head"
    t = text.strip()
    if not (t.isascii() and t.isdigit() and len(t) <= 9):
        raise OptionError(f"{expected}, got {text!r}", "head")
    if not 1 <= int(t) <= heads:
        raise OptionError(f"{int(t)} is out of range; {trace.info.name} has heads 1 to {heads}", "head")
    return int(t)


def pick(trace: Trace, specs: Sequence[str] = (), head: int | None = None) -> list[int]:
    """Positions of the stages to show, in trace order.

    Args:
        specs: ``--stage`` values (none: every stage).
        head: keep only this head's per-head stages (shared stages stay).

    Raises:
        OptionError: a value that names no stage, or a head out of range.
    """
    if head is not None and not 1 <= head <= trace.info.heads:
        raise OptionError(f"{head} is out of range; {trace.info.name} has heads 1 to {trace.info.heads}", "head")
    chosen = set(range(len(trace.stages))) if not specs else {i for s in specs for i in _positions(trace, s)}
    out = []
    for i in sorted(chosen):
        s = trace.stages[i]
        if head is not None and s.head is not None and s.head != head:
            continue
        out.append(i)
    return out


def stage_by_number(trace: Trace, spec: str, head: int | None) -> tuple[str, int | None]:
    """``explain --stage``: a stage id stays as given; a number (``8`` for ``stage 8/16``) becomes its id and head.

    Returns:
        ``(stage id, head)``: for a number, the head of that stage (a per-head
        stage's number names one head), else ``head`` unchanged.

    Raises:
        OptionError: a number out of range, or one whose head contradicts ``--head``.
    """
    text = spec.strip()
    if not (text.isascii() and text.isdigit() and len(text) <= 9):
        return spec, head
    total = len(trace.stages)
    if not 1 <= int(text) <= total:
        raise OptionError(f"{spec!r} is out of range; {trace.info.name} has stages 1 to {total}", "stage")
    stage = trace.stages[int(text) - 1]
    if head is not None and stage.head is not None and head != stage.head:
        raise OptionError(
            f"{text} is head {stage.head}'s {stage.id}, not head {head}'s; "
            f"expected --stage {stage.id} --head {head}, or no --head",
            "stage",
        )
    return stage.id, stage.head if stage.head is not None else head
