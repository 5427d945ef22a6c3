"""Briefs: create, validate, edit while a draft, open (verified brands only), close; who sees what."""
import pytest

from marketplace.briefs.models import Brief
from marketplace.extensions import db
from tests.factories import make_brand, make_brief, make_eligible_creator


def _form(**changes):
    data = {"title": "Summer sunscreen", "product": "SunVeil SPF50", "description": "Beach day routine",
            "must_include": "SPF50\nreapply every 2 hours", "must_avoid": "medical claims",
            "categories": ["beauty", "travel"], "deliverable": "image", "fee_mode": "fixed", "fee": "1200.00",
            "slots": "5", "min_followers": "2000", "regions": ["shanghai", "zhejiang"],
            "apply_by": "2026-05-10", "draft_due": "2026-05-17", "publish_by": "2026-05-24",
            "metrics_window_days": "7", "protection_days": "60", "bonus_per_1k": "", "bonus_cap": ""}
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_brand_creates_a_draft(client, login_as, frozen_clock):
    brand = make_brand()
    login_as(brand.user)
    response = client.post("/briefs/new", data=_form())
    assert response.status_code == 302
    brief = db.session.scalar(db.select(Brief))
    assert brief.state == "draft" and brief.fee_cents == 120000 and brief.currency == "CNY"
    assert brief.categories == ["beauty", "travel"] and brief.region_list == ["shanghai", "zhejiang"]
    assert brief.must_include_list == ["SPF50", "reapply every 2 hours"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Summer sunscreen" in page and "¥1,200.00" in page and "Open to creators" in page


@pytest.mark.parametrize("changes, message", [
    (dict(title=""), "Give the brief a title"),
    (dict(categories=[]), "at least one category"),
    (dict(fee="0"), "fee above zero"),
    (dict(fee=""), "fee above zero"),
    (dict(slots="0"), "between 1 and"),
    (dict(min_followers="500"), "platform minimum is 1,000"),
    (dict(apply_by="2026-05-01"), "apply-by date must be in the future"),
    (dict(draft_due="2026-05-09"), "after apply-by"),
    (dict(publish_by="2026-05-17"), "after the draft is due"),
    (dict(protection_days="10"), "between 30 and 365 days"),
    (dict(protection_days="400"), "between 30 and 365 days"),
    (dict(metrics_window_days="0"), "between 1 and 90 days"),
    (dict(bonus_per_1k="5", bonus_cap=""), "Cap the bonus"),
    (dict(bonus_per_1k="-1", bonus_cap="10"), "bonus per 1,000 reads above zero"),
])
def test_brief_validation_explains_the_problem(client, login_as, frozen_clock, changes, message):
    login_as(make_brand().user)
    response = client.post("/briefs/new", data=_form(**changes))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count()).select_from(Brief)) == 0


def test_creators_quote_mode_needs_no_fee(client, login_as, frozen_clock):
    login_as(make_brand().user)
    client.post("/briefs/new", data=_form(fee_mode="quote", fee=""))
    brief = db.session.scalar(db.select(Brief))
    assert brief.fee_mode == "quote" and brief.fee_cents is None


def test_a_draft_can_be_edited_but_an_open_brief_cannot(client, login_as, frozen_clock):
    brand = make_brand()
    draft = make_brief(brand, state="draft")
    login_as(brand.user)
    assert client.post(f"/briefs/{draft.id}/edit", data=_form(title="Renamed")).status_code == 302
    assert db.session.get(Brief, draft.id).title == "Renamed"
    opened = make_brief(brand, state="open")
    response = client.post(f"/briefs/{opened.id}/edit", data=_form(title="Sneaky"), follow_redirects=True)
    assert "Only drafts can be edited" in response.get_data(as_text=True)
    assert db.session.get(Brief, opened.id).title == "Spring serum launch"


