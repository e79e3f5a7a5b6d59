"""A trace read back from its JSON form explains every cell exactly as the run it came from."""

from __future__ import annotations

import json

import numpy as np
import pytest

from mhsa_tutor.core.engine import run
from mhsa_tutor.io.loader import builtin_names, load_scenario
from mhsa_tutor.io.trace_json import from_dict, to_dict
from mhsa_tutor.teach.explain import explain_cell
from tests.variant_scenarios import named

NAMED = named()


@pytest.mark.parametrize("name", [*builtin_names(), *NAMED])
def test_the_json_round_trip_explains_every_cell(name: str) -> None:
    scn = NAMED[name] if name in NAMED else load_scenario(name)
    trace = run(scn)
    back = from_dict(json.loads(json.dumps(to_dict(trace))))
    small = len(scn.tokens) * scn.heads <= 24
    for stage, again in zip(trace.stages, back.stages, strict=True):
        for key, arr in again.aux.items():  # what is restored is what the engine stored
            np.testing.assert_array_equal(arr, stage.aux[key], err_msg=f"{stage.id} {key}")
        for mname, m in stage.matrices.items():
            rows, cols = m.values.shape
            cells = (
                [(i, j) for i in range(rows) for j in range(cols)]
                if small
                else sorted({(0, 0), (0, cols - 1), (rows - 1, 0), (rows - 1, cols - 1)})
            )
            for i, j in cells:
                args = (stage.id, f"@{i + 1}", f"@{j + 1}")
                want = explain_cell(trace, *args, head=stage.head, matrix=mname)
                got = explain_cell(back, *args, head=stage.head, matrix=mname)
                assert got.lines == want.lines, (stage.id, stage.head, mname, i, j)
