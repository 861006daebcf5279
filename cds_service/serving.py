"""How ``pvp-cds serve`` runs the app under gunicorn: workers, timeouts, logs, metrics, shutdown.

- Workers: ``PVP_CDS_WORKERS``, by default one per core this process may use (the container's
  CPU limit when there is one), each with ``--threads`` threads and its own listening socket
  (``SO_REUSEPORT``: the kernel spreads connections over the workers).
- Shutdown: on SIGTERM gunicorn stops accepting, lets calls in flight finish for up to
  ``PVP_CDS_GRACEFUL_TIMEOUT`` seconds, then stops. Keep the orchestrator's grace period longer.
- Logs: gunicorn's own lines and the access log are JSON objects of the same shape as the
  application's (``logs.JsonFormatter``); the access log has the path, never the query string
  or headers.
- Metrics: every worker writes to ``PROMETHEUS_MULTIPROC_DIR`` (emptied at start); when
  ``PVP_CDS_METRICS_PORT`` is set the master process serves their sum there, on its own port,
  apart from the CDS Hooks endpoints.
- The local backlog (docs/storage.md): each worker, once forked, takes over the records left
  by processes that ended and moves them; a worker that ends lets its own backlog file go.
  A worker whose master has died stops (gunicorn checks its parent every second), finishing
  the calls in flight.
"""

from __future__ import annotations

import gc
import math
import os
import sys
import tempfile
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Flask
from gunicorn import glogging

from . import logs, metrics, storage
from .errors import StartupError
from .monitor_gauges import MonitorCollector

#: gunicorn's worker timeout: a worker whose main loop is silent this long is restarted. With
#: threaded workers a slow call does not silence the loop; what bounds a call is the FHIR
#: timeouts, which must stay below the EHR's hook deadline.
WORKER_TIMEOUT_SECONDS = 30
#: Longer than the idle timeout of common proxies and load balancers (60 s), so that they,
#: not we, close an idle connection and never send a request on one we just closed.
KEEPALIVE_SECONDS = 65
#: Threads a worker serves calls on: a call without prefetch waits on the EHR's FHIR server
#: with its thread, not with the worker.
DEFAULT_THREADS = 8
#: cgroup v2: the CPU quota and period of this process's group ("max" for no quota).
CGROUP_CPU_MAX = Path("/sys/fs/cgroup/cpu.max")


def prepare_metrics_directory() -> Path:
    """Give this run an empty multiprocess metrics directory, before prometheus_client loads.

    prometheus_client picks its mode once, on import: imported already, it would keep each
    worker's counts in that worker's memory, and the metrics endpoint would see none of them.
    ``PROMETHEUS_MULTIPROC_DIR`` when set (the container sets it to a writable volume),
    otherwise a new temporary directory. Files left by an earlier run would add its counts to
    this one's, so they are removed."""
    if "prometheus_client" in sys.modules:
        raise RuntimeError("prometheus_client was imported before its multiprocess mode was set")
    configured = os.environ.get(metrics.MULTIPROCESS_DIRECTORY)
    try:
        directory = Path(configured) if configured else Path(tempfile.mkdtemp(prefix="pvp-cds-"))
        directory.mkdir(parents=True, exist_ok=True)
        for stale in directory.glob("*.db"):
            stale.unlink()
    except OSError as exc:
        raise StartupError(
            f"{metrics.MULTIPROCESS_DIRECTORY}: cannot keep the metrics in "
            f"{configured or tempfile.gettempdir()} "
            f"({type(exc).__name__}); give the service a writable directory"
        ) from None
    os.environ[metrics.MULTIPROCESS_DIRECTORY] = str(directory)
    return directory


def available_cores(cpu_max: Path = CGROUP_CPU_MAX) -> int:
    """Cores this process may use: the cgroup CPU quota if any (rounded up), else its CPU
    affinity. ``os.cpu_count()`` would count the host's cores, not the container's."""
    cores = len(os.sched_getaffinity(0))
    try:
        quota, period = cpu_max.read_text().split()
    except (OSError, ValueError):
        return cores
    if quota == "max":
        return cores
    return max(1, min(cores, math.ceil(int(quota) / int(period))))


