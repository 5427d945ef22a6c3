"""Every move in the state table, for every state and every actor (including the other brand
and the other creator): legal moves land where the table says, illegal ones are refused with a
reason and change nothing (state, events, money)."""
from __future__ import annotations

import pytest

from marketplace.errors import Conflict, DomainError, NotAllowed
from marketplace.extensions import db
from marketplace.ledger import service as ledger
from marketplace.orders import deadlines, drafts, service, states, transitions
from marketplace.orders.states import Actor, State
from marketplace.transaction import run
from tests.factories import make_brand, make_eligible_creator, make_order, make_user

WHO = ("creator", "brand", "staff", "scheduler", "other_creator", "other_brand")


def user_for(who: str, order):
    if who == "creator":
        return order.creator.user
    if who == "brand":
        return order.brand.user
    if who == "staff":
        return make_user("staff")
    if who == "other_creator":
        return make_eligible_creator().user
    if who == "other_brand":
        return make_brand().user
    return None


def do(action: str, user, order):
    """Call the service a page (or the scheduler, for user None) calls for ``action``."""
    calls = {
        "accept": lambda: service.accept(user, order),
        "select": lambda: service.select_applicant(user, order),
        "decline": lambda: service.decline(user, order),
        "withdraw": lambda: service.withdraw(user, order),
        "cancel": lambda: service.cancel(user, order, "Dispute settled by phone"),
        "submit": lambda: drafts.submit(user, order, "Take two", "Better light.", "beauty"),
        "approve": lambda: drafts.approve(user, order) if user else drafts.auto_approve(order),
        "revise": lambda: drafts.request_revision(user, order, "Show the bottle."),
        "publish": lambda: drafts.publish(user, order),
        "close_metrics": lambda: deadlines.close_metrics(order) if user is None
        else transitions.move(order, "close_metrics", user),
        "complete": lambda: service.complete(order) if user is None else transitions.move(order, "complete", user),
    }
    return calls.get(action, lambda: transitions.move(order, action, user))()


def actor_of(who: str) -> Actor | None:
    return {"creator": Actor.CREATOR, "brand": Actor.BRAND, "staff": Actor.STAFF,
            "scheduler": Actor.SCHEDULER}.get(who)


def snapshot(order):
    db.session.expire_all()
    return (order.state, len(order.events), ledger.order_escrow(order.id))


CASES = [(state, who) for state in State for who in WHO]


@pytest.mark.parametrize("state,who", CASES, ids=[f"{s.value}-{w}" for s, w in CASES])
def test_each_action_from_each_state_for_each_actor(state, who, ledger_checked):
    order = make_order(state)
    user = user_for(who, order)
    actor = actor_of(who)
    legal = {t.action: t for t in states.transitions_from(state)
             if actor in t.actors and not t.only_when_late}
    before = snapshot(order)
    for action in states.actions():
        if action in legal:
            continue
        outcome = run(lambda: do(action, user, order))
        assert not outcome, f"{who} could {action} from {state}"
        assert isinstance(outcome.error, (Conflict, NotAllowed, DomainError))
        assert outcome.error.reason and "{" not in outcome.error.reason
        assert snapshot(order) == before, f"{who} {action} from {state} changed something"
    for action, move in legal.items():
        fresh = make_order(state)
        outcome = run(lambda: do(action, user_for(who, fresh) if who != "staff" else user, fresh))
        assert outcome, f"{who} {action} from {state}: {outcome.error and outcome.error.reason}"
        db.session.refresh(fresh)
        assert fresh.state == move.target
        assert fresh.events[-1].to_state == move.target and fresh.events[-1].actor == actor


def test_the_other_brand_is_told_it_is_not_their_order():
    order = make_order("in_review")
    outcome = run(lambda: drafts.approve(make_brand().user, order))
    assert not outcome and outcome.error.reason == "This is not your order."


def test_an_illegal_move_names_the_state():
    order = make_order("approved")
    outcome = run(lambda: drafts.submit(order.creator.user, order, "Again", "", ""))
    assert outcome.error.reason == "This order is draft approved, so you cannot submit a draft now."
