"""The fields the notes of the inference stages quote: decoding steps' cache figures and the engine's checks.

Every number is read from the trace (``StageFacts.decode``, ``Trace.checks_for``); this module only
formats them, in the language asked.
"""

from __future__ import annotations

from mhsa_tutor.core.stages import DECODE_STAGES, subscript
from mhsa_tutor.core.trace import Stage, Trace, Verdict
from mhsa_tutor.strings import ui

#: The stages whose notes use ``inference_fields``.
INFERENCE_STAGES = frozenset({"online_softmax", *DECODE_STAGES})


def _diff(x: float) -> str:
    """A small difference as ``1.1e-16`` (0 as ``0``)."""
    return "0" if x == 0 else f"{x:.1e}"


def check_line(trace: Trace, v: Verdict, lang: str) -> str:
    """One engine check as a sentence with ✓ or ✗ (``check_full`` / ``check_ordinary``)."""
    u = ui(lang)
    mark = "✓" if v.ok else "✗"
    cp = v.checkpoint
    if v.against == "full":
        s = cp.row or 0
        pos = trace.info.prefill + s
        tok = trace.info.tokens[pos]
        return u["check_full"].format(
            mark=mark, step=s + 1, tok=tok, pos=pos + 1, diff=_diff(v.diff), tol=f"{v.tolerance:g}"
        )
    return u["check_ordinary"].format(
        mark=mark, sub=subscript(cp.head or 1), diff=_diff(v.diff), tol=f"{v.tolerance:g}"
    )


def inference_fields(trace: Trace, stage: Stage, lang: str) -> dict[str, object]:
    """Fields of the online-softmax and decoding notes, for this stage and language."""
    info = trace.info
    u = ui(lang)
    decoded = info.tokens[info.prefill :]
    B = info.block or 0
    f: dict[str, object] = {
        "check": u["check_join"].join(check_line(trace, v, lang) for v in trace.checks_for(stage)),
        "steps_tokens": ", ".join(f"'{t}'" for t in decoded),
        "positions": ", ".join(f"'{t}' t = {info.prefill + i}" for i, t in enumerate(decoded)),
        "state": 2 + info.d_v,
        "b_cols": ", ".join(
            f"{b + 1}: {b * info.d_v + 1}–{(b + 1) * info.d_v}" if info.d_v > 1 else f"{b + 1}: {b + 1}"
            for b in range(min(info.n_blocks, 4))
        )
        + (", …" if info.n_blocks > 4 else ""),
        "B": B,
        "Bk": min(B, len(info.key_tokens)),  # the scores one block holds (a block longer than the keys is one)
    }
    extra = []
    if info.slopes:
        extra.append(u["decode_extra_alibi"])
    if info.window is not None:
        extra.append(u["decode_extra_window"].format(window=info.window))
    if info.padding is not None:
        extra.append(u["decode_extra_padding"])
    f["extra"] = "".join(extra)
    steps = []
    for st in stage.facts.decode:
        key = "decode_step" if st.saved_macs or not info.given_qkv else "decode_step_given"
        steps.append(
            u[key].format(
                step=st.step,
                tok=info.tokens[st.position],
                pos=st.position + 1,
                before=st.position,
                after=st.position + 1,
                G=info.groups,
                dk=info.d_k,
                dv=info.d_v,
                numbers=f"{st.numbers:,}",
                bytes=f"{st.bytes:,}",
                per_token=f"{st.bytes_per_token:,}",
                rows=st.saved_rows,
                macs=f"{st.saved_macs:,}",
            )
        )
    f["steps"] = u["check_join"].join(steps)
    return f
