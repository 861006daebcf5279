"""Audit trail of hook answers with a card, and CDS Hooks feedback.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_event",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("hook_instance", sa.Text, nullable=False),
        sa.Column("service_id", sa.String(200), nullable=False),
        sa.Column("client_issuer", sa.Text),
        sa.Column("client_tenant", sa.Text),
        sa.Column("patient_pseudonym", sa.String(64), nullable=False),
        sa.Column("applicability", sa.String(40), nullable=False),
        sa.Column("applicability_reason", sa.Text),
        sa.Column("inputs", sa.JSON, nullable=False),
        sa.Column("probability_low", sa.Float),
        sa.Column("probability_high", sa.Float),
        sa.Column("tier", sa.String(20)),
        sa.Column("model_id", sa.String(200), nullable=False),
        sa.Column("model_version", sa.String(50), nullable=False),
        sa.Column("card_uuids", sa.JSON, nullable=False),
        sa.Column("latency_ms", sa.Float, nullable=False),
    )
    op.create_index("ix_audit_event_answered_at", "audit_event", ["answered_at"])
    op.create_table(
        "audit_card",
        sa.Column("card_uuid", sa.Text, primary_key=True),
        sa.Column("audit_event_id", sa.String(36), nullable=False),
    )
    op.create_index("ix_audit_card_audit_event_id", "audit_card", ["audit_event_id"])
    op.create_table(
        "feedback",
        sa.Column("report_key", sa.String(64), primary_key=True),
        sa.Column("service_id", sa.String(200), nullable=False),
        sa.Column("card_uuid", sa.Text, nullable=False),
        sa.Column("outcome", sa.String(20), nullable=False),
        sa.Column("outcome_timestamp", sa.Text, nullable=False),
        sa.Column("override_reason_system", sa.Text),
        sa.Column("override_reason_code", sa.Text),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("item", sa.JSON, nullable=False),
    )
    op.create_index("ix_feedback_card_uuid", "feedback", ["card_uuid"])


def downgrade() -> None:
    op.drop_table("feedback")
    op.drop_table("audit_card")
    op.drop_table("audit_event")
