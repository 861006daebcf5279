"""What clinical governance reads: the audit trail exported, purged after the retention
period, and a summary of the feedback on the cards by risk tier. Run from the command line,
without the request path's timeout."""

from __future__ import annotations

import csv
import json
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TextIO

from sqlalchemy import Engine, delete, func, select

from . import schema

EXPORT_FORMATS = ("csv", "ndjson")
#: The tier of a card the audit does not know (feedback on a card from before the audit, or
#: from another service), and of a card that gave no number.
UNKNOWN_CARD, NO_ESTIMATE = "unknown card", "no estimate"


def export_audit(engine: Engine, since: datetime, export_format: str, out: TextIO) -> int:
    """Write every audit row answered at or after ``since``, oldest first; return the count."""
    columns = [column.name for column in schema.audit_event.columns]
    writer = csv.DictWriter(out, fieldnames=columns) if export_format == "csv" else None
    if writer is not None:
        writer.writeheader()
    count = 0
    for row in _audit_rows(engine, since):
        if writer is not None:
            writer.writerow(
                {
                    name: json.dumps(value) if isinstance(value, dict | list) else value
                    for name, value in row.items()
                }
            )
        else:
            out.write(json.dumps(row) + "\n")
        count += 1
    return count


def _audit_rows(engine: Engine, since: datetime) -> Iterator[dict[str, Any]]:
    table = schema.audit_event
    query = select(table).where(table.c.answered_at >= since).order_by(table.c.answered_at)
    with engine.connect() as connection:
        for row in connection.execution_options(yield_per=500).execute(query).mappings():
            yield {**row, "answered_at": _utc(row["answered_at"]).isoformat()}


def purge(engine: Engine, before: datetime) -> tuple[int, int]:
    """Delete audit rows answered, and feedback received, before ``before``; return both
    counts."""
    events, cards, feedback = schema.audit_event, schema.audit_card, schema.feedback
    old_events = select(events.c.id).where(events.c.answered_at < before)
    with engine.begin() as connection:
        connection.execute(delete(cards).where(cards.c.audit_event_id.in_(old_events)))
        audit_rows = connection.execute(delete(events).where(events.c.answered_at < before))
        feedback_rows = connection.execute(delete(feedback).where(feedback.c.received_at < before))
    return audit_rows.rowcount, feedback_rows.rowcount


@dataclass
class TierFeedback:
    outcomes: Counter[str] = field(default_factory=Counter)
    #: (system, code) of each override reason; (None, None) when none was given.
    override_reasons: Counter[tuple[str | None, str | None]] = field(default_factory=Counter)

    @property
    def total(self) -> int:
        return sum(self.outcomes.values())

    def rate(self, outcome: str) -> float:
        return self.outcomes[outcome] / self.total


def feedback_by_tier(engine: Engine) -> dict[str, TierFeedback]:
    """Feedback outcomes and override reasons, grouped by the tier of the card's answer."""
    fb, cards, events = schema.feedback, schema.audit_card, schema.audit_event
    tier = func.coalesce(events.c.tier, NO_ESTIMATE)
    query = (
        select(
            events.c.id.is_(None).label("unknown"),
            tier.label("tier"),
            fb.c.outcome,
            fb.c.override_reason_system,
            fb.c.override_reason_code,
            func.count().label("n"),
        )
        .select_from(fb)
        .outerjoin(cards, cards.c.card_uuid == fb.c.card_uuid)
        .outerjoin(events, events.c.id == cards.c.audit_event_id)
        .group_by(
            events.c.id.is_(None),
            tier,
            fb.c.outcome,
            fb.c.override_reason_system,
            fb.c.override_reason_code,
        )
    )
    summary: dict[str, TierFeedback] = defaultdict(TierFeedback)
    with engine.connect() as connection:
        for row in connection.execute(query):
            entry = summary[UNKNOWN_CARD if row.unknown else row.tier]
            entry.outcomes[row.outcome] += row.n
            if row.outcome == "overridden":
                entry.override_reasons[(row.override_reason_system, row.override_reason_code)] += (
                    row.n
                )
    return dict(summary)


def _utc(moment: datetime) -> datetime:
    # SQLite hands back the stored UTC time without its zone.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def parse_since(text: str) -> datetime:
    """An ISO 8601 date or date-time; without a zone, UTC."""
    return _utc(datetime.fromisoformat(text))
