# Pappus development tools: Stripe Connect for the local Stripe-compatible server.
# Copyright the Pappus contributors. Extends localstripe (Copyright 2017 Adrien Vergé).
#
# This program is free software: you can redistribute it and/or modify it under the terms
# of the GNU General Public License as published by the Free Software Foundation, either
# version 3 of the License, or (at your option) any later version. It is distributed
# WITHOUT ANY WARRANTY; see <https://www.gnu.org/licenses/>.
"""Connect objects localstripe lacks: Accounts, AccountLinks and Transfers.

Shaped like Stripe's JSON so the official ``stripe`` library parses them, with the rules a
platform meets in real life: a new Express account cannot receive transfers until it has
finished onboarding; a transfer to an unknown or unverified account is refused; account
links are single-use and expire. The hosted onboarding page is a local stand-in with
buttons for the outcomes (verified, ID document still due) and emits ``account.updated``.
"""
from __future__ import annotations

import html
import secrets
import time

from aiohttp import web
from localstripe import resources
from localstripe.errors import UserError
from localstripe.resources import Event, StripeObject, store, try_convert_to_int
from localstripe.server import (api_create, api_list_all, api_retrieve, api_update,
                               get_post_data, json_response)

# What Stripe asks of a new individual Express account before it may receive transfers.
ONBOARDING_DUE = [
    "business_type",
    "external_account",
    "individual.dob.day",
    "individual.dob.month",
    "individual.dob.year",
    "individual.first_name",
    "individual.last_name",
    "individual.verification.document",
    "tos_acceptance.date",
    "tos_acceptance.ip",
]
LINK_LIFETIME_S = 300  # Stripe's account links expire within minutes
_LINK_PREFIX = "dev_onboarding:"


def _unknown(kwargs: dict) -> UserError:
    name = sorted(kwargs)[0]
    return UserError(400, f"Received unknown parameter: {name}", {"param": name})


def _requirements(due: list[str], disabled_reason: str | None) -> dict:
    return {
        "alternatives": [],
        "current_deadline": None,
        "currently_due": list(due),
        "disabled_reason": disabled_reason,
        "errors": [],
        "eventually_due": list(due),
        "past_due": list(due),
        "pending_verification": [],
    }


def _emit(event_type: str, obj: StripeObject, account: str | None = None) -> None:
    event = Event(event_type, obj)
    if account:
        event.account = account  # Connect events name the connected account they concern
    # Looked up at call time: the server swaps in its own webhook sender at start-up.
    resources.schedule_webhook(event)


