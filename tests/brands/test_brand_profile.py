"""The brand's company profile and what verification means to it."""
from marketplace.brands.models import BrandProfile
from marketplace.extensions import db
from tests.factories import make_brand


def test_a_new_brand_sets_up_its_company_and_waits_for_verification(client, login_as):
    user = login_as("brand")
    response = client.post("/brand/profile", data={"company_name": "TrailMate Outdoor",
                                                   "website": "https://trailmate.example.com", "industry": "Outdoor"})
    assert response.status_code == 302
    brand = db.session.scalar(db.select(BrandProfile).where(BrandProfile.user_id == user.id))
    assert brand.company_name == "TrailMate Outdoor" and not brand.is_verified
    assert "Waiting for verification" in client.get("/brand/profile").get_data(as_text=True)
    assert "Waiting for verification" in client.get("/brand").get_data(as_text=True)


def test_website_must_be_a_full_address(client, login_as):
    login_as("brand")
    response = client.post("/brand/profile", data={"company_name": "X", "website": "trailmate"})
    assert response.status_code == 422 and "https://example.com" in response.get_data(as_text=True)


def test_renaming_a_verified_brand_sends_it_back_to_staff(client, login_as):
    brand = make_brand(company_name="GlowLab")
    login_as(brand.user)
    client.post("/brand/profile", data={"company_name": "GlowLab Global", "website": "", "industry": ""})
    assert not db.session.get(BrandProfile, brand.id).is_verified


def test_a_brand_without_a_profile_is_sent_to_set_it_up(client, login_as):
    login_as("brand")
    response = client.get("/briefs/new")
    assert response.status_code == 302 and "/brand/profile" in response.headers["Location"]


def test_every_company_problem_shows_at_once(client, login_as, field_errors):
    login_as("brand")
    response = client.post("/brand/profile", data={"company_name": "", "website": "trailmate", "industry": "x" * 65})
    assert response.status_code == 422
    assert field_errors(response.get_data(as_text=True)) == {
        "company_name": ["Enter your company's registered name."],
        "website": ["Enter the full address, like https://example.com."],
        "industry": ["Field cannot be longer than 64 characters."],
    }
