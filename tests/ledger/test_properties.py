"""Property: any sequence of top-ups, holds, releases, refunds, settlements, payouts,
reversals and retries keeps every balance equal to a simple model of the rules, never
below zero where it must not be, and the books verified.

Each call runs as an edge would run it (commit on success, roll back on refusal), and the
model also predicts *whether* each call is refused. Examples share the brands and creators
and add to one append-only ledger, as a real one grows; each example starts its model from
the balances the ledger holds at that moment and uses fresh order numbers and references.
"""
import itertools

import pytest
from hypothesis import HealthCheck, event, given, settings, strategies as st

from marketplace.errors import Conflict, DomainError, Invalid
from marketplace.extensions import db
from marketplace.ledger import service as ledger
from marketplace.ledger.models import AccountKind as K
from marketplace.ledger.verify import verify
from marketplace.money import Money
from tests.factories import make_brand, make_creator

BRANDS, CREATORS, ORDERS = 2, 2, 3
_examples = itertools.count(1)

# Amounts sized so that every kind of call is often booked and often refused: top-ups are
# large, holds medium, and what is taken out of an escrow or a payable small.
small = st.integers(min_value=1, max_value=15_000)
currencies = st.sampled_from(["CNY", "CNY", "CNY", "USD"])
operation = st.one_of(
    st.tuples(st.just("topup"), st.integers(0, BRANDS - 1), st.integers(1, 150_000), currencies),
    st.tuples(st.just("hold"), st.integers(0, BRANDS - 1), st.integers(0, ORDERS - 1),
              st.integers(1, 60_000), currencies),
    st.tuples(st.just("release"), st.integers(0, ORDERS - 1), small),
    st.tuples(st.just("refund"), st.integers(0, ORDERS - 1), small),
    st.tuples(st.just("settle"), st.integers(0, ORDERS - 1), st.integers(0, CREATORS - 1), small,
              st.integers(0, 3_000), st.integers(0, 100)),
    st.tuples(st.just("pay"), st.integers(0, CREATORS - 1), small, currencies),
    st.tuples(st.just("reverse"), st.integers(0, 1000)),
    st.tuples(st.just("retry"), st.integers(0, 1000)),
)


class Model:
    """Expected balances keyed (kind, owner, currency), and which calls must be refused."""

    def __init__(self, brands, creators):
        self.balances = {}
        self.orders = {}  # order id -> (brand id, currency), from its first hold
        for b in brands:
            for cur in ("CNY", "USD"):
                self._load(K.BRAND_AVAILABLE, b, cur)
        for c in creators:
            for cur in ("CNY", "USD"):
                self._load(K.CREATOR_PAYABLE, c, cur)
                self._load(K.CREATOR_PAID_OUT, c, cur)
        for cur in ("CNY", "USD"):
            self._load(K.GATEWAY_CASH, 0, cur)
            self._load(K.PLATFORM_REVENUE, 0, cur)

    def _load(self, kind, owner, cur):
        account = ledger.find_account(kind, owner, cur)
        self.balances[(kind, owner, cur)] = ledger.balance(account).cents if account else 0

    def get(self, key):
        return self.balances.get(key, 0)

    def covers(self, legs) -> bool:
        return all(self.get(key) + amount >= 0 for key, amount in legs.items() if key[0] != K.GATEWAY_CASH)

    def apply(self, legs):
        for key, amount in legs.items():
            self.balances[key] = self.get(key) + amount


def _legs(txn) -> dict:
    return {(K(e.account.kind), e.account.owner_id, e.currency): e.amount for e in txn.entries}


@pytest.fixture
def people():
    """Two brands and two creators, made once for all the examples of a test."""
    return [make_brand().id for _ in range(BRANDS)], [make_creator().id for _ in range(CREATORS)]


