"""Structured logs: one JSON object per line, with the hookInstance for correlation.

Never logged: access tokens, JWTs, patient names, identifiers or birth dates. A patient id
appears only as a keyed hash, so lines about one patient can be joined without naming them.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
from collections.abc import Mapping
from datetime import UTC, datetime

from flask import Flask, current_app, g, has_request_context

from . import json_provider

LOGGER_NAMES = ("cds_service", "fhir_mappings", "scoring")
#: The database drivers' loggers, written as JSON too, at WARNING and above (SQLAlchemy's INFO
#: is every statement).
DRIVER_LOGGER_NAMES = ("sqlalchemy", "psycopg", "alembic")


def pseudonym(key: bytes, patient_id: str) -> str:
    return hmac.new(key, patient_id.encode(), hashlib.sha256).hexdigest()[:16]


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": self.message(record),
        }
        # Structured fields a caller passes as extra={"fields": {...}} (the access log's).
        entry.update(getattr(record, "fields", {}))
        if has_request_context():
            for field in ("hook_instance", "service_id"):
                if field in g:
                    entry[field] = g.get(field)
            if "patient_id" in g:
                entry["patient"] = patient_pseudonym()
        if record.exc_info and record.exc_info[0] is not None:
            # The exception's type, not its message: messages may quote data (read from the
            # traceback's last line, a message of several lines gave its last line instead).
            kind = record.exc_info[0]
            entry["exception"] = (
                kind.__qualname__
                if kind.__module__ == "builtins"
                else f"{kind.__module__}.{kind.__qualname__}"
            )
        return json_provider.dumps(entry).decode()

    def message(self, record: logging.LogRecord) -> str:
        return record.getMessage()


class DriverJsonFormatter(JsonFormatter):
    """A database driver's lines: its own words, and only the kinds of what it quotes (a
    connection, an error whose text may quote a row's values), never their text."""

    def message(self, record: logging.LogRecord) -> str:
        template = str(record.msg)
        if not record.args:
            return template
        arguments = record.args
        try:
            if isinstance(arguments, Mapping):
                return template % {name: _kind(value) for name, value in arguments.items()}
            return template % tuple(_kind(value) for value in arguments)
        except (TypeError, ValueError, KeyError):  # a number's placeholder (%d): the words only
            return template


def _kind(value: object) -> str:
    return f"<{type(value).__name__}>"


def note_request(*, hook_instance: str, service_id: str, patient_id: str) -> None:
    """Attach the correlation fields every later log line of this request carries."""
    state = g._get_current_object()  # once: each access through the proxy is a lookup
    state.hook_instance = hook_instance
    state.service_id = service_id
    state.patient_id = patient_id


def patient_pseudonym() -> str:
    """This request's patient as the keyed hash, made on first use: most hook calls are
    quiet and write no line that carries it."""
    if "patient" not in g:
        g.patient = pseudonym(current_app.config["LOG_PSEUDONYM_KEY"], g.patient_id)
    return g.patient


def init_app(app: Flask) -> None:
    configured = app.config.get("LOG_PSEUDONYM_KEY")
    app.config["LOG_PSEUDONYM_KEY"] = configured.encode() if configured else os.urandom(32)
    level = logging.getLevelName(app.config["LOG_LEVEL"])
    for names, formatter, least in (
        (LOGGER_NAMES, JsonFormatter(), level),
        (DRIVER_LOGGER_NAMES, DriverJsonFormatter(), max(level, logging.WARNING)),
    ):
        handler = logging.StreamHandler()
        handler.setFormatter(formatter)
        for name in names:
            logger = logging.getLogger(name)
            if not any(isinstance(h.formatter, JsonFormatter) for h in logger.handlers):
                logger.addHandler(handler)
            logger.setLevel(least)
            logger.propagate = True
