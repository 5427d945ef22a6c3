"""Order pages in a browser's shoes (the test client): ways in, lists, the order page with
its next actions and money, drafts with review and diff, cancelling, staff's dispute cancel."""
from __future__ import annotations

from datetime import timedelta

import pytest

from marketplace import clock
from marketplace.extensions import db
from marketplace.ledger import service as ledger
from marketplace.orders.models import Order
from tests.factories import fund_brand, make_brief, make_eligible_creator, make_order, make_user

pytestmark = pytest.mark.usefixtures("ledger_checked")


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.get_data(as_text=True)


def test_a_brand_invites_from_the_matches_page(client, login_as, frozen_clock):
    brief = make_brief(fee_mode="quote", fee_cents=None)
    creator = make_eligible_creator(handle="glowing")
    login_as(brief.brand.user)
    html = page(client, f"/briefs/{brief.id}/matches")
    assert f"/briefs/{brief.id}/invite/glowing" in html
    form = page(client, f"/briefs/{brief.id}/invite/glowing")
    assert 'value="500.00"' in form  # the creator's price-card quote, filled in
    response = client.post(f"/briefs/{brief.id}/invite/glowing", data={"message": "Come along", "quote": "650"})
    assert response.status_code == 302
    order = db.session.query(Order).one()
    assert (order.state, order.fee_cents, order.message, order.creator_id) == ("invited", 65000, "Come along", creator.id)
    html = page(client, response.headers["Location"])
    assert "The creator has 3 days to answer the invitation." in html


def test_an_ineligible_creator_is_refused_with_a_reason_and_nothing_changes(client, login_as):
    brief = make_brief()
    make_eligible_creator(handle="resting", accepting_orders=False)
    login_as(brief.brand.user)
    response = client.post(f"/briefs/{brief.id}/invite/resting", data={"message": "Hi"})
    assert response.status_code == 422
    assert "cannot take this brief" in response.get_data(as_text=True)
    assert db.session.query(Order).count() == 0


def test_a_creator_applies_and_the_brand_selects_from_ranked_applicants(client, login_as):
    brief = make_brief()
    fund_brand(brief.brand)
    strong = make_eligible_creator(handle="strong", engagement_bps=900)
    weak = make_eligible_creator(handle="weak", engagement_bps=50)
    for creator, pitch in ((weak, "Pick me"), (strong, "I know serums")):
        login_as(creator.user)
        assert "Apply to this brief" in page(client, f"/briefs/{brief.id}")
        response = client.post(f"/briefs/{brief.id}/apply", data={"pitch": pitch})
        assert response.status_code == 302
    login_as(brief.brand.user)
    html = page(client, f"/briefs/{brief.id}/applicants")
    assert html.index("@strong") < html.index("@weak")  # best match first
    assert "Engagement rate" in html  # with the score's reasons
    strong_order = db.session.query(Order).filter_by(creator_id=strong.id).one()
    weak_order = db.session.query(Order).filter_by(creator_id=weak.id).one()
    assert client.post(f"/orders/{strong_order.id}/do/select").status_code == 302
    declined = client.post(f"/orders/{weak_order.id}/do/decline", data={"next": f"/briefs/{brief.id}/applicants"})
    assert declined.headers["Location"].endswith(f"/briefs/{brief.id}/applicants")  # back to the list
    db.session.refresh(strong_order)
    db.session.refresh(weak_order)
    assert (strong_order.state, weak_order.state) == ("accepted", "declined")
    assert ledger.order_escrow(strong_order.id).cents == 110000


def test_a_short_balance_names_the_amount_and_links_to_top_up(client, login_as):
    brief = make_brief()
    fund_brand(brief.brand, 100000)
    order = make_order("invited", brief=brief, funded=False)
    login_as(order.brand.user)
    order = make_order("applied", brief=brief, funded=False)
    response = client.post(f"/orders/{order.id}/do/select")
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "Your balance is" in html and "100.00" in html and "/brand/balance" in html
    db.session.refresh(order)
    assert order.state == "applied" and ledger.order_escrow(order.id) is None


def test_lists_filter_by_state_with_counts(client, login_as):
    accepted = make_order("accepted")
    brief = accepted.brief
    make_order("invited", brief=brief, funded=False)
    login_as(brief.brand.user)
    html = page(client, "/orders")
    assert "accepted" in html and "invited" in html and accepted.reference in html
    html = page(client, "/orders?state=invited")
    assert accepted.reference not in html
    login_as(accepted.creator.user)
    html = page(client, "/orders")
    assert accepted.reference in html
    login_as("staff")
    assert accepted.reference in page(client, "/staff/orders")


