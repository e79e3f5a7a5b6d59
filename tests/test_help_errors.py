"""Help without type noise, and usage errors in plain words naming the option, with did-you-mean."""

from __future__ import annotations

from pathlib import Path

import pytest

from mhsa_tutor.core.stages import STAGE_IDS
from mhsa_tutor.io.loader import builtin_dir
from tests.conftest import Invoke

COMMANDS: tuple[list[str], ...] = ([], ["run"], ["explain"], ["export"], ["quiz"], ["new"], ["list"], ["learn"])


@pytest.mark.parametrize("cmd", COMMANDS, ids=lambda c: " ".join(c) or "root")
def test_help_has_no_type_noise(invoke: Invoke, cmd: list[str]) -> None:
    r = invoke([*cmd, "--help"])
    assert r.exit_code == 0
    for noise in ("<bool>", "<str>", "<int", "<float", "<list[", "range>", "<=x", "x>="):
        assert noise not in r.stdout, (noise, r.stdout)


def test_run_stage_help_lists_the_ids(invoke: Invoke) -> None:
    text = " ".join(invoke(["run", "--help"], env={"COLUMNS": "200"}).stdout.split())
    assert ", ".join(STAGE_IDS) in text and "range (5-7)" in text


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (["run", "by_hand", "--head", "two"], "error: --head: expected a whole number from 1 to 2, got 'two'"),
        (["explain", "by_hand", "-s", "softmax", "-r", "1", "-c", "1", "--head", "x"], "--head: expected a whole"),
        (["run", "by_hand", "-p", "x"], "error: --precision: expected a whole number from 0 to 12, got 'x'"),
        (["run", "by_hand", "-p", "99"], "error: --precision: expected a whole number from 0 to 12, got 99"),
        (["quiz", "by_hand", "--count", "x"], "error: --count: expected a whole number, 1 or more, got 'x'"),
        (["quiz", "by_hand", "--seed", "-1"], "error: --seed: expected a whole number, 0 or more, got -1"),
        (["quiz", "by_hand", "--tolerance", "abc"], "error: --tolerance: expected a number, 0 or more, got 'abc'"),
        (["run", "by_hand", "--stage", "softmx"], "did you mean softmax?"),
        (["explain", "by_hand", "-s", "softmx", "-r", "1", "-c", "1"], "did you mean softmax?"),
        (["run", "by_hand", "--lang", "eng"], "did you mean en?"),
        (["run", "random", "--mask", "causual"], "did you mean causal?"),
        (["run", "random", "--values", "norml"], "did you mean normal?"),
        (["export", "by_hand", "-o", "-", "--format", "mdd"], "did you mean md?"),
        (["run", "acting_machine"], "error: 'acting_machine' is not a built-in scenario or a file; did you mean"),
    ],
)
def test_usage_errors_in_plain_words(invoke: Invoke, args: list[str], line: str) -> None:
    r = invoke(args)
    assert r.exit_code == 2
    lines = r.stderr.splitlines()
    assert len(lines) == 1 and line in lines[0], r.stderr
    assert "Input should" not in lines[0] and "Value error" not in lines[0]
    assert "':" not in lines[0] and not lines[0].rstrip().endswith((";", ":"))


def test_a_scenario_files_enum_field_gets_a_did_you_mean(invoke: Invoke, tmp_path: Path) -> None:
    text = (builtin_dir() / "by_hand.toml").read_text(encoding="utf-8").replace('mask = "causal"', 'mask = "causual"')
    path = tmp_path / "mine.toml"
    path.write_text(text, encoding="utf-8")
    r = invoke(["run", str(path)])
    assert r.exit_code == 2
    assert f"error: {path}: mask is 'causual'; did you mean causal? expected one of: 'none', 'causal'" in r.stderr


def test_export_format_that_contradicts_the_extension_exits_2_naming_both(invoke: Invoke, tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    r = invoke(["export", "by_hand", "-o", str(out), "--format", "md"])
    assert r.exit_code == 2 and not out.exists()
    assert r.stderr == (
        f"error: --format 'md' contradicts the output file {out}, whose extension .json means json; "
        "expected json, or a file name ending in .md\n"
    )
    plain = tmp_path / "notes.txt"  # an extension that names no format: --format decides
    assert invoke(["export", "by_hand", "-o", str(plain), "--format", "md"]).exit_code == 0 and plain.exists()
    same = tmp_path / "page.html"
    assert invoke(["export", "by_hand", "-o", str(same), "--format", "html"]).exit_code == 0
