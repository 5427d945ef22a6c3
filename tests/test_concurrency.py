"""Requests that race get the answer the sequential path gives, never a 500: a unique
constraint that stops the later commit becomes the same 409/422 refusal, in one place
(``transaction.run``)."""
import threading
from datetime import timedelta

from flask.testing import FlaskClient

from marketplace import clock, transaction
from marketplace.audit_trail.models import TrailEntry
from marketplace.auth.models import User
from marketplace.creators.models import CreatorProfile
from marketplace.extensions import db
from marketplace.filings.models import Filing
from tests.factories import make_brand, make_creator, make_filing, make_note, make_user, open_session

THREADS = 12


def in_parallel(app, users, send):
    """``send(client, i)`` from one thread per user (None = signed out), all released at once.
    Returns the responses (or the exceptions) in order."""
    clients = []
    for user in users:
        client = FlaskClient(app, app.response_class, use_cookies=True)
        if user is not None:
            with client.session_transaction() as session:
                session["_user_id"] = open_session(user)
                session["_fresh"] = True
        clients.append(client)
    start = threading.Barrier(len(clients))
    results = [None] * len(clients)

    def run(i):
        start.wait()
        try:
            results[i] = send(clients[i], i)
        except Exception as error:  # surfaced by the assertions below
            results[i] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    db.session.expire_all()
    return results


def _statuses(results):
    assert not [r for r in results if isinstance(r, Exception)], results
    return sorted(r.status_code for r in results)


def test_parallel_sign_ups_with_one_email_make_one_account(app):
    form = {"role": "creator", "display_name": "Lin", "email": "lin@example.com",
            "password": "long-enough-pw", "confirm": "long-enough-pw"}
    results = in_parallel(app, [None] * THREADS, lambda c, i: c.post("/signup", data=form))
    assert _statuses(results) == [302] + [422] * (THREADS - 1)
    assert db.session.scalar(db.select(db.func.count()).select_from(User)) == 1
    refused = [r.get_data(as_text=True) for r in results if r.status_code == 422]
    assert all("An account with this email already exists" in page for page in refused)


def test_parallel_staff_filings_of_one_note_file_it_once(app):
    note_id = make_note(is_paid=True).id
    brand = make_brand()
    staff = [make_user("staff") for _ in range(THREADS)]
    form = {"brand_id": str(brand.id), "order_reference": "ORDER-9", "reason": "Contract seen"}
    results = in_parallel(app, staff, lambda c, i: c.post(f"/staff/notes/{note_id}/file", data=form))
    assert _statuses(results) == [302] * THREADS
    assert db.session.scalar(db.select(db.func.count()).select_from(Filing)) == 1
    assert db.session.scalar(db.select(db.func.count()).select_from(TrailEntry)
                             .where(TrailEntry.action == "note.file")) == 1


def test_parallel_creators_saving_one_handle_get_it_once(app):
    users = [make_user("creator") for _ in range(THREADS)]
    form = {"handle": "lin_xiaoyu", "categories": ["beauty"], "region": "shanghai", "languages": ["zh"],
            "currency": "CNY", "image_enabled": "y", "image_quote": "500"}
    results = in_parallel(app, users, lambda c, i: c.post("/creator/profile", data=form))
    assert _statuses(results) == [302] + [422] * (THREADS - 1)
    assert db.session.scalar(db.select(db.func.count()).select_from(CreatorProfile)) == 1
    refused = [r.get_data(as_text=True) for r in results if r.status_code == 422]
    assert all("taken" in page for page in refused)


# ---- the same refusals, made to happen every time -------------------------------------

def test_a_duplicate_email_that_slips_past_the_check_gets_the_checks_answer(client, monkeypatch):
    from marketplace.auth import service

    make_user("creator", email="lin@example.com")
    monkeypatch.setattr(service, "find_user_by_email", lambda email: None)  # the check saw nothing
    response = client.post("/signup", data={"role": "brand", "display_name": "Lin", "email": "LIN@example.com",
                                            "password": "long-enough-pw", "confirm": "long-enough-pw"})
    assert response.status_code == 422
    assert "An account with this email already exists" in response.get_data(as_text=True)


