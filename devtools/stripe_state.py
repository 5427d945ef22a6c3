# Pappus development tools: the local Stripe-compatible server's own state.
# Copyright the Pappus contributors. Extends localstripe (Copyright 2017 Adrien Vergé).
#
# This program is free software: you can redistribute it and/or modify it under the terms
# of the GNU General Public License as published by the Free Software Foundation, either
# version 3 of the License, or (at your option) any later version. It is distributed
# WITHOUT ANY WARRANTY; see <https://www.gnu.org/licenses/>.
"""What the local Stripe server remembers beyond localstripe's objects: saved idempotent
answers, pending faults, the rate limiter, counters and webhook deliveries; and how its
state is kept on disk (in its own directory, never localstripe's fixed /tmp path)."""
from __future__ import annotations

import os
import pickle
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from pathlib import Path

from aiohttp import web
from localstripe import resources
from localstripe.webhooks import _webhooks, register_webhook

STATE_FILE = "localstripe-state.pickle"


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
            # Saved answers as plain tuples, so the file does not depend on class paths.
            answers = [(scope, (a.fingerprint, a.status, a.body, a.content_type))
                       for scope, a in self.saved.items()]
            pickle.dump({"store": dict(resources.store), "idempotency": answers}, handle,
                        protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, self.state_file)


STATE = web.AppKey("state", State)
