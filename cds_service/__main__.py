"""``python -m cds_service``: the same as the ``pvp-cds`` command."""

from .cli import main

raise SystemExit(main())
