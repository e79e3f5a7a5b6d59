"""Issue 18, the third hostile review: one representative case per class (the numbers are the issue's).

Each test names its class. The CLI runs in-process (``invoke``) unless a real
process is needed (signals, ``COLUMNS`` read by Rich at start).
"""

from __future__ import annotations

import base64
import gzip
import os
import signal
import socket
import stat
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from mhsa_tutor.cli import terminal_io
from mhsa_tutor.core.engine import run
from mhsa_tutor.core.errors import ScenarioError
from mhsa_tutor.io.loader import load_scenario
from mhsa_tutor.io.validate import parse_scenario
from mhsa_tutor.teach.quiz import askable_stages, choose_questions
from mhsa_tutor.views.export import md_text
from tests.conftest import Invoke

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX only")

SMALL = """title = "t"
tokens = ["a", "b"]
heads = 1
{top}
[input]
X = [[1.0, 0.0], [0.0, 1.0]]
{inp}
[weights]
W_Q = [[1.0, 0.0], [0.0, 1.0]]
W_K = [[1.0, 0.0], [0.0, 1.0]]
W_V = [[1.0, 0.0], [0.0, 1.0]]
"""


def small(top: str = "", inp: str = "") -> str:
    return SMALL.format(top=top, inp=inp)


def one_error(r: object, *parts: str) -> str:
    err: str = r.stderr  # type: ignore[attr-defined]
    assert r.exit_code == 2, (r.exit_code, err)  # type: ignore[attr-defined]
    assert err.startswith("error: ") and err.count("\n") == 1, err
    assert "Traceback" not in err
    for part in parts:
        assert part in err, (part, err)
    return err


def cli(
    args: list[str], cwd: Path, env: dict[str, str] | None = None, stdin: bytes = b""
) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "mhsa_tutor", *args],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        env={**os.environ, "NO_COLOR": "1", **(env or {})},
        timeout=120,
    )


# ------------------------------------------------------------------ 1. never over its own input


@pytest.mark.parametrize("how", ["same name", "other spelling", "hard link", "symlink"])
def test_class01_export_never_writes_over_its_input(how: str, invoke: Invoke, tmp_path: Path) -> None:
    mine = tmp_path / "mine.toml"
    mine.write_text(small())
    before = mine.read_bytes()
    target = {"same name": mine, "other spelling": tmp_path / "." / ".." / tmp_path.name / "mine.toml"}.get(how)
    if how == "hard link":
        target = tmp_path / "hard.md"
        os.link(mine, target)
    elif how == "symlink":
        target = tmp_path / "link.md"
        target.symlink_to(mine)
    assert target is not None
    r = invoke(["export", str(mine), "-o", str(target), "--format", "md", "--force"])
    one_error(r, "a file this output is made from", "expected another file name")
    assert mine.read_bytes() == before


# ------------------------------------------------------------------ 2. modes: never through a link, never set-ID


def test_class01_from_model_never_writes_over_the_checkpoint(invoke: Invoke, tmp_path: Path) -> None:
    config = tmp_path / "config.json"
    config.write_text("{}")
    r = invoke(["from-model", str(tmp_path), "--text", "hi", "-o", str(config), "--force"])
    one_error(r, "a file this output is made from")
    assert config.read_text() == "{}"


def test_class02_no_mode_through_a_link_and_never_setid_or_world_writable(invoke: Invoke, tmp_path: Path) -> None:
    target = tmp_path / "target"
    target.write_text("x")
    os.chmod(target, 0o4777)
    link = tmp_path / "out.md"
    link.symlink_to(target)
    assert invoke(["export", "by_hand", "-o", str(link), "--force"]).exit_code == 0
    mode = stat.S_IMODE(link.lstat().st_mode)
    assert not link.is_symlink() and mode & (stat.S_ISUID | stat.S_ISGID | stat.S_IWOTH) == 0, oct(mode)
    assert stat.S_IMODE(target.stat().st_mode) == 0o4777  # the link's target is untouched
    own = tmp_path / "own.md"  # a regular file of the user's keeps its mode, less the dangerous bits
    own.write_text("x")
    os.chmod(own, 0o6776)
    assert invoke(["export", "by_hand", "-o", str(own), "--force"]).exit_code == 0
    assert stat.S_IMODE(own.stat().st_mode) == 0o774
    old = os.umask(0)  # a new file honours the umask, but is never world-writable even under umask 0
    try:
        assert invoke(["new", str(tmp_path / "n.toml"), "--tokens", "a b"]).exit_code == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "n.toml").stat().st_mode) == 0o664


