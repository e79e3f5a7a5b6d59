"""--step: driven by an injected input function, and through the CLI with piped input."""

from __future__ import annotations

import io
import re
from collections.abc import Callable

from rich.console import Console, RenderableType

from mhsa_tutor.cli.session import walk
from mhsa_tutor.core.engine import run
from mhsa_tutor.io.loader import load_scenario
from mhsa_tutor.views.terminal.render import select
from mhsa_tutor.views.view import View
from tests.conftest import Invoke

PROGRESS = re.compile(r"^stage (\d+)/(\d+)", re.M)


def _script(lines: list[str], interrupt_at: int | None = None) -> tuple[Callable[[str], str | None], list[str]]:
    prompts: list[str] = []
    feed = iter(lines)

    def read_line(prompt: str) -> str | None:
        prompts.append(prompt)
        if interrupt_at is not None and len(prompts) == interrupt_at:
            raise KeyboardInterrupt
        return next(feed, None)

    return read_line, prompts


def _walk(name: str, lines: list[str], interrupt_at: int | None = None) -> tuple[int, str, list[str]]:
    trace = run(load_scenario(name))
    out = io.StringIO()
    console = Console(file=out, width=100, color_system=None)

    def show(c: Console, r: RenderableType) -> None:
        c.print(r)

    read_line, prompts = _script(lines, interrupt_at)
    code = walk(trace, select(trace), View(narrate=False), console, read_line, show)
    return code, out.getvalue(), prompts


def _shown(text: str) -> list[int]:
    return [int(m.group(1)) for m in PROGRESS.finditer(text)]


def test_next_back_jump_quit() -> None:
    code, text, prompts = _walk("dog_ate_food", ["", "n", "b", "6", "?", "q"])
    assert code == 0
    assert _shown(text) == [1, 2, 3, 2, 6]
    assert prompts[-1].startswith("[stage 6/15 · head 1 · scaled]")  # the example progress line
    assert "Keys: Enter or n = next stage" in text


def test_end_of_input_and_end_of_stages() -> None:
    code, text, _ = _walk("acting_machines", ["n"])
    assert code == 0 and _shown(text) == [1, 2]
    code, text, _ = _walk("acting_machines", [""] * 10)
    assert code == 0 and _shown(text) == [1, 2, 3, 4, 5, 6, 7]
    assert "That was the last stage." in text


def test_back_at_first_stage_and_bad_keys() -> None:
    code, text, _ = _walk("acting_machines", ["b", "99", "zz", "q"])
    assert code == 0 and _shown(text) == [1]
    assert "This is the first stage." in text
    assert "There is no stage 99 here; choose 1–7." in text
    assert "Unknown key 'zz'" in text


def test_ctrl_c_is_130() -> None:
    code, _, _ = _walk("acting_machines", ["n", "n"], interrupt_at=2)
    assert code == 130


def test_each_stage_works_an_example_cell() -> None:
    _, text, _ = _walk("acting_machines", ["5", "q"])
    assert "Example: A₁[Machines, Acting]" in text
    assert "≈ 1 / 1.301194" in text


def test_cli_step_with_piped_input(invoke: Invoke) -> None:
    r = invoke(["run", "by_hand", "--step", "--brief"], input="n\nn\nb\n7\nq\n")
    assert r.exit_code == 0, r.stderr
    assert _shown(r.stdout) == [1, 2, 3, 2, 7]
    assert "[stage 7/16 · head 1 · masked]" in r.stdout


def test_cli_step_end_of_input_is_clean(invoke: Invoke) -> None:
    r = invoke(["run", "acting_machines", "--step"], input="n\n")
    assert r.exit_code == 0
    assert "Traceback" not in r.stdout + r.stderr
    assert _shown(r.stdout) == [1, 2]


def test_cli_step_respects_stage_filter(invoke: Invoke) -> None:
    r = invoke(["run", "by_hand", "--step", "--stage", "softmax", "--brief"], input="\n\n\n")
    assert r.exit_code == 0
    assert _shown(r.stdout) == [8, 14]
