"""The Pappus application factory: bind extensions, register blueprints, errors and CLI.

No database or network work happens here; that belongs to requests, commands and jobs.
"""
from __future__ import annotations

from pathlib import Path

from flask import Flask

from config import Config, config_from_env

ROOT = Path(__file__).resolve().parent.parent


def create_app(config_class: type[Config] | None = None, **overrides) -> Flask:
    config_class = config_class or config_from_env()
    if hasattr(config_class, "check"):
        config_class.check()
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        instance_path=str(ROOT / "instance"),
    )
    app.config.from_object(config_class)
    app.config.update(overrides)

    if app.config["TRUSTED_PROXIES"]:
        # Behind nginx or a load balancer, the client's address (which log-in throttling
        # counts) and scheme arrive in X-Forwarded-* headers; trust only that many hops.
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    _serve_static_files(app)
    _bind_extensions(app)
    _install_plugins()
    _register_blueprints(app)

    from marketplace.errors import register_error_handlers
    from marketplace.security import register_security_headers
    from marketplace.templating import register_template_helpers

    from marketplace import parsing

    register_error_handlers(app)
    parsing.install(app)
    register_security_headers(app)
    register_template_helpers(app)
    _register_cli(app)
    return app


# Static addresses carry their content's hash (``?v=``), so a changed file is a new address
# and browsers and proxies may keep every file for a year.
STATIC_MAX_AGE = 365 * 24 * 3600


def _serve_static_files(app: Flask) -> None:
    """Static files straight from WhiteNoise, before the app: none of its per-request work
    (session, user, locale, hooks), compressed variants when present, long cache lifetimes.
    ``url_for('static', ...)`` adds the file's content hash, computed once per file."""
    import hashlib

    from whitenoise import WhiteNoise

    def add_headers(headers, _path, _url):
        headers["X-Content-Type-Options"] = "nosniff"

    prefix = app.static_url_path.strip("/") + "/"
    app.wsgi_app = WhiteNoise(app.wsgi_app, root=app.static_folder, prefix=prefix,
                              max_age=STATIC_MAX_AGE, autorefresh=app.debug,
                              add_headers_function=add_headers)
    versions: dict[str, str] = {}

    @app.url_defaults
    def static_version(endpoint, values):
        if endpoint != "static" or "v" in values or "filename" not in values:
            return
        name = values["filename"]
        if name not in versions or app.debug:
            try:
                content = (Path(app.static_folder) / name).read_bytes()
            except OSError:
                return
            versions[name] = hashlib.sha256(content).hexdigest()[:12]
        values["v"] = versions[name]


def _bind_extensions(app: Flask) -> None:
    from flask_babel import lazy_gettext as _l

    from marketplace.auth.sessions import load_user
    from marketplace.extensions import babel, csrf, db, login_manager, migrate
    from marketplace.i18n import select_locale
    from marketplace.search.documents import alembic_include_object

    import marketplace.models  # noqa: F401  (every table registered on the metadata)

    db.init_app(app)
    # Migrations leave out what raw DDL owns (the SQLite FTS5 tables, PostgreSQL's GIN index).
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), include_object=alembic_include_object)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to see that page.")
    login_manager.login_message_category = "info"
    login_manager.user_loader(load_user)


def _install_plugins() -> None:
    """Modules that plug into the transaction at import: what they register must exist before
    the first request or command (outbox handlers, session listeners, upload folders)."""
    import marketplace.creators.service  # noqa: F401  (the avatars upload folder)
    import marketplace.filings.guard  # noqa: F401  (protected notes stay up, by any path)
    import marketplace.notes.images  # noqa: F401  (the note images upload folder)
    import marketplace.orders.images  # noqa: F401  (the draft images upload folder)
    import marketplace.search.sync  # noqa: F401  (search.reindex items)
    import marketplace.cases.scanning  # noqa: F401  (cases.scan items: the detector after commit)
    import marketplace.cases.service  # noqa: F401  (staff decisions as training labels)
    import marketplace.uploads  # noqa: F401  (uploads.remove items, the orphan sweep)


def _register_blueprints(app: Flask) -> None:
    from marketplace.api import bp as api_bp
    from marketplace.auth.routes import bp as auth_bp
    from marketplace.brands.routes import bp as brands_bp
    from marketplace.cases.routes import bp as cases_bp
    from marketplace.briefs.routes import bp as briefs_bp
    from marketplace.creators.routes import bp as creators_bp
    from marketplace.ledger.routes import bp as ledger_bp
    from marketplace.filings.routes import bp as filings_bp
    from marketplace.funding.routes import bp as funding_bp
    from marketplace.main.routes import bp as main_bp
    from marketplace.matching.routes import bp as matching_bp
    from marketplace.metrics.routes import bp as metrics_bp
    from marketplace.notes.routes import bp as notes_bp
    from marketplace.notifications.routes import bp as notifications_bp
    from marketplace.orders.routes import bp as orders_bp
    from marketplace.payout_accounts.routes import bp as payout_accounts_bp
    from marketplace.payouts.routes import bp as payouts_bp
    from marketplace.search.routes import bp as search_bp
    from marketplace.staff.routes import bp as staff_bp

    for blueprint in (main_bp, auth_bp, creators_bp, brands_bp, staff_bp, api_bp, briefs_bp,
                      matching_bp, notes_bp, filings_bp, search_bp, ledger_bp, funding_bp,
                      payout_accounts_bp, notifications_bp, orders_bp, metrics_bp, payouts_bp, cases_bp):
        app.register_blueprint(blueprint)


def _register_cli(app: Flask) -> None:
    from marketplace.api_tokens.cli import api_tokens_cli
    from marketplace.audit.cli import audit_cli
    from marketplace.auth.cli import users_cli
    from marketplace.cases.cli import cases_cli
    from marketplace.cli import config_table, demo_cli
    from marketplace.ledger.cli import ledger_cli
    from marketplace.metrics.cli import metrics_cli
    from marketplace.outbox.cli import outbox_cli
    from marketplace.payouts.cli import payouts_cli
    from marketplace.scheduler.cli import scheduler_cli
    from marketplace.search.cli import search_cli

    for command in (users_cli, demo_cli, config_table, search_cli, api_tokens_cli, outbox_cli,
                    audit_cli, ledger_cli, scheduler_cli, metrics_cli, payouts_cli, cases_cli):
        app.cli.add_command(command)
