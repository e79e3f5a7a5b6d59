"""Golden output of `run` for every built-in, from a fixed-width colourless console.

Any rendering change shows up here as a diff in review. To accept a change on
purpose: ``UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py`` and read the diff.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from mhsa_tutor.io.loader import builtin_names
from tests.conftest import Invoke

GOLDEN = Path(__file__).parent / "golden"
CASES = [(f"run_{name}", ["run", name]) for name in builtin_names()] + [
    ("run_acting_machines_exact", ["run", "acting_machines", "--exact"]),
    *((f"run_{name}_ko", ["run", name, "--lang", "ko"]) for name in builtin_names()),
    ("explain_acting_machines_softmax", ["explain", "acting_machines", "-s", "softmax", "-r", "Machines", "-c", "1"]),
    (
        "explain_acting_machines_softmax_p0",
        ["explain", "acting_machines", "-s", "softmax", "-r", "Machines", "-c", "1", "-p", "0"],
    ),
    (
        "explain_dog_ate_food_output_ko",
        ["explain", "dog_ate_food", "-s", "output", "-r", "A", "-c", "1", "--lang", "ko"],
    ),
]


@pytest.mark.parametrize(("golden", "args"), CASES, ids=[c[0] for c in CASES])
def test_golden(invoke: Invoke, golden: str, args: list[str]) -> None:
    result = invoke(args, env={"COLUMNS": "100"})
    assert result.exit_code == 0, result.stderr
    assert "\x1b[" not in result.stdout  # NO_COLOR and not a terminal: plain text
    path = GOLDEN / f"{golden}.txt"
    if os.environ.get("UPDATE_GOLDEN") or not path.exists():
        path.write_text(result.stdout, encoding="utf-8")
        if not os.environ.get("UPDATE_GOLDEN"):
            pytest.fail(f"golden file {path.name} was missing and has been written; check it in")
    assert result.stdout == path.read_text(encoding="utf-8")