def options(config: Mapping[str, Any], *, bind: str, threads: int) -> dict[str, Any]:
    """gunicorn's settings for this app; ``config`` is the app's, already checked."""
    chosen: dict[str, Any] = {
        "bind": bind,
        "workers": config["WORKERS"] or available_cores(),
        "worker_class": "gthread",
        "threads": threads,
        # The app is built (and its configuration checked) once, before the workers fork.
        "preload_app": True,
        "timeout": WORKER_TIMEOUT_SECONDS,
        "graceful_timeout": config["GRACEFUL_TIMEOUT"],
        "keepalive": KEEPALIVE_SECONDS,
        # Each worker listens on its own socket (SO_REUSEPORT) and the kernel spreads new
        # connections over them. On one shared socket the workers race for each connection,
        # and a client that opens its connections at once and keeps them (a proxy's upstream
        # pool, a load test) often had nearly all of them on one worker, so on one core.
        "reuse_port": True,
        "accesslog": "-",
        "errorlog": "-",
        "logger_class": JsonLogger,
        # gunicorn's control socket would be a file under $HOME: nothing here uses it, and the
        # container's root filesystem is read-only.
        "control_socket_disable": True,
        "child_exit": _forget_worker_metrics,
        "pre_fork": freeze_startup_heap,
        "post_worker_init": _worker_started,
        "worker_exit": _worker_exiting,
    }
    if config["METRICS_PORT"] is not None:
        host = bind.rsplit(":", 1)[0].strip("[]")
        port = config["METRICS_PORT"]
        monitor = config["MONITOR_FILE"]
        chosen["when_ready"] = lambda server: _serve_metrics(server, host, port, monitor)
    return chosen


def freeze_startup_heap(server: Any = None, worker: Any = None) -> None:
    """gunicorn's pre_fork hook: move everything built at start-up (the model, the mappings,
    the report-text pipeline's language model) out of the garbage collector's sight, so that
    each worker's full collections do not walk that large, permanent heap on the request
    path, nor touch its pages (which the workers then keep sharing with the master)."""
    gc.freeze()


def _worker_started(worker: Any) -> None:
    app: Flask = worker.wsgi
    storage.start_moving(app)


def _worker_exiting(server: Any, worker: Any) -> None:
    app: Flask | None = getattr(worker, "wsgi", None)
    if app is not None:
        storage.stop(app)


class JsonLogger(glogging.Logger):
    """gunicorn's logger, writing JSON lines like the application's."""

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        formatter = logs.JsonFormatter()
        for logger in (self.error_log, self.access_log):
            for handler in logger.handlers:
                handler.setFormatter(formatter)

    def access(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> None:
        if not self.cfg.accesslog:
            return
        status = str(resp.status).split(None, 1)[0]
        method, path = environ.get("REQUEST_METHOD", "-"), environ.get("PATH_INFO", "-")
        fields = {
            "method": method,
            "path": path,
            "status": int(status) if status.isdigit() else status,
            "bytes": getattr(resp, "sent", None),
            "duration_ms": round(_milliseconds(request_time), 3),
            "remote": environ.get("REMOTE_ADDR"),
        }
        self.access_log.info("%s %s %s", method, path, status, extra={"fields": fields})


def _milliseconds(elapsed: timedelta) -> float:
    return elapsed.total_seconds() * 1000


def _serve_metrics(server: Any, host: str, port: int, monitor_file: str | None = None) -> None:
    from prometheus_client import start_http_server
    from prometheus_client.core import CollectorRegistry
    from prometheus_client.multiprocess import MultiProcessCollector

    registry = CollectorRegistry()
    MultiProcessCollector(registry)
    if monitor_file is not None:
        registry.register(MonitorCollector(Path(monitor_file)))
    start_http_server(port, addr=host, registry=registry)
    server.log.info("metrics on http://%s:%d/metrics", host, port)


def _forget_worker_metrics(server: Any, worker: Any) -> None:
    from prometheus_client import multiprocess

    # A dead worker's live gauges (the storage backlog) must not count any more.
    multiprocess.mark_process_dead(worker.pid)
