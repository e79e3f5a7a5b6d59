"""The CLI's basic wiring: version, list, run, and one-line errors."""

from __future__ import annotations

from tests.conftest import Invoke


def test_version(invoke: Invoke) -> None:
    from mhsa_tutor import __version__

    r = invoke(["--version"])
    assert r.exit_code == 0
    assert r.stdout.strip() == f"mhsa-tutor {__version__}"


def test_list_names_every_builtin(invoke: Invoke) -> None:
    from mhsa_tutor.io.loader import builtin_names

    r = invoke(["list"])
    assert r.exit_code == 0
    for name in builtin_names():
        assert name in r.stdout
    assert len(builtin_names()) == 17


def test_run_prints_weights_of_acting_machines(invoke: Invoke) -> None:
    r = invoke(["run", "acting_machines", "--stage", "softmax"])
    assert r.exit_code == 0, r.stderr
    assert "0.7685" in r.stdout and "0.2315" in r.stdout


def test_unknown_builtin_suggests_closest(invoke: Invoke) -> None:
    r = invoke(["run", "acting_machine"])
    assert r.exit_code == 2
    assert r.stderr.count("\n") == 1
    assert "did you mean acting_machines?" in r.stderr


def test_bad_option_is_one_line(invoke: Invoke) -> None:
    r = invoke(["run", "acting_machines", "--precision", "abc"])
    assert r.exit_code == 2
    assert r.stderr.startswith("error: ")
    assert r.stderr.count("\n") == 1
