"""Frozen, enforced by the database: triggers that refuse UPDATE and DELETE on settlement
snapshots (and TRUNCATE on PostgreSQL), like the ledger's append-only guard.

The code has no update path for a snapshot; the triggers make that true for every client of
the database. Created after the table by ``create_all`` (DDL events below) and by the
migration, which runs the same statements. The test suite lifts them around emptying the
tables with :func:`lift` / :func:`install`, in one transaction.
"""
from __future__ import annotations

from sqlalchemy import DDL, event

from marketplace.metrics.models import SettlementSnapshot

TABLE = SettlementSnapshot.__tablename__
MESSAGE = "settlement snapshots are frozen once written"

SQLITE_INSTALL = [
    f"CREATE TRIGGER IF NOT EXISTS {TABLE}_no_update BEFORE UPDATE ON {TABLE} "
    f"BEGIN SELECT RAISE(ABORT, '{TABLE}: {MESSAGE}'); END",
    f"CREATE TRIGGER IF NOT EXISTS {TABLE}_no_delete BEFORE DELETE ON {TABLE} "
    f"BEGIN SELECT RAISE(ABORT, '{TABLE}: {MESSAGE}'); END",
]
SQLITE_LIFT = [f"DROP TRIGGER IF EXISTS {TABLE}_no_update", f"DROP TRIGGER IF EXISTS {TABLE}_no_delete"]
POSTGRES_INSTALL = [
    "CREATE OR REPLACE FUNCTION metrics_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "BEGIN RAISE EXCEPTION USING ERRCODE = 'integrity_constraint_violation', "
    "MESSAGE = TG_TABLE_NAME || ' ' || TG_OP || ' refused: " + MESSAGE + "'; END $$",
    f"CREATE TRIGGER {TABLE}_frozen BEFORE UPDATE OR DELETE ON {TABLE} "
    "FOR EACH ROW EXECUTE FUNCTION metrics_refuse_change()",
    f"CREATE TRIGGER {TABLE}_no_truncate BEFORE TRUNCATE ON {TABLE} "
    "FOR EACH STATEMENT EXECUTE FUNCTION metrics_refuse_change()",
]
POSTGRES_LIFT = [f"DROP TRIGGER IF EXISTS {TABLE}_frozen ON {TABLE}",
                 f"DROP TRIGGER IF EXISTS {TABLE}_no_truncate ON {TABLE}"]
POSTGRES_DROP_FUNCTION = "DROP FUNCTION IF EXISTS metrics_refuse_change()"


def install(conn) -> None:
    for statement in {"sqlite": SQLITE_INSTALL, "postgresql": POSTGRES_INSTALL}.get(conn.dialect.name, []):
        conn.exec_driver_sql(statement)


def lift(conn) -> None:
    for statement in {"sqlite": SQLITE_LIFT, "postgresql": POSTGRES_LIFT}.get(conn.dialect.name, []):
        conn.exec_driver_sql(statement)


_table = SettlementSnapshot.__table__
for _statement in SQLITE_INSTALL:
    event.listen(_table, "after_create", DDL(_statement).execute_if(dialect="sqlite"))
for _statement in POSTGRES_INSTALL:
    event.listen(_table, "after_create", DDL(_statement).execute_if(dialect="postgresql"))
event.listen(_table, "after_drop", DDL(POSTGRES_DROP_FUNCTION).execute_if(dialect="postgresql"))
