"""``mhsa-tutor learn``: the course driven piped and in a pseudo-terminal, its progress file, kills, review, reset."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from mhsa_tutor.core.engine import run
from mhsa_tutor.io.loader import builtin_names, load_scenario
from mhsa_tutor.io.state_file import load_state, state_dir
from mhsa_tutor.teach.course import LESSONS, Progress, available, from_json, question, to_json
from mhsa_tutor.teach.explain import example_cell
from tests.conftest import Invoke

ROOT = Path(__file__).resolve().parent.parent
COURSE = available(LESSONS, builtin_names())


def answers(k: int) -> list[str]:
    """The right answers of lesson k (0-based), from the trace, to 4 decimals."""
    lesson = COURSE[k]
    trace = run(load_scenario(lesson.scenario))
    return [f"{question(trace, a).value:.4f}" for a in lesson.asks]


def walk(k: int) -> list[str]:
    """Enter at each of lesson k's stages."""
    from mhsa_tutor.teach.stagepick import pick

    lesson = COURSE[k]
    return [""] * len(pick(run(load_scenario(lesson.scenario)), lesson.stages))


def state(folder: Path) -> dict[str, object]:
    data: dict[str, object] = json.loads((folder / "progress.json").read_text(encoding="utf-8"))
    return data


@pytest.fixture
def learn(invoke: Invoke, tmp_path: Path):  # type: ignore[no-untyped-def]
    folder = tmp_path / "state"

    def _learn(args: list[str], lines: list[str], **env: str):  # type: ignore[no-untyped-def]
        return invoke(["learn", *args], input="\n".join(lines) + "\n", env={"MHSA_TUTOR_STATE": str(folder), **env})

    _learn.folder = folder  # type: ignore[attr-defined]
    return _learn


# ------------------------------------------------------------------ the lessons as data


def test_every_lesson_is_complete_in_both_languages() -> None:
    from mhsa_tutor.strings import ui
    from mhsa_tutor.teach.stagepick import pick

    assert [lesson.scenario for lesson in COURSE[:6]] == ["first_steps"] * 6  # the first lessons use it
    assert len({lesson.id for lesson in LESSONS}) == len(LESSONS)
    for lesson in LESSONS:
        for lang in ("en", "ko"):
            assert ui(lang)[f"lesson_{lesson.id}_title"] and ui(lang)[f"lesson_{lesson.id}_goal"]
    for lesson in COURSE:
        trace = run(load_scenario(lesson.scenario))
        walked = pick(trace, lesson.stages)
        assert walked and lesson.asks
        for ask in lesson.asks:
            q = question(trace, ask)  # the cell exists
            stage = trace.find(ask.stage, ask.head)
            shown = example_cell(trace, stage)
            if trace.stages.index(stage) in walked and shown is not None:  # the worked example does not give it away
                assert shown != (ask.matrix, f"@{ask.row + 1}", f"@{ask.col + 1}"), (lesson.id, ask)
            assert q.value == q.value  # a number


def test_progress_round_trips_and_malformed_records_are_refused() -> None:
    from mhsa_tutor.teach.course import Ask, Mistake

    p = (
        Progress()
        .at("scores")
        .missed(Mistake("scores", "first_steps", Ask("scores", 1, "S", 1, 0)))
        .finish("scores", "x")
    )
    assert from_json(json.loads(json.dumps(to_json(p)))) == p
    bad: object
    for bad in (None, [], {"version": 2}, {**to_json(p), "done": "x"}, {**to_json(p), "mistakes": [{"lesson": 1}]}):
        with pytest.raises(ValueError):
            from_json(bad)


