"""Shared fixtures: the app on SQLite or PostgreSQL, clients, a CLI runner, a movable clock,
and a way to act as each role.

The suite runs on a temporary SQLite file unless ``TEST_DATABASE_URL`` names another
database (``make test`` points it at a throwaway PostgreSQL cluster). Tables are created
once per session and emptied after every test.
"""
from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from datetime import datetime, timezone

import pytest
from flask.testing import FlaskClient
from sqlalchemy import event, text

from config import TestingConfig
from marketplace import clock, create_app
from marketplace.extensions import db
from tests.factories import DEFAULT_PASSWORD, make_user

ROLES = ("creator", "brand", "staff")


class RequestIsolatedClient(FlaskClient):
    """Each request runs in its own app context, as it would in a real server.

    Tests keep an app context pushed (for factories and queries). Without this, requests
    would share it, and with it ``g`` (Flask-Login's cached user, Flask-Babel's locale) and
    the test's database session. After each request the test's session is expired so it
    reads what the request committed.
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        db.session.expire_all()
        return response


def _database_url(tmp_dir: str) -> str:
    return os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_dir}/pappus-test.db"


@pytest.fixture(scope="session")
def app():
    with tempfile.TemporaryDirectory() as tmp_dir:
        app = create_app(
            TestingConfig,
            SQLALCHEMY_DATABASE_URI=_database_url(tmp_dir),
            WTF_CSRF_ENABLED=False,  # tests that check CSRF turn it on with `csrf_enabled`
            UPLOAD_FOLDER=os.path.join(tmp_dir, "uploads"),
        )
        app.test_client_class = RequestIsolatedClient
        with app.app_context():
            db.create_all()
        yield app
        with app.app_context():
            db.drop_all()
            db.engine.dispose()


@pytest.fixture(autouse=True)
def _clean_state(app):
    """Each test starts with empty tables, a real clock and an app context."""
    ctx = app.app_context()
    ctx.push()
    try:
        yield
    finally:
        clock.set_now(None)
        db.session.rollback()
        db.session.remove()
        _empty_tables()
        ctx.pop()


def _empty_tables() -> None:
    tables = db.metadata.sorted_tables
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in reversed(tables):
                conn.execute(table.delete())


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def csrf_enabled(app):
    app.config["WTF_CSRF_ENABLED"] = True
    yield
    app.config["WTF_CSRF_ENABLED"] = False


@pytest.fixture
def frozen_clock():
    """The clock, frozen at a fixed moment; move it with ``frozen_clock.advance(timedelta)``."""
    clock.set_now(datetime(2026, 5, 3, 9, 0, tzinfo=timezone.utc))
    return clock


@pytest.fixture
def login_as(client):
    """``login_as("brand")`` creates a user of that role, signs the test client in, returns it.
    Pass an existing user instead of a role name to sign in as that user."""

    def sign_in(who, **fields):
        user = make_user(who, **fields) if isinstance(who, str) else who
        with client.session_transaction() as session:
            session["_user_id"] = user.get_id()
            session["_fresh"] = True
        return user

    return sign_in


@pytest.fixture
def password():
    return DEFAULT_PASSWORD


@pytest.fixture
def count_queries():
    """Counts the SQL statements run inside a ``with`` block (as Indico's fixture does), to
    keep N+1 queries out::

        with count_queries() as statements:
            client.get("/")
        assert len(statements) <= 8, statements
    """

    @contextmanager
    def counting():
        statements: list[str] = []

        def record(_conn, _cursor, statement, *_args):
            statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", record)
        try:
            yield statements
        finally:
            event.remove(db.engine, "before_cursor_execute", record)

    return counting
