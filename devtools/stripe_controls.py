# Pappus development tools: test controls for the local Stripe-compatible server.
# Copyright the Pappus contributors. Extends localstripe (Copyright 2017 Adrien Vergé).
#
# This program is free software: you can redistribute it and/or modify it under the terms
# of the GNU General Public License as published by the Free Software Foundation, either
# version 3 of the License, or (at your option) any later version. It is distributed
# WITHOUT ANY WARRANTY; see <https://www.gnu.org/licenses/>.
"""Controls tests switch on, under ``/_dev/`` (no API key), and the middlewares behind them:
the request counter with the optional rate limit, and injected faults."""
from __future__ import annotations

import asyncio
import json
import secrets
from collections import Counter

from aiohttp import web
from localstripe import resources, server as localstripe_server
from localstripe.errors import UserError
from localstripe.webhooks import _webhooks, register_webhook

from devtools.stripe_state import STATE, Fault


@web.middleware
async def count_and_limit(request: web.Request, handler):
    state = request.app[STATE]
    api = request.path.startswith("/v1/")
    if api:
        state.counts["requests"] += 1
        if not state.limiter.allow():
            state.counts["rate_limited"] += 1
            return stripe_error(429, "rate_limit", "Too many requests hit the API too "
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


def stripe_error(status: int, code: str | None, message: str,
                 error_type: str = "invalid_request_error") -> web.Response:
    error = {"type": error_type, "message": message}
    if code:
        error["code"] = code
    return localstripe_server.json_response({"error": error}, status=status)


def _fault_response(status: int) -> web.Response:
    if status == 429:
        return stripe_error(429, "rate_limit", "Too many requests (injected fault).")
    return stripe_error(status, None, "An unknown error occurred (injected fault).",
                        error_type="api_error")


async def _json_body(request: web.Request) -> dict:
    try:
        body = await request.json() if request.can_read_body else {}
    except json.JSONDecodeError:
        raise UserError(400, "The body must be JSON.")
    if not isinstance(body, dict):
        raise UserError(400, "The body must be a JSON object.")
    return body


async def forget_keys(request: web.Request) -> web.Response:
    """Forget every idempotency key's saved answer, as Stripe does after 24 hours: a repeated
    key then makes the request anew."""
    forgotten = len(request.app[STATE].saved)
    request.app[STATE].saved.clear()
    return web.json_response({"forgotten": forgotten})


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



def add_routes(app: web.Application) -> None:
    router = app.router
    router.add_post("/_dev/reset", reset)
    router.add_post("/_dev/forget-keys", forget_keys)
    router.add_post("/_dev/faults", add_fault)
    router.add_get("/_dev/faults", list_faults)
    router.add_delete("/_dev/faults", clear_faults)
    router.add_get("/_dev/stats", stats)
    router.add_post("/_dev/rate-limit", set_rate_limit)
    for method in ("GET", "POST", "DELETE"):
        router.add_route(method, "/_dev/webhooks", webhooks)
