"""Interactive walk through a trace, one stage at a time. Placeholder; see issue 3."""
