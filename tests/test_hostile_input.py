"""No 500 on any input: every form field and query parameter the app shows, walked with a
table of hostile values, as every role, on whichever database the suite runs on.

Nothing here names a form or a field. The test signs in as each role, opens every GET route
it may use (``app.url_map``, path parameters filled from a small world of objects), reads
the forms each page shows, and submits each form once per (field, hostile value), the other
fields keeping the values the page gave them. Every GET route is also opened with its
forms' fields and the common parameters set to each hostile value. A new form or filter is
covered the day it appears on a page. The JSON API gets the same treatment plus deep JSON.
"""
from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urlencode, urlsplit

import pytest
from werkzeug.routing import IntegerConverter

from marketplace.access import PUBLIC, SIGNED_IN
from marketplace.extensions import db
from tests.factories import (make_api_token, make_brand, make_brief, make_eligible_creator, make_filing,
                             make_note, make_user)

HOSTILE = ["NaN", "sNaN", "Infinity", "-Infinity", str(2**63), str(2**64), "1e20", "9999-12-31",
           "a\x00b", "x" * 10_000]
# Which of them a field gets, by the kind of input the page shows (what the browser would let
# through is irrelevant: an attacker posts anything). Text is also tried as a number, because
# services parse some text (an order id in a search box); number fields get every number.
NUMBERS = ["NaN", "sNaN", "Infinity", "-Infinity", str(2**63), str(2**64), "1e20", "a\x00b"]
BY_KIND = {
    "number": NUMBERS, "hidden": NUMBERS + ["x" * 10_000],
    "date": ["9999-12-31", "0001-01-01", "NaN", "a\x00b"],
    "choice": ["NaN", str(2**64), "a\x00b"],
    "text": [str(2**64), "NaN", "a\x00b", "x" * 10_000],
}
# The query string of every GET route, all parameters at once.
QUERY_VALUES = ["NaN", "Infinity", str(2**64), "1e20", "9999-12-31", "a\x00b"]
# Query parameters worth trying on every GET route, beside the fields of the page's own forms.
COMMON_PARAMS = ("page", "q", "next", "per_page", "sort")
# Routes that serve files or belong to the gateway; their hostile inputs are tested in their area.
SKIP_ENDPOINTS = {"static", "notes.image", "creators.avatar"}
# Forms whose submission ends the session or removes the world the other forms need: walked last.
DESTRUCTIVE = ("logout", "delete", "close", "revoke", "unverify", "deindex", "password/reset")


