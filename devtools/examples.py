"""The example hook requests, moved in time so that they are about a recent procedure.

The service answers from the index procedure until the one-month assessment (35 days by
default) and is quiet after, so a request dated once goes quiet a month later. This shifts
every date in an example by the same amount, keeping the intervals between procedure and
imaging, so that the procedure falls a few days before ``today``::

    python -m devtools.examples examples/patient-view-high-risk.json | curl ... -d @-
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

#: FHIR date and dateTime fields the examples use.
DATE_FIELDS = frozenset(
    {"performedDateTime", "effectiveDateTime", "issued", "onsetDateTime", "recordedDate"}
)
#: Where the procedure falls: after the study's 3-day reassessment, well inside the window.
DAYS_SINCE_PROCEDURE = 5


def recent(request: dict[str, Any], today: date) -> dict[str, Any]:
    """A copy of ``request`` with every date moved so that the procedure is
    ``DAYS_SINCE_PROCEDURE`` days before ``today``."""
    shift = today - timedelta(days=DAYS_SINCE_PROCEDURE) - _procedure_day(request)
    return _shifted(request, shift)


def _procedure_day(request: dict[str, Any]) -> date:
    entries = request["prefetch"]["procedures"]["entry"]
    return _parse(entries[0]["resource"]["performedDateTime"]).date()


def _shifted(value: Any, shift: timedelta) -> Any:
    if isinstance(value, dict):
        return {
            key: _moved(item, shift) if key in DATE_FIELDS else _shifted(item, shift)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_shifted(item, shift) for item in value]
    return value


def _moved(text: str, shift: timedelta) -> str:
    moment = _parse(text) + shift
    return moment.date().isoformat() if len(text) == 10 else moment.isoformat()


def _parse(text: str) -> datetime:
    return datetime.fromisoformat(text)


def main(argv: list[str] | None = None) -> int:
    (path,) = argv if argv is not None else sys.argv[1:]
    request = json.loads(Path(path).read_text(encoding="utf-8"))
    json.dump(recent(request, datetime.now(UTC).date()), sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
