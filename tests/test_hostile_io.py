"""Issue 12, the process edge: devices and FIFOs, signals, stdout and stdin failures, encodings.

Devices are symlinks to /dev/null or /dev/zero made in a temporary folder (never
written to); FIFOs are made with ``os.mkfifo`` there too. Signals go to a real
subprocess; each child runs with its address space capped, so a regression that
reads without bound fails instead of eating the machine.
"""

from __future__ import annotations

import errno
import io
import json
import os
import resource
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from mhsa_tutor.cli import app as cli
from tests.conftest import Invoke

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX only")

BERT = ["random", "--tokens", "512", "--d-model", "768", "--heads", "12"]
MEMORY_CAP = 3 << 30  # bytes of address space for a child


def _cap_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


def cli_process(
    args: Sequence[str | bytes],
    cwd: Path,
    *,
    stdin: int | None = subprocess.DEVNULL,
    input: bytes | None = None,
    env: dict[str, str] | None = None,
    close_fds: Sequence[int] = (),
    timeout: float = 60,
) -> subprocess.CompletedProcess[bytes]:
    """``python -m mhsa_tutor ARGS`` in ``cwd``, memory capped, some standard fds closed in the child."""

    def setup() -> None:
        _cap_memory()
        for fd in close_fds:
            os.close(fd)

    return subprocess.run(
        [sys.executable, "-m", "mhsa_tutor", *args],
        cwd=cwd,
        stdin=None if input is not None else stdin,
        input=input,
        capture_output=True,
        env={**os.environ, "NO_COLOR": "1", "COLUMNS": "100", **(env or {})},
        preexec_fn=setup,
        timeout=timeout,
    )


def no_traceback(p: subprocess.CompletedProcess[bytes]) -> str:
    err = p.stderr.decode("utf-8", "replace")
    assert "Traceback" not in err, err
    return err


def one_error_line(p: subprocess.CompletedProcess[bytes], code: int, *parts: str) -> str:
    err = no_traceback(p)
    assert p.returncode == code, (p.returncode, err)
    assert err.startswith("error: ") and err.count("\n") == 1, err
    for part in parts:
        assert part in err, (part, err)
    return err


# ------------------------------------------------------------- 1. devices and FIFOs as targets


@pytest.mark.parametrize("force", [[], ["--force"]])
def test_export_never_replaces_a_fifo(force: list[str], invoke: Invoke, tmp_path: Path) -> None:
    fifo = tmp_path / "out.fifo"
    os.mkfifo(fifo)
    r = invoke(["export", "acting_machines", "-o", str(fifo), "--format", "md", *force])
    assert r.exit_code == 2 and r.stderr.count("\n") == 1
    assert "out.fifo: is a FIFO" in r.stderr and "--force" not in r.stderr
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.fifo"]


def test_new_never_replaces_a_fifo(invoke: Invoke, tmp_path: Path) -> None:
    fifo = tmp_path / "DEV"
    os.mkfifo(fifo)
    r = invoke(["new", str(fifo), "--tokens", "a b", "--force"])
    assert r.exit_code == 2 and "DEV: is a FIFO" in r.stderr
    assert stat.S_ISFIFO(fifo.lstat().st_mode)


@pytest.mark.parametrize("device", ["/dev/null", "/dev/zero"])
def test_a_symlink_to_a_device_is_never_replaced(device: str, invoke: Invoke, tmp_path: Path) -> None:
    link = tmp_path / "null.md"
    link.symlink_to(device)
    r = invoke(["export", "acting_machines", "-o", str(link), "--force"])
    assert r.exit_code == 2 and "null.md: is a symlink to a device" in r.stderr
    assert link.is_symlink() and os.readlink(link) == device
    assert sorted(p.name for p in tmp_path.iterdir()) == ["null.md"]


