"""A real notebook, executed by nbclient on an ipykernel, shows a trace as the interactive page."""

from __future__ import annotations

import html
import re

import pytest

nbformat = pytest.importorskip("nbformat", reason="the notebook test needs nbformat (pip install -e '.[test]')")
nbclient = pytest.importorskip("nbclient", reason="the notebook test needs nbclient (pip install -e '.[test]')")
pytest.importorskip("ipykernel", reason="the notebook test needs ipykernel (pip install -e '.[test]')")

from mhsa_tutor.core.engine import run  # noqa: E402
from mhsa_tutor.io.loader import load_scenario  # noqa: E402
from mhsa_tutor.views.page.page import to_page  # noqa: E402
from mhsa_tutor.views.view import View  # noqa: E402

CELL = 'from mhsa_tutor import load_scenario, run\nrun(load_scenario("by_hand"))'


def test_a_trace_displays_as_the_page_in_a_notebook() -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells.append(nbformat.v4.new_code_cell(CELL))
    client = nbclient.NotebookClient(nb, timeout=120, kernel_name="python3")
    client.execute()
    [output] = nb.cells[0].outputs
    assert output["output_type"] == "execute_result"
    data = output["data"]
    assert data["text/plain"].startswith("<Trace by_hand: 16 stages")
    frame = data["text/html"]
    assert frame.startswith("<iframe") and 'sandbox="allow-scripts"' in frame  # isolated from the notebook
    srcdoc = re.search(r'srcdoc="([^"]*)"', frame)
    assert srcdoc is not None
    page = to_page(run(load_scenario("by_hand")), View())  # marked as embedded, light until the notebook says
    assert html.unescape(srcdoc.group(1)) == page.replace(
        "<html ", '<html data-embed="notebook" data-theme="light" ', 1
    )
