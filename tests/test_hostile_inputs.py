"""Issue 12, the inputs: the one budget, overflow at any stage, odd tokens, escaping, odd options."""

from __future__ import annotations

import json
import tomllib
import unicodedata
from pathlib import Path

import pytest

from mhsa_tutor.core.errors import OptionError
from mhsa_tutor.core.numbers import fmt, num
from mhsa_tutor.io import generate
from mhsa_tutor.io.loader import load_scenario
from mhsa_tutor.teach.explain import resolve_ref
from mhsa_tutor.teach.quiz import choose_questions
from tests.conftest import Invoke

# The limits as the README states them (mhsa_tutor.core.limits; imported inside the tests that need the module,
# so that this file also runs, and fails, against the code before issue 12).
MAX_HEADS, MAX_COUNT, MAX_LINE = 128, 1000, 4096


def one_error_line(r: object, *parts: str) -> str:
    exit_code, stdout, stderr = r.exit_code, r.stdout, r.stderr  # type: ignore[attr-defined]
    assert exit_code == 2, (exit_code, stdout, stderr)
    assert stderr.startswith("error: ") and stderr.count("\n") == 1, stderr
    for part in parts:
        assert part in stderr, (part, stderr)
    return str(stderr)


def qkv_file(tmp_path: Path, tokens: list[str], heads: int = 1, width: int = 1, title: str = "t") -> Path:
    rows = "[" + ", ".join("[" + ", ".join("1.0" for _ in range(width)) + "]" for _ in tokens) + "]"
    text = (
        f"title = {json.dumps(title)}\ntokens = {json.dumps(tokens)}\nheads = {heads}\n"
        f"[input]\nQ = {rows}\nK = {rows}\nV = {rows}\n"
    )
    path = tmp_path / "s.toml"
    path.write_text(text, encoding="utf-8")
    return path


# ------------------------------------------------------------- 3. heads in files; 8. the budget


def test_heads_in_a_file_are_capped(invoke: Invoke, tmp_path: Path) -> None:
    heads = MAX_HEADS + 1
    path = qkv_file(tmp_path, ["a"], heads=heads, width=heads)
    one_error_line(invoke(["explain", str(path), "-s", "scores", "-r", "1", "-c", "1"]), "s.toml", "heads", "128")


def test_heads_of_random_are_capped(invoke: Invoke) -> None:
    r = invoke(["run", "random", "--tokens", "2", "--d-model", "256", "--heads", "256"])
    one_error_line(r, "--heads 256", "128")


