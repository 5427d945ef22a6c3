# Pappus development tools: a local Stripe-compatible server.
# Copyright the Pappus contributors. Extends localstripe (Copyright 2017 Adrien Vergé).
#
# This program is free software: you can redistribute it and/or modify it under the terms
# of the GNU General Public License as published by the Free Software Foundation, either
# version 3 of the License, or (at your option) any later version. It is distributed
# WITHOUT ANY WARRANTY; see <https://www.gnu.org/licenses/>.
"""A Stripe-compatible server on loopback for development and tests (never used by the app
in production, never imported by it).

    python -m devtools.stripe_server --port 8420 [--state-dir DIR] [--webhook-url URL
        --webhook-secret whsec_...] [--rate-limit N]

It serves localstripe (customers, PaymentIntents, refunds, Stripe.js) bound to 127.0.0.1,
with its state in a temporary directory (or ``--state-dir``), plus:

- Connect: Accounts, AccountLinks and Transfers (``devtools/stripe_connect.py``);
- card payments confirmed with a typed or test card (``devtools/stripe_payments.py``);
- ``Idempotency-Key`` on POST: the same key gets the first answer, byte for byte, with no
  second side effect; the same key with other parameters is refused, as Stripe does;
- signed webhooks (``Stripe-Signature``) to every configured endpoint, retried with backoff;
- an optional request-rate limit (``--rate-limit N`` per second; 429 beyond it);
- controls for tests under ``/_dev/`` (no key needed):
    POST   /_dev/reset                      forget every object, key, fault and delivery
    POST   /_dev/faults  {"status": 500|429, "count": N, "path_prefix": "/v1/transfers",
                          "method": "POST", "mode": "before|after|stall", "stall_seconds": S}
           before: answer ``status`` without doing anything; after: do it, then answer
           ``status``; stall: do it, then wait ``stall_seconds`` before the real answer
    DELETE /_dev/faults                     clear pending faults
    GET    /_dev/stats                      requests, replays, faults, objects; transfers
                                            counted per transfer_group and metadata value
    POST   /_dev/rate-limit {"per_second": N}  (0 = no limit)
    GET/POST/DELETE /_dev/webhooks {"url": ..., "secret": ..., "events": [...]}
    POST   /_dev/accounts/<id>/activate     finish an account's onboarding (verified)
    POST   /_dev/accounts/<id>/requirements {"currently_due": [...]}
"""
from __future__ import annotations

import argparse
import asyncio
import hashlib
import hmac
import json
import logging
import os
import pickle
import secrets
import shutil
import signal
import socket
import tempfile
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
from aiohttp import web
from localstripe import resources, server as localstripe_server
from localstripe.errors import UserError
from localstripe.webhooks import _webhooks, register_webhook

from devtools import stripe_connect, stripe_payments

DEFAULT_PORT = 8420  # localstripe's own default; `make run` and the development config use it
# Seconds before each delivery attempt of a webhook (Stripe retries for days; a developer's
# web server is usually back within a minute).
WEBHOOK_RETRY_DELAYS = (0.05, 1, 5, 30, 120)
STATE_FILE = "localstripe-state.pickle"
log = logging.getLogger("stripe_server")


@dataclass
class Fault:
    status: int
    count: int
    path_prefix: str = "/v1/"
    method: str | None = None
    mode: str = "before"
    stall_seconds: float = 5.0

    def matches(self, request: web.Request) -> bool:
        return (self.count > 0 and request.path.startswith(self.path_prefix)
                and (self.method is None or request.method == self.method))


@dataclass
class Saved:
    """The first answer to an idempotent request, and what the request was."""

    fingerprint: str
    status: int
    body: bytes
    content_type: str