# ------------------------------------------------------------------ 4. quiz: [rounding] with a variant stage


def test_class04_quiz_diagnoses_a_rotary_answer_in_a_rounded_file(invoke: Invoke, tmp_path: Path) -> None:
    path = tmp_path / "r.toml"
    assert invoke(["new", str(path), "--tokens", "a b c", "--rope"]).exit_code == 0
    path.write_text(path.read_text() + "\n[rounding]\nscaled = 1\n")
    scn = load_scenario(path)
    qs = choose_questions(run(scn), ["rotary"], 3, seed=1)
    r = invoke(["quiz", str(path), "-s", "rotary", "-s", "softmax", "-n", "4", "--seed", "1"], input="999\n" * 4)
    assert r.exit_code == 0 and "Traceback" not in r.stderr, r.stderr
    assert "score: 0/4" in r.stdout and len(qs) == 3


# ------------------------------------------------------------------ 5. COLUMNS=0


@pytest.mark.parametrize(
    "args",
    [
        ["list"],
        ["--help"],
        ["run", "by_hand"],
        ["explain", "by_hand", "-s", "scores", "-r", "1", "-c", "1"],
        ["quiz", "by_hand", "-n", "1", "--seed", "0"],
        ["run", "by_hand", "--step"],
    ],
)
def test_class05_columns_zero_is_the_default_width(args: list[str], tmp_path: Path) -> None:
    p = cli(args, tmp_path, env={"COLUMNS": "0", "LINES": "0"}, stdin=b"q\n")
    err = p.stderr.decode()
    assert p.returncode == 0 and "Traceback" not in err, err
    out = p.stdout.decode()
    assert out.strip() and max(len(line) for line in out.splitlines()) <= 100  # 80 wide (a prompt may overhang)


# ------------------------------------------------------------------ 6. every integer bounded


@pytest.mark.parametrize("window", [2**63, 10**30])
def test_class06_a_huge_window_is_refused_everywhere(window: int, invoke: Invoke, tmp_path: Path) -> None:
    one_error(invoke(["run", "random", "--mask", "sliding", "--window", str(window)]), "--window", "4,096")
    one_error(
        invoke(["new", str(tmp_path / "n.toml"), "--tokens", "a b", "--mask", "sliding", "--window", str(window)]),
        "--window",
        "the limit is 4,096",
    )
    assert not (tmp_path / "n.toml").exists()
    path = tmp_path / "w.toml"
    path.write_text(small(top=f'mask = "sliding"\nwindow = {window}'))
    one_error(invoke(["run", str(path)]), "w.toml: window is", "the limit is 4,096 tokens")
    one_error(invoke(["run", "random", "--seed", str(2**64)]), "--seed", "over the limit")


# ------------------------------------------------------------------ 9. new writes only what run reads


@pytest.mark.parametrize("args", [["--d-model", "256"], ["--d-model", "200", "--values", "normal"]])
def test_class09_new_never_writes_a_file_run_refuses(args: list[str], invoke: Invoke, tmp_path: Path) -> None:
    path = tmp_path / "big.toml"
    one_error(invoke(["new", str(path), "--tokens", "a b c", *args]), "1,000,000 bytes")
    assert not path.exists()
    ok = tmp_path / "ok.toml"  # the largest that fits is written, and runs
    assert invoke(["new", str(ok), "--tokens", "a b c", "--d-model", "200"]).exit_code == 0
    assert ok.stat().st_size <= 1_000_000
    assert invoke(["run", str(ok), "--brief", "-s", "output"]).exit_code == 0


# ------------------------------------------------------------------ 10. XML-illegal characters


