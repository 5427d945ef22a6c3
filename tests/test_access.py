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
