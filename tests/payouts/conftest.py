import pytest


@pytest.fixture
def payout_config(app):
    """The runner's retries are its own (clock-driven, no sleeps): the gateway client does
    not retry, answers are awaited at most 1 s, and there is no rate limit."""
    keys = ("STRIPE_MAX_NETWORK_RETRIES", "STRIPE_TIMEOUT_SECONDS", "STRIPE_MAX_REQUESTS_PER_S",
            "PAYOUT_MAX_ATTEMPTS", "PAYOUT_RETRY_SECONDS", "PAYOUT_LEASE_SECONDS")
    previous = {key: app.config[key] for key in keys}
    app.config.update(STRIPE_MAX_NETWORK_RETRIES=0, STRIPE_TIMEOUT_SECONDS=1, STRIPE_MAX_REQUESTS_PER_S=0,
                      PAYOUT_MAX_ATTEMPTS=3, PAYOUT_RETRY_SECONDS=60, PAYOUT_LEASE_SECONDS=300)
    yield app.config
    app.config.update(previous)
