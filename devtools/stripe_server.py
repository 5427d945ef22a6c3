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

- Connect: Accounts, AccountLinks and Transfers (``stripe_connect.py``);
- card payments confirmed with a typed or test card (``stripe_payments.py``);
- ``Idempotency-Key`` on POST: the same key gets the first answer, byte for byte, with no
  second side effect; the same key with other parameters is refused, as Stripe does;
- signed webhooks (``Stripe-Signature``) to every configured endpoint, retried with backoff;
- an optional request-rate limit (``--rate-limit N`` per second; 429 beyond it);
- controls for tests under ``/_dev/`` (no key needed; ``stripe_controls.py``):
    POST   /_dev/reset                      forget every object, key, fault and delivery
    POST   /_dev/forget-keys                forget saved idempotent answers (Stripe: after 24 h)
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
import shutil
import signal
import socket
import tempfile
import time
from pathlib import Path

import aiohttp
from aiohttp import web
from localstripe import resources, server as localstripe_server
from localstripe.webhooks import _webhooks

from devtools import stripe_connect, stripe_controls, stripe_payments
from devtools.stripe_controls import stripe_error
from devtools.stripe_state import STATE, Saved, State

DEFAULT_PORT = 8420  # localstripe's own default; `make run` and the development config use it
# Seconds before each delivery attempt of a webhook (Stripe retries for days; a developer's
# web server is usually back within a minute).
WEBHOOK_RETRY_DELAYS = (0.05, 1, 5, 30, 120)
log = logging.getLogger("stripe_server")


# ---- Stripe's own behaviour that localstripe lacks ------------------------------------------

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
            return stripe_error(400, "idempotency_key_in_use", (
                "Keys for idempotent requests can only be used with the same parameters they "
                f"were first used with. Try using a key other than '{key}' if you meant to "
                "execute a different request."), error_type="idempotency_error")
        state.counts["idempotent_replays"] += 1
        return web.Response(body=saved.body, status=saved.status,
                            content_type=saved.content_type,
                            headers={"Idempotent-Replayed": "true", "Idempotency-Key": key})
    if scope in state.in_flight:
        return stripe_error(409, "idempotency_key_in_use", (
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
        hooks = [hook for hook in _webhooks.values()
                 if hook.events is None or event.type in hook.events]
        if not hooks:
            return
        payload = json.dumps(event._export(), indent=2, sort_keys=True).encode()
        for hook in hooks:
            task = asyncio.ensure_future(deliver(event.id, event.type, payload, hook.url,
                                                 hook.secret))
            state.tasks.add(task)
            task.add_done_callback(state.tasks.discard)

    return schedule


async def index(request: web.Request) -> web.Response:
    return web.Response(text=(
        "Local Stripe-compatible server for Pappus development (localstripe + Connect).\n"
        "Point STRIPE_API_BASE here; Stripe.js stand-in at /js.stripe.com/v3/; "
        "controls under /_dev/ (see devtools/stripe_server.py).\n"))


# ---- assembly ------------------------------------------------------------------------------

def build_app(state: State) -> web.Application:
    # Outermost first: count (and rate-limit) every call, then faults, then idempotency
    # (so a fault can wrap a saved answer), then localstripe's error-to-JSON and auth.
    app = web.Application(middlewares=[stripe_controls.count_and_limit,
                                       stripe_controls.inject_faults, idempotency,
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
    stripe_controls.add_routes(app)
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
    # Saving pauses the server, so a big store is saved less often: at most 5% of the time.
    pause = 1.0
    while True:
        await asyncio.sleep(pause)
        if state.dirty:
            started = time.monotonic()
            state.save()
            pause = max(1.0, 20 * (time.monotonic() - started))


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