def test_a_symlink_to_a_file_is_replaced_not_followed(invoke: Invoke, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    target = elsewhere / "kept.md"
    target.write_text("keep me\n")
    here = tmp_path / "here"
    here.mkdir()
    link = here / "out.md"
    link.symlink_to(target)
    assert invoke(["export", "acting_machines", "-o", str(link), "--force"]).exit_code == 0
    assert not link.is_symlink() and link.read_text().startswith("# Acting Machines")
    assert target.read_text() == "keep me\n"


def test_system_folders_are_never_written(tmp_path: Path) -> None:
    """Only the predicate: a test must never try to write under /dev."""
    from mhsa_tutor.io.safe_write import in_system_folder

    assert in_system_folder(Path("/dev/stdout")) and in_system_folder(Path("/dev/shm/x.md"))
    assert in_system_folder(Path("/proc/self/fd/1")) and in_system_folder(Path("/sys/x"))
    assert not in_system_folder(tmp_path / "out.md") and not in_system_folder(Path("devices/x.md"))


# ------------------------------------------------------------- 2. scenario paths


def test_run_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "fifo.toml")
    one_error_line(cli_process(["run", "fifo.toml"], tmp_path, timeout=30), 2, "fifo.toml: is a FIFO")


def test_run_a_device_is_refused_without_reading(tmp_path: Path) -> None:
    (tmp_path / "zero.toml").symlink_to("/dev/zero")
    one_error_line(cli_process(["run", "zero.toml"], tmp_path), 2, "zero.toml: is a device")


def test_a_file_over_the_size_cap_names_the_cap(invoke: Invoke, tmp_path: Path) -> None:
    path = tmp_path / "big.toml"
    path.write_text('title = "x"\n' + "#" * 1_000_001 + "\n")
    r = invoke(["run", str(path)])
    assert r.exit_code == 2 and "big.toml: is 1,000,014 bytes; the limit" in r.stderr and "1,000,000" in r.stderr


# ------------------------------------------------------------- 6. signals


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT])
def test_a_signal_during_an_export_leaves_no_file(signum: int, tmp_path: Path) -> None:
    child = subprocess.Popen(
        [sys.executable, "-m", "mhsa_tutor", "export", *BERT, "-o", "bert.json"],
        cwd=tmp_path,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        preexec_fn=_cap_memory,
    )
    try:
        deadline = time.monotonic() + 120
        while not any(p.name.endswith(".tmp") for p in tmp_path.iterdir()):  # the export has started writing
            assert child.poll() is None, "the export ended before it could be interrupted"
            assert time.monotonic() < deadline, "no temporary file appeared"
            time.sleep(0.02)
        child.send_signal(signum)
        _, err = child.communicate(timeout=60)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert child.returncode == 128 + signum, (child.returncode, err, list(tmp_path.iterdir()))
    assert b"Traceback" not in err
    assert list(tmp_path.iterdir()) == []


# ------------------------------------------------------------- 7. stdout: full, closed, broken


class _FullDisk(io.RawIOBase):
    def writable(self) -> bool:
        return True

    def write(self, b: object) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")