def test_class10_svg_and_heatmap_are_well_formed_with_noncharacters(invoke: Invoke, tmp_path: Path) -> None:
    path = tmp_path / "x.toml"
    path.write_text(
        small().replace('"t"', '"pi \\uFFFE \\uFFFF \\uFDD0"').replace('"a", "b"', '"a\\uFFFEb", "\\uFFFF!"')
    )
    for fmt in ("svg", "heatmap"):
        out = tmp_path / f"x.{fmt}.svg"
        assert invoke(["export", str(path), "-o", str(out), "--format", fmt]).exit_code == 0
        text = out.read_text()
        assert "\ufffe" not in text and "\uffff" not in text and "\\ufffe" in text
        ET.parse(out)  # raises on a character XML does not allow


# ------------------------------------------------------------------ 11. markdown escapes where the text lands


def test_class11_markdown_escapes_an_ordered_list_marker_not_the_digit(invoke: Invoke, tmp_path: Path) -> None:
    assert md_text("3.14 is pi") == "3\\.14 is pi"
    assert md_text("1) first") == "1\\) first"
    assert md_text("- dash") == "\\- dash"
    path = tmp_path / "pi.toml"
    path.write_text(small().replace('"t"', '"3.14 is pi"'))
    out = invoke(["export", str(path), "-o", "-"]).stdout
    assert out.startswith("# 3\\.14 is pi\n") and "\\3" not in out


# ------------------------------------------------------------------ 12. no network from any output


@pytest.mark.parametrize("fmt", ["svg", "heatmap", "html", "md"])
def test_class12_no_output_asks_a_server_for_anything(fmt: str, invoke: Invoke, tmp_path: Path) -> None:
    out = tmp_path / f"o.{fmt}"
    assert invoke(["export", "by_hand", "-o", str(out), "--format", fmt]).exit_code == 0
    text = out.read_text()
    import re

    fetches = re.findall(r"""(?:url\(\s*["']?|(?:src|href)\s*=\s*["'])(?:https?:)?//""", text, re.I)
    assert fetches == [], fetches
    assert "cdnjs" not in text


# ------------------------------------------------------------------ 13. every terminating signal cleans up


def test_class13_every_catchable_terminating_signal_raises_signalled() -> None:
    ignored = signal.signal(signal.SIGUSR2, signal.SIG_IGN)  # a parent's "ignore" (nohup) is kept
    try:
        with terminal_io.handle_signals():
            for sig in (signal.SIGQUIT, signal.SIGTERM, signal.SIGHUP, signal.SIGUSR1, signal.SIGALRM):
                with pytest.raises(terminal_io.Signalled) as caught:
                    signal.raise_signal(sig)
                assert caught.value.signum == sig
            assert signal.getsignal(signal.SIGUSR2) == signal.SIG_IGN
        assert signal.getsignal(signal.SIGQUIT) == signal.SIG_DFL  # put back on the way out
    finally:
        signal.signal(signal.SIGUSR2, ignored)


# ------------------------------------------------------------------ 14. no NaN question


def test_class14_quiz_never_asks_a_nan_cell(invoke: Invoke, tmp_path: Path) -> None:
    path = tmp_path / "pad.toml"
    path.write_text(small(inp="padding = [true, true]"))
    trace = run(load_scenario(path))
    assert "softmax" not in askable_stages(trace)
    for q in choose_questions(trace, count=12, seed=3):
        assert q.value == q.value, q  # not NaN
    one_error(invoke(["quiz", str(path), "-s", "softmax"]), "every value is NaN")
    part = tmp_path / "part.toml"  # one query with every key blocked, the other with one key left
    part.write_text(small(top='mask = "custom"', inp="blocked = [[true, true], [false, true]]"))
    for q in choose_questions(run(load_scenario(part)), count=20, seed=0):
        assert q.value == q.value, q


# ------------------------------------------------------------------ 15, 16, 18: options said plainly


def test_class15_a_trailing_slash_is_a_folder_not_a_file(invoke: Invoke, tmp_path: Path) -> None:
    one_error(invoke(["export", "by_hand", "-o", str(tmp_path / "out") + "/"]), "ends with /")
    assert not (tmp_path / "out").exists()
    one_error(invoke(["new", str(tmp_path / "n") + "/", "--tokens", "a"]), "ends with /")


def test_class16_quiz_refuses_an_empty_or_unknown_language_before_any_work(invoke: Invoke) -> None:
    for lang in ("", "xx"):
        one_error(invoke(["quiz", "by_hand", "--lang", lang], input="q\n"), f"--lang {lang!r} is not a choice")


