"""The hybrid logical clock: monotonic, tie-broken by device, ahead of what it observed."""

from __future__ import annotations

import uuid

from collections_desktop.models.sync.hlc import HybridClock, parse

A = uuid.UUID(int=1)
B = uuid.UUID(int=2)


def test_times_grow_even_when_the_wall_clock_goes_back() -> None:
    walls = iter([1_000, 1_000, 900, 1_200])
    clock = HybridClock(A, wall=lambda: next(walls))
    times = [clock.now() for _ in range(4)]
    assert times == sorted(times)
    assert len(set(times)) == 4
    assert [parse(t)[:2] for t in times] == [(1000, 0), (1000, 1), (1000, 2), (1200, 0)]


def test_an_observed_time_from_a_fast_device_is_passed() -> None:
    slow = HybridClock(A, wall=lambda: 500)
    fast = HybridClock(B, wall=lambda: 9_000)
    remote = fast.now()
    slow.observe(remote)
    assert slow.now() > remote


def test_the_device_breaks_a_tie_and_the_last_time_survives_a_restart() -> None:
    first = HybridClock(A, wall=lambda: 7).now()
    second = HybridClock(B, wall=lambda: 7).now()
    assert first < second
    restarted = HybridClock(A, last=first, wall=lambda: 3)
    assert restarted.now() > first
