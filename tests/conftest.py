"""Shared fixtures: the app on SQLite or PostgreSQL, clients, a CLI runner, a movable clock,
and a way to act as each role.

The suite runs on a temporary SQLite file unless ``TEST_DATABASE_URL`` names another
database (``make test`` points it at a throwaway PostgreSQL cluster). Tables are created
once per session and emptied after every test.
"""
from __future__ import annotations

import os
import tempfile
from datetime import datetime, timezone
from html.parser import HTMLParser

import pytest
from flask.testing import FlaskClient
from sqlalchemy import text

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


class _FieldErrors(HTMLParser):
    """Reads the errors a page shows beside its fields (templates/macros/forms.html)."""

    def __init__(self):
        super().__init__()
        self.errors: dict[str, list[str]] = {}
        self._depth = 0  # inside a <div class="field has-error"> when > 0
        self._name = None
        self._in_error = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "div":
            if self._depth:
                self._depth += 1
            elif "has-error" in (attrs.get("class") or "").split():
                self._depth, self._name = 1, None
        elif self._depth and tag in ("input", "select", "textarea") and self._name is None:
            self._name = attrs.get("name")
        elif self._depth and tag == "p" and "field-error" in (attrs.get("class") or ""):
            self._in_error = True

    def handle_endtag(self, tag):
        if tag == "div" and self._depth:
            self._depth -= 1
        elif tag == "p":
            self._in_error = False

    def handle_data(self, data):
        if self._in_error and self._name:
            self.errors.setdefault(self._name, []).append(data)


@pytest.fixture
def field_errors():
    """``field_errors(html)``: ``{field name: [error shown beside it, ...]}`` for a page."""

    def read(html: str) -> dict[str, list[str]]:
        parser = _FieldErrors()
        parser.feed(html)
        return parser.errors

    return read
