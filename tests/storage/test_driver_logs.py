"""The database driver's own lines reach stderr as JSON, like every other line, and say what
kind of thing they quote (a connection, an error), never its text."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy.engine import URL

from cds_service.logs import DriverJsonFormatter

ROOT = Path(__file__).resolve().parents[2]

#: A pooled connection whose server goes away mid-transaction: handing it back to the pool,
#: SQLAlchemy's rollback fails and its pool logs the failure, with a traceback.
CONNECTION_CUT = """
import sys, time
from sqlalchemy import create_engine
from cds_service import create_app
from tests.storage.proxy import TcpProxy

proxy = TcpProxy((sys.argv[2], int(sys.argv[3])))
create_app({"AUTHENTICATION": "off", "DATA_DIR": sys.argv[1]})
engine = create_engine(sys.argv[4].replace("PORT", str(proxy.port)))
raw = engine.raw_connection()
raw.cursor().execute("SELECT 1")
proxy.stop()
time.sleep(0.2)
raw.close()
"""


def test_a_line_of_the_database_driver_is_json_without_what_it_quotes(postgres_admin, tmp_path):
    admin: URL = postgres_admin
    through_proxy = admin.set(host="127.0.0.1", port=0).render_as_string(hide_password=False)
    completed = subprocess.run(
        [
            sys.executable,
            "-c",
            CONNECTION_CUT,
            str(tmp_path),
            admin.host or "127.0.0.1",
            str(admin.port or 5432),
            through_proxy.replace("127.0.0.1:0", "127.0.0.1:PORT"),
        ],
        cwd=ROOT,
        env={name: value for name, value in os.environ.items() if not name.startswith("PVP_")},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    lines = [json.loads(line) for line in completed.stderr.splitlines() if line]
    (driver,) = [line for line in lines if line["logger"].startswith("sqlalchemy")]
    assert (driver["level"], driver["message"]) == ("ERROR", "Exception during reset or similar")
    assert driver["exception"] == "psycopg.OperationalError"
    assert "server closed the connection" not in completed.stderr


class Connection:
    """Stands for a driver's connection, whose text names the server and the user."""

    def __repr__(self) -> str:
        return "<Connection host=db.example.org user=pvp_cds>"


def test_a_driver_line_names_the_kinds_of_what_it_quotes_not_their_text():
    record = logging.LogRecord(
        "psycopg",
        logging.WARNING,
        __file__,
        1,
        "error ignored in rollback on %s: %s",
        (Connection(), ValueError("Failing row contains (seen in clinic)")),
        None,
    )
    line = json.loads(DriverJsonFormatter().format(record))
    assert line["message"] == "error ignored in rollback on <Connection>: <ValueError>"