class RateLimiter:
    """Token bucket: ``per_second`` requests a second, bursts up to one second's worth."""

    def __init__(self, per_second: int):
        self.set(per_second)

    def set(self, per_second: int) -> None:
        self.per_second = max(0, int(per_second))
        self.tokens = float(self.per_second)
        self.updated = time.monotonic()

    def allow(self) -> bool:
        if not self.per_second:
            return True
        now = time.monotonic()
        self.tokens = min(self.per_second, self.tokens + (now - self.updated) * self.per_second)
        self.updated = now
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        return False


@dataclass
class State:
    state_dir: Path
    webhooks: list[tuple[str, str]]  # from the command line; restored by /_dev/reset
    rate_limit: int
    limiter: RateLimiter = field(init=False)
    faults: list[Fault] = field(default_factory=list)
    saved: dict[tuple[str, str], Saved] = field(default_factory=dict)
    in_flight: set[tuple[str, str]] = field(default_factory=set)
    counts: Counter = field(default_factory=Counter)
    deliveries: deque = field(default_factory=lambda: deque(maxlen=200))
    tasks: set = field(default_factory=set)
    dirty: bool = False

    def __post_init__(self):
        self.limiter = RateLimiter(self.rate_limit)

    def reset(self) -> None:
        resources.store.clear()
        self.saved.clear()
        self.faults.clear()
        self.counts.clear()
        self.deliveries.clear()
        for task in self.tasks:
            task.cancel()
        self.tasks.clear()
        self.limiter.set(self.rate_limit)
        _webhooks.clear()
        for index, (url, secret) in enumerate(self.webhooks):
            register_webhook(f"cli-{index}", url, secret, None)
        self.dirty = True

    # ---- state on disk: written at most once a second, never on the request path ---------

    @property
    def state_file(self) -> Path:
        return self.state_dir / STATE_FILE

    def load(self) -> None:
        try:
            with open(self.state_file, "rb") as handle:
                saved = pickle.load(handle)
        except FileNotFoundError:
            return
        resources.store.clear()
        dict.update(resources.store, saved["store"])
        self.saved.update({scope: Saved(*fields) for scope, fields in saved["idempotency"]})

    def save(self) -> None:
        self.dirty = False
        tmp = self.state_file.with_suffix(".tmp")
        with open(tmp, "wb") as handle:
            # Saved answers as plain tuples: this module may run as __main__.
            answers = [(scope, (a.fingerprint, a.status, a.body, a.content_type))
                       for scope, a in self.saved.items()]
            pickle.dump({"store": dict(resources.store), "idempotency": answers}, handle,
                        protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, self.state_file)


STATE = web.AppKey("state", State)


# ---- middlewares, outermost first ----------------------------------------------------------

@web.middleware
async def count_and_limit(request: web.Request, handler):
    state = request.app[STATE]
    api = request.path.startswith("/v1/")
    if api:
        state.counts["requests"] += 1
        if not state.limiter.allow():
            state.counts["rate_limited"] += 1
            return _stripe_error(429, "rate_limit", "Too many requests hit the API too "
                                 "quickly. We recommend an exponential backoff of your requests.")
    try:
        response = await handler(request)
    finally:
        if request.method in ("POST", "DELETE"):
            state.dirty = True  # the periodic saver writes it out
    response.headers.setdefault("Request-Id", "req_" + secrets.token_hex(7))
    return response


@web.middleware
async def inject_faults(request: web.Request, handler):
    state = request.app[STATE]
    fault = next((f for f in state.faults if f.matches(request)), None)
    if fault is None:
        return await handler(request)
    fault.count -= 1
    state.counts["faults_injected"] += 1
    if fault.mode == "before":
        return _fault_response(fault.status)
    response = await handler(request)  # the side effect happens (and its answer is saved)
    if fault.mode == "after":
        return _fault_response(fault.status)
    await asyncio.sleep(fault.stall_seconds)  # "stall": the client has given up by now
    return response


