"""Alembic environment: the models' metadata, on the connection the caller hands over or on
CUOMIN_DATABASE_URL (`cuomin db upgrade`, or `alembic` run from the repository root)."""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

import app.models  # noqa: F401  (registers the tables)
from app.config import Settings
from app.db import Base, UtcDateTime, create_db_engine, ours

config = context.config


def render_item(type_: str, obj: object, _autogen_context: object) -> str | bool:
    # Revisions must not import app code that may change later: UtcDateTime is a plain DateTime.
    if type_ == "type" and isinstance(obj, UtcDateTime):
        return "sa.DateTime()"
    return False


def run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        compare_type=True,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters tables by copying them
        render_item=render_item,
        include_name=ours,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_offline() -> None:
    context.configure(
        url=Settings().db_url,
        target_metadata=Base.metadata,
        literal_binds=True,
        compare_type=True,
        render_item=render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_offline()
elif (given := config.attributes.get("connection")) is not None:
    run(given)
else:
    engine = create_db_engine(Settings().db_url)
    try:
        with engine.connect() as connection:
            run(connection)
            connection.commit()
    finally:
        engine.dispose()