def test_the_order_page_offers_only_the_moves_the_state_and_viewer_allow(client, login_as):
    order = make_order("invited")
    login_as(order.creator.user)
    html = page(client, f"/orders/{order.id}")
    assert f"/orders/{order.id}/do/accept" in html and f"/orders/{order.id}/do/decline" in html
    assert "/do/withdraw" not in html
    login_as(order.brand.user)
    html = page(client, f"/orders/{order.id}")
    assert f"/orders/{order.id}/do/withdraw" in html and "/do/accept" not in html
    # A move not allowed is refused with a sentence and changes nothing.
    response = client.post(f"/orders/{order.id}/do/accept", follow_redirects=True)
    assert "Only the creator can accept this order now." in response.get_data(as_text=True)
    db.session.refresh(order)
    assert order.state == "invited"


def test_the_creator_sees_the_expected_payout_from_acceptance(client, login_as, app):
    order = make_order("accepted")
    login_as(order.creator.user)
    html = page(client, f"/orders/{order.id}")
    assert "Expected payout" in html and "1,000.00" in html
    when = order.brief.publish_by + timedelta(days=order.brief.metrics_window_days)
    from marketplace.formatting import day
    assert day(when) in html
    assert "The creator has" in html and "to hand in a draft" in html


def test_draft_revision_diff_approve_and_publish(client, login_as, frozen_clock):
    order = make_order("accepted", must_include="SPF 50\nreapply", must_avoid="cheap")
    creator, brand = order.creator.user, order.brand.user
    login_as(creator)
    assert "Must include" in page(client, f"/orders/{order.id}/draft")
    response = client.post(f"/orders/{order.id}/draft", data={"title": "Sun day", "body": "SPF 50 all day",
                                                              "tags": "sun"})
    assert response.status_code == 302
    login_as(brand)
    html = page(client, f"/orders/{order.id}")
    assert "The brand has 3 days to review the draft" in html
    assert "mentioned in the draft" in html and "not found in the draft" in html
    response = client.post(f"/orders/{order.id}/review", data={"decision": "revise", "comments": ""})
    assert response.status_code == 422 and "Say what should change" in response.get_data(as_text=True)
    assert client.post(f"/orders/{order.id}/review",
                       data={"decision": "revise", "comments": "Say <b>reapply</b>"}).status_code == 302
    login_as(creator)
    form = page(client, f"/orders/{order.id}/draft")
    assert "Say &lt;b&gt;reapply&lt;/b&gt;" in form
    client.post(f"/orders/{order.id}/draft", data={"title": "Sun day", "body": "SPF 50 all day, reapply <i>often</i>",
                                                   "tags": "sun"})
    html = page(client, f"/orders/{order.id}/drafts")
    assert "<ins>" in html and "&lt;i&gt;often&lt;/i&gt;" in html and "<i>often" not in html
    login_as(brand)
    assert client.post(f"/orders/{order.id}/review", data={"decision": "approve"}).status_code == 302
    login_as(creator)
    assert client.post(f"/orders/{order.id}/do/publish").status_code == 302
    db.session.refresh(order)
    assert order.state == "published" and order.note_id
    html = page(client, f"/orders/{order.id}")
    assert f"/notes/{order.note_id}" in html


def test_cancel_asks_first_and_shows_the_refund_split(client, login_as):
    order = make_order("in_review")
    login_as(order.brand.user)
    html = page(client, f"/orders/{order.id}/cancel")
    assert "990.00" in html and "100.00" in html  # 90% back; the creator keeps 10% of the fee
    db.session.refresh(order)
    assert order.state == "in_review"  # asking changes nothing
    assert client.post(f"/orders/{order.id}/cancel", data={"reason": "Changed plans"}).status_code == 302
    db.session.refresh(order)
    assert order.state == "cancelled"


def test_staff_cancel_a_dispute_with_a_logged_reason(client, login_as):
    order = make_order("approved")
    login_as("staff")
    html = page(client, f"/orders/{order.id}")
    assert "Dispute" in html and "Held in escrow" in html
    response = client.post(f"/staff/orders/{order.id}/cancel", data={"reason": "", "percent": "50"})
    assert response.status_code == 422
    response = client.post(f"/staff/orders/{order.id}/cancel", data={"reason": "No-show", "percent": "50"})
    assert response.status_code == 302
    db.session.refresh(order)
    assert order.state == "cancelled" and order.cancel_reason == "No-show"
    html = page(client, f"/orders/{order.id}")
    assert "No-show" in html and "order.cancel" in html  # the timeline and the staff history