def _main_with_stdout(
    args: list[str], stdout: io.TextIOBase, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> tuple[int, str]:
    monkeypatch.setattr(sys, "argv", ["mhsa-tutor", *args])
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.setattr(sys, "stdout", stdout)
    with pytest.raises(SystemExit) as stop:
        cli.main()
    code = stop.value.code
    return (code if isinstance(code, int) else 1), capsys.readouterr().err


@pytest.mark.parametrize(
    "args", [["run", "acting_machines"], ["list"], ["--version"], ["export", "acting_machines", "-o", "-"], ["--help"]]
)
def test_a_full_disk_on_stdout_is_one_error_line(
    args: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    full = io.TextIOWrapper(io.BufferedWriter(_FullDisk()), encoding="utf-8")
    code, err = _main_with_stdout(args, full, monkeypatch, capsys)
    assert code == 1
    assert err == "error: cannot write to standard output: No space left on device\n"


@pytest.mark.parametrize("args", [["run", "acting_machines"], ["export", "acting_machines", "-o", "-"], ["--version"]])
def test_a_closed_stdout_is_an_error_not_a_false_success(args: list[str], tmp_path: Path) -> None:
    p = cli_process(args, tmp_path, close_fds=[1])
    one_error_line(p, 1, "standard output is closed")


def test_a_broken_pipe_ends_quietly(tmp_path: Path) -> None:
    child = subprocess.Popen(
        [sys.executable, "-m", "mhsa_tutor", "run", *BERT],
        cwd=tmp_path,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "NO_COLOR": "1", "COLUMNS": "100"},
    )
    assert child.stdout is not None and child.stderr is not None
    child.stdout.read(10)
    child.stdout.close()  # the reader goes away, as `| head -c 10` does
    err = child.stderr.read()
    child.stderr.close()
    child.wait(timeout=120)
    assert child.returncode == 128 + signal.SIGPIPE, (child.returncode, err)
    assert err == b""


# ------------------------------------------------------------- 5, 11. stdin


@pytest.mark.parametrize("args", [["quiz", "by_hand", "--seed", "1"], ["run", "by_hand", "--step", "--brief"]])
def test_stdin_from_a_device_is_cut_at_the_line_limit(args: list[str], tmp_path: Path) -> None:
    (tmp_path / "zero").symlink_to("/dev/zero")
    with open(tmp_path / "zero", "rb") as zero:  # reads only
        p = cli_process(args, tmp_path, stdin=zero.fileno())
    one_error_line(p, 2, "standard input", "4,096")


@pytest.mark.parametrize(
    ("args", "last"),
    [(["quiz", "by_hand", "--seed", "1"], b"score: 0/0"), (["run", "by_hand", "--step", "--brief"], b"> ")],
)
@pytest.mark.parametrize("how", ["undecodable", "closed"])
def test_bad_or_closed_stdin_ends_the_session_cleanly(args: list[str], last: bytes, how: str, tmp_path: Path) -> None:
    if how == "closed":
        p = cli_process(args, tmp_path, close_fds=[0])
    else:
        p = cli_process(args, tmp_path, input=b"\xff\xfe 1\n2\n", env={"PYTHONIOENCODING": "utf-8:strict"})
    err = no_traceback(p)
    assert p.returncode == 0
    assert p.stdout.rstrip().endswith(last.rstrip())
    assert err == (
        "" if how == "closed" else "note: standard input is not UTF-8 text; stopping as at the end of input\n"
    )


# ------------------------------------------------------------- 10, 12. encodings


def test_undecodable_bytes_in_arguments_and_names(tmp_path: Path) -> None:
    p = cli_process([b"new", b"x.toml", b"--tokens", b"the \xff cat"], tmp_path)
    one_error_line(p, 2, "--tokens", "not UTF-8")
    assert not (tmp_path / "x.toml").exists()

    p = cli_process([b"new", b"\xfe.toml", b"--tokens", b"a b"], tmp_path)
    assert p.returncode == 0, no_traceback(p)
    assert os.listdir(os.fsencode(tmp_path)) == [b"\xfe.toml"]

    p = cli_process([b"export", b"\xfe.toml", b"-o", b"x.json"], tmp_path)
    assert p.returncode == 0, no_traceback(p)
    assert json.loads((tmp_path / "x.json").read_text(encoding="utf-8"))["scenario"]["tokens"] == ["a", "b"]
    one_error_line(cli_process([b"run", b"\xfd.toml"], tmp_path), 2, "\\udcfd.toml")


@pytest.mark.parametrize(
    "args",
    [
        ["run", "by_hand"],
        ["list"],
        ["explain", "by_hand", "-s", "masked", "-r", "1", "-c", "2"],
        ["run", "by_hand", "--step"],
        ["quiz", "by_hand", "--seed", "1"],
        ["export", "by_hand", "-o", "-"],
    ],
)
def test_an_ascii_output_encoding_falls_back_to_escapes(args: list[str], tmp_path: Path) -> None:
    p = cli_process(args, tmp_path, env={"PYTHONIOENCODING": "ascii"})
    assert p.returncode == 0, no_traceback(p)
    p.stdout.decode("ascii")  # nothing but ASCII reached the terminal


def _run_main(call: Callable[[], None]) -> int:
    with pytest.raises(SystemExit) as stop:
        call()
    return stop.value.code if isinstance(stop.value.code, int) else 1


def test_memory_error_is_one_line(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    def out_of_memory(*args: object, **kwargs: object) -> None:
        raise MemoryError

    monkeypatch.setattr("mhsa_tutor.core.engine.run", out_of_memory)
    monkeypatch.setattr(sys, "argv", ["mhsa-tutor", "run", "by_hand"])
    assert _run_main(cli.main) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: out of memory") and err.count("\n") == 1
