"""Shared fixtures: the app on SQLite or PostgreSQL, clients, a CLI runner, a movable clock,
a way to act as each role, and a real SMTP server on loopback that catches the app's mail.

The suite runs on a temporary SQLite file unless ``TEST_DATABASE_URL`` names another
database (``make test`` points it at a throwaway PostgreSQL cluster). Tables are created
once per session and emptied after every test.
"""
from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from datetime import datetime, timezone
from html.parser import HTMLParser

import pytest
from flask.testing import FlaskClient
from sqlalchemy import event, text

from config import TestingConfig
from marketplace import clock, create_app
from marketplace.extensions import db
from marketplace.ledger import guard as ledger_guard
from marketplace.metrics import guard as metrics_guard
from marketplace.ledger.verify import verify as verify_ledger
from tests.factories import DEFAULT_PASSWORD, make_user, open_session

# Fixture plugins every area's tests share (the local Stripe server: stripe_server, local_stripe).
pytest_plugins = ["tests.stripe_server"]

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
    """Empty every table. The ledger's append-only triggers refuse this, on purpose, so the
    suite drops them and puts them back around it (in one transaction on PostgreSQL, where
    DDL is transactional). The app has no switch that lifts the guard: only the right to
    change the schema can, as here, deliberately and in the open."""
    tables = db.metadata.sorted_tables
    with db.engine.begin() as conn:
        ledger_guard.lift(conn)
        metrics_guard.lift(conn)
        if conn.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in reversed(tables):
                conn.execute(table.delete())
        ledger_guard.install(conn)
        metrics_guard.install(conn)


@pytest.fixture
def ledger_checked(_clean_state):
    """After the test, ``flask ledger verify``'s checks must pass on what it committed.
    Autouse for tests/ledger; request it in any other test that moves money."""
    yield
    db.session.rollback()
    with db.engine.connect() as conn:
        report = verify_ledger(conn)
    if not report.ok:
        pytest.fail(report.summary(), pytrace=False)


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
        key = open_session(user)
        with client.session_transaction() as session:
            session["_user_id"] = key
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


@pytest.fixture(scope="session")
def smtp_server():
    """One real SMTP server (aiosmtpd) on a free loopback port for the whole run."""
    from tests.smtp_sink import SmtpSink

    sink = SmtpSink().start()
    yield sink
    sink.stop()


@pytest.fixture
def smtp_sink(app, smtp_server):
    """The app sends its mail to a local SMTP server; ``smtp_sink.wait_for(n)`` returns what
    arrived (``.to``, ``.subject``, ``.text``, ``.html``). Empty at the start of each test."""
    from marketplace import mail

    saved = {key: app.config[key] for key in smtp_server.settings()}
    app.config.update(smtp_server.settings())
    smtp_server.clear()
    yield smtp_server
    mail.wait_for_deliveries()
    app.config.update(saved)


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