def test_the_countdown_reads_days_and_hours(frozen_clock):
    from marketplace.orders import service

    order = make_order("in_review")
    clock.set_now(order.due_at - timedelta(days=2, hours=4))
    assert service.deadline_sentence(order) == \
        "The brand has 2 days 4 hours to review the draft; after that it is approved."


def test_expected_payout_counts_commission_and_hold(app):
    from marketplace.orders import service

    assert service.expected_payout(make_order("invited")) is None
    order = make_order("published")
    app.config.update(CREATOR_COMMISSION_BPS=500, PAYOUT_HOLD_HOURS=24)
    try:
        amount, when = service.expected_payout(order)
    finally:
        app.config.update(CREATOR_COMMISSION_BPS=0, PAYOUT_HOLD_HOURS=0)
    assert amount.cents == 95000
    assert when == order.published_at + timedelta(days=order.brief.metrics_window_days, hours=24)


def _jpeg(name="cover.jpg"):
    import io

    from marketplace.notes.demo_art import cover

    return (io.BytesIO(cover(1, "防晒")), name)


def test_draft_images_are_checked_kept_across_versions_private_and_published(client, login_as):
    import re

    order = make_order("accepted")
    creator, brand = order.creator.user, order.brand.user
    login_as(creator)
    response = client.post(f"/orders/{order.id}/draft", data={
        "title": "Sun", "body": "SPF", "images": [(__import__("io").BytesIO(b"not an image"), "x.jpg")]},
        content_type="multipart/form-data")
    assert response.status_code == 422 and "is not a JPEG, PNG, GIF or WebP image" in response.get_data(as_text=True)
    db.session.refresh(order)
    assert order.state == "accepted" and not order.drafts
    assert client.post(f"/orders/{order.id}/draft", data={"title": "Sun", "body": "SPF", "images": [_jpeg()]},
                       content_type="multipart/form-data").status_code == 302
    login_as(brand)
    html = page(client, f"/orders/{order.id}")
    src = re.search(r'src="(/orders/\d+/images/[^"]+)"', html).group(1)
    shown = client.get(src)
    shown.close()
    assert shown.status_code == 200 and shown.mimetype == "image/jpeg"
    client.post(f"/orders/{order.id}/review", data={"decision": "revise", "comments": "Warmer light"})
    login_as(make_user("brand"))
    assert client.get(src).status_code == 404  # another brand never sees it
    login_as(creator)
    client.post(f"/orders/{order.id}/draft", data={"title": "Sun", "body": "SPF, warmer"},
                content_type="multipart/form-data")
    db.session.refresh(order)
    assert [len(d.images) for d in order.drafts] == [1, 1]  # the new version kept the image
    login_as(brand)
    client.post(f"/orders/{order.id}/review", data={"decision": "approve"})
    login_as(creator)
    assert client.post(f"/orders/{order.id}/do/publish").status_code == 302
    db.session.refresh(order)
    from marketplace.notes.models import Note
    assert len(db.session.get(Note, order.note_id).images) == 1


def test_dashboards_count_the_orders_waiting_for_each_side(client, login_as):
    order = make_order("invited")
    login_as(order.creator.user)
    assert "1 order waits for you." in page(client, "/creator")
    login_as(order.brand.user)
    assert "Nothing waits for you." in page(client, "/brand")


def test_an_ineligible_creator_cannot_apply_and_is_told_why(client, login_as):
    brief = make_brief(min_followers=100000)
    creator = make_eligible_creator(handle="smallvoice", followers=500)
    login_as(creator.user)
    html = page(client, f"/briefs/{brief.id}/apply")
    assert "You cannot apply yet" in html
    response = client.post(f"/briefs/{brief.id}/apply", data={"pitch": "Hello"}, follow_redirects=True)
    assert response.status_code == 422 and "flash-error" in response.get_data(as_text=True)
    assert db.session.query(Order).count() == 0


def test_a_creator_declines_an_invitation_and_withdraws_an_application(client, login_as):
    invited = make_order("invited")
    applied = make_order("applied")
    login_as(invited.creator.user)
    assert client.post(f"/orders/{invited.id}/do/decline").status_code == 302
    login_as(applied.creator.user)
    assert client.post(f"/orders/{applied.id}/do/withdraw").status_code == 302
    db.session.refresh(invited)
    db.session.refresh(applied)
    assert (invited.state, applied.state) == ("declined", "withdrawn")
    html = page(client, f"/orders/{applied.id}")
    assert "What you can do now" not in html and "withdraw" in html  # in the timeline, no buttons left