def test_an_unverified_brand_can_draft_but_not_open_and_is_told_why(client, login_as, frozen_clock):
    brand = make_brand(verified=False)
    login_as(brand.user)
    client.post("/briefs/new", data=_form())
    brief = db.session.scalar(db.select(Brief))
    page = client.post(f"/briefs/{brief.id}/open", follow_redirects=True).get_data(as_text=True)
    assert "not verified yet" in page
    assert db.session.get(Brief, brief.id).state == "draft"


def test_a_verified_brand_opens_then_closes(client, login_as, frozen_clock):
    brand = make_brand()
    brief = make_brief(brand, state="draft")
    login_as(brand.user)
    client.post(f"/briefs/{brief.id}/open")
    assert db.session.get(Brief, brief.id).state == "open"
    client.post(f"/briefs/{brief.id}/close")
    closed = db.session.get(Brief, brief.id)
    assert closed.state == "closed" and closed.closed_at is not None
    page = client.post(f"/briefs/{brief.id}/open", follow_redirects=True).get_data(as_text=True)
    assert "Only a draft can be opened" in page


def test_opening_after_the_apply_by_date_is_refused(client, login_as, frozen_clock):
    from datetime import timedelta

    brand = make_brand()
    brief = make_brief(brand, state="draft")
    login_as(brand.user)
    frozen_clock.advance(timedelta(days=8))
    page = client.post(f"/briefs/{brief.id}/open", follow_redirects=True).get_data(as_text=True)
    assert "apply-by date has passed" in page


@pytest.mark.parametrize("visitor, status", [
    ("owner", 200), ("other brand", 404), ("creator", 404), ("staff", 404), ("anonymous", 302),
])
def test_drafts_are_visible_only_to_their_brand(client, login_as, visitor, status):
    brand = make_brand()
    draft = make_brief(brand, state="draft")
    if visitor == "owner":
        login_as(brand.user)
    elif visitor == "other brand":
        login_as(make_brand().user)
    elif visitor != "anonymous":
        login_as(visitor)
    assert client.get(f"/briefs/{draft.id}").status_code == status


@pytest.mark.parametrize("action", ["edit", "open", "close"])
def test_another_brand_cannot_change_a_brief(client, login_as, action):
    brief = make_brief(state="draft" if action != "close" else "open")
    login_as(make_brand().user)
    method = client.get if action == "edit" else client.post
    assert method(f"/briefs/{brief.id}/{action}").status_code in (403, 404)
    assert db.session.get(Brief, brief.id).state == ("draft" if action != "close" else "open")


def test_an_open_brief_page_tells_a_creator_whether_they_can_take_it(client, login_as, frozen_clock):
    brief = make_brief(min_followers=5000)
    creator = make_eligible_creator(follower_count=3000)
    login_as(creator.user)
    page = client.get(f"/briefs/{brief.id}").get_data(as_text=True)
    assert "This brief needs 5,000 followers" in page and "3,000" in page
    assert "How well you match" in page


def test_brand_list_shows_its_own_briefs_only(client, login_as):
    brand = make_brand()
    make_brief(brand, title="Mine")
    make_brief(title="Theirs")
    login_as(brand.user)
    page = client.get("/brand/briefs").get_data(as_text=True)
    assert "Mine" in page and "Theirs" not in page


def test_a_brand_deletes_its_draft_after_confirming(client, login_as, frozen_clock):
    brand = make_brand()
    draft = make_brief(brand, state="draft", title="Half-written idea")
    draft_id = draft.id
    login_as(brand.user)
    page = client.get(f"/briefs/{draft.id}").get_data(as_text=True)
    # The Delete button sits inside a <details> confirmation: nothing is posted by one click.
    assert "Delete this draft for good?" in page and f'action="/briefs/{draft.id}/delete"' in page
    response = client.post(f"/briefs/{draft.id}/delete", follow_redirects=True)
    assert "The draft is deleted." in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count()).select_from(Brief)) == 0
    assert client.get(f"/briefs/{draft_id}").status_code == 404


