"""The local Stripe-compatible server in tests (a pytest plugin, listed in tests/conftest.py).

- ``stripe_server`` (session): ``devtools/stripe_server.py`` in its own process on a free
  loopback port for the whole session, stopped at the end. Its log is in the session's
  temporary directory and is printed if it fails to start.
- ``local_stripe`` (per test): the same server, emptied, with faults cleared, and the app's
  config pointed at it for the test (restored after). Tests that reach the gateway use this.
  ``local_stripe.fault(status=500, count=2, path_prefix="/v1/transfers")`` injects faults;
  ``local_stripe.stats()`` counts at the gateway (transfers per transfer_group/metadata).
- ``webhook_receiver`` (per test): a tiny HTTP server that records what is POSTed to it.

Browser tests point their own app at it with ``live_app.config.update(stripe_server.config())``.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parent.parent
WEBHOOK_SECRET = "whsec_pappus_tests"
START_TIMEOUT_S = 30  # a cold start on a busy 2-core machine


class LocalStripe:
    """A handle on a running local Stripe server: its address, keys and controls."""

    secret_key = "sk_test_pappus_tests"
    publishable_key = "pk_test_pappus_tests"

    def __init__(self, url: str, webhook_secret: str = WEBHOOK_SECRET):
        self.url = url
        self.webhook_secret = webhook_secret
        self.http = requests.Session()

    def config(self) -> dict:
        """The app settings that point the gateway (and Stripe.js) at this server."""
        return {
            "STRIPE_API_BASE": self.url,
            "STRIPE_JS_URL": f"{self.url}/js.stripe.com/v3/",
            "STRIPE_SECRET_KEY": self.secret_key,
            "STRIPE_PUBLISHABLE_KEY": self.publishable_key,
            "STRIPE_WEBHOOK_SECRET": self.webhook_secret,
        }

    def _post(self, path: str, body: dict | None = None) -> dict:
        response = self.http.post(self.url + path, json=body or {}, timeout=10)
        response.raise_for_status()
        return response.json()

    def reset(self) -> None:
        self._post("/_dev/reset")

    def fault(self, status: int = 500, count: int = 1, path_prefix: str = "/v1/",
              method: str | None = None, mode: str = "before",
              stall_seconds: float = 5.0) -> None:
        """The next ``count`` matching calls fail: ``before`` answers ``status`` without doing
        anything; ``after`` does it, then answers ``status``; ``stall`` does it, then waits
        ``stall_seconds`` before the real answer."""
        self._post("/_dev/faults", {"status": status, "count": count, "method": method,
                                    "path_prefix": path_prefix, "mode": mode,
                                    "stall_seconds": stall_seconds})

    def forget_keys(self) -> None:
        """Forget the saved answers to idempotency keys, as Stripe does after 24 hours."""
        self._post("/_dev/forget-keys")

    def clear_faults(self) -> None:
        self.http.delete(self.url + "/_dev/faults", timeout=10).raise_for_status()

    def stats(self) -> dict:
        response = self.http.get(self.url + "/_dev/stats", timeout=10)
        response.raise_for_status()
        return response.json()

    def transfer_count(self, transfer_group: str) -> int:
        return self.stats()["transfers"]["by_transfer_group"].get(transfer_group, 0)

    def set_rate_limit(self, per_second: int) -> None:
        self._post("/_dev/rate-limit", {"per_second": per_second})

    def add_webhook(self, url: str, events: list[str] | None = None) -> None:
        self._post("/_dev/webhooks", {"url": url, "secret": self.webhook_secret,
                                      "events": events})

    def activate(self, account_id: str) -> dict:
        """Finish the account's onboarding, as the developer's "verified" button does."""
        return self._post(f"/_dev/accounts/{account_id}/activate")

    def require(self, account_id: str, currently_due: list[str]) -> dict:
        return self._post(f"/_dev/accounts/{account_id}/requirements",
                          {"currently_due": currently_due})

    def confirm_card(self, client_secret: str, number: str, exp: str = "12/34",
                     cvc: str = "123") -> requests.Response:
        """Confirm a PaymentIntent with a typed card, as Stripe.js does in the brand's
        browser: publishable key and client secret, no secret key."""
        intent = re.match(r"^(pi_\w+?)_secret_", client_secret).group(1)
        month, year = exp.split("/")
        return self.http.post(f"{self.url}/v1/payment_intents/{intent}/confirm", timeout=10,
                              data=json.dumps({
                                  "key": self.publishable_key, "client_secret": client_secret,
                                  "payment_method_data": {"type": "card", "card": {
                                      "number": number, "exp_month": month, "exp_year": year,
                                      "cvc": cvc}},
                              }))

    def sign(self, payload: bytes, timestamp: int | None = None, secret: str | None = None) -> str:
        """A ``Stripe-Signature`` header for ``payload``, as the server signs webhooks."""
        timestamp = int(time.time()) if timestamp is None else timestamp
        mac = hmac.new((secret or self.webhook_secret).encode(), b"%d." % timestamp + payload,
                       hashlib.sha256)
        return f"t={timestamp},v1={mac.hexdigest()}"


def start_server(log_path: Path, *args: str) -> tuple[subprocess.Popen, LocalStripe]:
    """Start ``python -m devtools.stripe_server --port 0 ...`` and wait until it answers."""
    log = open(log_path, "w")
    process = subprocess.Popen(
        [sys.executable, "-m", "devtools.stripe_server", "--port", "0",
         "--webhook-secret", WEBHOOK_SECRET, "--verbose", *args],
        cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
    )
    log.close()
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        found = re.search(r"listening on (http://127\.0\.0\.1:\d+)", log_path.read_text())
        if found:
            server = LocalStripe(found.group(1))
            try:
                server.stats()
                return process, server
            except requests.ConnectionError:
                pass
        try:  # wait on the process itself: wakes at once if the server dies while starting
            process.wait(timeout=0.05)
            break
        except subprocess.TimeoutExpired:
            continue
    stop_server(process)
    pytest.fail(f"the local Stripe server did not start:\n{log_path.read_text()}", pytrace=False)


def stop_server(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def stripe_server(tmp_path_factory):
    log_path = tmp_path_factory.mktemp("stripe-server") / "stripe-server.log"
    process, server = start_server(log_path)
    try:
        yield server
    finally:
        stop_server(process)


@pytest.fixture
def local_stripe(stripe_server, app):
    stripe_server.reset()
    previous = {name: app.config.get(name) for name in stripe_server.config()}
    app.config.update(stripe_server.config())
    try:
        yield stripe_server
    finally:
        app.config.update(previous)
        stripe_server.reset()  # no fault, rate limit or webhook outlives its test


@dataclass
class Delivery:
    path: str
    headers: dict
    body: bytes

    def json(self) -> dict:
        return json.loads(self.body)


class WebhookReceiver:
    def __init__(self):
        self.received: queue.Queue[Delivery] = queue.Queue()
        self.status = 200
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                status = receiver.status  # read first: a test may change it once it has this
                receiver.received.put(Delivery(self.path, dict(self.headers), body))
                self.send_response(status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/webhooks/stripe"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def wait_for(self, event_type: str, timeout: float = 15) -> Delivery:
        """The first delivery of an event of this type (others are skipped)."""
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            try:
                delivery = self.received.get(timeout=left)
            except queue.Empty:
                break
            if delivery.json().get("type") == event_type:
                return delivery
        raise AssertionError(f"no {event_type} webhook arrived within {timeout} s")

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def webhook_receiver():
    receiver = WebhookReceiver()
    try:
        yield receiver
    finally:
        receiver.close()