def test_class16_explain_refuses_an_empty_matrix(invoke: Invoke) -> None:
    one_error(
        invoke(["explain", "by_hand", "-s", "projections", "-r", "1", "-c", "1", "--matrix", ""]),
        "--matrix '' is not a matrix of projections",
    )


def test_class18_messages_do_not_contradict_themselves(invoke: Invoke, tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match=r"is ragged: row 2 has 1 values, row 1 has 2"):
        parse_scenario(
            small(top='mask = "custom"', inp="blocked = [[false, true], [false]]").encode(), origin="b.toml", name="b"
        )
    text = small().replace("W_V = [[1.0, 0.0], [0.0, 1.0]]\n", "W_V = [[1.0, 0.0], [0.0, 1.0]]\n")
    quoted = text.replace("heads = 1\n", 'heads = 1\n"weights.W_O" = [[1.0, 0.0], [0.0, 1.0]]\n')
    with pytest.raises(ScenarioError) as err:
        parse_scenario(quoted.encode(), origin="q.toml", name="q")
    assert "did you mean weights" not in str(err.value) and "without quotes" in str(err.value)
    sock_path = tmp_path / "s.toml"
    sock = socket.socket(socket.AF_UNIX)
    try:
        sock.bind(str(sock_path))
        one_error(invoke(["run", str(sock_path)]), "is a socket", "expected a regular scenario file")
    finally:
        sock.close()
    err_o = one_error(invoke(["export", "by_hand", "-o", ""]), "--output is empty")
    assert "folder" not in err_o


# ------------------------------------------------------------------ 17. tokens that draw nothing


@pytest.mark.parametrize("token", ["\u200d", "\u3164", "\u2800", "\u115f\u1160", "\ufe0f", "\u200b\u2060"])
def test_class17_a_token_that_draws_nothing_is_refused(token: str, invoke: Invoke, tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match=r"tokens\[1\] draws nothing: it holds only U\+"):
        parse_scenario(
            small().replace('"a"', '"' + token.encode("unicode_escape").decode() + '"').encode(), origin="t", name="t"
        )
    one_error(invoke(["new", str(tmp_path / "n.toml"), "--tokens", f"{token} b"]), "draws nothing", "--tokens")
    assert not (tmp_path / "n.toml").exists()
    assert parse_scenario(small().replace('"a"', '"a\\u3164"').encode(), origin="t", name="t").tokens[0] == "a\u3164"


# ------------------------------------------------------------------ 7. one budget that counts text


def long_tokens(T: int, length: int, heads: int = 1) -> str:
    toks = ", ".join(f'"{chr(97 + i % 26) * length}{i}"' for i in range(T))
    rows = ", ".join("[" + ", ".join(str(float((i + j) % 3)) for j in range(2 * heads)) + "]" for i in range(T))
    eye = ", ".join(
        "[" + ", ".join("1.0" if i == j else "0.0" for j in range(2 * heads)) + "]" for i in range(2 * heads)
    )
    weights = "\n".join(f"{w} = [{eye}]" for w in ("W_Q", "W_K", "W_V", "W_O"))
    return f'title = "t"\ntokens = [{toks}]\nheads = {heads}\n[input]\nX = [{rows}]\n[weights]\n{weights}\n'


def _built_size(page: Path) -> int:
    """The page's bytes with its embedded data unpacked: the file holds it as gzip, the export builds it whole."""
    import re

    text = page.read_text(encoding="utf-8")
    packed = re.search(r'data-encoding="gzip\+base64">([^<]*)<', text)
    assert packed is not None
    unpacked = gzip.decompress(base64.b64decode(packed.group(1)))
    return len(text.encode("utf-8")) - len(packed.group(1)) + len(unpacked)


