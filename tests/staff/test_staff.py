"""Staff tools: verify brands, set follower counts, API tokens; every change logged with its reason."""
import pytest

from marketplace.api_tokens.models import ApiToken
from marketplace.brands.models import BrandProfile
from marketplace.creators.models import CreatorProfile
from marketplace.extensions import db
from marketplace.audit_trail.models import TrailEntry
from tests.factories import make_brand, make_creator


def test_staff_verify_a_brand_and_the_log_shows_who_and_why(client, login_as):
    brand = make_brand(company_name="GlowLab", verified=False)
    staff = login_as("staff")
    response = client.post(f"/staff/brands/{brand.id}/verify", data={"reason": "Business licence checked"})
    assert response.status_code == 302
    brand = db.session.get(BrandProfile, brand.id)
    assert brand.is_verified and brand.verified_by_id == staff.id
    page = client.get(f"/staff/brands/{brand.id}").get_data(as_text=True)
    assert "Business licence checked" in page and "brand.verify" in page and staff.display_name in page


def test_verification_needs_a_reason(client, login_as):
    brand = make_brand(verified=False)
    login_as("staff")
    page = client.post(f"/staff/brands/{brand.id}/verify", data={"reason": "  "},
                       follow_redirects=True).get_data(as_text=True)
    assert "Write the reason" in page
    assert not db.session.get(BrandProfile, brand.id).is_verified
    assert db.session.scalar(db.select(db.func.count()).select_from(TrailEntry)) == 0


@pytest.mark.parametrize("role", ["creator", "brand"])
def test_only_staff_verify(client, login_as, role):
    brand = make_brand(verified=False)
    login_as(role)
    assert client.post(f"/staff/brands/{brand.id}/verify", data={"reason": "trust me"}).status_code == 403
    assert not db.session.get(BrandProfile, brand.id).is_verified


def test_unverified_brands_wait_at_the_top(client, login_as):
    make_brand(company_name="Old Verified Co")
    make_brand(company_name="New Waiting Co", verified=False)
    login_as("staff")
    page = client.get("/staff/brands").get_data(as_text=True)
    assert page.index("New Waiting Co") < page.index("Old Verified Co")
    assert "New Waiting Co" in client.get("/staff").get_data(as_text=True)


def test_staff_set_followers_with_a_reason(client, login_as, frozen_clock):
    creator = make_creator(handle="lin", follower_count=640)
    login_as("staff")
    client.post(f"/staff/creators/{creator.id}/followers", data={"followers": "1800", "reason": "Feed outage; checked the app"})
    creator = db.session.get(CreatorProfile, creator.id)
    assert creator.follower_count == 1800 and creator.followers_source == "staff"
    page = client.get("/c/lin").get_data(as_text=True)
    assert "Feed outage; checked the app" in page and "before: 640" in page and "after: 1800" in page


def test_follower_change_without_reason_changes_nothing(client, login_as):
    creator = make_creator(handle="lin", follower_count=640)
    login_as("staff")
    page = client.post(f"/staff/creators/{creator.id}/followers", data={"followers": "1800", "reason": ""},
                       follow_redirects=True).get_data(as_text=True)
    assert "Write the reason" in page
    assert db.session.get(CreatorProfile, creator.id).follower_count == 640


def test_the_staff_log_is_for_staff_only(client, login_as):
    creator = make_creator(handle="lin")
    login_as("staff")
    client.post(f"/staff/creators/{creator.id}/followers", data={"followers": "10", "reason": "secret note"})
    login_as("brand")
    assert "secret note" not in client.get("/c/lin").get_data(as_text=True)


def test_api_token_is_shown_once_and_can_be_revoked(client, login_as):
    login_as("staff")
    response = client.post("/staff/api-tokens", data={"name": "Follower feed"})
    page = response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store"
    token = db.session.scalar(db.select(ApiToken))
    assert f"pappus_{token.id}_" in page
    later = client.get("/staff/api-tokens").get_data(as_text=True)
    assert "Follower feed" in later and f"pappus_{token.id}_" not in later
    assert "Authorization: Bearer &lt;token&gt;" in later  # shown, escaped, not swallowed as a tag
    # Revoking asks first: the real button is inside a <details> with the consequence.
    assert later.index("get 401 from the next request") < later.index(f'action="/staff/api-tokens/{token.id}/revoke"')
    client.post(f"/staff/api-tokens/{token.id}/revoke", data={"reason": "rotated"})
    assert db.session.get(ApiToken, token.id).revoked_at is not None
    assert db.session.scalar(db.select(TrailEntry).where(TrailEntry.action == "api_token.revoke")).reason == "rotated"
    assert "rotated" in client.get("/staff/api-tokens").get_data(as_text=True)


def test_staff_confirm_payout_readiness_by_hand(client, login_as):
    creator = make_creator(handle="lin")
    login_as("staff")
    client.post(f"/staff/creators/{creator.id}/payouts",
                data={"payouts_ready": "y", "identity_confirmed": "y", "reason": "Bank letter seen"})
    creator = db.session.get(CreatorProfile, creator.id)
    assert creator.payouts_ready_at is not None and creator.identity_confirmed_at is not None


def test_staff_forms_need_the_csrf_token(client, login_as, csrf_enabled):
    brand = make_brand(verified=False)
    login_as("staff")
    response = client.post(f"/staff/brands/{brand.id}/verify", data={"reason": "forged"})
    assert response.status_code == 400
    assert not db.session.get(BrandProfile, brand.id).is_verified


def test_an_overlong_reason_is_refused_with_a_message(client, login_as):
    brand = make_brand(verified=False)
    login_as("staff")
    page = client.post(f"/staff/brands/{brand.id}/verify", data={"reason": "x" * 2001},
                       follow_redirects=True).get_data(as_text=True)
    assert "longer than 2000" in page
    assert not db.session.get(BrandProfile, brand.id).is_verified