def test_a_second_filing_that_slips_past_the_check_is_a_conflict():
    filing = make_filing()
    now = clock.now()

    def file_again_behind_the_check():
        db.session.add(Filing(code="second", note_id=filing.note_id, brand_id=filing.brand_id,
                              order_reference="ORDER-2", filed_at=now, protected_until=now + timedelta(days=30)))

    outcome = transaction.run(file_again_behind_the_check)
    assert not outcome and outcome.error.status == 409 and "already filed" in outcome.error.reason


def test_a_taken_handle_that_slips_past_the_check_is_refused_on_its_field(client, login_as, monkeypatch):
    from marketplace.creators import service

    make_creator(handle="lin_xiaoyu")
    login_as("creator")
    monkeypatch.setattr(service, "_clean_handle", lambda raw, profile: raw)
    response = client.post("/creator/profile", data={
        "handle": "lin_xiaoyu", "categories": ["beauty"], "region": "shanghai", "languages": ["zh"],
        "currency": "CNY", "image_enabled": "y", "image_quote": "500"})
    assert response.status_code == 422 and "That handle was just taken" in response.get_data(as_text=True)


def test_other_broken_constraints_are_bugs_not_refusals():
    import pytest
    from sqlalchemy.exc import IntegrityError

    profile = make_creator()

    def break_a_check():
        profile.follower_count = -5

    with pytest.raises(IntegrityError):
        transaction.run(break_a_check)


# ---- two saves of one object: the second is told, and sees what the first saved ----------

CHANGED = "Someone else changed this while you were editing it"


def _brief_form(**changes):
    from tests.briefs.test_briefs import _form

    return _form(**changes)


def test_two_simultaneous_saves_of_a_brief_never_mix(app, frozen_clock):
    from marketplace.briefs.models import Brief
    from tests.factories import make_brief

    brand = make_brand()
    for round_ in range(4):
        brief_id = make_brief(brand, state="draft").id
        first = _brief_form(title=f"First {round_}", fee="1000.00", slots="3", version="1")
        second = _brief_form(title=f"Second {round_}", fee="2000.00", slots="9", version="1")
        results = in_parallel(app, [brand.user, brand.user],
                              lambda c, i: c.post(f"/briefs/{brief_id}/edit", data=(first, second)[i]))
        assert _statuses(results) == [302, 409]
        brief = db.session.get(Brief, brief_id)
        assert (brief.title, brief.fee_cents, brief.slots) in {
            (f"First {round_}", 100000, 3), (f"Second {round_}", 200000, 9)}, "a mix of both saves"
        assert brief.version == 2
        stale = next(r for r in results if r.status_code == 409).get_data(as_text=True)
        assert CHANGED in stale and f'value="{brief.title}"' in stale and 'name="version" type="hidden" value="2"' in stale


def test_a_brief_saved_from_an_old_page_is_refused_with_the_current_values(client, login_as, frozen_clock):
    from tests.factories import make_brief

    brand = make_brand()
    brief = make_brief(brand, state="draft", title="Original")
    login_as(brand.user)
    page = client.get(f"/briefs/{brief.id}/edit").get_data(as_text=True)
    assert 'name="version" type="hidden" value="1"' in page
    assert client.post(f"/briefs/{brief.id}/edit", data=_brief_form(title="Other tab", version="1")).status_code == 302
    response = client.post(f"/briefs/{brief.id}/edit", data=_brief_form(title="This tab", version="1"))
    page = response.get_data(as_text=True)
    assert response.status_code == 409 and CHANGED in page and 'value="Other tab"' in page
    db.session.expire_all()
    assert db.session.get(type(brief), brief.id).title == "Other tab"
    assert client.post(f"/briefs/{brief.id}/edit", data=_brief_form(title="This tab", version="2")).status_code == 302