class Account(StripeObject):
    object = "account"
    _id_prefix = "acct_"

    def __init__(self, type=None, email=None, country=None, capabilities=None,
                 business_type=None, business_profile=None, default_currency=None,
                 metadata=None, settings=None, **kwargs):
        if kwargs:
            raise _unknown(kwargs)
        if type not in ("express", "standard", "custom"):
            raise UserError(400, "You must specify type: express, standard or custom.",
                            {"param": "type"})
        for name, value in (("email", email), ("country", country),
                            ("business_type", business_type),
                            ("default_currency", default_currency)):
            if value is not None and not isinstance(value, str):
                raise UserError(400, f"Invalid string: {name}", {"param": name})
        for name, value in (("capabilities", capabilities), ("metadata", metadata),
                            ("business_profile", business_profile), ("settings", settings)):
            if value is not None and not isinstance(value, dict):
                raise UserError(400, f"Invalid object: {name}", {"param": name})

        super().__init__()
        self.type = type
        self.email = email
        self.country = country or "US"
        self.default_currency = (default_currency or "usd").lower()
        self.business_type = business_type
        self.business_profile = business_profile or {"mcc": None, "name": None, "url": None}
        self.capabilities = {
            name: "inactive"
            for name, ask in (capabilities or {}).items()
            if isinstance(ask, dict) and str(ask.get("requested")).lower() == "true"
        }
        self.metadata = metadata or {}
        self.settings = settings or {}
        self.charges_enabled = False
        self.payouts_enabled = False
        self.details_submitted = False
        self.requirements = _requirements(ONBOARDING_DUE, "requirements.past_due")
        self.future_requirements = _requirements([], None)
        self.tos_acceptance = {"date": None, "ip": None, "user_agent": None}
        self.external_accounts = self._bank_accounts([])

    def _bank_accounts(self, data: list) -> dict:
        return {"object": "list", "data": data, "has_more": False, "total_count": len(data),
                "url": f"/v1/accounts/{self.id}/external_accounts"}

    def _mark_verified(self) -> None:
        """Everything Stripe asks for is in: transfers and payouts work."""
        self.details_submitted = True
        self.charges_enabled = True
        self.payouts_enabled = True
        self.capabilities = {name: "active" for name in self.capabilities or {"transfers": 1}}
        self.requirements = _requirements([], None)
        self.tos_acceptance = {"date": int(time.time()), "ip": "127.0.0.1",
                               "user_agent": "local onboarding"}
        self.external_accounts = self._bank_accounts([{
            "id": "ba_" + self.id[5:], "object": "bank_account", "account": self.id,
            "bank_name": "STRIPE TEST BANK", "country": self.country,
            "currency": self.default_currency, "last4": "6789", "status": "new",
            "default_for_currency": True,
        }])

    def _mark_due(self, due: list[str], disabled_reason: str | None) -> None:
        """Details submitted, but Stripe still needs ``due`` before paying out."""
        self.details_submitted = True
        self.charges_enabled = False
        self.payouts_enabled = False
        self.capabilities = {name: "inactive" for name in self.capabilities or {"transfers": 1}}
        self.requirements = _requirements(due, disabled_reason or "requirements.past_due")

    @classmethod
    def _api_update(cls, id, **data):
        allowed = {"email", "metadata", "business_profile", "settings", "business_type",
                   "default_currency"}
        if set(data) - allowed:
            raise _unknown({k: 1 for k in set(data) - allowed})
        account = super()._api_update(id, **data)
        _emit("account.updated", account, account=account.id)
        return account

    @classmethod
    def _api_delete(cls, id):
        raise UserError(405, "Method Not Allowed")

    @classmethod
    def _api_list_all(cls, url, limit=None, starting_after=None, created=None, **kwargs):
        if kwargs:
            raise _unknown(kwargs)
        li = super()._api_list_all(url, limit=limit, starting_after=starting_after)
        li._list = _newest_first(_created_filter(li._list, created))
        return li


class Transfer(StripeObject):
    object = "transfer"
    _id_prefix = "tr_"

    def __init__(self, amount=None, currency=None, destination=None, description=None,
                 metadata=None, transfer_group=None, source_type=None, **kwargs):
        if kwargs:
            raise _unknown(kwargs)
        amount = try_convert_to_int(amount)
        if not isinstance(amount, int) or amount <= 0:
            raise UserError(400, "Invalid positive integer", {"param": "amount"})
        if not isinstance(currency, str) or len(currency) != 3:
            raise UserError(400, "Invalid currency", {"param": "currency"})
        if not isinstance(destination, str) or not destination:
            raise UserError(400, "Missing required param: destination.",
                            {"param": "destination"})
        if metadata is not None and not isinstance(metadata, dict):
            raise UserError(400, "Invalid object", {"param": "metadata"})
        if transfer_group is not None and not isinstance(transfer_group, str):
            raise UserError(400, "Invalid string", {"param": "transfer_group"})
        account = store.get("account:" + destination) or _demo_account(destination)
        if account is None:
            raise UserError(400, f"No such destination: '{destination}'",
                            {"code": "resource_missing", "param": "destination"})
        if account.capabilities.get("transfers") != "active":
            raise UserError(
                400,
                "Your destination account needs to have at least one of the following "
                "capabilities enabled: transfers, crypto_transfers, legacy_payments",
                {"code": "insufficient_capabilities_for_transfer", "param": "destination"},
            )

        super().__init__()
        self.amount = amount
        self.amount_reversed = 0
        self.currency = currency.lower()
        self.description = description
        self.destination = destination
        self.destination_payment = "py_" + self.id[3:]
        self.balance_transaction = "txn_" + self.id[3:]
        self.metadata = metadata or {}
        self.reversed = False
        self.reversals = {"object": "list", "data": [], "has_more": False, "total_count": 0,
                          "url": f"/v1/transfers/{self.id}/reversals"}
        self.source_transaction = None
        self.source_type = source_type or "card"
        self.transfer_group = transfer_group
        _emit("transfer.created", self)

    @classmethod
    def _api_update(cls, id, **data):
        if set(data) - {"metadata", "description"}:
            raise _unknown({k: 1 for k in set(data) - {"metadata", "description"}})
        transfer = super()._api_update(id, **data)
        _emit("transfer.updated", transfer)
        return transfer

    @classmethod
    def _api_delete(cls, id):
        raise UserError(405, "Method Not Allowed")

    @classmethod
    def _api_list_all(cls, url, limit=None, starting_after=None, created=None,
                      destination=None, transfer_group=None, **kwargs):
        if kwargs:
            raise _unknown(kwargs)
        li = super()._api_list_all(url, limit=limit, starting_after=starting_after)
        found = _created_filter(li._list, created)
        if destination is not None:
            found = [t for t in found if t.destination == destination]
        if transfer_group is not None:
            found = [t for t in found if t.transfer_group == transfer_group]
        li._list = _newest_first(found)
        return li


