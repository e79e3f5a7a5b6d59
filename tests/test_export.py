"""`export`: markdown that parses with every table intact, strict JSON that round-trips,
Rich's own HTML/SVG, and safe writing (no clobber, no half file, clear errors)."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from functools import cache
from pathlib import Path
from typing import Any, TextIO

import numpy as np
import pytest
from markdown_it import MarkdownIt
from markdown_it.token import Token

from mhsa_tutor.core.engine import run
from mhsa_tutor.core.errors import ExportError, OptionError
from mhsa_tutor.core.numbers import fmt
from mhsa_tutor.core.trace import Matrix, ScenarioInfo, Stage, Trace
from mhsa_tutor.io.loader import builtin_names, load_scenario
from mhsa_tutor.io.safe_write import write_file
from mhsa_tutor.io.trace_json import from_dict, to_dict
from mhsa_tutor.teach.narration import stage_title
from mhsa_tutor.views.export import FORMATS, choose_format, to_html, to_json, to_markdown, write_json
from mhsa_tutor.views.view import View, shown_name
from tests.conftest import Invoke

BUILTINS = builtin_names()
MD = MarkdownIt("gfm-like", {"linkify": False})  # GitHub's dialect: tables, strikethrough


@cache
def trace_of(name: str, exact: bool = False) -> Trace:
    return run(load_scenario(name), exact=exact)


def n_matrices(trace: Trace) -> int:
    return sum(len(s.matrices) for s in trace.stages)


def files_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


# ------------------------------------------------------------------ markdown parsing


def inline_text(tok: Token) -> str:
    """The visible text of an inline token (markup removed, escapes resolved)."""
    return "".join(c.content for c in tok.children or [] if c.type in ("text", "code_inline"))


def md_tables(text: str) -> list[list[list[str]]]:
    """Every table in the document as rows of cell texts (header row first)."""
    tables: list[list[list[str]]] = []
    row: list[str] | None = None
    for tok in MD.parse(text):
        if tok.type == "table_open":
            tables.append([])
        elif tok.type == "tr_open":
            row = []
        elif tok.type == "inline" and row is not None:
            row.append(inline_text(tok))
        elif tok.type == "tr_close":
            assert row is not None
            tables[-1].append(row)
            row = None
    return tables


def md_blocks(text: str, kind: str) -> list[Token]:
    return [t for t in MD.parse(text) if t.type == kind]


def h2_texts(text: str) -> list[str]:
    toks = MD.parse(text)
    return [inline_text(toks[i + 1]) for i, t in enumerate(toks) if t.type == "heading_open" and t.tag == "h2"]


def scenario_file(folder: Path, tokens: list[str], dims: int = 2, name: str = "custom") -> Path:
    """A given-Q/K/V scenario with these tokens and small, distinct numbers."""
    n = len(tokens)
    rng = np.random.default_rng(7)
    q, k, v = (np.round(rng.uniform(-1, 1, (n, dims)), 2).tolist() for _ in range(3))
    toks = ", ".join(json.dumps(t) for t in tokens)  # a JSON string is a TOML basic string
    path = folder / f"{name}.toml"
    path.write_text(
        f'title = "Custom | *scenario*"\ntokens = [{toks}]\nheads = 1\n\n[input]\nQ = {q}\nK = {k}\nV = {v}\n',
        encoding="utf-8",
    )
    return path


# --------------------------------------------------------------- every format, every built-in


@pytest.mark.parametrize("fmt_name", FORMATS)
@pytest.mark.parametrize("name", BUILTINS)
def test_every_format_for_every_builtin(invoke: Invoke, tmp_path: Path, name: str, fmt_name: str) -> None:
    out = tmp_path / f"{name}.{'svg' if fmt_name == 'heatmap' else fmt_name}"
    r = invoke(["export", name, "-o", str(out), *(["--format", fmt_name] if fmt_name == "heatmap" else [])])
    assert r.exit_code == 0, r.stderr
    assert r.stdout == ""  # what was written, and how to open it, goes to stderr
    said = r.stderr.splitlines()
    assert len(said) == 2 and said[0].startswith(f"Wrote {out} ({fmt_name}, ")
    assert str(out.stat().st_size // 1000) in said[0]
    assert ("xdg-open" in said[1]) == (fmt_name in ("html", "svg", "heatmap"))
    assert files_in(tmp_path) == [out.name]  # no temporary file left behind
    trace = trace_of(name)
    if fmt_name == "npz":
        with np.load(out, allow_pickle=False) as saved:
            assert len(saved.files) == n_matrices(trace)
        return
    text = out.read_text(encoding="utf-8")
    if fmt_name == "md":
        assert text.startswith(f"# {trace.info.title}\n")
        assert len(md_tables(text)) == n_matrices(trace)
    elif fmt_name == "json":
        assert json.loads(text)["scenario"]["name"] == name
    elif fmt_name == "html":
        assert text.lstrip().lower().startswith("<!doctype html>")
        assert trace.info.title in text
    else:
        root = ET.fromstring(text)  # well-formed XML
        assert root.tag == "{http://www.w3.org/2000/svg}svg"


# ------------------------------------------------------------------------ markdown


@pytest.mark.parametrize("name", BUILTINS)
def test_markdown_tables_match_the_trace(name: str) -> None:
    trace = trace_of(name)
    text = to_markdown(trace, View())
    tables = md_tables(text)
    matrices = [(s, n, m) for s in trace.stages for n, m in s.matrices.items()]
    assert len(tables) == len(matrices) > 0
    for table, (stage, mname, m) in zip(tables, matrices, strict=True):
        rows_n, cols_n = m.values.shape
        assert len(table) == 1 + rows_n, (stage.id, mname)  # header + one row per matrix row
        assert all(len(row) == 1 + cols_n for row in table), (stage.id, mname)
        assert table[0] == [shown_name(mname), *trace.shown_labels(m.cols, cols_n)]  # memory shows as M
        assert [row[0] for row in table[1:]] == list(trace.shown_labels(m.rows, rows_n))
        finite = m.values[np.isfinite(m.values)]
        whole = all(float(x).is_integer() for x in finite)  # a matrix of whole numbers prints them so
        for i, row in enumerate(table[1:]):
            expected = [fmt(float(x), 0 if whole else 4).replace("-∞", "−∞") for x in m.values[i]]
            assert row[1:] == expected, (stage.id, mname, i)


@pytest.mark.parametrize("name", BUILTINS)
def test_markdown_sections_follow_the_stages(name: str) -> None:
    trace = trace_of(name)
    text = to_markdown(trace, View())
    assert h2_texts(text) == [f"{i + 1}. {stage_title(s, 'en')}" for i, s in enumerate(trace.stages)]
    lines = text.splitlines()
    assert lines.count("$$") == 2 * len(trace.stages)  # one display formula per stage
    # the facts: every token and the sizes
    assert " · ".join(trace.info.tokens) in text
    assert f"heads = {trace.info.heads}" in text and f"d\\_k = {trace.info.d_k}" in text


def test_markdown_formulas_carry_head_and_dk() -> None:
    text = to_markdown(trace_of("by_hand"), View())
    formulas = [line for line in text.splitlines() if "K_{2}^{\\top}" in line]
    assert formulas == ["S = Q_{2} K_{2}^{\\top}"]
    assert "\\frac{S}{\\sqrt{4}}" in text  # by_hand scales by √(sequence length) = √4
    assert "S_{ij} = -\\infty" in text
    text = to_markdown(trace_of("all_is_well"), View())
    assert "\\frac{S}{\\sqrt{4}}" in text and "\\sqrt{d_k}" in text  # d_k = 4


def test_markdown_minus_infinity_renders_where_the_mask_is() -> None:
    trace = trace_of("by_hand")
    text = to_markdown(trace, View())
    masked = [s for s in trace.stages if s.id == "masked"]
    assert len(masked) == 2
    tables = md_tables(text)
    first_masked = sum(len(s.matrices) for s in trace.stages[: trace.stages.index(masked[0])])
    body = tables[first_masked][1:]
    for i, row in enumerate(body):
        for j, cell in enumerate(row[1:]):
            assert (cell == "−∞") == (j > i), (i, j, cell)
    assert "-∞" not in text  # a real minus sign, never a hyphen before ∞


def test_markdown_narration_and_pitfalls() -> None:
    trace = trace_of("by_hand")  # Warfield (2024): its scaled stage has a pitfall
    text = to_markdown(trace, View())
    quotes = md_blocks(text, "blockquote_open")
    assert len(quotes) >= 1
    assert "Warfield (2024)" in text and "seed" not in text.lower()
    brief = to_markdown(trace, View(narrate=False))
    assert md_blocks(brief, "blockquote_open") == []
    assert len(md_tables(brief)) == n_matrices(trace)


def test_markdown_in_korean() -> None:
    trace = trace_of("by_hand")
    text = to_markdown(trace, View(lang="ko"))
    assert h2_texts(text)[4] == "5. 헤드 1: 점수, 모든 쿼리와 모든 키의 내적"
    assert "- **토큰**: I · love · hand · maths" in text


def test_markdown_precision(invoke: Invoke) -> None:
    r = invoke(["export", "acting_machines", "-o", "-", "--precision", "2"])
    assert r.exit_code == 0, r.stderr
    weights = md_tables(r.stdout)[-3]  # input Q, K, V; split Q, K, V; S, S, A, Z, Z
    assert weights[0][0] == "A"
    assert weights[2] == ["Machines", "0.77", "0.23"]


def test_markdown_elides_big_matrices_unless_full(invoke: Invoke, tmp_path: Path) -> None:
    tokens = [f"t{i}" for i in range(14)]
    path = scenario_file(tmp_path, tokens)
    r = invoke(["export", str(path), "-o", "-", "--format", "md"])
    assert r.exit_code == 0, r.stderr
    scores = md_tables(r.stdout)[6]  # Q, K, V twice, then the 14 × 14 scores
    assert scores[0] == ["S", "t0", "t1", "t2", "t3", "…", "t10", "t11", "t12", "t13"]
    assert len(scores) == 1 + 9 and scores[5] == ["⋮"] * 10
    q = md_tables(r.stdout)[0]
    assert [row[0] for row in q[1:]] == ["t0", "t1", "t2", "t3", "⋮", "t10", "t11", "t12", "t13"]
    r = invoke(["export", str(path), "-o", "-", "--format", "md", "--full"])
    assert r.exit_code == 0, r.stderr
    scores = md_tables(r.stdout)[6]
    assert len(scores) == 15 and all(len(row) == 15 for row in scores)
    assert "⋮" not in r.stdout and "…" not in r.stdout


HOSTILE = ["a|b", "*x*", "<b>hi</b>", "`c`", "$y$", "back\\slash", "[l](u)", "# h", "- li", "&amp;", "x\\|y"]


def test_markdown_escapes_scenario_text(tmp_path: Path) -> None:
    trace = run(load_scenario(scenario_file(tmp_path, HOSTILE)))
    text = to_markdown(trace, View())
    tables = md_tables(text)
    assert len(tables) == n_matrices(trace)
    n = len(HOSTILE)
    scores = tables[6]
    assert scores[0] == ["S", *HOSTILE]  # every label survives, literally
    assert [row[0] for row in scores[1:]] == HOSTILE
    assert all(len(row) == n + 1 for row in scores)
    items = [inline_text(t) for t in md_blocks(text, "inline")]
    assert "tokens: " + " · ".join(HOSTILE) in items
    assert not any(t.type in ("html_inline", "html_block", "link_open", "code_inline") for t in _all_tokens(text))
    title = MD.parse(text)[1]
    assert inline_text(title) == "Custom | *scenario*"


def _all_tokens(text: str) -> list[Token]:
    out: list[Token] = []
    for t in MD.parse(text):
        out.append(t)
        out.extend(t.children or [])
    return out


# ---------------------------------------------------------------------------- JSON


def strict_loads(text: str) -> Any:
    def no_constant(name: str) -> None:
        raise AssertionError(f"non-strict JSON constant {name}")

    return json.loads(text, parse_constant=no_constant)


def as_array(rows: list[list[float | str]]) -> np.ndarray:
    return np.array([[float(x) for x in row] for row in rows], dtype=np.float64)


@pytest.mark.parametrize("name", BUILTINS)
def test_json_is_strict_and_exact(invoke: Invoke, tmp_path: Path, name: str) -> None:
    out = tmp_path / "t.json"
    r = invoke(["export", name, "-o", str(out), "--precision", "1"])  # JSON ignores precision
    assert r.exit_code == 0, r.stderr
    doc = strict_loads(out.read_text(encoding="utf-8"))
    trace = trace_of(name)
    # "checks" only where the engine checked something of its own (decoding, the online softmax)
    assert list(doc) == ["schema", "scenario", "stages"] + (
        ["checks"] if name in ("kv_cache", "online_softmax") else []
    )
    assert doc["schema"] == "mhsa-tutor/trace@1"
    info = trace.info
    keys = ["name", "title", "tokens", "d_model", "heads", "d_k", "d_v", "mask", "scale", "source"]
    keys += ["rounding", "hand_rounded"]
    variant_keys = ("positions", "rope", "bias", "window", "padding", "kv_heads", "decode", "tiling")
    keys += [k for k in variant_keys if k in doc["scenario"]]
    assert doc["scenario"]["rounding"] == dict(info.rounding)
    assert doc["scenario"]["hand_rounded"] == bool(info.rounding)
    if info.memory_tokens is not None:
        keys.insert(3, "memory_tokens")
        assert doc["scenario"]["memory_tokens"] == list(info.memory_tokens)
    assert list(doc["scenario"]) == keys
    assert doc["scenario"]["tokens"] == list(info.tokens)
    assert (doc["scenario"]["heads"], doc["scenario"]["d_k"], doc["scenario"]["mask"]) == (
        info.heads,
        info.d_k,
        info.mask,
    )
    assert len(doc["stages"]) == len(trace.stages)
    for st, stage in zip(doc["stages"], trace.stages, strict=True):
        rounded = {n: m for n, m in stage.matrices.items() if m.exact is not None}
        assert list(st) == ["id", "head", "title", "formula", "matrices"] + (["rounded"] if rounded else [])
        for mname, m in rounded.items():
            assert st["rounded"][mname]["decimals"] == m.decimals
            assert m.exact is not None and np.array_equal(as_array(st["rounded"][mname]["exact"]), m.exact)
        assert (st["id"], st["head"], st["title"], st["formula"]) == (
            stage.id,
            stage.head,
            stage.title,
            stage.formula,
        )
        assert list(st["matrices"]) == list(stage.matrices)
        for mname, rows in st["matrices"].items():
            assert np.array_equal(as_array(rows), stage.matrices[mname].values, equal_nan=True), (stage.id, mname)
            assert all(isinstance(x, float) or x in ("-inf", "inf", "nan") for row in rows for x in row)


def test_json_full_precision_and_nonfinite_strings() -> None:
    doc = strict_loads(to_json(trace_of("acting_machines")))
    softmax = next(s for s in doc["stages"] if s["id"] == "softmax")
    assert softmax["matrices"]["A"][1][0] == 0.7685247834990178  # not 0.7685
    doc = strict_loads(to_json(trace_of("by_hand")))
    masked = [s for s in doc["stages"] if s["id"] == "masked"]
    assert [s["head"] for s in masked] == [1, 2]
    for s in masked:
        rows = s["matrices"]["S"]
        for i, row in enumerate(rows):
            for j, x in enumerate(row):
                assert (x == "-inf") == (j > i)
                assert isinstance(x, float) or x == "-inf"
    others = [x for s in doc["stages"] if s["id"] != "masked" for m in s["matrices"].values() for r in m for x in r]
    assert others and all(isinstance(x, float) for x in others)


@pytest.mark.parametrize("name", BUILTINS)
def test_streamed_json_equals_json_dumps(name: str) -> None:
    trace = trace_of(name)
    expected = json.dumps(to_dict(trace), ensure_ascii=False, allow_nan=False) + "\n"
    assert to_json(trace) == expected
    buf = io.StringIO()
    write_json(trace, buf, chunk_rows=1)
    assert buf.getvalue() == expected


@pytest.mark.parametrize("name", BUILTINS)
def test_json_round_trip(invoke: Invoke, tmp_path: Path, name: str) -> None:
    first = tmp_path / "first.json"
    assert invoke(["export", name, "-o", str(first)]).exit_code == 0
    text = first.read_text(encoding="utf-8")
    again = from_dict(strict_loads(text))
    second = tmp_path / "second.json"
    write_file(second, lambda out: write_json(again, out))
    assert second.read_text(encoding="utf-8") == text


class _Sink(io.StringIO):
    """Counts the size of each write."""

    def __init__(self) -> None:
        super().__init__()
        self.sizes: list[int] = []

    def write(self, s: str) -> int:
        self.sizes.append(len(s))
        return super().write(s)


def test_json_streams_big_matrices_in_chunks() -> None:
    rng = np.random.default_rng(0)
    values = rng.standard_normal((512, 512))  # one head's weights at T = 512
    values.flags.writeable = False
    tokens = tuple(f"t{i}" for i in range(512))
    info = ScenarioInfo("big", "Big", tokens, None, 8, 1, 8, 8, "none", "sqrt_dk", "")
    trace = Trace(
        info, (Stage("softmax", "Head 1: attention weights", 1, "A", {"A": Matrix(values, "tokens", "keys")}),)
    )
    sink = _Sink()
    write_json(trace, sink, chunk_rows=64)
    total = len(sink.getvalue())
    assert max(sink.sizes) < total / 6  # never the whole matrix in one string
    assert np.array_equal(as_array(strict_loads(sink.getvalue())["stages"][0]["matrices"]["A"]), values)


# ----------------------------------------------------------------------- html, svg


def test_html_and_svg_hold_the_numbers(invoke: Invoke, tmp_path: Path) -> None:
    for ext in ("html", "svg"):
        out = tmp_path / f"a.{ext}"
        r = invoke(["export", "acting_machines", "-o", str(out)])
        assert r.exit_code == 0, r.stderr
        text = out.read_text(encoding="utf-8")
        assert "0.7685" in text and "0.2315" in text and "1.4630" in text
    out = tmp_path / "p.html"
    assert invoke(["export", "acting_machines", "-o", str(out), "--precision", "2"]).exit_code == 0
    text = out.read_text(encoding="utf-8")
    assert ">1.46</td>" in text and "1.4630" not in text  # the interactive page (tests/test_page.py)
    svg = ET.fromstring((tmp_path / "a.svg").read_text(encoding="utf-8"))
    assert svg.tag.endswith("svg")


def test_rich_html_is_the_terminal_view_with_colour() -> None:
    text = to_html(trace_of("by_hand"), View(lang="ko"))  # what --format svg draws; files keep colour
    assert "단계 7/16 · 헤드 1 · 마스킹한 점수" in text
    assert "−∞" in text and "헤드 1: 인과 마스킹" in text
    assert "background-color" in text  # the shaded attention weights


# ------------------------------------------------------------------- CLI and writing


def test_stdout(invoke: Invoke) -> None:
    r = invoke(["export", "acting_machines", "-o", "-"])
    assert r.exit_code == 0, r.stderr
    assert r.stdout.startswith("# Acting Machines\n")
    r = invoke(["export", "by_hand", "-o", "-", "--format", "json"])
    assert r.exit_code == 0, r.stderr
    assert r.stdout == to_json(trace_of("by_hand"))


def test_no_clobber_then_force(invoke: Invoke, tmp_path: Path) -> None:
    out = tmp_path / "t.md"
    out.write_text("keep me\n", encoding="utf-8")
    os.chmod(out, 0o640)
    r = invoke(["export", "acting_machines", "-o", str(out)])
    assert r.exit_code == 2
    assert r.stderr == f"error: {out}: already exists; use --force to overwrite it\n"
    assert out.read_text(encoding="utf-8") == "keep me\n"
    r = invoke(["export", "acting_machines", "-o", str(out), "--force"])
    assert r.exit_code == 0, r.stderr
    assert out.read_text(encoding="utf-8").startswith("# Acting Machines\n")
    assert out.stat().st_mode & 0o777 == 0o640  # the replaced file's permissions are kept
    assert files_in(tmp_path) == ["t.md"]


def test_missing_folder(invoke: Invoke, tmp_path: Path) -> None:
    out = tmp_path / "nope" / "t.md"
    r = invoke(["export", "acting_machines", "-o", str(out)])
    assert r.exit_code == 2
    assert r.stderr.count("\n") == 1 and str(out) in r.stderr and "does not exist" in r.stderr
    assert files_in(tmp_path) == []


def test_path_is_a_folder(invoke: Invoke, tmp_path: Path) -> None:
    folder = tmp_path / "d.md"
    folder.mkdir()
    for extra in ([], ["--force"]):
        r = invoke(["export", "acting_machines", "-o", str(folder), *extra])
        assert r.exit_code == 2
        assert r.stderr == f"error: {folder}: is a folder; expected a file name to write\n"
    assert files_in(tmp_path) == ["d.md"] and files_in(folder) == []


def test_unknown_extension(invoke: Invoke, tmp_path: Path) -> None:
    out = tmp_path / "t.txt"
    r = invoke(["export", "acting_machines", "-o", str(out)])
    assert r.exit_code == 2
    assert r.stderr.count("\n") == 1 and "'.txt'" in r.stderr and "--format" in r.stderr
    assert files_in(tmp_path) == []
    r = invoke(["export", "acting_machines", "-o", str(out), "--format", "json"])
    assert r.exit_code == 0, r.stderr
    assert strict_loads(out.read_text(encoding="utf-8"))["scenario"]["name"] == "acting_machines"
    r = invoke(["export", "acting_machines", "-o", str(tmp_path / "x.md"), "--format", "pdf"])
    assert r.exit_code == 2 and r.stderr.count("\n") == 1


def test_bad_scenario_writes_nothing(invoke: Invoke, tmp_path: Path) -> None:
    r = invoke(["export", "acting_machine", "-o", str(tmp_path / "t.md")])
    assert r.exit_code == 2 and "did you mean acting_machines?" in r.stderr
    bad = tmp_path / "bad.toml"
    bad.write_text('title = "x"\ntokens = ["a"]\nheads = 2\n[input]\nQ = [[1.0]]\nK = [[1.0]]\nV = [[1.0]]\n')
    r = invoke(["export", str(bad), "-o", str(tmp_path / "t.json")])
    assert r.exit_code == 2 and r.stderr.startswith("error: ") and r.stderr.count("\n") == 1
    assert files_in(tmp_path) == ["bad.toml"]


def test_choose_format() -> None:
    assert choose_format("a/b.MD", None) == "md"
    assert choose_format("t.json", None) == "json"
    assert choose_format("t.htm", None) == "html"
    assert choose_format("t.svg", None) == "svg"
    assert choose_format("t.txt", "md") == "md"  # an extension that names no format: --format decides
    with pytest.raises(OptionError, match=r"contradicts the output file t\.svg"):
        choose_format("t.svg", "md")  # issue 11: markdown in a .svg name is refused, not written
    assert choose_format("-", None) == "md"
    for target in ("t", "t.txt", "dir.v2/trace", ".json/x"):
        with pytest.raises(OptionError):
            choose_format(target, None)
    with pytest.raises(OptionError, match="did you mean json"):
        choose_format("t", "jsn")


# ------------------------------------------------------------------ write_file itself


def test_interrupted_write_leaves_nothing(tmp_path: Path) -> None:
    def half(out: TextIO) -> None:
        out.write("# half a file")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_file(tmp_path / "t.md", half)
    assert files_in(tmp_path) == []
    old = tmp_path / "old.md"
    old.write_text("old\n", encoding="utf-8")
    with pytest.raises(KeyboardInterrupt):
        write_file(old, half, force=True)
    assert old.read_text(encoding="utf-8") == "old\n" and files_in(tmp_path) == ["old.md"]


def test_file_appearing_meanwhile_is_not_overwritten(tmp_path: Path) -> None:
    target = tmp_path / "t.md"

    def racing(out: TextIO) -> None:
        out.write("mine\n")
        target.write_text("theirs\n", encoding="utf-8")  # someone else creates it meanwhile

    with pytest.raises(ExportError, match="already exists"):
        write_file(target, racing)
    assert target.read_text(encoding="utf-8") == "theirs\n" and files_in(tmp_path) == ["t.md"]


def test_unwritable_folder(invoke: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_open = os.open

    def refuse(path: Any, flags: int, mode: int = 0o777) -> int:
        if Path(path).parent == tmp_path:
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, flags, mode)

    monkeypatch.setattr(os, "open", refuse)
    out = tmp_path / "t.md"
    r = invoke(["export", "acting_machines", "-o", str(out)])
    assert r.exit_code == 2
    assert r.stderr == f"error: {out}: cannot write: Permission denied\n"
    assert files_in(tmp_path) == []


def test_help_does_not_import_numpy() -> None:
    r = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "mhsa_tutor", "export", "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert r.returncode == 0, r.stderr
    assert "--format" in r.stdout and "--force" in r.stdout and "--output" in r.stdout
    imported = {line.rsplit("|", 1)[-1].strip() for line in r.stderr.splitlines() if "|" in line}
    assert "mhsa_tutor.cli.app" in imported and "numpy" not in imported


def test_json_of_a_hand_rounded_run_keeps_both_values() -> None:
    """The export says that hand rounding was applied and keeps the unrounded values (and --exact says not)."""
    trace = trace_of("acting_machines")
    doc = to_dict(trace)
    assert doc["scenario"]["rounding"] == {"scaled": 1} and doc["scenario"]["hand_rounded"] is True
    scaled = next(s for s in doc["stages"] if s["id"] == "scaled")
    assert scaled["rounded"]["S"]["decimals"] == 1
    used, exact = as_array(scaled["matrices"]["S"]), as_array(scaled["rounded"]["S"]["exact"])
    assert np.array_equal(used, np.round(used, 1)) and not np.array_equal(used, exact)
    back = from_dict(doc)
    assert back.find("scaled", 1).matrices["S"].decimals == 1 and not back.exact
    exact_doc = to_dict(run(load_scenario("acting_machines"), exact=True))
    assert exact_doc["scenario"]["hand_rounded"] is False
    assert all("rounded" not in s for s in exact_doc["stages"])
    assert from_dict(exact_doc).exact


# ----------------------------------------------------------------------------- npz


def _same_bits(a: np.ndarray[Any, Any], b: np.ndarray[Any, Any]) -> bool:
    """The same shape, dtype and every bit (so −∞ is −∞ and NaN is NaN)."""
    return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()


@pytest.mark.parametrize(
    "args",
    [
        ["padding_mask"],  # −∞ under the mask, a row of NaN-free zeros
        ["random", "--tokens", "9", "--d-model", "8", "--heads", "2", "--mask", "sliding", "--window", "3"],
        [
            "random",
            "--tokens",
            "6",
            "--d-model",
            "8",
            "--heads",
            "4",
            "--kv-heads",
            "2",
            "--mask",
            "causal",
            "--decode",
            "2",
            "--block",
            "2",
        ],
    ],
)
def test_npz_gives_back_exactly_the_traces_arrays(invoke: Invoke, tmp_path: Path, args: list[str]) -> None:
    from mhsa_tutor.views.export import npz_key

    out = tmp_path / "trace.npz"
    r = invoke(["export", *args, "-o", str(out)])
    assert r.exit_code == 0, r.stderr
    assert r.stderr.startswith(f"Wrote {out} (npz, ")
    assert files_in(tmp_path) == [out.name]  # no temporary file left behind
    if args[0] != "random":
        trace = trace_of(args[0])
    else:  # the same random scenario, as its JSON export holds it (every float64 written exactly)
        r2 = invoke(["export", *args, "-o", str(tmp_path / "trace.json")])
        assert r2.exit_code == 0, r2.stderr
        trace = from_dict(json.loads((tmp_path / "trace.json").read_text(encoding="utf-8")))
    want = [(npz_key(s, name), m.values) for s in trace.stages for name, m in s.matrices.items()]
    assert len({k for k, _ in want}) == len(want)  # one key a matrix
    with np.load(out, allow_pickle=False) as saved:
        assert saved.files == [k for k, _ in want]  # the trace's order
        for key, values in want:
            assert _same_bits(saved[key], np.asarray(values, dtype=np.float64)), key
    if "padding_mask" in args:
        with np.load(out, allow_pickle=False) as saved:
            assert np.isneginf(saved["masked/h1/S"]).any()


def test_npz_keys_name_stage_head_and_matrix() -> None:
    from mhsa_tutor.views.export import npz_arrays

    trace = trace_of("first_steps")
    keys = list(npz_arrays(trace))
    assert "input/X" in keys and "projections/Q" in keys and "softmax/h1/A" in keys and "softmax/h2/A" in keys
    assert all(np.shares_memory(a, s.matrices[k.rsplit("/", 1)[1]].values) for k, a, s in _keyed(trace))


def _keyed(trace: Trace) -> list[tuple[str, np.ndarray[Any, Any], Stage]]:
    from mhsa_tutor.views.export import npz_arrays, npz_key

    arrays = npz_arrays(trace)
    return [(npz_key(s, n), arrays[npz_key(s, n)], s) for s in trace.stages for n in s.matrices]


def test_npz_refuses_standard_output_and_an_existing_file(invoke: Invoke, tmp_path: Path) -> None:
    r = invoke(["export", "first_steps", "-o", "-", "--format", "npz"])
    assert r.exit_code == 2 and r.stdout == ""
    assert r.stderr.strip().splitlines() == [
        "error: --output is - (standard output), but npz is binary: expected a file name to write it to"
    ]
    out = tmp_path / "a.npz"
    out.write_bytes(b"mine")
    r = invoke(["export", "first_steps", "-o", str(out)])
    assert r.exit_code == 2 and "already exists" in r.stderr
    assert out.read_bytes() == b"mine" and files_in(tmp_path) == ["a.npz"]
    r = invoke(["export", "first_steps", "-o", str(out), "--force"])
    assert r.exit_code == 0, r.stderr
    with np.load(out, allow_pickle=False) as saved:
        assert "softmax/h1/A" in saved.files
    with pytest.raises(OptionError):
        choose_format("x.npz", "json")
    assert choose_format("x.npz", None) == "npz"


def test_npz_never_replaces_the_arrays_file_its_scenario_reads(invoke: Invoke, tmp_path: Path) -> None:
    """``export layer.toml -o layer.npz --force``: the arrays file is an input, like the scenario file."""
    from tests.test_sidecar import ARR, _write

    scenario = _write(tmp_path, ARR)
    arrays = tmp_path / "layer.npz"
    before = arrays.read_bytes()
    r = invoke(["export", str(scenario), "-o", str(arrays), "--force"])
    assert r.exit_code == 2, r.stderr
    assert "a file this output is made from" in r.stderr and len(r.stderr.strip().splitlines()) == 1
    assert arrays.read_bytes() == before
    r = invoke(["export", str(scenario), "-o", str(tmp_path / "trace.npz")])  # another name: written
    assert r.exit_code == 0, r.stderr
    with np.load(tmp_path / "trace.npz", allow_pickle=False) as saved:
        assert _same_bits(saved["input/X"], ARR["X"])
