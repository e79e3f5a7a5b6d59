"""The file ``mhsa-tutor new`` writes: a scenario as commented TOML text that ``load_scenario`` reads back
to the same numbers. Text only: ``safe_write`` writes the file.

``check_readable`` holds the one rule that ties ``new`` to ``run``: the text is read back
with the very checks ``run`` makes (the scenario file size limit, then ``parse_scenario``)
before it is written, so ``new`` never writes a file that ``run`` refuses.
"""

from __future__ import annotations

import json
import shlex
from collections.abc import Mapping, Sequence

import numpy as np
import numpy.typing as npt

from mhsa_tutor.core.errors import ScenarioError
from mhsa_tutor.core.limits import MAX_SCENARIO_BYTES
from mhsa_tutor.core.scenario import FromX, Scenario
from mhsa_tutor.core.text import escape_toml
from mhsa_tutor.io.generate import NEW_DECIMALS
from mhsa_tutor.io.validate import parse_scenario
from mhsa_tutor.strings import ui

Array = npt.NDArray[np.float64]


def check_readable(text: str, origin: str, name: str, values: str = "small-int") -> None:
    """Raise the ``ScenarioError`` that ``run`` would raise on a file holding ``text``, if any.

    Args:
        text: the file's text, as ``safe_write`` will write it (UTF-8).
        origin: the file name, for messages.
        name: the scenario's name (the file's stem).
        values: how the numbers were drawn (``normal`` ones take more bytes), for the advice.
    """
    raw = text.encode("utf-8", "backslashreplace")
    if len(raw) > MAX_SCENARIO_BYTES:
        raise ScenarioError(
            origin,
            f"would be {len(raw):,} bytes; the limit for a scenario file (what `run` reads) is "
            f"{MAX_SCENARIO_BYTES:,} bytes; use a smaller --d-model"
            + (" or --values small-int" if values == "normal" else ""),
        )
    parse_scenario(raw, origin=origin, name=name)


def toml_string(text: str) -> str:
    """A TOML basic string: quoted, with quotes, backslashes and control characters escaped."""
    body = json.dumps(text, ensure_ascii=False)[1:-1]  # JSON escapes are valid TOML escapes
    return '"' + escape_toml(body) + '"'  # DEL, C1, bidi and format characters too


def _comment(text: str) -> str:
    """File text made safe for a ``#`` comment (no raw control characters)."""
    return toml_string(text)[1:-1]


def _number(x: float, values: str) -> str:
    if values == "small-int":
        return str(int(x))
    return f"{x:.{NEW_DECIMALS}f}"


def _matrix_lines(key: str, a: Array, values: str, row_notes: Sequence[str] | None = None) -> list[str]:
    """``KEY = [`` one aligned row per line ``]``, each row optionally commented."""
    cells = [[_number(float(x), values) for x in row] for row in a]
    width = max(len(c) for row in cells for c in row)
    lines = [f"{key} = ["]
    for i, row in enumerate(cells):
        line = "  [" + ", ".join(c.rjust(width) for c in row) + "],"
        if row_notes is not None:
            line += f"  # {_comment(row_notes[i])}"
        lines.append(line)
    lines.append("]")
    return lines