@web.middleware
async def idempotency(request: web.Request, handler):
    key = request.headers.get("Idempotency-Key")
    if request.method != "POST" or not key:
        return await handler(request)
    state = request.app[STATE]
    scope = (localstripe_server.get_api_key(request) or "", key)
    fingerprint = hashlib.sha256(request.path.encode() + b"?" + await request.read()).hexdigest()
    saved = state.saved.get(scope)
    if saved is not None:
        if saved.fingerprint != fingerprint:
            return _stripe_error(400, "idempotency_key_in_use", (
                "Keys for idempotent requests can only be used with the same parameters they "
                f"were first used with. Try using a key other than '{key}' if you meant to "
                "execute a different request."), error_type="idempotency_error")
        state.counts["idempotent_replays"] += 1
        return web.Response(body=saved.body, status=saved.status,
                            content_type=saved.content_type,
                            headers={"Idempotent-Replayed": "true", "Idempotency-Key": key})
    if scope in state.in_flight:
        return _stripe_error(409, "idempotency_key_in_use", (
            "There is currently another in-progress request using this Stripe API key and "
            "idempotency key. Please try again later."), error_type="idempotency_error")
    state.in_flight.add(scope)
    try:
        response = await handler(request)
    finally:
        state.in_flight.discard(scope)
    # Saved once the endpoint has run: successes and card declines. Refusals before it ran
    # (bad parameters, auth) are not, so a corrected retry can go through, as on Stripe.
    if response.status < 300 or response.status == 402:
        state.saved[scope] = Saved(fingerprint, response.status, response.body,
                                   response.content_type)
    response.headers["Idempotency-Key"] = key
    return response


@web.middleware
async def authenticate(request: web.Request, handler):
    if request.path.startswith("/_dev/") or request.path == "/" or \
            stripe_payments.is_browser_confirm(request):
        return await handler(request)
    return await localstripe_server.auth_middleware(request, handler)


def _stripe_error(status: int, code: str | None, message: str,
                  error_type: str = "invalid_request_error") -> web.Response:
    error = {"type": error_type, "message": message}
    if code:
        error["code"] = code
    return localstripe_server.json_response({"error": error}, status=status)


def _fault_response(status: int) -> web.Response:
    if status == 429:
        return _stripe_error(429, "rate_limit", "Too many requests (injected fault).")
    return _stripe_error(status, None, "An unknown error occurred (injected fault).",
                         error_type="api_error")


# ---- webhooks -------------------------------------------------------------------------------

def _sign(secret: str, payload: bytes) -> str:
    timestamp = int(time.time())
    signature = hmac.new(secret.encode(), b"%d." % timestamp + payload, hashlib.sha256)
    return f"t={timestamp},v1={signature.hexdigest()}"


def make_webhook_sender(app: web.Application):
    """Replaces localstripe's sender: signs at each attempt, retries, records deliveries."""
    state = app[STATE]

    async def deliver(event_id: str, event_type: str, payload: bytes, url: str, secret: str):
        record = {"event": event_id, "type": event_type, "url": url, "attempts": 0,
                  "status": None}
        state.deliveries.append(record)
        for delay in WEBHOOK_RETRY_DELAYS:
            await asyncio.sleep(delay)
            record["attempts"] += 1
            headers = {"Content-Type": "application/json; charset=utf-8",
                       "Stripe-Signature": _sign(secret, payload)}
            try:
                async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as s:
                    async with s.post(url, data=payload, headers=headers) as reply:
                        record["status"] = reply.status
            except (aiohttp.ClientError, asyncio.TimeoutError) as error:
                record["status"] = f"error: {error.__class__.__name__}"
            log.info("webhook %s %s -> %s: %s", event_type, event_id, url, record["status"])
            if isinstance(record["status"], int) and 200 <= record["status"] < 300:
                state.counts["webhooks_delivered"] += 1
                return
        state.counts["webhooks_failed"] += 1

    def schedule(event) -> None:
        payload = json.dumps(event._export(), indent=2, sort_keys=True).encode()
        for hook in list(_webhooks.values()):
            if hook.events is not None and event.type not in hook.events:
                continue
            task = asyncio.ensure_future(deliver(event.id, event.type, payload, hook.url,
                                                 hook.secret))
            state.tasks.add(task)
            task.add_done_callback(state.tasks.discard)

    return schedule


