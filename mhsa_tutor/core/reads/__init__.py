"""Which cells a cell reads: one declarative rule per stage and matrix, and one resolver per fact.

Contract:

* ``RULES`` maps every (stage id, matrix) of the stage table (``stages.STAGES``)
  to a ``Rule``: what combines the operands (``op``) and the operands themselves
  (``reads``), each a frozen ``Read``. A ``Read`` names its source as a list of
  (stage id, matrix) alternatives — the first one the run has is read (X + P
  when positions are added, else X; the rotary stage, else the split; the last
  of masked / bias / scaled / scores before the softmax; the memory in
  cross-attention) — and which of its cells: the cell's row, the cell's column
  or every one on each axis, of the same head or of the head a concatenated
  column comes from, with the column mapped by one resolver (the head's columns,
  its key/value head's columns, the column within its head, the RoPE partner).
* ``operands(layout, stage, head, matrix, i, j)`` resolves a rule for one cell of
  one run into concrete ``Operand``s (stage, head, matrix, row or None for every
  row, column or None). ``explain`` writes exactly these operands, the page
  highlights exactly these cells, the quiz shows them as givens and the mistakes
  read the same stages: nobody restates a rule.
* ``Layout`` is what a rule needs of a run: the (stage, matrix) pairs it has and
  the head sizes. ``Layout.of_trace`` and ``Layout.of_scenario`` build it.
* Every lookup of an unknown stage or matrix raises ``KeyError`` (a missing rule
  is a bug, never a silent default); ``tests/test_reads.py`` checks that every
  (stage, matrix) of the table has a rule whose sources exist.

Adding a stage kind (e.g. projection biases, a KV-cache step): a row in
``stages.STAGES``; a ``Rule`` here for each of its matrices (and, if a later
stage now reads it, put it in that rule's source alternatives); its lines in
``engine.run``; its words in ``strings/en.py`` and ``strings/ko.py``; an
explainer in ``teach/explain.py`` only if ``op`` is not ``"dot"`` (which the
generic term-by-term explainer writes). A new kind of column mapping is a
``ColMap`` literal and one branch in ``_column``.

Pure data and integer arithmetic; imports nothing heavy. The package: ``spec`` (the vocabulary of
a rule), ``rules`` (``RULES``), ``resolvers`` (one function per fact), ``resolve`` (a rule applied to one
cell of one run). Each name is imported from its module when first used (``__getattr__``).
"""

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mhsa_tutor.core.reads.resolve import (
        Layout,
        Operand,
        applies,
        operand_head,
        operands,
        per_head,
        present,
        read_stage,
        resolve,
        source,
        table_pairs,
    )
    from mhsa_tutor.core.reads.resolvers import concat_source, head_columns, kv_head, rope_partner, sinusoid_index
    from mhsa_tutor.core.reads.rules import BEFORE_SOFTMAX, RULES, rule
    from mhsa_tutor.core.reads.spec import At, ColMap, HeadOf, Index, Op, Read, Rule, When

#: Where each public name lives: the package imports a module when one of its names is first used, so
#: a module that needs only a resolver (``core.trace``) does not pay for the rules.
_HOME = {
    **dict.fromkeys(("Layout", "Operand", "applies", "operand_head", "operands", "per_head", "present"), "resolve"),
    **dict.fromkeys(("read_stage", "resolve", "source", "table_pairs"), "resolve"),
    **dict.fromkeys(("concat_source", "head_columns", "kv_head", "rope_partner", "sinusoid_index"), "resolvers"),
    **dict.fromkeys(("BEFORE_SOFTMAX", "RULES", "rule"), "rules"),
    **dict.fromkeys(("At", "ColMap", "HeadOf", "Index", "Op", "Read", "Rule", "When"), "spec"),
}


def __getattr__(name: str) -> Any:
    """A public name, from the module that defines it (imported on first use)."""
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    module = importlib.import_module(f"{__name__}.{home}")
    # every name of that module at once: importing ``resolve`` binds the submodule to this package's
    # ``resolve``, which the function of that name must replace
    globals().update({n: getattr(module, n) for n, h in _HOME.items() if h == home})
    return globals()[name]


__all__ = [
    "BEFORE_SOFTMAX",
    "RULES",
    "At",
    "ColMap",
    "HeadOf",
    "Index",
    "Layout",
    "Op",
    "Operand",
    "Read",
    "Rule",
    "When",
    "applies",
    "concat_source",
    "head_columns",
    "kv_head",
    "operand_head",
    "operands",
    "per_head",
    "present",
    "read_stage",
    "resolve",
    "rope_partner",
    "rule",
    "sinusoid_index",
    "source",
    "table_pairs",
]