def test_state_dir_follows_the_environment(tmp_path: Path) -> None:
    assert state_dir({"MHSA_TUTOR_STATE": "/x/y", "XDG_STATE_HOME": "/s"}) == Path("/x/y")
    assert state_dir({"XDG_STATE_HOME": "/s"}) == Path("/s/mhsa-tutor")
    assert state_dir({"XDG_STATE_HOME": "relative"}) == Path.home() / ".local/state/mhsa-tutor"  # XDG: ignore relative
    assert state_dir({}) == Path.home() / ".local/state/mhsa-tutor"


# ------------------------------------------------------------------ piped


def test_learn_piped_right_wrong_resume_review_reset(learn) -> None:  # type: ignore[no-untyped-def]
    folder = learn.folder
    a1, a2 = answers(0), answers(1)
    # lesson 1: first answer wrong then right, second right; lesson 2: first missed twice, then stop
    lines = [*walk(0), "999", a1[0], a1[1], "", *walk(1), "999", "998", "q"]
    r = learn([], lines)
    assert r.exit_code == 0, r.stderr
    out = r.stdout
    assert "Lesson 1/" in out and "Goal:" in out and "Lesson 2/" in out
    assert "✗ Not quite: 999 is not it" in out and "try again" in out  # the diagnosis/arithmetic, another try
    assert "✓ Lesson 1 done: 2 of 2" in out
    assert "Into your mistake book" in out and f"= {a2[0].rstrip('0').rstrip('.')}" in out  # the answer shown
    assert "resumes at lesson 2" in out
    s = state(folder)
    assert s["done"] == [COURSE[0].id] and s["current"] == COURSE[1].id
    assert s["misses"] == {COURSE[1].id: 1}
    assert s["mistakes"] == [{"lesson": "scores", "scenario": "first_steps", **vars(COURSE[1].asks[0])}]
    assert r.stderr == ""

    # resume: lesson 2 again, from its start
    r = learn([], ["q"])
    assert "Lesson 2/" in r.stdout and "Lesson 1/" not in r.stdout

    listing = learn(["--list"], []).stdout
    assert f" ✓  1  {'From words to queries, keys and values'}" in listing
    assert " ▶  2  Scores: one dot product per pair  (first_steps)  ✗1" in listing

    # review the mistake book: right this time, so it leaves the book
    r = learn(["--review"], [a2[0]])
    assert "Review of your mistake book (cells: 1)" in r.stdout and "1 of 1 right; 0 left" in r.stdout
    assert state(folder)["mistakes"] == []
    assert "empty" in learn(["--review"], []).stdout

    # jump, then start over (piped: no question asked)
    r = learn(["4"], ["q"])
    assert "Lesson 4/" in r.stdout and state(folder)["current"] == COURSE[3].id
    r = learn(["--reset"], [])
    assert r.exit_code == 0 and "starts at lesson 1" in r.stdout
    assert state(folder) == to_json(Progress())
    assert "▶  1" in learn(["--list"], []).stdout


def test_learn_in_korean_from_the_environment(learn) -> None:  # type: ignore[no-untyped-def]
    r = learn([], ["q"], MHSA_TUTOR_LANG="ko")
    assert "1/" in r.stdout and "목표:" in r.stdout and "Goal" not in r.stdout
    assert "Goal:" in learn(["--lang", "en"], ["q"], MHSA_TUTOR_LANG="ko").stdout


def test_bad_lesson_and_options_are_one_error_line(learn) -> None:  # type: ignore[no-untyped-def]
    for args in (["99"], ["nope"], ["--list", "--review"], ["--lang", "fr"]):
        r = learn(args, [])
        assert r.exit_code == 2 and r.stderr.startswith("error: ") and len(r.stderr.splitlines()) == 1, args


