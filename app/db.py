"""Engine, sessions, the declarative base and the migration entry points.

SQLite is the embedded default and PostgreSQL the production database; the same models and the
same migrations serve both. On SQLite every connection runs in WAL mode with a busy timeout and
foreign keys on, and a writing transaction takes the write lock when it begins (BEGIN IMMEDIATE):
a deferred transaction that reads first and then writes fails at once with "database is locked"
when another writer got in between, whatever the busy timeout. Reads opt out (see `read_only`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

from sqlalchemy import DateTime, Engine, MetaData, create_engine, event
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import DataError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

# The repository's migrations/ (editable install, Docker), or the copy an installed wheel carries.
MIGRATIONS_DIR = next(
    (
        d
        for d in (Path(__file__).resolve().parent.parent / "migrations", Path(__file__).resolve().parent / "migrations")
        if (d / "env.py").is_file()
    ),
    Path(__file__).resolve().parent.parent / "migrations",
)

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

SQLITE_BUSY_TIMEOUT_MS = 30_000
# Execution option that lets a read-only session begin a deferred (lock-free) SQLite transaction.
READ_ONLY = "cuomin_read_only"


class UtcDateTime(TypeDecorator[dt.datetime]):
    """An aware datetime stored as naive UTC, so SQLite and PostgreSQL give back the same value."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: give a time zone")
        return value.astimezone(dt.UTC).replace(tzinfo=None)

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        return None if value is None else value.replace(tzinfo=dt.UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {dt.datetime: UtcDateTime()}


def create_db_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for url; an SQLite file's directory is created when missing."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(parsed, pool_pre_ping=True, **kwargs)
    database = parsed.database or ""
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(parsed, connect_args={"check_same_thread": False}, **kwargs)
    event.listen(engine, "connect", _sqlite_connect)
    event.listen(engine, "begin", _sqlite_begin)
    event.listen(engine, "before_cursor_execute", _refuse_nul)
    return engine


def _refuse_nul(
    _connection: Connection, _cursor: Any, statement: str, parameters: Any, _context: Any, executemany: bool
) -> None:
    """SQLite stores a NUL character where PostgreSQL refuses it: refuse it here too, with PostgreSQL's
    error class, so that a value is accepted or refused alike on both (the API answers 422)."""
    if any(isinstance(value, str) and "\x00" in value for value in _values(parameters)):
        raise DataError(statement, parameters, ValueError("A string literal cannot contain NUL (0x00) characters."))


def _values(parameters: Any) -> Iterator[Any]:
    """Every bound value, whether one row or many (a dict, a tuple, or a list of either)."""
    if isinstance(parameters, dict):
        parameters = parameters.values()
    elif not isinstance(parameters, list | tuple):
        return
    for value in parameters:
        if isinstance(value, dict | list | tuple):
            yield from _values(value)
        else:
            yield value


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy's "begin" event emit BEGIN itself (pysqlite would otherwise defer it).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_begin(connection: Connection) -> None:
    mode = "DEFERRED" if connection.get_execution_options().get(READ_ONLY) else "IMMEDIATE"
    connection.exec_driver_sql(f"BEGIN {mode}")


def session_factory(engine: Engine, *, read_only: bool = False) -> sessionmaker[Session]:
    """Sessions on engine; read_only ones take no SQLite write lock (and must not write)."""
    bind = engine.execution_options(**{READ_ONLY: True}) if read_only else engine
    return sessionmaker(bind=bind, expire_on_commit=False)


# -- migrations ---------------------------------------------------------------------------------


def alembic_config(connection: Connection | None = None) -> Any:
    """An Alembic Config without alembic.ini: the scripts in migrations/, run on connection."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    from alembic import command

    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), revision)


def downgrade(engine: Engine, revision: str) -> None:
    from alembic import command

    with engine.begin() as connection:
        command.downgrade(alembic_config(connection), revision)


def ours(name: str | None, type_: str, _parent_names: Any) -> bool:
    """Whether autogenerate compares this object: procrastinate's tables (its own schema file, applied by a
    migration on PostgreSQL) are not described by the models."""
    return not (type_ == "table" and (name or "").startswith("procrastinate_"))


class SchemaOutOfDate(RuntimeError):
    pass


def ensure_schema(engine: Engine, *, auto_upgrade: bool) -> None:
    """Upgrade the embedded database, or refuse one that is not at the head revision."""
    if auto_upgrade:
        upgrade(engine)
        return
    current, head = current_revision(engine), head_revision()
    if current != head:
        raise SchemaOutOfDate(
            f"数据库 {engine.url.render_as_string(hide_password=True)} 的结构版本是 {current or '空'}，"
            f"本版程序需要 {head}：请先运行 `cuomin db upgrade`（使用同一个 CUOMIN_DATABASE_URL）"
        )
