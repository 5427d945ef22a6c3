"""Browser tests: a real Chromium (Debian's /usr/bin/chromium) against a live Pappus server.

The server is the real app with the testing config, on its own temporary SQLite file, with
CSRF protection on, served by Werkzeug on a free loopback port in a background thread.

Playwright never downloads a browser here (`playwright install` needs the internet); it
drives the system Chromium. Without it these tests fail with a clear message: whether to
skip them is `make test`'s decision (scripts/run-e2e.sh), never a silent pass.

On a failing test the page is saved to tests/e2e/artifacts/<test>.png.
"""
from __future__ import annotations

import os
import re
import threading
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
# The background-networking flags matter on a closed network: without them Chromium keeps
# trying to reach Google's hosts and the refused connections slow every start.
CHROMIUM_ARGS = [
    "--no-sandbox",  # runs as root in CI; the sandbox refuses root
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
# Long enough for a cold page on a busy 2-core machine, short enough that a wrong selector
# fails in seconds rather than Playwright's default 30.
TIMEOUT_MS = 10_000

_reports = pytest.StashKey[dict]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the item, so the page fixture knows if the test failed."""
    report = yield
    item.stash.setdefault(_reports, {})[report.when] = report
    return report


@pytest.fixture(autouse=True)
def _clean_state():
    """Replaces tests/conftest.py's per-test reset, which serves the unit suite's own app;
    these tests talk to the live server's app over HTTP instead."""
    yield


@pytest.fixture(scope="session")
def live_app(tmp_path_factory):
    """The app the live server serves, on its own SQLite file. Tests seed data with
    ``with live_app.app_context():`` and the app's own services."""
    from config import TestingConfig
    from marketplace import create_app
    from marketplace.extensions import db

    db_dir = tmp_path_factory.mktemp("e2e-db")
    db_file = db_dir / "pappus-e2e.db"

    class BrowserTestingConfig(TestingConfig):
        # Its own file, never TEST_DATABASE_URL: the server answers from other threads, so
        # an in-memory database would not be shared, and the suite's DB is not ours.
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{db_file}"
        WTF_CSRF_ENABLED = True  # a real browser sends real tokens
        UPLOAD_FOLDER = str(db_dir / "uploads")  # note images and avatars, not the repo's instance/

    app = create_app(BrowserTestingConfig)
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="session")
def live_server(live_app):
    """Base URL of the app served on 127.0.0.1:<free port> for the whole session."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="e2e-live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser():
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(
            f"{CHROMIUM} not found: the browser tests need Debian's chromium package "
            "(`apt-get install chromium`; `make test` installs it when it can). "
            "Playwright's own browser download is not used.",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()
    finally:
        playwright.stop()


@pytest.fixture
def page(browser, live_server, request):
    """A fresh browser context (no cookies) per test, with the live server as base URL."""
    context = browser.new_context(base_url=live_server, locale="en-US")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    try:
        yield page
        reports = request.node.stash.get(_reports, {})
        if any(r.failed for r in reports.values()):
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
            shot = ARTIFACTS / f"{name}.png"
            try:
                page.screenshot(path=str(shot), full_page=True)
                print(f"\nscreenshot of the failing page ({page.url}): {shot}")
            except Exception as error:  # the page may be what broke; keep the real failure
                print(f"\nno screenshot ({error})")
    finally:
        context.close()