@pytest.mark.parametrize("state", ["open", "closed"])
def test_only_drafts_can_be_deleted(client, login_as, frozen_clock, state):
    brand = make_brand()
    brief = make_brief(brand, state=state)
    login_as(brand.user)
    assert f'action="/briefs/{brief.id}/delete"' not in client.get(f"/briefs/{brief.id}").get_data(as_text=True)
    page = client.post(f"/briefs/{brief.id}/delete", follow_redirects=True).get_data(as_text=True)
    assert "Only a draft can be deleted" in page
    assert db.session.get(Brief, brief.id).state == state


def test_another_brand_cannot_delete_a_draft(client, login_as):
    draft = make_brief(state="draft")
    login_as(make_brand().user)
    assert client.post(f"/briefs/{draft.id}/delete").status_code in (403, 404)
    assert db.session.get(Brief, draft.id) is not None


def test_delete_draft_refuses_a_brief_opened_meanwhile(frozen_clock):
    """The conditional delete: a stale copy that still says "draft" cannot delete an open brief."""
    from sqlalchemy import update

    from marketplace.briefs import service
    from marketplace.errors import Conflict

    brand = make_brand()
    draft = make_brief(brand, state="draft")
    db.session.execute(update(Brief).where(Brief.id == draft.id).values(state="open")
                       .execution_options(synchronize_session=False))
    with pytest.raises(Conflict, match="open now"):
        service.delete_draft(brand.user, draft)
    db.session.rollback()
    assert db.session.get(Brief, draft.id) is not None


def test_editing_an_open_brief_shows_the_reason_not_a_form(client, login_as, frozen_clock):
    brand = make_brand()
    opened = make_brief(brand, state="open")
    login_as(brand.user)
    response = client.get(f"/briefs/{opened.id}/edit")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/briefs/{opened.id}")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Only drafts can be edited" in page and "Save draft" not in page


def test_an_unverified_brand_sees_why_it_cannot_open_instead_of_a_button_that_fails(client, login_as, frozen_clock):
    brand = make_brand(verified=False)
    draft = make_brief(brand, state="draft")
    login_as(brand.user)
    page = client.get(f"/briefs/{draft.id}").get_data(as_text=True)
    assert f'action="/briefs/{draft.id}/open"' not in page
    assert "disabled" in page and "Your brand is not verified yet" in page


def test_a_verified_brand_gets_a_working_open_button(client, login_as, frozen_clock):
    brand = make_brand()
    draft = make_brief(brand, state="draft")
    login_as(brand.user)
    assert f'action="/briefs/{draft.id}/open"' in client.get(f"/briefs/{draft.id}").get_data(as_text=True)


def test_every_problem_is_shown_beside_its_field_in_one_round_trip(client, login_as, frozen_clock, field_errors):
    """A negative fee, 0 slots and a past date: all the reasons at once, each in its field."""
    login_as(make_brand().user)
    response = client.post("/briefs/new", data=_form(title="", fee="-5", slots="0", apply_by="2026-04-01",
                                                     protection_days="10"))
    assert response.status_code == 422
    assert field_errors(response.get_data(as_text=True)) == {
        "title": ["Give the brief a title creators will understand."],
        "fee": ["Enter a fee above zero, or pay each creator's quote."],
        "slots": ["Ask for between 1 and 500 creators."],
        "apply_by": ["The apply-by date must be in the future."],
        "protection_days": ["The protection period is between 30 and 365 days."],
    }
    assert db.session.scalar(db.select(db.func.count()).select_from(Brief)) == 0


def test_the_service_still_refuses_on_its_own(frozen_clock):
    """The API and jobs call the service directly: it checks the same rules, first one wins."""
    from marketplace.briefs import service
    from marketplace.briefs.service import BriefInput
    from marketplace.errors import Invalid

    brand = make_brand()
    with pytest.raises(Invalid) as refused:
        service.create_draft(brand.user, BriefInput(title="Fine", product="Fine", categories=["beauty"],
                                                    fee_cents=-500, slots=0))
    assert refused.value.field == "fee"
    assert set(service.problems(BriefInput(fee_cents=-500, slots=0))) >= {"title", "fee", "slots", "apply_by"}
