"""Where the gateway points: the local server in development, Stripe itself in production."""
import importlib

import pytest

import config

STRIPE_VARIABLES = ("PAPPUS_STRIPE_API_BASE", "PAPPUS_STRIPE_JS_URL",
                    "PAPPUS_STRIPE_PUBLISHABLE_KEY", "STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET")


@pytest.fixture
def fresh_config(monkeypatch):
    for name in STRIPE_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    try:
        yield importlib.reload(config)
    finally:
        monkeypatch.undo()
        importlib.reload(config)


def test_development_uses_the_local_server_and_production_stripe(fresh_config):
    development, production = fresh_config.DevelopmentConfig, fresh_config.ProductionConfig
    assert development.STRIPE_API_BASE == "http://127.0.0.1:8420"
    assert development.STRIPE_JS_URL == "http://127.0.0.1:8420/js.stripe.com/v3/"
    assert development.STRIPE_SECRET_KEY.startswith("sk_test_")
    assert production.STRIPE_API_BASE == "https://api.stripe.com"
    assert production.STRIPE_JS_URL == "https://js.stripe.com/v3/"


def test_the_environment_can_point_development_elsewhere(fresh_config, monkeypatch):
    monkeypatch.setenv("PAPPUS_STRIPE_API_BASE", "http://127.0.0.1:8421")
    assert importlib.reload(config).DevelopmentConfig.STRIPE_API_BASE == "http://127.0.0.1:8421"


def test_production_refuses_to_start_without_stripe_keys(fresh_config, monkeypatch):
    from marketplace import create_app

    monkeypatch.setenv("SECRET_KEY", "s3cret")
    monkeypatch.setenv("DATABASE_URL", "sqlite://")
    with pytest.raises(RuntimeError, match="STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET, "
                                           "PAPPUS_STRIPE_PUBLISHABLE_KEY"):
        create_app(fresh_config.ProductionConfig)
