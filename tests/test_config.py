"""Configuration: every design knob exists, can be overridden, and is documented."""
import importlib
from pathlib import Path

import pytest

import config


def test_every_knob_is_in_the_readme_table():
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    missing = [name for name in config.KNOBS if f"`PAPPUS_{name}`" not in readme]
    assert missing == [], "run `flask --app wsgi config-table` and paste it into README.md"


def test_knobs_have_their_design_defaults(app):
    assert app.config["MIN_FOLLOWERS"] == 1000
    assert app.config["SERVICE_FEE_BPS"] == 1000
    assert app.config["INVITATION_EXPIRY_HOURS"] == 72


def test_environment_overrides_a_knob(monkeypatch):
    monkeypatch.setenv("PAPPUS_MIN_FOLLOWERS", "5000")
    try:
        reloaded = importlib.reload(config)
        assert reloaded.Config.MIN_FOLLOWERS == 5000
    finally:
        monkeypatch.delenv("PAPPUS_MIN_FOLLOWERS")
        importlib.reload(config)


def test_a_malformed_override_stops_the_app(monkeypatch):
    monkeypatch.setenv("PAPPUS_MIN_FOLLOWERS", "lots")
    try:
        with pytest.raises(RuntimeError, match="PAPPUS_MIN_FOLLOWERS must be a whole number"):
            importlib.reload(config)
    finally:
        monkeypatch.delenv("PAPPUS_MIN_FOLLOWERS")
        importlib.reload(config)


def test_config_table_command_prints_every_knob(runner):
    result = runner.invoke(args=["config-table"])
    assert result.exit_code == 0
    assert all(f"PAPPUS_{name}" in result.output for name in config.KNOBS)


# Production also refuses to start without its Stripe keys (tests/payments/test_settings.py).
PRODUCTION_STRIPE = {"STRIPE_SECRET_KEY": "sk_live_x", "STRIPE_WEBHOOK_SECRET": "whsec_x",
                     "PAPPUS_STRIPE_PUBLISHABLE_KEY": "pk_live_x"}


@pytest.mark.parametrize("secret", ["dev-only-not-secret", "short-secret"])
def test_production_refuses_the_development_or_a_short_secret_key(monkeypatch, secret):
    from config import ProductionConfig
    from marketplace import create_app

    monkeypatch.setenv("SECRET_KEY", secret)
    monkeypatch.setenv("DATABASE_URL", "sqlite://")
    monkeypatch.setenv("PAPPUS_BASE_URL", "https://pappus.example.com")
    for name, value in PRODUCTION_STRIPE.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(ProductionConfig)


def test_production_starts_with_a_real_secret_key(monkeypatch):
    from config import ProductionConfig
    from marketplace import create_app

    monkeypatch.setenv("SECRET_KEY", "9f" * 32)
    monkeypatch.setenv("DATABASE_URL", "sqlite://")
    monkeypatch.setenv("PAPPUS_BASE_URL", "https://pappus.example.com")
    for name, value in PRODUCTION_STRIPE.items():
        monkeypatch.setenv(name, value)
    assert create_app(ProductionConfig).config["SESSION_COOKIE_SECURE"] is True
