"""Migrations: from an empty database and from the previous revision, on both backends; the
service refuses a schema that is behind and names the command that fixes it."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, insert, inspect, select

from cds_service import create_app, storage
from cds_service.errors import StartupError
from cds_service.storage import governance, migrate, schema
from pvp_cds.cli import main

from .conftest import BACKENDS, config_for

PREVIOUS = "0001"


@pytest.mark.parametrize("empty_database_url", BACKENDS, indirect=True)
def test_upgrade_from_empty_gives_exactly_the_tables_the_code_uses(empty_database_url, tmp_path):
    storage.upgrade_database(config_for(empty_database_url, tmp_path))
    engine = create_engine(empty_database_url)
    with engine.connect() as connection:
        differences = compare_metadata(
            MigrationContext.configure(connection, opts={"version_table": migrate.VERSION_TABLE}),
            schema.metadata,
        )
    engine.dispose()
    assert differences == []


@pytest.mark.parametrize("empty_database_url", BACKENDS, indirect=True)
def test_upgrade_from_the_previous_revision_keeps_stored_feedback(empty_database_url, tmp_path):
    engine = create_engine(empty_database_url)
    migrate.upgrade(engine, PREVIOUS)
    assert "jwt_replay" not in inspect(engine).get_table_names()
    row = {
        "report_key": "k" * 64,
        "service_id": "pvp-residual-back-pain",
        "card_uuid": "card-1",
        "outcome": "accepted",
        "outcome_timestamp": "2026-03-11T10:00:00Z",
        "received_at": governance.parse_since("2026-03-11T10:00:01"),
        "item": {"card": "card-1", "outcome": "accepted"},
    }
    with engine.begin() as connection:
        connection.execute(insert(schema.feedback).values(row))

    storage.upgrade_database(config_for(empty_database_url, tmp_path))

    with engine.connect() as connection:
        kept = connection.execute(select(schema.feedback.c.item)).scalars().all()
    assert kept == [row["item"]]
    assert "jwt_replay" in inspect(engine).get_table_names()
    assert migrate.current_revision(engine) == migrate.head_revision()
    engine.dispose()


@pytest.mark.parametrize("empty_database_url", BACKENDS, indirect=True)
def test_the_service_refuses_a_database_behind_and_names_the_upgrade_command(
    empty_database_url, tmp_path
):
    engine = create_engine(empty_database_url)
    migrate.upgrade(engine, PREVIOUS)
    engine.dispose()
    with pytest.raises(StartupError, match=r"revision 0001.*run `pvp-cds db upgrade`"):
        storage.open_store(config_for(empty_database_url, tmp_path))


@pytest.mark.parametrize("empty_database_url", BACKENDS, indirect=True)
def test_the_service_refuses_an_empty_database_at_an_external_url(empty_database_url, tmp_path):
    with pytest.raises(StartupError, match="none \\(empty\\).*pvp-cds db upgrade"):
        storage.open_store(config_for(empty_database_url, tmp_path))


@pytest.mark.parametrize("empty_database_url", BACKENDS, indirect=True)
def test_db_upgrade_command_brings_the_configured_database_to_the_newest_revision(
    empty_database_url, tmp_path, monkeypatch, capsys
):
    monkeypatch.setenv("PVP_CDS_DATABASE_URL", empty_database_url)
    assert main(["db", "upgrade"]) == 0
    revision = migrate.head_revision()
    assert capsys.readouterr().out.strip() == f"database schema at revision {revision}"
    storage.open_store(config_for(empty_database_url, tmp_path)).close()  # no longer refused


def test_the_embedded_database_is_created_in_the_data_directory_on_first_start(tmp_path):
    create_app({"AUTHENTICATION": "off", "DATA_DIR": str(tmp_path / "state")})
    assert (tmp_path / "state" / "pvp-cds.sqlite3").is_file()


def test_a_database_that_cannot_be_reached_stops_the_service_naming_it_without_password(
    tmp_path,
):
    # Port 9 (discard) on loopback: nothing listens, the connection is refused at once.
    url = "postgresql://pvp:secret-password@127.0.0.1:9/pvp_cds"
    with pytest.raises(StartupError, match="cannot reach the database") as raised:
        storage.open_store(config_for(url, tmp_path))
    assert "secret-password" not in str(raised.value)


def test_a_data_directory_that_cannot_be_written_stops_the_service_naming_the_setting(tmp_path):
    blocked = tmp_path / "a-file"
    blocked.write_text("not a directory")
    with pytest.raises(StartupError, match="PVP_CDS_DATA_DIR"):
        storage.open_store(config_for(None, blocked / "data"))
