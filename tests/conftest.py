"""Shared test helpers: run the CLI in-process through Typer's CliRunner; hypothesis profiles.

Hypothesis runs derandomized (the same examples every run) when ``CI`` is set
or ``HYPOTHESIS_PROFILE=ci``, so a CI result never depends on luck; locally
the ``dev`` profile explores new examples each run. The edges where bugs once
hid are pinned with ``@example`` in the tests themselves.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence

import pytest
from hypothesis import HealthCheck, settings
from typer.testing import CliRunner, Result

from mhsa_tutor.cli.app import app

Invoke = Callable[..., Result]

settings.register_profile(
    "ci", derandomize=True, deadline=None, print_blob=True, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("dev", deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))


@pytest.fixture
def invoke() -> Invoke:
    """``invoke(["run", "acting_machines"], input="...")`` -> click Result (stdout/stderr split).

    Every bad-input error of every test is also read in Korean: a run that ends in exit 2 with an
    ``error:`` line (English, no language asked for) is run again with ``MHSA_TUTOR_LANG=ko``, which
    must give exit 2 and one ``error:`` line with no English word but names, fields, values and paths
    (``check_korean_error``).
    """
    runner = CliRunner()

    def _invoke(args: Sequence[str], input: str | None = None, env: dict[str, str] | None = None) -> Result:
        full_env = {"NO_COLOR": "1", "COLUMNS": "100", **(env or {})}
        result = runner.invoke(app, list(args), input=input, env=full_env)
        if (
            result.exit_code == 2
            and result.stderr.startswith("error: ")
            and "MHSA_TUTOR_LANG" not in full_env
            and not any(a == "--lang" or a.startswith("--lang=") for a in args)
        ):
            korean = runner.invoke(app, list(args), input=input, env={**full_env, "MHSA_TUTOR_LANG": "ko"})
            check_korean_error(korean, args)
        return result

    return _invoke


def check_korean_error(result: Result, args: Sequence[str]) -> None:
    """Exit 2, one ``error:`` line, no traceback, no English word but what ``error_english_words`` allows."""
    from tests.korean_words import error_english_words

    stderr = result.stderr
    assert result.exit_code == 2, (args, result.exit_code, stderr)
    assert stderr.startswith("error: ") and stderr.count("\n") == 1 and "Traceback" not in stderr, (args, stderr)
    from mhsa_tutor.io.loader import builtin_names, load_scenario

    typed = [str(a) for a in args]
    for a in args:  # the tokens of a built-in and the words of a file named on the command line are the learner's own
        if a in builtin_names():
            typed.extend(load_scenario(a).tokens)
        try:
            if os.path.isfile(a) and os.path.getsize(a) < 1_000_000:
                with open(a, encoding="utf-8", errors="replace") as f:
                    typed.append(f.read())
        except (OSError, ValueError):
            pass
    assert error_english_words(stderr, typed) == set(), (args, stderr)
