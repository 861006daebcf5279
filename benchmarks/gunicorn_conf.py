"""gunicorn settings shared by the floor and the service in the hot-path benchmark: the line
``pvp-cds serve`` runs (``cds_service.serving.options`` with the default settings and thread
count), so that the benchmark measures what production runs and both apps run the same line.

Two workers, one a core of the 2-core machine the targets were set on. Left out: the bind
address (the benchmark picks a port) and serve's worker hooks, which need the service's app
(the floor's bare app has no storage): they wake the mover when a worker starts (the
service's first record wakes it too), close the storage when it ends and forget a dead
worker's metrics, none of it on a call's path."""

from cds_service import serving, settings

_SERVE = serving.options(settings.DEFAULTS, bind="", threads=serving.DEFAULT_THREADS)
_WHAT_A_CALL_RUNS_UNDER = (
    "worker_class",
    "threads",
    "preload_app",
    "timeout",
    "keepalive",
    "reuse_port",
    "accesslog",
    "errorlog",
    "logger_class",
    "pre_fork",
)
globals().update({name: _SERVE[name] for name in _WHAT_A_CALL_RUNS_UNDER})
workers = 2
