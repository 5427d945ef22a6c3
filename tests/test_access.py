"""Every route, present and future, answers only its declared audience.

The test walks ``app.url_map``. Each view must declare its audience with
``marketplace.access.audience``; a route that does not is a failure here. Each route is then
tried as anonymous, creator, brand and staff: a role that may use it must not be turned
away; one that may not gets the login page (anonymous) or 403 (signed-in, wrong role).
"""
import pytest
from werkzeug.routing import IntegerConverter

from marketplace.access import PUBLIC, SIGNED_IN

VISITORS = ("anonymous", "creator", "brand", "staff")
# Routes Flask or extensions own, with no view of ours behind them.
EXEMPT = {"static"}


def _sample_url(rule) -> str:
    values = {}
    for name, converter in rule._converters.items():
        values[name] = 1 if isinstance(converter, IntegerConverter) else "sample"
    return rule.build(values, append_unknown=False)[1]


def _routes(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint in EXEMPT:
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method


def _may(audience, visitor):
    if PUBLIC in audience:
        return True
    if visitor == "anonymous":
        return False
    return SIGNED_IN in audience or visitor in audience


def test_every_view_declares_its_audience(app):
    undeclared = [
        rule.rule for rule in app.url_map.iter_rules()
        if rule.endpoint not in EXEMPT and not hasattr(app.view_functions[rule.endpoint], "audience")
    ]
    assert undeclared == [], "declare @audience(...) on these routes"


@pytest.mark.parametrize("visitor", VISITORS)
def test_routes_answer_only_their_audience(app, client, login_as, visitor):
    user = login_as(visitor) if visitor != "anonymous" else None
    checked = 0
    for rule, method in _routes(app):
        if user is not None:
            login_as(user)  # a route tried before (log out) may have ended the session
        audience = app.view_functions[rule.endpoint].audience
        url = _sample_url(rule)
        response = client.open(url, method=method)
        allowed = _may(audience, visitor)
        where = f"{method} {rule.rule} as {visitor} -> {response.status_code}"
        if allowed:
            assert response.status_code not in (401, 403), where
            assert "/login" not in response.headers.get("Location", ""), where
        elif audience == {"data_feed"}:  # bearer-token API: no session is enough
            assert response.status_code == 401, where
        elif visitor == "anonymous":
            assert response.status_code in (302, 401), where
            if response.status_code == 302:
                assert "/login" in response.headers["Location"], where
        else:
            assert response.status_code == 403, where
        checked += 1
    assert checked >= 8


@pytest.mark.parametrize("visitor", VISITORS)
def test_notifications_are_each_users_own(app, client, login_as, visitor):
    """Every role has its own notifications; nobody (of any role) reads or marks another's."""
    from marketplace.extensions import db
    from marketplace.notifications import notify
    from marketplace.notifications.models import Notification
    from tests.factories import make_user

    owner = make_user("creator")
    theirs = notify(owner, "order.expired", link="/orders/1", ref="PO-SECRET", brief="Hidden brief")
    db.session.commit()
    if visitor == "anonymous":
        assert "/login" in client.get("/notifications/").headers["Location"]
        assert "/login" in client.post(f"/notifications/{theirs.id}/read").headers["Location"]
        return
    me = login_as(visitor)
    mine = notify(me, "order.expired", link="/orders/2", ref="PO-MINE", brief="My brief")
    db.session.commit()
    page = client.get("/notifications/").get_data(as_text=True)
    assert "PO-MINE" in page and "PO-SECRET" not in page
    client.post(f"/notifications/{theirs.id}/read")
    client.post("/notifications/read-all")
    db.session.expire_all()
    assert db.session.get(Notification, theirs.id).read_at is None
    assert db.session.get(Notification, mine.id).read_at is not None
# ---- order routes, for the people around one order -----------------------------------------
# Each route of the orders area tried by everyone who could come to one order: anonymous, the
# order's brand and creator, another brand and creator, and staff. "ok": let in (not 401, 403,
# 404, no login redirect); "login": sent to log in; 403: the wrong role; 404: the right role,
# but not their order or brief (an order's existence is not confirmed to strangers).
ORDER_VISITORS = ("anonymous", "owner_brand", "other_brand", "owner_creator", "other_creator", "staff")
_ = "login"
ORDER_ROUTES = [
    # method, path,                               anon, own brand, other brand, own creator, other creator, staff
    ("GET", "/orders",                              (_, "ok", "ok", "ok", "ok", 403)),
    ("GET", "/staff/orders",                        (_, 403, 403, 403, 403, "ok")),
    ("GET", "/orders/{order}",                      (_, "ok", 404, "ok", 404, "ok")),
    ("GET", "/orders/{order}/drafts",               (_, "ok", 404, "ok", 404, "ok")),
    ("GET", "/orders/{order}/cancel",               (_, "ok", 404, "ok", 404, 403)),
    ("GET", "/orders/{order}/draft",                (_, 403, 403, "ok", 404, 403)),
    # No image by that name: the order's people get 404 too (tests/orders/test_pages.py serves a real one).
    ("GET", "/orders/{order}/images/{image}",       (_, 404, 404, 404, 404, 404)),
    ("GET", "/briefs/{brief}/invite/{handle}",      (_, "ok", 403, 403, 403, 403)),
    ("GET", "/briefs/{brief}/apply",                (_, 403, 403, "ok", "ok", 403)),
    ("GET", "/briefs/{brief}/applicants",           (_, "ok", 403, 403, 403, "ok")),
    ("POST", "/orders/{order}/draft",               (_, 403, 403, "ok", 404, 403)),
    ("POST", "/orders/{order}/review",              (_, "ok", 404, 403, 403, 403)),
    ("POST", "/orders/{order}/do/decline",          (_, "ok", 404, "ok", 404, 403)),
    ("POST", "/orders/{order}/cancel",              (_, "ok", 404, "ok", 404, 403)),
    ("POST", "/staff/orders/{order}/cancel",        (_, 403, 403, 403, 403, "ok")),
    ("POST", "/briefs/{brief}/invite/{handle}",     (_, "ok", 403, 403, 403, 403)),
    ("POST", "/briefs/{brief}/apply",               (_, 403, 403, "ok", "ok", 403)),
]


def test_order_routes_are_covered_here(app):
    """A new orders route must be added to ORDER_ROUTES."""
    listed = {(method, path.replace("{order}", "<int:order_id>").replace("{brief}", "<int:brief_id>")
               .replace("{handle}", "<handle>").replace("{image}", "<name>")) for method, path, _expected in ORDER_ROUTES}
    listed.add(("POST", "/orders/<int:order_id>/do/<action>"))  # tried as do/decline
    listed.discard(("POST", "/orders/<int:order_id>/do/decline"))
    missing = [(method, rule.rule) for rule, method in _routes(app)
               if rule.endpoint.startswith("orders.") and (method, rule.rule) not in listed]
    assert missing == []


@pytest.mark.parametrize("visitor", ORDER_VISITORS)
def test_order_routes_answer_only_the_people_of_the_order(client, login_as, visitor):
    from tests.factories import make_brand, make_eligible_creator, make_order

    order = make_order("in_review")
    people = {"owner_brand": order.brand.user, "owner_creator": order.creator.user,
              "other_brand": make_brand().user, "other_creator": make_eligible_creator().user,
              "staff": "staff"}
    user = login_as(people[visitor]) if visitor != "anonymous" else None
    column = ORDER_VISITORS.index(visitor)
    for method, path, expected in ORDER_ROUTES:
        if user is not None:
            login_as(user)
        url = path.format(order=order.id, brief=order.brief_id, handle=order.creator.handle, image="0" * 32 + ".jpg")
        response = client.open(url, method=method)
        want = expected[column]
        where = f"{method} {url} as {visitor} -> {response.status_code}"
        if want == "ok":
            assert response.status_code not in (401, 403, 404), where
            assert "/login" not in response.headers.get("Location", ""), where
        elif want == "login":
            assert response.status_code == 302 and "/login" in response.headers["Location"], where
        else:
            assert response.status_code == want, where