# ---- controls under /_dev/ --------------------------------------------------------------------

async def _json_body(request: web.Request) -> dict:
    try:
        body = await request.json() if request.can_read_body else {}
    except json.JSONDecodeError:
        raise UserError(400, "The body must be JSON.")
    if not isinstance(body, dict):
        raise UserError(400, "The body must be a JSON object.")
    return body


async def reset(request: web.Request) -> web.Response:
    request.app[STATE].reset()
    return web.json_response({"reset": True})


async def add_fault(request: web.Request) -> web.Response:
    body = await _json_body(request)
    try:
        fault = Fault(status=int(body.get("status", 500)), count=int(body.get("count", 1)),
                      path_prefix=str(body.get("path_prefix", "/v1/")),
                      method=body["method"].upper() if body.get("method") else None,
                      mode=str(body.get("mode", "before")),
                      stall_seconds=float(body.get("stall_seconds", 5)))
    except (TypeError, ValueError):
        raise UserError(400, "status and count must be numbers")
    if fault.mode not in ("before", "after", "stall"):
        raise UserError(400, "mode must be before, after or stall")
    request.app[STATE].faults.append(fault)
    return web.json_response({"faults": _faults(request)})


async def list_faults(request: web.Request) -> web.Response:
    return web.json_response({"faults": _faults(request)})


async def clear_faults(request: web.Request) -> web.Response:
    request.app[STATE].faults.clear()
    return web.json_response({"faults": []})


def _faults(request: web.Request) -> list[dict]:
    return [vars(f) for f in request.app[STATE].faults if f.count > 0]


async def stats(request: web.Request) -> web.Response:
    state = request.app[STATE]
    objects = Counter(key.split(":", 1)[0] for key in resources.store if ":" in key)
    by_group: Counter = Counter()
    by_metadata: dict[str, Counter] = {}
    transfers = [v for k, v in resources.store.items() if k.startswith("transfer:")]
    for transfer in transfers:
        by_group[transfer.transfer_group] += 1
        for name, value in (transfer.metadata or {}).items():
            by_metadata.setdefault(name, Counter())[value] += 1
    return web.json_response({
        **{name: state.counts[name] for name in (
            "requests", "rate_limited", "faults_injected", "idempotent_replays",
            "webhooks_delivered", "webhooks_failed")},
        "objects": dict(objects),
        "transfers": {
            "count": len(transfers),
            "by_transfer_group": {str(k): v for k, v in by_group.items()},
            "by_metadata": {name: dict(c) for name, c in by_metadata.items()},
        },
        "rate_limit_per_s": state.limiter.per_second,
    })


async def set_rate_limit(request: web.Request) -> web.Response:
    body = await _json_body(request)
    try:
        request.app[STATE].limiter.set(int(body.get("per_second", 0)))
    except (TypeError, ValueError):
        raise UserError(400, "per_second must be a whole number")
    return web.json_response({"rate_limit_per_s": request.app[STATE].limiter.per_second})


async def webhooks(request: web.Request) -> web.Response:
    state = request.app[STATE]
    if request.method == "POST":
        body = await _json_body(request)
        url, secret, events = body.get("url"), body.get("secret"), body.get("events")
        if not (isinstance(url, str) and url.startswith("http") and isinstance(secret, str)
                and secret and (events is None or isinstance(events, list))):
            raise UserError(400, "Give url (http...), secret and optionally events (a list)")
        register_webhook(str(body.get("id", "dev")), url, secret, events)
    elif request.method == "DELETE":
        _webhooks.clear()
    return web.json_response({
        "endpoints": [{"id": name, "url": hook.url, "events": hook.events}
                      for name, hook in _webhooks.items()],
        "deliveries": list(state.deliveries),
    })