DEMO_ACCOUNT_PREFIX = "acct_demo_"


def _demo_account(account_id: str) -> Account | None:
    """`make run`'s demo creators hold ready payout accounts whose ids start with ``acct_demo_``
    (marketplace/payout_accounts/demo.py: the demo loads before this server is up). This server
    knows such an account as onboarded and verified on first use, so demo payouts are paid."""
    if not account_id.startswith(DEMO_ACCOUNT_PREFIX):
        return None
    account = Account(type="express", capabilities={"transfers": {"requested": "true"}})
    del store["account:" + account.id]
    account.id = account_id
    account._mark_verified()
    store["account:" + account_id] = account
    return account


def _newest_first(objects: list) -> list:
    # Stripe lists newest first; creation order breaks ties within one second so that
    # paging with starting_after is stable.
    return [obj for _, obj in sorted(enumerate(objects), key=lambda p: (p[1].created, p[0]),
                                     reverse=True)]


def _created_filter(objects: list, created) -> list:
    if created is None:
        return objects
    if not isinstance(created, dict):
        exact = try_convert_to_int(created)
        if not isinstance(exact, int):
            raise UserError(400, "Invalid timestamp", {"param": "created"})
        return [o for o in objects if o.created == exact]
    tests = {"gt": int.__gt__, "gte": int.__ge__, "lt": int.__lt__, "lte": int.__le__}
    if set(created) - set(tests):
        raise UserError(400, "created accepts gt, gte, lt and lte", {"param": "created"})
    bounds = {op: try_convert_to_int(value) for op, value in created.items()}
    if not all(isinstance(value, int) for value in bounds.values()):
        raise UserError(400, "Invalid timestamp", {"param": "created"})
    return [o for o in objects if all(tests[op](o.created, v) for op, v in bounds.items())]


# ---- account links and the stand-in hosted onboarding ---------------------------------

async def create_account_link(request: web.Request) -> web.Response:
    data = await get_post_data(request) or {}
    account_id = data.pop("account", None)
    refresh_url = data.pop("refresh_url", None)
    return_url = data.pop("return_url", None)
    link_type = data.pop("type", None)
    data.pop("collect", None)
    data.pop("collection_options", None)
    if data:
        raise _unknown(data)
    if link_type not in ("account_onboarding", "account_update"):
        raise UserError(400, "type must be account_onboarding or account_update",
                        {"param": "type"})
    for name, url in (("refresh_url", refresh_url), ("return_url", return_url)):
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            raise UserError(400, f"Not a valid URL: {name}", {"param": name})
    account = Account._api_retrieve(account_id or "")
    token = secrets.token_urlsafe(16)
    now = int(time.time())
    store[_LINK_PREFIX + token] = {
        "account": account.id, "refresh_url": refresh_url, "return_url": return_url,
        "expires_at": now + LINK_LIFETIME_S, "used": False,
    }
    return json_response({
        "object": "account_link",
        "created": now,
        "expires_at": now + LINK_LIFETIME_S,
        "url": f"{request.scheme}://{request.host}/_dev/connect/onboarding/{token}",
    })


