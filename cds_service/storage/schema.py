"""The tables, in SQLAlchemy Core. Migrations (``migrations/versions``) create them; this
module is what the code reads and writes, and a test checks the two agree."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    Float,
    Index,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData()

#: One row per hook answer that carried a card. No names, tokens or raw patient ids: the
#: patient appears as the keyed pseudonym the logs use.
audit_event = Table(
    "audit_event",
    metadata,
    # Made when the answer is given, so a record written twice (after an outage) is stored once.
    Column("id", String(36), primary_key=True),
    Column("answered_at", DateTime(timezone=True), nullable=False),
    Column("hook_instance", Text, nullable=False),
    Column("service_id", String(200), nullable=False),
    Column("client_issuer", Text),
    Column("client_tenant", Text),
    Column("patient_pseudonym", String(64), nullable=False),
    Column("applicability", String(40), nullable=False),
    Column("applicability_reason", Text),
    # The index procedure and each finding: value, status, source reference, date, status.
    Column("inputs", JSON, nullable=False),
    Column("probability_low", Float),
    Column("probability_high", Float),
    Column("tier", String(20)),
    Column("model_id", String(200), nullable=False),
    Column("model_version", String(50), nullable=False),
    Column("card_uuids", JSON, nullable=False),
    Column("latency_ms", Float, nullable=False),
    Index("ix_audit_event_answered_at", "answered_at"),
)

#: Which answer each card was in: feedback names the card, not the hook call.
audit_card = Table(
    "audit_card",
    metadata,
    Column("card_uuid", Text, primary_key=True),
    Column("audit_event_id", String(36), nullable=False, index=True),
)

#: Client-sent strings are Text: a long one must not stop the backlog on a length limit.
#: CDS Hooks 2.0 feedback, one row per report. ``report_key`` is a hash of the service id and
#: the item as received, so the same report sent twice, by any process, is stored once.
feedback = Table(
    "feedback",
    metadata,
    Column("report_key", String(64), primary_key=True),
    Column("service_id", String(200), nullable=False),
    Column("card_uuid", Text, nullable=False, index=True),
    Column("outcome", String(20), nullable=False),
    Column("outcome_timestamp", Text, nullable=False),
    Column("override_reason_system", Text),
    Column("override_reason_code", Text),
    Column("received_at", DateTime(timezone=True), nullable=False),
    # The item as the EHR sent it (accepted suggestions, override reason, user comment).
    Column("item", JSON, nullable=False),
)

#: Every accepted client JWT's (issuer, jti), kept until the token could no longer be accepted:
#: the replay store when it is the PostgreSQL database (UNLOGGED there, migration 0003). The
#: SQLite replay store keeps the same table in a file of its own (replays.py).
jwt_replay = Table(
    "jwt_replay",
    metadata,
    Column("issuer", Text, primary_key=True),
    # A hash: a jti is the client's to choose and may be longer than an index key allows.
    Column("jti_sha256", String(64), primary_key=True),
    # Seconds since the epoch: the token's exp plus the leeway.
    Column("expires_at", Float, nullable=False, index=True),
)