@pytest.mark.parametrize(
    "sizes",
    [
        ["--tokens", "4096", "--d-model", "4096", "--heads", "1"],
        ["--tokens", "2048", "--d-model", "4096", "--heads", "4"],
    ],
)
def test_the_largest_random_sizes_are_refused_before_any_work(
    sizes: list[str], invoke: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("numbers were generated before the budget check")

    monkeypatch.setattr(generate, "_draw", never)
    err = one_error_line(invoke(["run", "random", *sizes]), "needs about", "MB", "the limit is 140,000,000 numbers")
    assert "Traceback" not in err


def test_the_estimate_covers_what_a_run_holds() -> None:
    """BERT-base: the arrays of the trace and its inputs fit under the estimate; the budget allows it."""
    from mhsa_tutor.core import limits
    from mhsa_tutor.core.engine import run

    scn = generate.build_random(64, 48, 4, 0, "causal")
    trace = run(scn)
    arrays = [m.values for s in trace.stages for m in s.matrices.values()]
    owners = {id(a if a.base is None else a.base): (a if a.base is None else a.base) for a in arrays}
    stored = sum(int(a.size) for a in owners.values())  # every number the trace holds, views counted once
    assert stored <= limits.run_cells_of(scn)
    bert = dict(tokens=512, keys=512, d_model=768, d_src=768, width_qk=768, width_v=768, d_out=768, heads=12)
    limits.check_cells(limits.run_cells(**bert, score_stages=4))


def test_full_is_budgeted(invoke: Invoke) -> None:
    args = ["random", "--tokens", "1024", "--d-model", "8", "--heads", "1", "--full"]
    one_error_line(invoke(["run", *args]), "--full", "250,000")
    one_error_line(invoke(["export", *args, "-o", "-"]), "--full", "250,000")
    assert invoke(["run", "random", "--tokens", "20", "--full", "--brief"]).exit_code == 0


# ------------------------------------------------------------- 4. quiz --count; tolerance


def test_quiz_count_is_capped(invoke: Invoke) -> None:
    one_error_line(invoke(["quiz", "by_hand", "--count", "1000000"], input="q\n"), "--count", "1,000")
    one_error_line(invoke(["quiz", "by_hand", "--count", "100000000000000000000"], input="q\n"), "--count")


def test_quiz_count_at_the_limit_is_asked_in_stage_order() -> None:
    from mhsa_tutor.core.engine import run
    from mhsa_tutor.core.errors import TutorError

    trace = run(load_scenario("by_hand"))
    questions = choose_questions(trace, count=MAX_COUNT, seed=3)
    assert len(questions) == MAX_COUNT
    with pytest.raises(TutorError, match="1,000"):
        choose_questions(trace, count=MAX_COUNT + 1)


@pytest.mark.parametrize("tolerance", ["inf", "nan", "-1"])
def test_tolerance_must_be_finite_and_not_negative(tolerance: str, invoke: Invoke) -> None:
    one_error_line(invoke(["quiz", "by_hand", "--tolerance", tolerance], input="q\n"), "--tolerance")


# ------------------------------------------------------------- 5. input lines


@pytest.mark.parametrize("args", [["quiz", "by_hand", "--seed", "1"], ["run", "by_hand", "--step", "--brief"]])
def test_an_overlong_input_line_is_refused(args: list[str], invoke: Invoke) -> None:
    r = invoke(args, input="1" * (MAX_LINE + 1) + "\n")
    assert r.exit_code == 2 and r.stderr.startswith("error: standard input") and "4,096" in r.stderr
    assert "1" * 100 not in r.stdout  # never echoed back


# ------------------------------------------------------------- 9. overflow anywhere

OVERFLOW = """title = "overflow"
tokens = ["a", "b"]
heads = 1
scale = "none"
[input]
X = [[1e150, 0.0], [0.0, 1.0]]
[weights]
W_Q = [[1e150, 0.0], [0.0, 1.0]]
W_K = [[-1e150, 0.0], [0.0, 1.0]]
W_V = [[1.0, 0.0], [0.0, 1.0]]
"""


def test_an_overflow_hidden_by_the_softmax_is_an_error(invoke: Invoke, tmp_path: Path) -> None:
    """S[a, a] = 1e300 × −1e300 = −∞ in an unmasked cell; the softmax gives it weight 0 and the output is finite."""
    path = tmp_path / "ovf.toml"
    path.write_text(OVERFLOW)
    one_error_line(invoke(["run", str(path)]), "ovf.toml", "overflow", "scores (head 1)", "S[a (position 1), a")


def test_masked_cells_are_the_only_infinities_allowed(invoke: Invoke) -> None:
    assert invoke(["run", "by_hand", "--brief"]).exit_code == 0  # causal: −∞ above the diagonal


# ------------------------------------------------------------- 14, 16. tokens


def test_a_whitespace_only_token_is_an_error(invoke: Invoke, tmp_path: Path) -> None:
    path = qkv_file(tmp_path, ["   ", "b"])
    one_error_line(invoke(["run", str(path)]), "s.toml", "tokens[1]", "whitespace only")


def test_a_number_that_is_also_a_token_is_ambiguous(invoke: Invoke, tmp_path: Path) -> None:
    path = qkv_file(tmp_path, ["2", "1", "x"], width=2)
    one_error_line(invoke(["explain", str(path), "-s", "scores", "-r", "1", "-c", "x"]), "--row 1", "@1", "token:1")
    r = invoke(["explain", str(path), "-s", "scores", "-r", "@1", "-c", "token:1"])
    assert r.exit_code == 0, r.stderr
    assert r.stdout.splitlines()[0] == "S₁[2@1, 1@2]"
    r = invoke(["explain", str(path), "-s", "scores", "-r", "3", "-c", "x"])  # 3 is no token: a position
    assert r.exit_code == 0 and r.stdout.startswith("S₁[x, x]")


def test_resolve_ref_forms() -> None:
    labels = ["2", "1", "x", "3"]
    assert resolve_ref("@1", labels, 4, "--row") == 0
    assert resolve_ref("token:1", labels, 4, "--row") == 1
    assert resolve_ref("x", labels, 4, "--row") == 2
    assert resolve_ref("4", labels, 4, "--row") == 3  # token "3" is elsewhere, but 4 names no token
    with pytest.raises(OptionError, match="ambiguous"):
        resolve_ref("3", labels, 4, "--row")
    assert resolve_ref("2", ["a", "2"], 2, "--row") == 1  # the token 2 is at position 2: the same cell


def test_the_quiz_and_the_walkthrough_work_with_number_tokens(invoke: Invoke, tmp_path: Path) -> None:
    path = qkv_file(tmp_path, ["2", "1"], width=2)
    r = invoke(["quiz", str(path), "--seed", "1", "--count", "3"], input="999\n999\n999\n")
    assert r.exit_code == 0 and "score: 0/3" in r.stdout, r.stderr
    assert invoke(["run", str(path), "--step", "--brief"], input="\n" * 20).exit_code == 0


# ------------------------------------------------------------- 15. escaping

HIDDEN = "\u061c\u202e\u2066\x85\x9b\u200e\ufeff"


def test_every_control_and_bidi_character_is_hidden() -> None:
    from mhsa_tutor.core.text import escape_controls, escape_json, is_hidden

    assert all(is_hidden(ch) for ch in HIDDEN + "\x1b\x7f\u2028\udcff")
    assert not any(is_hidden(ch) for ch in "a 한국어\u200d\u200c∞")
    for cp in range(0x110000):
        ch = chr(cp)
        if unicodedata.category(ch) in ("Cc", "Cf") and ch not in "\u200c\u200d\n":
            assert escape_controls(ch) != ch, hex(cp)
            assert escape_json(json.dumps(ch, ensure_ascii=False)).isascii(), hex(cp)


def test_scenario_text_is_escaped_in_every_view(invoke: Invoke, tmp_path: Path) -> None:
    path = qkv_file(tmp_path, ["a\u061c", "b\x85"], title="t\u202e" + HIDDEN)
    r = invoke(["run", str(path), "--brief"])
    assert r.exit_code == 0 and not set(HIDDEN) & set(r.stdout)
    assert "a\\u061c" in r.stdout
    for fmt_name in ("md", "json", "html", "svg"):
        out = tmp_path / f"out.{fmt_name}"
        assert invoke(["export", str(path), "-o", str(out)]).exit_code == 0
        text = out.read_text(encoding="utf-8")
        assert not set(HIDDEN) & set(text), fmt_name
        assert "\\u061c" in text, fmt_name
    doc = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    assert doc["scenario"]["tokens"] == ["a\u061c", "b\x85"]  # the same strings, written escaped


def test_new_writes_hidden_characters_escaped(invoke: Invoke, tmp_path: Path) -> None:
    out = tmp_path / "n.toml"
    assert invoke(["new", str(out), "--tokens", "a\u061c b\x9b c"]).exit_code == 0
    text = out.read_text(encoding="utf-8")
    assert "\u061c" not in text and "\x9b" not in text and "\\u061c" in text and "\\u009b" in text
    assert tomllib.loads(text)["tokens"] == ["a\u061c", "b\x9b", "c"]


# ------------------------------------------------------------- 17. COLUMNS; huge numbers


def test_a_huge_columns_is_refused(invoke: Invoke) -> None:
    for huge in ("100000000", "１００００００００"):  # capped at the widest layout, not obeyed (nor refused)
        r = invoke(["run", "by_hand"], env={"COLUMNS": huge})
        assert r.exit_code == 0 and max(len(line) for line in r.stdout.splitlines()) <= 400
    one_error_line(invoke(["run", "by_hand"], env={"COLUMNS": "²"}), "COLUMNS=²", "not a number")
    one_error_line(invoke(["run", "by_hand"], env={"LINES": "²"}), "LINES=²", "not a number")


def test_huge_values_are_written_with_an_exponent() -> None:
    assert fmt(1e300, 4) == "1.0000e+300" and fmt(-1.5e300, 2) == "\u22121.50e+300"
    assert num(1e300) == "1.0000e+300" and num(123.5) == "123.5"
    assert len(fmt(1.7e308, 12)) < 20
