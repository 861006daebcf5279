"""The body deadline's watchdog on a real socket pair: a read blocked past the deadline
returns at once, a connection disarmed in time is left alone. (The whole behaviour, 408 and
kept-alive callers served, is tested against pvp-cds serve in tests/deploy/.)"""

from __future__ import annotations

import socket
import threading
import time

from cds_service.body_deadline import Watchdog


def blocked_read(connection: socket.socket, got: list[bytes]) -> threading.Thread:
    reader = threading.Thread(target=lambda: got.append(connection.recv(100)))
    reader.start()
    return reader


def test_a_read_still_waiting_at_the_deadline_ends_then():
    ours, client = socket.socketpair()
    with ours, client:
        got: list[bytes] = []
        started = time.monotonic()
        armed = Watchdog().arm(ours, 0.2)
        reader = blocked_read(ours, got)
        reader.join(timeout=10)
        waited = time.monotonic() - started
        assert got == [b""]  # the reading side is shut: end of stream
        assert 0.2 <= waited < 5
        assert armed.fired


def test_a_connection_disarmed_in_time_keeps_reading():
    ours, client = socket.socketpair()
    with ours, client:
        watchdog = Watchdog()
        armed = watchdog.arm(ours, 0.2)
        assert watchdog.disarm(armed) is False
        time.sleep(0.4)
        client.sendall(b"next request")
        assert ours.recv(100) == b"next request"


def test_deadlines_armed_out_of_order_each_fire_at_their_own_time():
    watchdog = Watchdog()
    pairs = [socket.socketpair() for _ in range(2)]
    try:
        late = watchdog.arm(pairs[0][0], 3.0)
        soon = watchdog.arm(pairs[1][0], 0.1)
        time.sleep(0.5)
        assert (soon.fired, late.fired) == (True, False)
        assert watchdog.disarm(late) is False
    finally:
        for pair in pairs:
            for end in pair:
                end.close()


class CountingCondition(threading.Condition):
    def __init__(self) -> None:
        super().__init__(threading.Lock())
        self.notified = 0

    def notify(self, n: int = 1) -> None:
        self.notified += 1
        super().notify(n)


def test_calls_one_after_another_do_not_each_wake_the_watchdog():
    watchdog = Watchdog()
    watchdog._changed = counting = CountingCondition()
    ours, client = socket.socketpair()
    with ours, client:
        for _ in range(50):
            watchdog.disarm(watchdog.arm(ours, 5.0))
            time.sleep(0.002)  # time for the watchdog to run between calls, as under load
    # The first call starts it; none needs it sooner than it wakes by itself.
    assert counting.notified == 0


def test_calls_arming_before_a_slow_starting_watchdog_runs_do_not_wake_it_yet_it_keeps_them():
    watchdog = Watchdog()
    watchdog._changed = counting = CountingCondition()
    runs = threading.Event()
    watch = watchdog._watch
    watchdog._watch = lambda: (runs.wait(), watch())  # a thread the scheduler starts late
    ours, client = socket.socketpair()
    with ours, client:
        soon = watchdog.arm(ours, 0.1)
        later = [watchdog.arm(ours, 5.0) for _ in range(3)]
        assert counting.notified == 0
        runs.set()
        time.sleep(0.5)
        assert soon.fired
        assert not any(armed.fired for armed in later)


def test_a_deadline_behind_many_disarmed_ones_fires_and_they_do_not():
    watchdog = Watchdog()
    pairs = [socket.socketpair() for _ in range(2)]
    try:
        kept = [watchdog.arm(pairs[0][0], 0.1) for _ in range(2000)]
        for armed in kept:
            watchdog.disarm(armed)
        late = watchdog.arm(pairs[1][0], 0.1)
        longer = watchdog.arm(pairs[1][0], 0.3)
        time.sleep(0.2)
        assert (late.fired, longer.fired) == (True, False)
        time.sleep(0.3)
        assert longer.fired
        assert not any(armed.fired for armed in kept)
    finally:
        for pair in pairs:
            for end in pair:
                end.close()