async def index(request: web.Request) -> web.Response:
    return web.Response(text=(
        "Local Stripe-compatible server for Pappus development (localstripe + Connect).\n"
        "Point STRIPE_API_BASE here; Stripe.js stand-in at /js.stripe.com/v3/; "
        "controls under /_dev/ (see devtools/stripe_server.py).\n"))


# ---- assembly ------------------------------------------------------------------------------

def build_app(state: State) -> web.Application:
    app = web.Application(middlewares=[count_and_limit, inject_faults, idempotency,
                                       localstripe_server.error_middleware, authenticate])
    app[STATE] = state
    stripe_payments.install_card_rules()
    resources.schedule_webhook = make_webhook_sender(app)
    # localstripe pickles its whole store to a fixed /tmp path on every change; here the
    # state is saved by a periodic task into this server's own directory instead.
    resources.store.dump_to_disk = lambda: None
    resources.store.try_load_from_disk = lambda: None

    router = app.router
    router.add_get("/", index)
    router.add_post("/_dev/reset", reset)
    router.add_post("/_dev/faults", add_fault)
    router.add_get("/_dev/faults", list_faults)
    router.add_delete("/_dev/faults", clear_faults)
    router.add_get("/_dev/stats", stats)
    router.add_post("/_dev/rate-limit", set_rate_limit)
    for method in ("GET", "POST", "DELETE"):
        router.add_route(method, "/_dev/webhooks", webhooks)
    stripe_connect.add_routes(app)
    stripe_payments.add_routes(app)
    # Then every localstripe route this server does not answer itself.
    ours = {(r.method, r.resource.canonical) for r in router.routes()}
    for route in localstripe_server.app.router.routes():
        if (route.method, route.resource.canonical) not in ours:
            router.add_route(route.method, route.resource.canonical, route.handler)
    app.on_response_prepare.append(localstripe_server.add_cors_headers)
    return app


async def _save_periodically(state: State) -> None:
    while True:
        await asyncio.sleep(1)
        if state.dirty:
            state.save()


async def serve(args: argparse.Namespace) -> None:
    temporary = args.state_dir is None
    state_dir = Path(tempfile.mkdtemp(prefix="pappus-stripe-")) if temporary \
        else Path(args.state_dir)
    state_dir.mkdir(parents=True, exist_ok=True)
    webhooks = [(args.webhook_url, args.webhook_secret)] if args.webhook_url else []
    state = State(state_dir=state_dir, webhooks=webhooks, rate_limit=args.rate_limit)
    state.reset()
    state.load()
    app = build_app(state)

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", args.port))  # loopback only, unlike localstripe's own CLI
    runner = web.AppRunner(app, access_log=log if args.verbose else None)
    await runner.setup()
    await web.SockSite(runner, sock).start()
    port = sock.getsockname()[1]
    print(f"Local Stripe server listening on http://127.0.0.1:{port} (state in {state_dir})",
          flush=True)

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    saver = asyncio.ensure_future(_save_periodically(state))
    try:
        await stop.wait()
    finally:
        saver.cancel()
        await runner.cleanup()
        if temporary:
            shutil.rmtree(state_dir, ignore_errors=True)
        else:
            state.save()
        print("Local Stripe server stopped.", flush=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m devtools.stripe_server",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=DEFAULT_PORT,
                        help=f"port on 127.0.0.1 (default {DEFAULT_PORT}; 0 = any free port)")
    parser.add_argument("--state-dir", help="keep the state here between runs "
                        "(default: a temporary directory removed at exit)")
    parser.add_argument("--webhook-url", help="POST signed events here")
    parser.add_argument("--webhook-secret", default="whsec_pappus_local",
                        help="secret the webhook signatures are made with")
    parser.add_argument("--rate-limit", type=int, default=0,
                        help="requests per second before answering 429 (default 0 = none)")
    parser.add_argument("--verbose", action="store_true", help="log every request")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    asyncio.run(serve(args))


if __name__ == "__main__":
    main()