class _Forms(HTMLParser):
    """The forms of a page: action, method and each named field with the value it shows."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._form = None
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = {"action": a.get("action") or "", "method": (a.get("method") or "get").lower(),
                          "fields": {}, "kinds": {}}
            self.forms.append(self._form)
        elif self._form is None or not a.get("name"):
            return
        elif tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            self._form["kinds"][a["name"]] = (kind if kind in ("number", "hidden", "date") else
                                              "choice" if kind in ("checkbox", "radio") else "text")
            if kind in ("checkbox", "radio") and "checked" not in a:
                self._form["fields"].setdefault(a["name"], None)
                return
            self._form["fields"][a["name"]] = a.get("value") or ("y" if kind == "checkbox" else "")
        elif tag == "select":
            self._select = a["name"]
            self._form["fields"][self._select] = None
            self._form["kinds"][self._select] = "choice"
        elif tag == "textarea":
            self._textarea = a["name"]
            self._form["fields"][self._textarea] = ""
            self._form["kinds"][self._textarea] = "text"

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_data(self, data):
        if self._textarea and self._form is not None:
            self._form["fields"][self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


class _FormsWithOptions(_Forms):
    def handle_starttag(self, tag, attrs):
        if tag == "option" and self._select and self._form is not None:
            a = dict(attrs)
            current = self._form["fields"].get(self._select)
            if current is None or "selected" in a:
                self._form["fields"][self._select] = a.get("value", "")
            return
        super().handle_starttag(tag, attrs)


def forms_of(html: str) -> list[dict]:
    parser = _FormsWithOptions()
    parser.feed(html)
    return parser.forms


def _world():
    creator = make_eligible_creator(handle="walker")
    note = make_note(creator, title="Walk note", body="walking", is_paid=True)
    filing = make_filing(note, protection_days=0)
    brief = make_brief()
    token, plain = make_api_token()
    return {"creator": creator, "note": note, "filing": filing, "brief": brief, "plain": plain,
            "values": {"note_id": note.id, "brief_id": brief.id, "handle": creator.handle,
                       "code": filing.code, "brand_id": brief.brand.id, "creator_id": creator.id,
                       "token_id": token.id}}


def _url(rule, values) -> str:
    filled = {}
    for name, converter in rule._converters.items():
        filled[name] = values.get(name, 1 if isinstance(converter, IntegerConverter) else "sample")
    return rule.build(filled, append_unknown=False)[1]


def _may(audience, role) -> bool:
    return PUBLIC in audience or (role != "anonymous" and (SIGNED_IN in audience or role in audience))


class Walk:
    def __init__(self, client=None):
        self.client, self.failures, self.requests = client, [], 0
        self.signed_in = False

    def send(self, method, url, data=None, **kwargs):
        self.requests += 1
        try:
            response = self.client.open(url, method=method, data=data, **kwargs)
        except Exception as error:  # noqa: BLE001  (a propagated 500: recorded, walk goes on)
            db.session.rollback()
            self.failures.append(f"{method} {url} {_short(data)}: {type(error).__name__}: {error}"[:300])
            return None
        if response.status_code >= 500:
            self.failures.append(f"{method} {url} {_short(data)}: {response.status_code}")
        # Issue 8, "Headers": every response for a signed-in user, errors and redirects too.
        if self.signed_in and "logout" not in url and "no-store" not in response.headers.get("Cache-Control", ""):
            self.failures.append(f"{method} {url}: {response.status_code} without Cache-Control: no-store")
        return response


def _short(data) -> str:
    if not data:
        return ""
    return str({k: (v[:20] + "…" if isinstance(v, str) and len(v) > 20 else v) for k, v in data.items()})


def test_no_hostile_value_in_any_field_or_parameter_gives_a_server_error(app, client, login_as):
    world = _world()
    users = {"anonymous": None, "creator": world["creator"].user, "brand": world["brief"].brand.user,
             "staff": make_user("staff")}
    walk, walked = Walk(), set()
    for role, user in users.items():
        _walk_as(app, client, lambda: login_as(user) if user else None, role, world, walk, walked)
    assert walk.failures == [], "\n".join(walk.failures[:30])
    assert len(walked) >= 25 and walk.requests > 500  # the walk really found the forms


def _walk_as(app, client, sign_in, role, world, walk, walked):
    """Walk every page ``role`` may open, and every form on them not walked yet."""
    walk.signed_in = False
    client.post("/logout")
    sign_in()
    walk.client, walk.signed_in = client, role != "anonymous"
    pages, forms = [], {}
    for rule in app.url_map.iter_rules():
        if rule.endpoint in SKIP_ENDPOINTS or "GET" not in rule.methods or rule.rule.startswith("/api/"):
            continue
        if not _may(app.view_functions[rule.endpoint].audience, role):
            continue
        url = _url(rule, world["values"])
        response = walk.send("GET", url)
        if response is None or response.status_code != 200:
            continue
        found = forms_of(response.get_data(as_text=True))
        pages.append((url, found))
        for form in found:
            action = urlsplit(form["action"] or url).path
            key = (form["method"], action, tuple(sorted(form["fields"])))
            if key not in walked:
                forms.setdefault(key, form | {"action": action})

    # Every GET route with its forms' fields and the common parameters set to one hostile value.
    for url, found in pages:
        names = set(COMMON_PARAMS)
        for form in found:
            if form["method"] == "get":
                names |= set(form["fields"])
        for value in QUERY_VALUES:
            walk.send("GET", f"{url}?{urlencode({name: value for name in names})}")

    # Each field of each form, one hostile value at a time, the other fields as the page gave them.
    walked.update(forms)
    ordered = sorted(forms.values(), key=lambda f: any(word in f["action"] for word in DESTRUCTIVE))
    for form in ordered:
        baseline = {name: value for name, value in form["fields"].items() if value is not None}
        for name in form["fields"]:
            if name == "csrf_token":
                continue
            for value in BY_KIND[form["kinds"].get(name, "text")]:
                data = baseline | {name: value}
                if form["method"] == "get":
                    walk.send("GET", f"{form['action']}?{urlencode(data)}")
                else:
                    walk.send("POST", form["action"], data=data)
            sign_in()  # a walked form may have ended the session (log-in throttling, log-out)


API_QUERY_PARAMS = ("page", "per_page", "min_followers", "max_followers", "min_quote_cents",
                    "max_quote_cents", "q", "tag", "sponsored", "category", "region", "sort")


def test_no_hostile_value_in_the_api_gives_a_server_error(app, client):
    world = _world()
    walk = Walk(client)
    auth = {"Authorization": f"Bearer {world['plain']}"}
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/") or "GET" not in rule.methods:
            continue
        url = _url(rule, world["values"])
        for name in API_QUERY_PARAMS:
            for value in HOSTILE:
                walk.send("GET", f"{url}?{urlencode({name: value})}", headers=auth)
    stats = f"/api/v1/creators/{world['creator'].handle}/stats"
    for field in ("followers", "engagement_rate_bps", "as_of", "audience"):
        for value in HOSTILE + [float("nan"), 2**64, -(2**63), 1e308, [], {}, {"regions": {"a\x00": 1}}]:
            body = {"followers": 1200, "engagement_rate_bps": 300, "as_of": "2026-01-01T00:00:00Z"} | {field: value}
            walk.send("POST", stats, json=body, headers=auth)
    assert walk.failures == [], "\n".join(walk.failures[:30])
