"""Shared test helpers: run the CLI in-process through Typer's CliRunner."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pytest
from typer.testing import CliRunner, Result

from mhsa_tutor.cli import app

Invoke = Callable[..., Result]


@pytest.fixture
def invoke() -> Invoke:
    """``invoke(["run", "acting_machines"], input="...")`` -> click Result (stdout/stderr split)."""
    runner = CliRunner()

    def _invoke(args: Sequence[str], input: str | None = None, env: dict[str, str] | None = None) -> Result:
        return runner.invoke(app, list(args), input=input, env={"NO_COLOR": "1", "COLUMNS": "100", **(env or {})})

    return _invoke
