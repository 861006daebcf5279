"""The replay table written without waiting for the disk: UNLOGGED on PostgreSQL.

A jti entry lives minutes and only has to be shared, not to survive a crash of the server: an
UNLOGGED table writes no WAL record for it (so it is not on a standby either, and a crash
empties it). SQLite keeps the replay check in a file of its own (replays.py); nothing changes
there.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE jwt_replay SET UNLOGGED")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE jwt_replay SET LOGGED")
