"""``python -m pvp_cds``: the same as the ``pvp-cds`` command."""

from .cli import main

raise SystemExit(main())