@pytest.mark.parametrize(("T", "heads"), [(8, 2), (16, 1)])
def test_class07_the_text_estimate_is_above_what_is_written(T: int, heads: int, invoke: Invoke, tmp_path: Path) -> None:
    from mhsa_tutor.core.limits import text_cost

    written: dict[tuple[str, int], int] = {}
    counted: dict[tuple[str, int], int] = {}
    formats = ("md", "json", "html", "svg", "heatmap")
    for length in (4, 64):
        path = tmp_path / f"l{length}.toml"
        path.write_text(long_tokens(T, length, heads))
        scn = load_scenario(path)
        for fmt in formats:
            out = tmp_path / f"o{length}.{fmt}"
            assert invoke(["export", str(path), "-o", str(out), "--format", fmt]).exit_code == 0
            written[fmt, length] = _built_size(out) if fmt == "html" else out.stat().st_size
            counted[fmt, length] = text_cost(scn.tokens, scn.key_tokens, heads=heads, output=fmt)
    for fmt in formats:
        grew = written[fmt, 64] - written[fmt, 4]  # what the longer names added to the file
        estimated = counted[fmt, 64] - counted[fmt, 4]
        assert grew <= estimated <= 8 * grew + 1000, (fmt, grew, estimated)


def test_class07_a_small_file_of_long_tokens_is_refused_before_any_work(invoke: Invoke, tmp_path: Path) -> None:
    path = tmp_path / "long.toml"
    path.write_text(long_tokens(8, 118_000))
    assert path.stat().st_size < 1_000_000
    for fmt in ("html", "svg", "heatmap"):
        out = tmp_path / f"o.{fmt}"
        one_error(
            invoke(["export", str(path), "-o", str(out), "--format", fmt]),
            "long.toml",
            "bytes of token names",
            "the limit is 64,000,000 bytes",
        )
        assert not out.exists() and list(tmp_path.iterdir()) == [path]
    assert invoke(["export", str(path), "-o", str(tmp_path / "o.json")]).exit_code == 0  # JSON writes each name once


def test_class13_sigquit_in_the_stepper_gives_the_terminal_back(tmp_path: Path) -> None:
    import pty
    import termios
    import time

    master, slave = pty.openpty()
    before = termios.tcgetattr(slave)
    child = subprocess.Popen(
        [sys.executable, "-m", "mhsa_tutor", "run", "by_hand", "--step"],
        cwd=tmp_path,
        stdin=slave,
        stdout=slave,
        stderr=subprocess.PIPE,
        env={**os.environ, "NO_COLOR": "1", "COLUMNS": "80", "LINES": "24", "TERM": "xterm"},
    )
    try:
        deadline = time.monotonic() + 60
        while termios.tcgetattr(slave)[3] & termios.ICANON:  # the stepper has switched to single keys
            assert child.poll() is None and time.monotonic() < deadline, "the stepper did not start"
            os.read(master, 65536) if _readable(master) else time.sleep(0.02)
        child.send_signal(signal.SIGQUIT)
        _, err = child.communicate(timeout=60)
        after = termios.tcgetattr(slave)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        os.close(slave)
        os.close(master)
    assert child.returncode == 128 + signal.SIGQUIT, (child.returncode, err)
    assert b"Traceback" not in err
    assert after[3] & (termios.ECHO | termios.ICANON) == before[3] & (termios.ECHO | termios.ICANON)


def _readable(fd: int) -> bool:
    import select

    return bool(select.select([fd], [], [], 0.02)[0])


# ------------------------------------------------------------------ 8. (the README's part) GPT-2 small fits


@pytest.mark.parametrize("variant", [{}, {"mask": "causal"}, {"mask": "causal", "bias": "alibi"}])
def test_class08_gpt2_small_fits_the_budget_the_readme_states(variant: dict[str, str]) -> None:
    from mhsa_tutor.core import limits
    from mhsa_tutor.io.generate import RandomSpec, build_random
    from mhsa_tutor.io.variant_options import VariantOptions

    mask = variant.get("mask", "none")
    spec = RandomSpec(tokens=1024, d_model=768, heads=12, mask=mask, values="normal")
    spec.check()  # the check `random` makes before drawing anything
    scn = build_random(1024, 768, 12, 0, mask, "normal", variants=VariantOptions(bias=variant.get("bias")))
    assert limits.run_cells_of(scn) <= limits.MAX_CELLS
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    assert f"{limits.MAX_CELLS:,} float64" in readme and "GPT-2 small" in readme


def test_class07_a_notebook_shows_no_page_over_the_text_budget(tmp_path: Path) -> None:
    path = tmp_path / "long.toml"
    path.write_text(long_tokens(8, 118_000))
    bundle = run(load_scenario(path))._repr_mimebundle_()
    assert "text/html" not in bundle and "the limit is 64,000,000 bytes" in bundle["text/plain"]
