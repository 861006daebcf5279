"""Alembic migrations shipped in this package and run from code: ``pvp-cds db upgrade``, or the
embedded database on its first start. The service refuses a database whose schema is behind."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from ..errors import StartupError
from .engine import shown

MIGRATIONS = Path(__file__).with_name("migrations")
#: Not alembic's default name, so the service can share a database with other applications.
VERSION_TABLE = "pvp_cds_schema_version"
UPGRADE_COMMAND = "pvp-cds db upgrade"


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["version_table"] = VERSION_TABLE
    return config


def head_revision() -> str:
    # The migrations form one line, so there is exactly one head.
    (head,) = ScriptDirectory.from_config(_config()).get_heads()
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"version_table": VERSION_TABLE})
        return context.get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Apply every migration up to ``revision``, in one transaction."""
    config = _config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def check_current(engine: Engine) -> None:
    """Refuse (StartupError) a schema that is behind this code, or ahead of it."""
    current, head = current_revision(engine), head_revision()
    if current == head:
        return
    where = shown(engine.url)
    known = {script.revision for script in ScriptDirectory.from_config(_config()).walk_revisions()}
    if current is not None and current not in known:
        raise StartupError(
            f"the database {where} has schema revision {current}, which this version of "
            f"pvp-cds does not know (newest it knows: {head}); run a newer pvp-cds"
        )
    raise StartupError(
        f"the database {where} has schema revision {current or 'none (empty)'}, this version "
        f"needs {head}: run `{UPGRADE_COMMAND}` with the same PVP_CDS_DATABASE_URL"
    )
