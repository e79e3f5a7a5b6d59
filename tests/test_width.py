"""Every view fits the terminal: no line wider than COLUMNS (in cells), no word split, at 40 … 200 columns.

Each command is rendered at each width and once very wide (the reference);
a word of the narrow output must be a word of the reference (so nothing was
broken mid-word or cut with "…"), apart from the marks of elision and rules,
and the pieces of a reference word too long for the width at all (a URL).
"""

from __future__ import annotations

import pytest
from rich.cells import cell_len

from mhsa_tutor.io.loader import builtin_names
from tests.conftest import Invoke

WIDTHS = (40, 60, 80, 120, 200)
WIDE = "400"
RULES = set("─═━…⋮ ")
PUNCT = "()[],:;.'\"`"
NAMES = builtin_names()
COMMANDS = [
    *(["run", name, "--lang", lang] for name in NAMES for lang in ("en", "ko")),
    *(["explain", name, "-s", "softmax", "-r", "1", "-c", "1"] for name in NAMES),
    ["explain", "by_hand", "-s", "concat", "-r", "2", "-c", "1", "--lang", "ko"],
    ["run", "random", "--tokens", "24", "--d-model", "32", "--heads", "4", "-s", "scores", "-s", "softmax"],
    ["list"],
    ["list", "--lang", "ko"],
    *([*cmd, "--help"] for cmd in ([], ["run"], ["explain"], ["export"], ["quiz"], ["new"], ["list"], ["learn"])),
]
QUIZ = [["quiz", name, "--seed", "3"] for name in NAMES] + [["quiz", "by_hand", "--seed", "5", "--lang", "ko"]]
STEP = [["run", "dog_ate_food", "--step"], ["run", "by_hand", "--step", "--lang", "ko"]]


def _words(text: str) -> set[str]:
    return {w.strip(PUNCT) for w in text.split()} - {""}


def _check(wide: str, narrow: str, width: int) -> None:
    for line in narrow.splitlines():
        assert cell_len(line) <= width, f"{cell_len(line)} > {width}: {line!r}"
    reference = _words(wide)
    long_words = [w for w in reference if cell_len(w) > width - 16]
    for word in _words(narrow):
        if word in reference or set(word) <= RULES or any(word in w for w in long_words):
            continue
        raise AssertionError(f"{word!r} at {width} columns is not a word of the wide output")


def _out(invoke: Invoke, args: list[str], width: str, input: str | None = None) -> str:
    r = invoke(args, input=input, env={"COLUMNS": width})
    assert r.exit_code == 0, r.stderr
    return str(r.stdout)


@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_fits_every_width(invoke: Invoke, args: list[str]) -> None:
    wide = _out(invoke, args, WIDE)
    for width in WIDTHS:
        _check(wide, _out(invoke, args, str(width)), width)


@pytest.mark.parametrize("args", QUIZ, ids=" ".join)
def test_quiz_fits_every_width(invoke: Invoke, args: list[str]) -> None:
    answers = "0\n1.5\n" * 6
    wide = _out(invoke, args, WIDE, answers)
    for width in WIDTHS:
        _check(wide, _out(invoke, args, str(width), answers), width)


@pytest.mark.parametrize("args", STEP, ids=" ".join)
def test_piped_step_fits_every_width(invoke: Invoke, args: list[str]) -> None:
    keys = "7\nn\nb\n?\nzz\n1\nq\n"
    wide = _out(invoke, args, WIDE, keys)
    for width in WIDTHS:
        _check(wide, _out(invoke, args, str(width), keys), width)


def test_a_huge_columns_is_capped(invoke: Invoke) -> None:
    r = invoke(["run", "acting_machines", "-s", "softmax"], env={"COLUMNS": "100000"})
    assert r.exit_code == 0
    assert max(cell_len(line) for line in r.stdout.splitlines()) <= 400


def test_a_matrix_that_fits_is_shown_whole_and_one_too_wide_keeps_its_ends(invoke: Invoke) -> None:
    args = ["run", "random", "--tokens", "16", "--d-model", "16", "--heads", "1", "-s", "scores"]
    wide = _out(invoke, args, "200").split("S: 16 × 16")[1]
    assert "…" not in wide and "⋮" not in wide  # 16 × 16 fits at 200 columns
    narrow = _out(invoke, args, "60")
    header = next(line for line in narrow.splitlines() if line.strip().startswith("S ") and "t1" in line)
    assert "…" in header and "t16" in header and "t2" in header
