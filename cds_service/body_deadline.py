"""A deadline on reading a request body, so that a client sending its body slowly holds a
worker thread no longer than ``PVP_CDS_BODY_DEADLINE_SECONDS``.

gunicorn's threaded workers read a body from a blocking socket without a time limit: its own
settings bound the wait for a request's first byte and the drain of a body the app left
unread, not the reading of a body the app asks for. A timeout per read does not help either:
a byte a second satisfies every read. So one watchdog thread per process shuts the reading
side of the connection (``shutdown(SHUT_RD)``) when a body is not in by its deadline: the read
in progress returns at once, the request is answered 408, and the connection ends after the
answer. Arming and disarming are an append to a queue and a flag under a lock: the hook calls
that send their bodies at once pay that and nothing more. The thread wakes by its own clock,
never sooner than the shortest deadline, not at every call (waking it cost a call a hand-over
of the interpreter).

Only under ``pvp-cds serve``: gunicorn puts the connection's socket in the WSGI environ
(``gunicorn.socket``); elsewhere (the test client, a development server) there is nothing to
watch. The request line and headers are gunicorn's to read before the app runs: a client
trickling those is not bounded here (docs/operations.md, "Slow clients").
"""

from __future__ import annotations

import math
import os
import socket
import threading
import time
from collections import deque
from dataclasses import dataclass
from typing import Any

from flask import Request

from .errors import RequestTimeout

#: The WSGI environ key under which gunicorn gives the connection's socket.
GUNICORN_SOCKET = "gunicorn.socket"


def read_body_in_time(current: Request, seconds: float) -> None:
    """Read the body of ``current`` (the request itself, not Flask's proxy: every access
    through it costs a lookup) within ``seconds``; Flask keeps it for ``request.get_data``.
    RequestTimeout (408) when it did not arrive in time."""
    environ = current.environ
    connection = environ.get(GUNICORN_SOCKET)
    if connection is None or not _has_body(environ):
        return
    armed = WATCHDOG.arm(connection, seconds)
    try:
        current.get_data(cache=True)
    except Exception:
        # A read cut short may end in the server's or werkzeug's own error: it is the timeout.
        if WATCHDOG.disarm(armed):
            raise _late(seconds) from None
        raise
    if WATCHDOG.disarm(armed):
        raise _late(seconds)


def _has_body(environ: dict[str, Any]) -> bool:
    """A Transfer-Encoding, or a Content-Length above 0 as werkzeug reads it (ASCII digits
    within spaces and tabs; anything else is 0). Read from the WSGI environ: werkzeug's lookup
    of an absent header raises and catches a KeyError, which cost more than the rest."""
    if "HTTP_TRANSFER_ENCODING" in environ:
        return True
    length = environ.get("CONTENT_LENGTH", "").strip(" \t")
    return length.isascii() and length.isdigit() and int(length) > 0


def _late(seconds: float) -> RequestTimeout:
    return RequestTimeout(
        f"the request body did not arrive within {seconds:g} s of its headers; send it at once "
        "(the connection is closed)"
    )


@dataclass
class Armed:
    """One connection's deadline, watched until it passes."""

    at: float
    connection: socket.socket
    #: The body was read (or its reading ended) before the deadline.
    disarmed: bool = False
    #: The deadline passed first: the connection's reading side is shut.
    fired: bool = False


class Watchdog:
    """One thread per process that shuts the reading side of each connection whose deadline
    passes before it is disarmed. The thread starts in the process that first arms it: one
    started before gunicorn forks its workers would not run in them.

    Deadlines wait in one queue per length, in the order armed: a deadline is the clock read
    under the lock plus its length, so each queue is in the order its deadlines fall, and
    every call's entry (disarmed or not) leaves the queue in one step when the thread next
    sweeps. Under load that sweep finds thousands of entries: a heap of them took a dozen
    comparisons to pop each, and held the lock (every arming call) for tens of milliseconds."""

    def __init__(self) -> None:
        self._changed = threading.Condition(threading.Lock())
        #: Deadline length (seconds) -> what is armed with it, earliest first.
        self._due: dict[float, deque[Armed]] = {}
        self._running_in: int | None = None
        #: When the watchdog wakes next (monotonic), whether or not anything is due then.
        self._wakes_at = math.inf
        #: How long an idle watchdog sleeps: the shortest deadline armed in this process.
        #: Waking by then, it never needs a call's nudge to keep a later call's deadline.
        self._idle_wait = math.inf

    def arm(self, connection: socket.socket, seconds: float) -> Armed:
        with self._changed:
            # Timed under the lock: never earlier than the watchdog's own last look at the
            # clock, and never earlier than a deadline of the same length armed before it.
            armed = Armed(time.monotonic() + seconds, connection)
            if self._running_in != os.getpid():
                self._start()
            queue = self._due.get(seconds)
            if queue is None:
                queue = self._due[seconds] = deque()
                self._idle_wait = min(self._idle_wait, seconds)
            queue.append(armed)
            # Waking the thread costs a call a hand-over of the interpreter and back: only
            # when it would otherwise wake too late (a shorter deadline than any before).
            if armed.at < self._wakes_at:
                self._changed.notify()
        return armed

    def disarm(self, armed: Armed) -> bool:
        """Stop watching; whether the deadline had passed first."""
        with self._changed:
            armed.disarmed = True
            return armed.fired

    def _start(self) -> None:
        self._due.clear()  # only what this process armed
        self._running_in = os.getpid()
        # A thread just started reads every queue when it first runs: no call arming before
        # then needs to wake it (a slow start must not look like a deadline it would miss).
        self._wakes_at = -math.inf
        threading.Thread(target=self._watch, name="body-deadline", daemon=True).start()

    def _watch(self) -> None:
        with self._changed:
            while True:
                now = time.monotonic()
                # Idle, it still wakes before any deadline armed from now on can pass.
                self._wakes_at = min(
                    now + self._idle_wait, *(_sweep(queue, now) for queue in self._due.values())
                )
                self._changed.wait(self._wakes_at - now)


def _sweep(queue: deque[Armed], now: float) -> float:
    """Drop what was disarmed, fire what is due; the next deadline in the queue (inf if none)."""
    while queue:
        armed = queue[0]
        if not armed.disarmed:
            if armed.at > now:
                return armed.at
            armed.fired = True
            _shut_reading(armed.connection)
        queue.popleft()
    return math.inf


def _shut_reading(connection: socket.socket) -> None:
    try:
        connection.shutdown(socket.SHUT_RD)
    except OSError:  # the client has gone already
        pass


WATCHDOG = Watchdog()
