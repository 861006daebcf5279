"""The jti replay cache: a jti is accepted once while its token lives, and memory stays bounded."""

from __future__ import annotations

from cds_service.client_auth import ReplayCache

KEY = ("https://ehr.example.org/", "jti-1")


def test_a_jti_is_accepted_the_first_time():
    assert ReplayCache().first_use(KEY, expires_at=200.0, now=100.0)


def test_a_jti_seen_before_its_expiry_is_a_replay():
    cache = ReplayCache()
    cache.first_use(KEY, expires_at=200.0, now=100.0)
    assert not cache.first_use(KEY, expires_at=200.0, now=199.0)


def test_the_same_jti_from_another_issuer_is_not_a_replay():
    cache = ReplayCache()
    cache.first_use(KEY, expires_at=200.0, now=100.0)
    assert cache.first_use(("https://other-ehr.example.org/", "jti-1"), expires_at=200.0, now=101.0)


def test_expired_entries_are_evicted():
    cache = ReplayCache()
    for n in range(1000):
        cache.first_use(("iss", f"jti-{n}"), expires_at=100.0 + n, now=0.0)
    cache.first_use(("iss", "late"), expires_at=5000.0, now=600.0)
    # Entries expiring at 100..600 are gone (600 inclusive); 601..1099 and "late" remain.
    assert len(cache) == 499 + 1
