"""The creator's profile and price card, the avatar, and the public page."""
import io

import pytest

from marketplace.creators import service
from marketplace.creators.models import CreatorProfile
from marketplace.extensions import db
from tests.factories import make_creator, make_eligible_creator

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _form(**changes):
    data = {"handle": "lin_makeup", "bio": "Skincare for humid summers.", "categories": ["beauty", "fashion"],
            "region": "shanghai", "languages": ["zh", "en"], "currency": "CNY", "image_enabled": "y",
            "image_quote": "800.00", "video_enabled": "y", "video_quote": "1500.50", "accepting_orders": "y"}
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_creator_sets_up_profile_and_public_page_shows_it(client, login_as):
    user = login_as("creator")
    response = client.post("/creator/profile", data=_form())
    assert response.status_code == 302
    profile = service.profile_for(user)
    assert profile.handle == "lin_makeup"
    assert profile.image_quote_cents == 80000 and profile.video_quote_cents == 150050
    assert profile.categories == ["beauty", "fashion"] and profile.language_list == ["zh", "en"]
    page = client.get("/c/lin_makeup").get_data(as_text=True)
    assert "@lin_makeup" in page and "Beauty" in page and "¥800.00" in page and "¥1,500.50" in page


def test_a_format_can_be_switched_off(client, login_as):
    user = login_as("creator")
    client.post("/creator/profile", data=_form(video_enabled=None))
    assert service.profile_for(user).video_quote_cents is None


@pytest.mark.parametrize("changes, message", [
    (dict(handle="Lin Makeup!"), "lower-case letters"),
    (dict(handle="ab"), "lower-case letters"),
    (dict(handle="admin"), "reserved"),
    (dict(categories=[]), "at least one category"),
    (dict(region=""), "region"),
    (dict(image_quote="0"), "above zero"),
    (dict(image_enabled=None, video_enabled=None), "Offer at least one format"),
])
def test_profile_refuses_with_a_clear_message(client, login_as, changes, message):
    user = login_as("creator")
    response = client.post("/creator/profile", data=_form(**changes))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert service.profile_for(user) is None


def test_handles_are_unique(client, login_as):
    make_creator(handle="taken_name")
    login_as("creator")
    response = client.post("/creator/profile", data=_form(handle="taken_name"))
    assert response.status_code == 422 and "is taken" in response.get_data(as_text=True)


def test_creator_cannot_edit_feed_figures(client, login_as):
    profile = make_eligible_creator(handle="steady", follower_count=1200, engagement_bps=250)
    login_as(profile.user)
    client.post("/creator/profile", data=_form(handle="steady", follower_count="999999",
                                               engagement_bps="9999", followers_source="staff"))
    db.session.refresh(profile)
    assert (profile.follower_count, profile.engagement_bps, profile.followers_source) == (1200, 250, "feed")


def test_avatar_upload_is_stored_under_a_random_name_and_served(client, login_as):
    profile = make_creator(handle="pic_owner")
    login_as(profile.user)
    client.post("/creator/profile/avatar", data={"avatar": (io.BytesIO(PNG), "me.png")},
                content_type="multipart/form-data")
    db.session.refresh(profile)
    assert profile.avatar_filename.endswith(".png") and "me" not in profile.avatar_filename
    served = client.get(f"/avatars/{profile.avatar_filename}")
    assert served.status_code == 200 and served.data == PNG
    served.close()


def test_avatar_must_be_an_image_of_allowed_size(app, client, login_as):
    profile = make_creator(handle="pic_owner2")
    login_as(profile.user)
    response = client.post("/creator/profile/avatar", data={"avatar": (io.BytesIO(b"<svg>x</svg>"), "x.png")},
                           content_type="multipart/form-data", follow_redirects=True)
    assert "Upload a PNG, JPEG or WebP image." in response.get_data(as_text=True)
    app.config["AVATAR_MAX_KB"] = 1
    try:
        response = client.post("/creator/profile/avatar",
                               data={"avatar": (io.BytesIO(PNG + b"\x00" * 2048), "big.png")},
                               content_type="multipart/form-data", follow_redirects=True)
    finally:
        app.config["AVATAR_MAX_KB"] = 2048
    assert "larger than 1 KB" in response.get_data(as_text=True)
    assert db.session.get(CreatorProfile, profile.id).avatar_filename is None


def test_unknown_handle_is_not_found(client):
    assert client.get("/c/nobody_here").status_code == 404


def test_public_page_shows_reach_with_its_as_of_time(client, frozen_clock):
    make_eligible_creator(handle="reachy", follower_count=12345, engagement_bps=345)
    page = client.get("/c/reachy").get_data(as_text=True)
    assert "12,345" in page and "3.45%" in page and "May 3, 2026" in page


def test_every_profile_problem_shows_at_once(client, login_as, field_errors):
    login_as("creator")
    response = client.post("/creator/profile", data=_form(handle="X!", categories=[], region="",
                                                          image_quote="0", video_quote="-5"))
    assert response.status_code == 422
    assert field_errors(response.get_data(as_text=True)) == {
        "handle": ["Use 3–30 lower-case letters, digits or underscores, starting with a letter or digit."],
        "categories": ["Choose at least one category from the list."],
        "region": ["Choose your region from the list."],
        "image_quote": ["Enter a price above zero, or switch this format off."],
        "video_quote": ["Enter an amount of zero or more."],
    }


def test_a_negative_quote_in_chinese_says_zero_or_more(client, login_as):
    login_as("creator", locale="zh_Hans")
    page = client.post("/creator/profile", data=_form(video_quote="-5")).get_data(as_text=True)
    assert "请输入 0 或以上的金额。" in page and "大于" not in page
