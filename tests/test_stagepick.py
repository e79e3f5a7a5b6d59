"""run --stage: ids, the numbers the headers show, and ranges."""

from __future__ import annotations

import pytest

from mhsa_tutor.core.engine import run
from mhsa_tutor.core.errors import OptionError
from mhsa_tutor.io.loader import load_scenario
from mhsa_tutor.teach.stagepick import pick
from tests.conftest import Invoke


def test_numbers_ranges_and_ids() -> None:
    trace = run(load_scenario("by_hand"))
    assert pick(trace, ["8"]) == [7]
    assert pick(trace, ["5-7"]) == [4, 5, 6]
    assert pick(trace, ["softmax", "1"]) == [0, 7, 13]
    assert pick(trace, ["softmax"], head=2) == [13]
    assert pick(trace) == list(range(16))


@pytest.mark.parametrize(
    ("spec", "words"),
    [
        ("softmx", "did you mean softmax? expected a stage id (input,"),
        ("17", "'17' is out of range; by_hand has stages 1 to 16"),
        ("7-5", "runs backwards; expected the lower number first, e.g. 5-7"),
        ("0", "out of range"),
    ],
)
def test_bad_stage_values_are_named(spec: str, words: str) -> None:
    with pytest.raises(OptionError) as err:
        pick(run(load_scenario("by_hand")), [spec])
    assert words in str(err.value) and err.value.option == "stage"


def test_cli_accepts_the_number_a_header_shows(invoke: Invoke) -> None:
    r = invoke(["run", "by_hand", "--stage", "8", "--brief"])
    assert r.exit_code == 0, r.stderr
    assert "stage 8/16 · head 1 · softmax" in r.stdout and "stage 7/16" not in r.stdout
