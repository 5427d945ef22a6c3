"""Sign-up: what a newcomer sees when it works and when they make a mistake."""
import pytest
from sqlalchemy import select

from marketplace.auth.models import User
from marketplace.extensions import db


def _signup(client, **overrides):
    data = {
        "role": "brand",
        "display_name": "GlowLab",
        "email": "team@glowlab.example.com",
        "password": "a-long-password",
        "confirm": "a-long-password",
    }
    data.update(overrides)
    return client.post("/signup", data=data, follow_redirects=True)


def test_brand_signs_up_and_lands_on_its_dashboard(client):
    response = _signup(client)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Brand dashboard" in page and "GlowLab" in page
    user = db.session.scalar(select(User).where(User.email == "team@glowlab.example.com"))
    assert user.role == "brand"
    assert user.password_hash != "a-long-password" and user.password_hash.startswith("scrypt")


def test_creator_signup_goes_to_creator_dashboard(client):
    page = _signup(client, role="creator", email="me@example.com").get_data(as_text=True)
    assert "Creator dashboard" in page


def test_email_is_stored_lower_case_and_duplicates_are_refused(client, app):
    _signup(client, email="Team@GlowLab.example.com")
    client.post("/logout")
    response = _signup(client, email="team@glowlab.example.com")
    assert response.status_code == 422
    assert "An account with this email already exists" in response.get_data(as_text=True)
    assert db.session.scalar(select(db.func.count()).select_from(User)) == 1


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"email": "not-an-email"}, "Enter a valid email address"),
        ({"password": "short", "confirm": "short"}, "Use at least 10 characters"),
        ({"confirm": "something-else"}, "The two passwords do not match"),
        ({"display_name": ""}, "Tell us the name to show on Pappus"),
        ({"role": "staff"}, "Not a valid choice"),
    ],
)
def test_signup_mistakes_are_explained_and_nothing_is_saved(client, overrides, message):
    response = _signup(client, **overrides)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(db.func.count()).select_from(User)) == 0


def test_form_post_without_csrf_token_is_refused(client, csrf_enabled):
    response = _signup(client)
    assert response.status_code == 400
    assert "security token" in response.get_data(as_text=True)
    assert db.session.scalar(select(db.func.count()).select_from(User)) == 0


def test_form_post_with_csrf_token_from_the_page_works(client, csrf_enabled):
    page = client.get("/signup").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    response = _signup(client, csrf_token=token)
    assert "Brand dashboard" in response.get_data(as_text=True)


def test_every_sign_up_problem_shows_at_once(client, field_errors):
    _signup(client, email="taken@example.com")
    client.post("/logout")
    response = client.post("/signup", data={"role": "brand", "display_name": "  ", "email": "taken@example.com",
                                            "password": "short", "confirm": "short"})
    assert response.status_code == 422
    assert field_errors(response.get_data(as_text=True)) == {
        "display_name": ["Tell us the name to show on Pappus."],
        "email": ["An account with this email already exists. Log in instead?"],
        "password": ["Use at least 10 characters for your password."],
    }
