"""``python -m mhsa_tutor``: the same CLI as the ``mhsa-tutor`` script."""

from mhsa_tutor.cli.app import main

main()
