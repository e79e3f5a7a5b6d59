"""mhsa-tutor: multi-head self-attention, computed by hand in front of the learner.

Library use, without the CLI::

    from mhsa_tutor import load_scenario, run
    trace = run(load_scenario("acting_machines"))
    for stage in trace.stages:
        print(stage.id, stage.head, list(stage.matrices))

The heavy modules (NumPy) are imported on first use of these names, so that
``mhsa-tutor --help`` starts without them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["Scenario", "Stage", "Trace", "__version__", "load_scenario", "run"]

if TYPE_CHECKING:
    from mhsa_tutor.core.engine import run
    from mhsa_tutor.core.scenario import Scenario
    from mhsa_tutor.core.trace import Stage, Trace
    from mhsa_tutor.io.loader import load_scenario


def __getattr__(name: str) -> Any:
    """Import the library API lazily (PEP 562)."""
    if name == "run":
        from mhsa_tutor.core.engine import run

        return run
    if name == "load_scenario":
        from mhsa_tutor.io.loader import load_scenario

        return load_scenario
    if name == "Scenario":
        from mhsa_tutor.core.scenario import Scenario

        return Scenario
    if name in ("Trace", "Stage"):
        from mhsa_tutor.core import trace

        return getattr(trace, name)
    raise AttributeError(f"module 'mhsa_tutor' has no attribute {name!r}")
