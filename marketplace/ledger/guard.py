"""Append-only, enforced by the database: triggers that refuse UPDATE and DELETE on ledger
transactions and entries (and TRUNCATE on PostgreSQL).

No code path edits a booking; a mistake is undone by :func:`marketplace.ledger.service.reverse`.
The triggers make that true for every client of the database too, including a bug, a
hand-typed ``UPDATE`` in a console, or a future migration.

They are created after the tables by ``create_all`` (DDL events below) and by the migration,
which runs the same statements. There is deliberately no switch that turns them off for a
session: whoever needs to empty the tables (the test suite between tests) drops them with
:func:`lift` and puts them back with :func:`install` in the same database transaction, which
needs the right to change the schema, exactly like dropping them by hand would.
"""
from __future__ import annotations

from sqlalchemy import DDL, event

from marketplace.ledger.models import Entry, Transaction

GUARDED = (Transaction.__tablename__, Entry.__tablename__)
MESSAGE = "ledger rows are append-only: book a reversal instead"


def _sqlite_install(table: str) -> list[str]:
    return [
        f"CREATE TRIGGER IF NOT EXISTS {table}_no_update BEFORE UPDATE ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{table}: {MESSAGE}'); END",
        f"CREATE TRIGGER IF NOT EXISTS {table}_no_delete BEFORE DELETE ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{table}: {MESSAGE}'); END",
    ]


def _sqlite_lift(table: str) -> list[str]:
    return [f"DROP TRIGGER IF EXISTS {table}_no_update", f"DROP TRIGGER IF EXISTS {table}_no_delete"]


POSTGRES_FUNCTION = (
    "CREATE OR REPLACE FUNCTION ledger_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "BEGIN RAISE EXCEPTION USING ERRCODE = 'integrity_constraint_violation', "
    "MESSAGE = TG_TABLE_NAME || ' ' || TG_OP || ' refused: " + MESSAGE + "'; END $$")
POSTGRES_DROP_FUNCTION = "DROP FUNCTION IF EXISTS ledger_refuse_change()"


def _postgres_install(table: str) -> list[str]:
    return [
        f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
        "FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change()",
        # Row triggers do not fire on TRUNCATE; a statement trigger does.
        f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
        "FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change()",
    ]


def _postgres_lift(table: str) -> list[str]:
    return [f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}",
            f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}"]


def install_statements(dialect: str, tables=GUARDED) -> list[str]:
    if dialect == "sqlite":
        return [s for t in tables for s in _sqlite_install(t)]
    if dialect == "postgresql":
        return [POSTGRES_FUNCTION] + [s for t in tables for s in _postgres_install(t)]
    return []


def lift_statements(dialect: str, tables=GUARDED) -> list[str]:
    if dialect == "sqlite":
        return [s for t in tables for s in _sqlite_lift(t)]
    if dialect == "postgresql":
        return [s for t in tables for s in _postgres_lift(t)]
    return []


def install(conn) -> None:
    for statement in install_statements(conn.dialect.name):
        conn.exec_driver_sql(statement)


def lift(conn) -> None:
    for statement in lift_statements(conn.dialect.name):
        conn.exec_driver_sql(statement)


# create_all: each table gets its triggers right after it is created (the PostgreSQL function
# first, with CREATE OR REPLACE, so either table may come first).
for _model in (Transaction, Entry):
    _table = _model.__table__
    for _statement in _sqlite_install(_table.name):
        event.listen(_table, "after_create", DDL(_statement).execute_if(dialect="sqlite"))
    for _statement in [POSTGRES_FUNCTION, *_postgres_install(_table.name)]:
        event.listen(_table, "after_create", DDL(_statement).execute_if(dialect="postgresql"))
event.listen(Transaction.__table__, "after_drop", DDL(POSTGRES_DROP_FUNCTION).execute_if(dialect="postgresql"))
