"""Structured logs: one JSON object per line, with the hookInstance for correlation.

Never logged: access tokens, JWTs, patient names, identifiers or birth dates. A patient id
appears only as a keyed hash, so lines about one patient can be joined without naming them.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
from datetime import UTC, datetime

from flask import Flask, current_app, g, has_request_context

from . import json_provider

LOGGER_NAMES = ("cds_service", "fhir_mappings", "scoring")


def pseudonym(key: bytes, patient_id: str) -> str:
    return hmac.new(key, patient_id.encode(), hashlib.sha256).hexdigest()[:16]


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        # Structured fields a caller passes as extra={"fields": {...}} (the access log's).
        entry.update(getattr(record, "fields", {}))
        if has_request_context():
            for field in ("hook_instance", "service_id"):
                if field in g:
                    entry[field] = g.get(field)
            if "patient_id" in g:
                entry["patient"] = patient_pseudonym()
        if record.exc_info:
            # The exception's type and where, not its message: messages may quote data.
            entry["exception"] = (
                self.formatException(record.exc_info).splitlines()[-1].split(":")[0]
            )
        return json_provider.dumps(entry).decode()


def note_request(*, hook_instance: str, service_id: str, patient_id: str) -> None:
    """Attach the correlation fields every later log line of this request carries."""
    g.hook_instance = hook_instance
    g.service_id = service_id
    g.patient_id = patient_id


def patient_pseudonym() -> str:
    """This request's patient as the keyed hash, made on first use: most hook calls are
    quiet and write no line that carries it."""
    if "patient" not in g:
        g.patient = pseudonym(current_app.config["LOG_PSEUDONYM_KEY"], g.patient_id)
    return g.patient


def init_app(app: Flask) -> None:
    configured = app.config.get("LOG_PSEUDONYM_KEY")
    app.config["LOG_PSEUDONYM_KEY"] = configured.encode() if configured else os.urandom(32)
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter())
    for name in LOGGER_NAMES:
        logger = logging.getLogger(name)
        if not any(isinstance(h.formatter, JsonFormatter) for h in logger.handlers):
            logger.addHandler(handler)
        logger.setLevel(app.config["LOG_LEVEL"])
        logger.propagate = True
