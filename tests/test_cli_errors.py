"""Bad input through the CLI: exit code 2, one ``error:`` line on stderr, nothing else; text shown inertly."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import Result

from tests.bad_inputs import BASE_QKV, BASE_X, CASES, SAMPLE, Bad
from tests.conftest import Invoke

ESC = "\x1b"


def assert_one_error_line(r: Result, *must_contain: str) -> str:
    """Exit 2, nothing on stdout, exactly one ``error: ...`` line on stderr naming everything in must_contain."""
    assert r.exit_code == 2, (r.exit_code, r.stdout, r.stderr, r.exception)
    assert isinstance(r.exception, SystemExit), repr(r.exception)  # not an escaped exception
    assert r.stdout == ""
    assert "Traceback" not in r.stderr
    assert r.stderr.startswith("error: ")
    assert r.stderr.endswith("\n") and r.stderr.count("\n") == 1, repr(r.stderr)
    assert ESC not in r.stderr
    for part in must_contain:
        assert part in r.stderr, f"{part!r} not in {r.stderr!r}"
    return r.stderr


def write(tmp_path: Path, content: str | bytes, name: str = "bad.toml") -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


# ----------------------------------------------------------------- every bad file


@pytest.mark.parametrize("case", SAMPLE, ids=[c.id for c in SAMPLE])
def test_bad_file_is_one_error_line(case: Bad, invoke: Invoke, tmp_path: Path) -> None:
    path = write(tmp_path, case.content)
    fields = (case.field,) if case.field else ()
    assert_one_error_line(invoke(["run", str(path)]), "bad.toml", *fields, case.phrase)


def test_overflow_in_the_engine_is_one_error_line(invoke: Invoke, tmp_path: Path) -> None:
    big = BASE_X.replace("1.0, 0.0], [0.0, 1.0]]", "1e100, 0.0], [0.0, 1e100]]").replace("[1.0, 2.0]", "[1e100, 2.0]")
    path = write(tmp_path, big)
    assert_one_error_line(invoke(["run", str(path)]), "bad.toml", "overflow", "scores")


@pytest.mark.parametrize("case_id", ["not_toml", "ragged_X", "heads_true", "nan", "unknown_mask"])
@pytest.mark.parametrize(
    "command",
    [
        ["explain", "--stage", "softmax", "--row", "1", "--col", "1"],
        ["export", "-o", "-"],
        ["quiz"],
    ],
    ids=["explain", "export", "quiz"],
)
def test_other_commands_report_bad_files_the_same_way(
    command: list[str], case_id: str, invoke: Invoke, tmp_path: Path
) -> None:
    case = next(c for c in CASES if c.id == case_id)
    path = write(tmp_path, case.content)
    fields = (case.field,) if case.field else ()
    r = invoke([command[0], str(path), *command[1:]], input="q\n")
    assert_one_error_line(r, "bad.toml", *fields, case.phrase)


# ---------------------------------------------------------------- paths and names


def test_missing_path(invoke: Invoke, tmp_path: Path) -> None:
    assert_one_error_line(invoke(["run", str(tmp_path / "mine.toml")]), "mine.toml", "does not exist")


def test_folder(invoke: Invoke, tmp_path: Path) -> None:
    assert_one_error_line(invoke(["run", str(tmp_path)]), str(tmp_path), "is a folder")


def test_unreadable_file(invoke: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, BASE_QKV, "locked.toml")

    real_open = os.open

    def denied(file: str, flags: int, *args: int) -> int:
        if str(file).endswith("locked.toml"):
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, flags, *args)

    monkeypatch.setattr(os, "open", denied)
    assert_one_error_line(invoke(["run", str(path)]), "locked.toml", "cannot be read")


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads any file")
def test_unreadable_file_for_real(invoke: Invoke, tmp_path: Path) -> None:
    path = write(tmp_path, BASE_QKV, "locked.toml")
    path.chmod(0)
    assert_one_error_line(invoke(["run", str(path)]), "locked.toml", "cannot be read")


@pytest.mark.parametrize(("ref", "hint"), [("acting_machine", "acting_machines"), ("ilustrated", "illustrated")])
def test_unknown_builtin_suggests_the_closest(
    ref: str, hint: str, invoke: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert_one_error_line(invoke(["run", ref]), ref, f"did you mean {hint}?")


@pytest.mark.parametrize("ref", ["../etc/passwd", "acting_machines/../x", "..\\etc\\passwd", "", "a" * 300])
def test_path_tricks_and_odd_names(ref: str, invoke: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cwd = tmp_path / "a" / "b"
    cwd.mkdir(parents=True)
    monkeypatch.chdir(cwd)
    assert_one_error_line(invoke(["run", ref]))


# ------------------------------------------------------------ text shown literally

TRICKY = """\
title = "[red]T[/red] \\u001b]0;pwned\\u0007"
description = "[link=http://x]click[/link]"
source = "\\u001b[2J cleared"
tokens = ["[bold red]x[/]", "a\\u001b[31mb", "\\u202eevil", ":smile:"]
heads = 1
scale = "none"