@settings(max_examples=50, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(operations=st.lists(operation, min_size=1, max_size=40))
def test_any_sequence_of_movements_keeps_the_books(people, operations):
    brands, creators = people
    model = Model(brands, creators)
    held_before = {(b, cur): ledger.brand_balance(b, cur)[1].cents for b in brands for cur in ("CNY", "USD")}
    n = next(_examples)
    order_ids = [n * 100 + slot for slot in range(ORDERS)]
    booked = []  # (call, transaction) for retries and reversals
    # Each example opens by funding its brands and holding for its orders, so that the random
    # operations after it find escrows and payables to draw on as often as not.
    opening = [("topup", b, 150_000, "CNY") for b in range(BRANDS)] + [
        ("hold", slot % BRANDS, slot, 40_000, "CNY") for slot in range(ORDERS)]
    for step, op in enumerate(opening + operations):
        call, legs, expect = _plan(op, f"p{n}-{step}", model, brands, creators, order_ids, booked)
        if call is None:
            continue
        try:
            txn = call()
            db.session.commit()
        except DomainError as refusal:
            db.session.rollback()
            assert expect is not None and isinstance(refusal, expect), (op, refusal.reason)
            event(f"{op[0]} refused")  # --hypothesis-show-statistics: both paths are exercised
            continue
        assert expect is None, (op, "should have been refused")
        event(f"{op[0]} booked")
        if legs is not None:
            assert _legs(txn) == {k: v for k, v in legs.items() if v}, op
            model.apply(legs)
            booked.append((call, txn))
            if op[0] == "hold":
                model.orders.setdefault(order_ids[op[2]], (brands[op[1]], op[4]))

    for (kind, owner, cur), expected in model.balances.items():
        account = ledger.find_account(kind, owner, cur)
        actual = ledger.balance(account).cents if account else 0
        assert actual == expected, (kind, owner, cur)
        if kind != K.GATEWAY_CASH:
            assert actual >= 0, (kind, owner, cur)
    for b in brands:
        for cur in ("CNY", "USD"):
            held = held_before[(b, cur)] + sum(model.get((K.ORDER_ESCROW, o, c)) for o, (brand, c)
                                               in model.orders.items() if brand == b and c == cur)
            assert ledger.brand_balance(b, cur) == (Money(model.get((K.BRAND_AVAILABLE, b, cur)), cur),
                                                    Money(held, cur))
    report = verify(db.session)
    assert report.ok, report.summary()


def _plan(op, ref, model, brands, creators, order_ids, booked):
    """(the call, the legs it must book, the refusal it must meet or None)."""
    kind = op[0]
    if kind == "topup":
        _, b, cents, cur = op
        legs = {(K.GATEWAY_CASH, 0, cur): -cents, (K.BRAND_AVAILABLE, brands[b], cur): cents}
        return (lambda: ledger.credit_topup(brands[b], Money(cents, cur), ref)), legs, None
    if kind == "hold":
        _, b, slot, cents, cur = op
        order = order_ids[slot]
        legs = {(K.BRAND_AVAILABLE, brands[b], cur): -cents, (K.ORDER_ESCROW, order, cur): cents}
        known = model.orders.get(order)
        expect = (Invalid if known and known != (brands[b], cur) else
                  None if model.covers(legs) else Conflict)
        return (lambda: ledger.hold(brands[b], order, Money(cents, cur), ref)), legs, expect
    if kind in ("release", "refund"):
        _, slot, cents = op
        order = order_ids[slot]
        function = ledger.release if kind == "release" else ledger.refund
        if order not in model.orders:
            return (lambda: function(order, Money(cents, "CNY"), ref)), None, Conflict
        brand, cur = model.orders[order]
        legs = {(K.ORDER_ESCROW, order, cur): -cents, (K.BRAND_AVAILABLE, brand, cur): cents}
        return (lambda: function(order, Money(cents, cur), ref)), legs, (None if model.covers(legs) else Conflict)
    if kind == "settle":
        _, slot, c, fee, service_fee, commission_share = op
        order = order_ids[slot]
        commission = fee * commission_share // 100
        if order not in model.orders:
            return (lambda: ledger.settle(order, creators[c], Money(fee, "CNY"), Money(service_fee, "CNY"),
                                          Money(commission, "CNY"), ref)), None, Conflict
        _brand, cur = model.orders[order]
        legs = {(K.ORDER_ESCROW, order, cur): -(fee + service_fee),
                (K.CREATOR_PAYABLE, creators[c], cur): fee - commission,
                (K.PLATFORM_REVENUE, 0, cur): service_fee + commission}
        return (lambda: ledger.settle(order, creators[c], Money(fee, cur), Money(service_fee, cur),
                                      Money(commission, cur), ref)), legs, (None if model.covers(legs) else Conflict)
    if kind == "pay":
        _, c, cents, cur = op
        legs = {(K.CREATOR_PAYABLE, creators[c], cur): -cents, (K.CREATOR_PAID_OUT, creators[c], cur): cents}
        return (lambda: ledger.pay_creator(creators[c], Money(cents, cur), ref)), legs, (
            None if model.covers(legs) else Conflict)
    if not booked:
        return None, None, None
    call, txn = booked[op[1] % len(booked)]
    if kind == "retry":  # the same call again: the same booking back, nothing moves
        return call, None, None
    if txn.kind == "reversal":
        return (lambda: ledger.reverse(txn)), None, Conflict
    if any(t.reverses_id == txn.id for _c, t in booked):
        return (lambda: ledger.reverse(txn)), None, None  # reversed already: returned again
    legs = {key: -amount for key, amount in _legs(txn).items()}
    return (lambda: ledger.reverse(txn)), legs, (None if model.covers(legs) else Conflict)