def test_a_save_that_races_past_the_check_is_stopped_by_the_version_column(frozen_clock):
    from marketplace.briefs import service
    from marketplace.briefs.models import Brief
    from tests.factories import make_brief

    brand = make_brand()
    brief = make_brief(brand, state="draft", title="Original")
    assert brief.version == 1  # loaded now; another request saves before this one writes:
    with db.engine.begin() as conn:
        conn.execute(db.update(Brief).where(Brief.id == brief.id).values(title="Theirs", version=2))
    data = service.BriefInput(**{**_input_of(brief), "title": "Mine"})
    outcome = transaction.run(lambda: service.update_draft(brand.user, brief, data, version=1))
    assert outcome.changed and outcome.error.status == 409
    assert db.session.get(Brief, brief.id).title == "Theirs"


def _input_of(brief) -> dict:
    return dict(title=brief.title, product=brief.product, categories=brief.categories,
                deliverable=brief.deliverable, fee_mode=brief.fee_mode, fee_cents=brief.fee_cents,
                slots=brief.slots, min_followers=brief.min_followers, apply_by=brief.apply_by,
                draft_due=brief.draft_due, publish_by=brief.publish_by,
                metrics_window_days=brief.metrics_window_days, protection_days=brief.protection_days)


def test_a_creator_profile_saved_from_an_old_tab_is_refused(client, login_as):
    profile = make_creator(handle="lin_old", categories_mask=1, region="shanghai", languages="zh",
                           image_quote_cents=50000)
    login_as(profile.user)
    assert 'name="version" type="hidden" value="1"' in client.get("/creator/profile").get_data(as_text=True)
    form = {"handle": "lin_new", "categories": ["beauty"], "region": "shanghai", "languages": ["zh"],
            "currency": "CNY", "image_enabled": "y", "image_quote": "500", "version": "1"}
    assert client.post("/creator/profile", data=form).status_code == 302
    response = client.post("/creator/profile", data={**form, "handle": "lin_tab", "bio": "stale"})
    page = response.get_data(as_text=True)
    assert response.status_code == 409 and CHANGED in page and 'value="lin_new"' in page
    assert db.session.get(CreatorProfile, profile.id).handle == "lin_new"


def test_a_brand_profile_saved_from_an_old_tab_is_refused(client, login_as):
    from marketplace.brands.models import BrandProfile

    brand = make_brand(company_name="GlowLab")
    login_as(brand.user)
    assert 'name="version" type="hidden" value="1"' in client.get("/brand/profile").get_data(as_text=True)
    assert client.post("/brand/profile", data={"company_name": "GlowLab Skincare", "version": "1"}).status_code == 302
    response = client.post("/brand/profile", data={"company_name": "Stale Name", "version": "1"})
    assert response.status_code == 409 and CHANGED in response.get_data(as_text=True)
    assert 'value="GlowLab Skincare"' in response.get_data(as_text=True)
    assert db.session.get(BrandProfile, brand.id).company_name == "GlowLab Skincare"


def test_staff_verifying_while_the_brand_renames_cannot_both_succeed(frozen_clock):
    """Renaming sends a brand back to staff; a verification racing the rename must not keep
    the verified mark on the new name."""
    from marketplace.brands import service
    from marketplace.brands.models import BrandProfile

    brand = make_brand(company_name="GlowLab", verified=False)
    staff = make_user("staff")
    assert brand.version == 1  # staff loaded the brand; the brand renames before staff writes:
    with db.engine.begin() as conn:
        conn.execute(db.update(BrandProfile).where(BrandProfile.id == brand.id)
                     .values(company_name="Other Co", version=2))
    outcome = transaction.run(lambda: service.verify_brand(staff, brand, "Licence checked"))
    assert outcome.changed
    assert not db.session.get(BrandProfile, brand.id).is_verified


def test_a_note_saved_from_an_old_tab_is_refused(client, login_as):
    creator = make_creator()
    note = make_note(creator, title="First title")
    login_as(creator.user)
    assert 'name="version" type="hidden" value="1"' in client.get(f"/notes/{note.id}/edit").get_data(as_text=True)
    assert client.post(f"/notes/{note.id}/edit", data={"title": "Second title", "version": "1"}).status_code == 302
    response = client.post(f"/notes/{note.id}/edit", data={"title": "Stale title", "version": "1"})
    page = response.get_data(as_text=True)
    assert response.status_code == 409 and CHANGED in page and 'value="Second title"' in page
    db.session.expire_all()
    assert db.session.get(type(note), note.id).title == "Second title"
