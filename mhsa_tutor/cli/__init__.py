"""The command line: the Typer app (``app``), its option parsing (``inputs``), plumbing (``support``),
the interactive loops (``session``) and the process edges (``terminal_io``).

``main`` is the ``mhsa-tutor`` script's entry point; it is imported lazily so that importing a
sibling module does not load the whole app.
"""

from __future__ import annotations

from typing import Any


def __getattr__(name: str) -> Any:
    """``mhsa_tutor.cli.main``, loaded on first use (PEP 562)."""
    if name == "main":
        from mhsa_tutor.cli.app import main

        return main
    raise AttributeError(f"module 'mhsa_tutor.cli' has no attribute {name!r}")
