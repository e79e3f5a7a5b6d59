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
    """``invoke(["run", "acting_machines"], input="...")`` -> click Result (stdout/stderr split)."""
    runner = CliRunner()

    def _invoke(args: Sequence[str], input: str | None = None, env: dict[str, str] | None = None) -> Result:
        return runner.invoke(app, list(args), input=input, env={"NO_COLOR": "1", "COLUMNS": "100", **(env or {})})

    return _invoke