@pytest.mark.parametrize("content", [b"{not json", b"\xff\xfe", b'{"version": 1, "done": 3}', b"[]"])
def test_a_corrupt_progress_file_is_kept_aside_with_one_warning(learn, content: bytes) -> None:  # type: ignore[no-untyped-def]
    folder = learn.folder
    folder.mkdir(parents=True)
    (folder / "progress.json").write_bytes(content)
    r = learn(["--list"], [])
    assert r.exit_code == 0 and "Traceback" not in r.stderr
    assert (
        len(r.stderr.splitlines()) == 1
        and r.stderr.startswith("warning: ")
        and "kept as progress.json.bad-" in r.stderr
    )
    kept = [p for p in folder.iterdir() if p.name.startswith("progress.json.bad-")]
    assert len(kept) == 1 and kept[0].read_bytes() == content  # never lost
    learn([], ["q"])
    assert state(folder)["current"] == COURSE[0].id  # a fresh start, saved beside the kept file


def test_an_unreadable_progress_file_that_cannot_be_moved_is_never_overwritten(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    (folder / "progress.json").write_text("{bad", encoding="utf-8")
    os.chmod(folder, 0o500)  # cannot rename inside
    try:
        if os.access(folder, os.W_OK):
            pytest.skip("running as a user who can write anywhere")
        loaded = load_state(folder, "progress.json", from_json, Progress())
        assert not loaded.writable and "will not be saved" in (loaded.warning or "")
    finally:
        os.chmod(folder, 0o700)
    assert (folder / "progress.json").read_text(encoding="utf-8") == "{bad"


# ------------------------------------------------------------------ killed mid-write


KILLER = """
import os, signal, sys
real, calls, at = os.replace, [0], int(sys.argv[1])
def replace(a, b):
    calls[0] += 1
    if calls[0] == at:
        os.kill(os.getpid(), signal.SIGKILL)  # the new state is written and synced, not yet renamed
    real(a, b)
os.replace = replace
sys.argv = ["mhsa-tutor", "learn"]
from mhsa_tutor.cli.app import main
main()
"""


def test_killed_mid_write_loses_nothing_and_resumes(tmp_path: Path) -> None:
    folder = tmp_path / "state"
    env = {**os.environ, "MHSA_TUTOR_STATE": str(folder), "PYTHONPATH": str(ROOT), "NO_COLOR": "1"}
    a1 = answers(0)
    lines = "\n".join([*walk(0), a1[0], a1[1], "", "q"]) + "\n"
    # write 1: lesson 1 starts; write 2: lesson 1 done -> killed just before the rename
    p = subprocess.run([sys.executable, "-c", KILLER, "2"], input=lines, text=True, capture_output=True, env=env)
    assert p.returncode == -9
    s = state(folder)  # the previous state, whole
    assert s["done"] == [] and s["current"] == COURSE[0].id
    left = [x.name for x in folder.iterdir() if x.name != "progress.json"]
    assert len(left) == 1 and left[0].endswith(".tmp")  # the unpublished one, beside the whole old file
    # resume: lesson 1 again, this time to its end
    p = subprocess.run([sys.executable, "-c", KILLER, "0"], input=lines, text=True, capture_output=True, env=env)
    assert p.returncode == 0, p.stderr
    assert "Lesson 1/" in p.stdout and p.stderr == ""
    assert state(folder)["done"] == [COURSE[0].id]


# ------------------------------------------------------------------ in a pseudo-terminal


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX pseudo-terminals")
def test_learn_in_a_pseudo_terminal(tmp_path: Path) -> None:
    from tests.pty_drive import drive

    folder = tmp_path / "state"
    a1 = answers(0)
    screen = drive(["learn"], [*walk(0), "7", a1[0], a1[1], "q"], folder)
    assert "Lesson 1/" in screen and "try again" in screen and "✓ Lesson 1 done" in screen
    assert state(folder)["done"] == [COURSE[0].id]
    screen = drive(["learn", "--reset"], ["n"], folder)
    assert "Start the course over?" in screen and "Nothing changed." in screen
    assert state(folder)["done"] == [COURSE[0].id]
    screen = drive(["learn", "--reset"], ["y"], folder)
    assert "starts at lesson 1" in screen and state(folder)["done"] == []