def scenario_toml(scn: Scenario, *, values: str, seed: int, path: str, lang: str = "en") -> str:
    """The commented TOML text of a generated scenario (one with X and W_Q, W_K, W_V, W_O).

    Args:
        scn: the scenario, e.g. from ``build_new``.
        values: how its numbers were drawn, for the comments.
        seed: the seed used, for the comments.
        path: the file name shown in the "run it" comment.
        lang: language of the comments (``en`` or ``ko``).

    Returns:
        TOML text that ``parse_scenario`` reads back to the same numbers.
    """
    inp = scn.inputs
    if not isinstance(inp, FromX):
        raise TypeError("scenario_toml writes scenarios with X and weights")
    t = ui(lang)
    T, d, h, dk = len(scn.tokens), scn.d_model, scn.heads, scn.d_k
    facts = {"T": T, "d": d, "h": h, "dk": dk, "hk": h * dk, "seed": seed, "path": _comment(shlex.quote(path))}
    facts |= {"G": scn.kv_heads, "gk": scn.kv_heads * dk}
    from mhsa_tutor.io.generate import one_hot_rows

    hard = one_hot_rows(scn)
    soft = t["new_one_hot"].format(n=hard) if hard else t["new_soft"]
    head = [t["new_header"], t["new_values_" + values.replace("-", "_")] + " " + soft, t["new_sizes"]]
    lines = [f"# {line}".rstrip() for text in head for line in text.format(**facts).splitlines()]
    lines.append("")

    def field(key: str, value: str, note: str) -> None:
        lines.append(f"# {t[note].format(**facts)}")
        lines.append(f"{key} = {value}")

    field("title", toml_string(scn.title), "new_title")
    field("description", toml_string(scn.description), "new_description")
    field("source", toml_string(scn.source), "new_source")
    field("tokens", "[" + ", ".join(toml_string(x) for x in scn.tokens) + "]", "new_tokens")
    field("heads", str(h), "new_heads")
    field("mask", toml_string(scn.mask), "new_mask")
    field("scale", toml_string(scn.scale), "new_scale")
    lines += _variant_lines(scn, t, facts)
    lines += ["", "[input]", f"# {t['new_X'].format(**facts)}"]
    lines += _matrix_lines("X", inp.X, values, scn.tokens)
    if scn.variants.P is not None:
        lines += [f"# {t['new_P'].format(**facts)}", *_matrix_lines("P", scn.variants.P, values, scn.tokens)]
    lines += ["", "[weights]"]
    kv = "_gqa" if scn.variants.kv_heads is not None and scn.kv_heads != h else ""  # W_K, W_V: G·d_k columns
    for key, note in (("W_Q", "new_W_Q"), ("W_K", f"new_W_K{kv}"), ("W_V", f"new_W_V{kv}"), ("W_O", "new_W_O")):
        lines.append(f"# {t[note].format(**facts)}")
        lines += _matrix_lines(key, getattr(inp, key), values)
    for key, row in inp.biases.items():
        lines.append(f"# {t['new_bias_term'].format(name=key, w='W_' + key[-1], n=row.shape[1])}")
        lines.append(f"{key} = [" + ", ".join(_number(float(x), values) for x in row[0]) + "]")
    lines += ["", *(f"# {line}" for line in t["new_rounding"].format(**facts).splitlines())]
    return "\n".join(lines) + "\n"


def _variant_lines(scn: Scenario, t: Mapping[str, str], facts: Mapping[str, object]) -> list[str]:
    """The commented variant fields of a generated scenario (only those it uses)."""
    var = scn.variants
    lines: list[str] = []
    if var.positions != "none":
        lines += [f"# {t['new_positions']}", f"positions = {toml_string(var.positions)}"]
    if var.window is not None:
        lines += [f"# {t['new_window']}", f"window = {var.window}"]
    if var.bias != "none":
        lines += [f"# {t['new_bias']}", f"bias = {toml_string(var.bias)}"]
    if var.kv_heads is not None:
        lines += [f"# {t['new_kv_heads'].format(**facts)}", f"kv_heads = {var.kv_heads}"]
    if var.rope is not None:
        lines += [
            "",
            f"# {t['new_rope']}",
            "[rope]",
            f"base = {var.rope.base}",
            f"style = {toml_string(var.rope.style)}",
        ]
    if var.decode_steps is not None:
        lines += ["", f"# {t['new_decode']}", "[decode]", f"steps = {var.decode_steps}"]
    if var.block is not None:
        lines += ["", f"# {t['new_tiling']}", "[tiling]", f"block = {var.block}"]
    return lines