[input]
Q = [[1.0], [2.0], [3.0], [4.0]]
K = [[1.0], [0.0], [1.0], [0.0]]
V = [[1.0], [2.0], [3.0], [4.0]]
"""


@pytest.fixture
def tricky(tmp_path: Path) -> Path:
    return write(tmp_path, TRICKY, "tricky.toml")


def test_markup_in_tokens_is_printed_literally(tricky: Path, invoke: Invoke) -> None:
    r = invoke(["run", str(tricky)])
    assert r.exit_code == 0, r.stderr
    assert "[bold red]x[/]" in r.stdout
    assert "[red]T[/red]" in r.stdout
    assert ":smile:" in r.stdout and "😄" not in r.stdout


def test_escape_codes_in_file_text_never_reach_the_terminal(tricky: Path, invoke: Invoke) -> None:
    for args in (["run", str(tricky)], ["run", str(tricky), "--brief"], ["run", str(tricky), "--stage", "softmax"]):
        r = invoke(args)
        assert r.exit_code == 0, r.stderr
        assert ESC not in r.stdout and "\x07" not in r.stdout
        assert "\u202e" not in r.stdout  # a bidi override would reverse what follows on screen
        assert "a\\x1b[31mb" in r.stdout  # shown, made visible


def test_escape_codes_in_error_messages_are_made_visible(invoke: Invoke, tmp_path: Path) -> None:
    text = TRICKY + '\n[expected.c]\nstage = "softmax"\nhead = 1\nmatrix = "A"\nrow = "\\u001b[31mz"\nvalue = [1.0]\n'
    text += "decimals = 1\n"
    r = invoke(["run", str(write(tmp_path, text))])
    assert_one_error_line(r, "bad.toml", "expected.c.row")


# ------------------------------------------------------------- colour and start-up


def test_no_color_output_is_plain(invoke: Invoke) -> None:
    r = invoke(["run", "acting_machines"])
    assert r.exit_code == 0 and r.stdout
    assert ESC not in r.stdout


def test_output_into_a_pipe_is_plain_even_without_no_color(invoke: Invoke) -> None:
    env = {"NO_COLOR": None, "FORCE_COLOR": None, "TERM": "xterm-256color", "COLORTERM": "truecolor"}
    r = invoke(["run", "dog_ate_food"], env=env)
    assert r.exit_code == 0 and r.stdout
    assert ESC not in r.stdout


def _clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    return {**env, "TERM": "xterm-256color", **extra}


def test_real_pipe_is_plain() -> None:
    cmd = [sys.executable, "-m", "mhsa_tutor", "run", "by_hand", "--stage", "masked"]
    out = subprocess.run(cmd, capture_output=True, text=True, env=_clean_env(), timeout=60)
    assert out.returncode == 0, out.stderr
    assert "−∞" in out.stdout
    assert ESC not in out.stdout and ESC not in out.stderr


def test_real_error_is_one_line_without_traceback(tmp_path: Path) -> None:
    path = write(tmp_path, "title = " + "[" * 5000)
    out = subprocess.run(
        [sys.executable, "-m", "mhsa_tutor", "run", str(path)], capture_output=True, text=True, env=_clean_env()
    )
    assert out.returncode == 2
    assert out.stdout == ""
    assert out.stderr.startswith("error: ") and out.stderr.count("\n") == 1 and "bad.toml" in out.stderr


def test_help_does_not_import_numpy() -> None:
    code = (
        "import sys\n"
        "sys.argv = ['mhsa-tutor', '--help']\n"
        "from mhsa_tutor.cli.app import main\n"
        "try:\n"
        "    main()\n"
        "except SystemExit:\n"
        "    pass\n"
        "print('numpy' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=_clean_env(), timeout=60)
    assert out.returncode == 0, out.stderr
    assert "Usage" in out.stdout
    assert out.stdout.strip().splitlines()[-1] == "False"
