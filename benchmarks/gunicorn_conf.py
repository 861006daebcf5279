"""gunicorn settings shared by the floor and the service in the hot-path benchmark: the
service's own pre_fork hook (``pvp-cds serve`` uses it), so that both run the same line."""

from cds_service.serving import freeze_startup_heap as pre_fork  # noqa: F401
