"""Tools that make the project's data, run as ``python -m mhsa_tutor.tools.NAME``: not imported by the
tutor itself.

* ``make_tiny_checkpoint``: a tiny local Hugging Face checkpoint of each ``from-model`` family (needs
  the ``test`` extra: torch, transformers, tokenizers), to try ``from-model`` without a download.
* ``train_two_heads``: re-trains the ``learned_heads`` built-in's weights from its seed (NumPy only).
"""
