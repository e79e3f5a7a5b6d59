"""The core: the stage table, the scenario records, the variants' maths, the engine and its trace.

Nothing here imports rich or typer, nor any other sub-package but ``strings``."""