def _link(request: web.Request) -> dict:
    link = store.get(_LINK_PREFIX + request.match_info["token"])
    if link is None:
        raise web.HTTPNotFound(text="This onboarding link does not exist.")
    return link


_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Local Stripe onboarding</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 26rem; margin: 2rem auto; padding: 0 1rem;
       color: #1a1f36; }}
.note {{ background: #fff8e1; padding: .75rem; border-radius: .5rem; font-size: .9rem; }}
button {{ display: block; width: 100%; margin: .75rem 0; padding: .8rem; font-size: 1rem;
         border-radius: .5rem; border: 1px solid #635bff; background: #fff; color: #635bff; }}
button.primary {{ background: #635bff; color: #fff; }}
</style></head><body>
<h1>Set up payouts</h1>
<p>Account <code>{account}</code>{email}</p>
<p class="note">Local development server: this page stands in for Stripe's hosted
onboarding. Nothing here reaches Stripe.</p>
<form method="post">
<button class="primary" name="outcome" value="verified">Finish onboarding (verified)</button>
<button name="outcome" value="document_due">Submit details, ID document still due</button>
<button name="outcome" value="leave">Leave without finishing</button>
</form></body></html>"""


async def onboarding_page(request: web.Request) -> web.Response:
    link = _link(request)
    if link["used"] or link["expires_at"] < time.time():
        raise web.HTTPFound(link["refresh_url"])  # as Stripe does: the platform makes a new link
    account = Account._api_retrieve(link["account"])
    email = f" ({html.escape(account.email)})" if account.email else ""
    return web.Response(text=_PAGE.format(account=html.escape(account.id), email=email),
                        content_type="text/html")


async def onboarding_submit(request: web.Request) -> web.Response:
    link = _link(request)
    if link["used"]:
        raise web.HTTPSeeOther(link["refresh_url"])
    outcome = (await request.post()).get("outcome")
    account = Account._api_retrieve(link["account"])
    if outcome == "verified":
        account._mark_verified()
    elif outcome == "document_due":
        account._mark_due(["individual.verification.document"], None)
    elif outcome != "leave":
        raise web.HTTPBadRequest(text="Unknown outcome.")
    link["used"] = True
    if outcome != "leave":
        _emit("account.updated", account, account=account.id)
    raise web.HTTPSeeOther(link["return_url"])


# ---- developer shortcuts ---------------------------------------------------------------

async def activate_account(request: web.Request) -> web.Response:
    """POST /_dev/accounts/<id>/activate: finish onboarding without the page."""
    account = Account._api_retrieve(request.match_info["id"])
    account._mark_verified()
    _emit("account.updated", account, account=account.id)
    return json_response(account._export())


async def set_requirements(request: web.Request) -> web.Response:
    """POST /_dev/accounts/<id>/requirements {"currently_due": [...], "disabled_reason": ...}:
    an account Stripe still needs something from (an empty list verifies it)."""
    account = Account._api_retrieve(request.match_info["id"])
    body = await request.json()
    due = body.get("currently_due")
    if not isinstance(due, list) or not all(isinstance(item, str) for item in due):
        raise UserError(400, "currently_due must be a list of requirement names")
    if due:
        account._mark_due(due, body.get("disabled_reason"))
    else:
        account._mark_verified()
    _emit("account.updated", account, account=account.id)
    return json_response(account._export())


def add_routes(app: web.Application) -> None:
    for cls, base in ((Account, "/v1/accounts"), (Transfer, "/v1/transfers")):
        app.router.add_post(base, api_create(cls, base))
        app.router.add_get(base + "/{id}", api_retrieve(cls, base))
        app.router.add_post(base + "/{id}", api_update(cls, base))
        app.router.add_get(base, api_list_all(cls, base))
    app.router.add_post("/v1/account_links", create_account_link)
    app.router.add_get("/_dev/connect/onboarding/{token}", onboarding_page)
    app.router.add_post("/_dev/connect/onboarding/{token}", onboarding_submit)
    app.router.add_post("/_dev/accounts/{id}/activate", activate_account)
    app.router.add_post("/_dev/accounts/{id}/requirements", set_requirements)

