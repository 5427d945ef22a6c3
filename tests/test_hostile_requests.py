"""The findings of the hostile-input attack, one regression test each (issue 8, "No 500 on
hostile input"). ``test_hostile_input.py`` walks every field; these pin the named cases."""
from __future__ import annotations

import io
import struct
import zlib

import pytest
from PIL import Image

from marketplace.notes.models import Note
from tests.factories import make_api_token, make_brief, make_creator, make_eligible_creator

BIG = str(2**64)


def png_declaring(width: int, height: int) -> bytes:
    """A small PNG file whose header declares ``width`` × ``height`` pixels."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b""))


def real_png(width: int = 4, height: int = 4) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 120, 90)).save(out, "PNG")
    return out.getvalue()


@pytest.mark.parametrize("query", ["until=9999-12-31", "since=0001-01-01", "page=1e20", f"page={BIG}",
                                   "page=-5", "brand=NaN&creator=Infinity"])
def test_the_filings_library_ignores_impossible_filters(client, query):
    assert client.get(f"/filings?{query}").status_code == 200


@pytest.mark.parametrize("query", ["min_quote=NaN", "min_quote=sNaN", "max_quote=Infinity", "max_quote=-Infinity",
                                   f"min_followers={BIG}", f"page={BIG}", "page=1e20", "min_quote=1e999999"])
def test_match_filters_ignore_numbers_no_one_means(client, login_as, query):
    brief = make_brief()
    login_as(brief.brand.user)
    assert client.get(f"/briefs/{brief.id}/matches?{query}").status_code == 200
    login_as(make_eligible_creator().user)
    assert client.get(f"/briefs?{query.replace('min_quote', 'max_quote')}").status_code == 200


@pytest.mark.parametrize("name", ["min_quote_cents", "min_followers", "page", "per_page"])
def test_api_filters_beyond_an_integer_are_refused_with_a_reason(client, name):
    brief = make_brief()
    _, plain = make_api_token()
    response = client.get(f"/api/v1/briefs/{brief.id}/matches?{name}={BIG}",
                          headers={"Authorization": f"Bearer {plain}"})
    assert response.status_code == 422 and name in response.json["fields"]


@pytest.mark.parametrize("field, value", [("image_quote", "NaN"), ("image_quote", "sNaN"),
                                          ("image_quote", "Infinity"), ("video_quote", "-Infinity"),
                                          ("image_quote", "1e20")])
def test_money_fields_refuse_non_numbers_beside_the_field(client, login_as, field_errors, field, value):
    creator = make_creator(handle="quoter")
    login_as(creator.user)
    response = client.post("/creator/profile", data={"handle": "quoter", "region": "shanghai", "currency": "CNY",
                                                     "image_enabled": "y", "video_enabled": "y", field: value})
    assert response.status_code == 422
    assert field in field_errors(response.get_data(as_text=True))


@pytest.mark.parametrize("field", ["fee", "bonus_per_1k", "bonus_cap", "slots", "min_followers", "protection_days"])
@pytest.mark.parametrize("value", ["NaN", "sNaN", "Infinity", BIG, "1e20"])
def test_brief_numbers_refuse_non_numbers_beside_the_field(client, login_as, field_errors, field, value):
    brief = make_brief(state="draft")
    login_as(brief.brand.user)
    response = client.post("/briefs/new", data={"title": "T", "fee_mode": "fixed", field: value})
    assert response.status_code == 422
    assert field in field_errors(response.get_data(as_text=True))


@pytest.mark.parametrize("depth", [5_000, 100_000])
def test_deeply_nested_json_is_a_400(client, depth):
    creator = make_creator(handle="deep")
    _, plain = make_api_token()
    response = client.post(f"/api/v1/creators/{creator.handle}/stats", data="[" * depth + "]" * depth,
                           content_type="application/json", headers={"Authorization": f"Bearer {plain}"})
    assert response.status_code == 400 and "JSON" in response.json["error"]


def test_an_absurd_token_number_is_a_401(client):
    make_creator(handle="someone")
    response = client.post("/api/v1/creators/someone/stats", json={},
                           headers={"Authorization": "Bearer pappus_99999999999999999999999_x"})
    assert response.status_code == 401


@pytest.mark.parametrize("path", ["/login", "/notes/new"])
def test_a_body_over_the_limit_is_a_413_page(client, login_as, app, path):
    if path == "/notes/new":
        login_as(make_creator().user)
    body = {"title": "x", "email": "a@b.c", "password": "x" * (app.config["MAX_CONTENT_LENGTH"] + 1024)}
    response = client.post(path, data=body)
    assert response.status_code == 413
    assert "too large" in response.get_data(as_text=True).lower()


@pytest.mark.parametrize("path", ["/c/a%00b", "/filings?brand=%00", "/search?q=a%00", "/filings/PPS%00",
                                  "/api/v1/search?q=%00", "/staff/creators?q=%01"])
def test_control_characters_in_an_address_are_refused(client, path):
    assert client.get(path).status_code == 400


def test_control_characters_in_a_form_are_refused_and_nothing_is_stored(client, login_as):
    login_as(make_creator().user)
    response = client.post("/notes/new", data={"title": "Nul\x00title", "body": "ok"})
    assert response.status_code == 400
    assert "control characters" in response.get_data(as_text=True)
    assert Note.query.count() == 0
    response = client.post("/login", data={"email": "a\x00@b.c", "password": "x"})
    assert response.status_code == 400


def test_tabs_and_new_lines_are_still_text(client, login_as):
    login_as(make_creator().user)
    response = client.post("/notes/new", data={"title": "Tabs", "body": "one\tcolumn\r\nnext line"})
    assert response.status_code == 302


def test_control_characters_in_a_json_body_are_refused(client):
    creator = make_creator(handle="jsonnul")
    _, plain = make_api_token()
    response = client.post(f"/api/v1/creators/{creator.handle}/stats",
                           json={"followers": 1, "engagement_rate_bps": 1, "as_of": "2026-01-01T00:00:00Z\u0000",
                                 "audience": {"regions": {"a\u0000": 1}}},
                           headers={"Authorization": f"Bearer {plain}"})
    assert response.status_code == 400


def test_an_image_declaring_too_many_pixels_is_refused_beside_the_field(client, login_as, app, field_errors):
    login_as(make_creator().user)
    bomb = png_declaring(20_000, 20_000)
    assert len(bomb) < 1024
    response = client.post("/notes/new", data={"title": "Bomb", "images": [(io.BytesIO(bomb), "bomb.png")]},
                           content_type="multipart/form-data")
    assert response.status_code == 422
    assert "megapixels" in field_errors(response.get_data(as_text=True))["images"][0]
    assert Note.query.count() == 0

    app.config["IMAGE_MAX_PIXELS"], before = 15, app.config["IMAGE_MAX_PIXELS"]
    try:
        response = client.post("/notes/new", data={"title": "Small", "images": [(io.BytesIO(real_png(4, 4)), "s.png")]},
                               content_type="multipart/form-data")
        assert response.status_code == 422  # 16 pixels > 15
    finally:
        app.config["IMAGE_MAX_PIXELS"] = before
    response = client.post("/notes/new", data={"title": "Small", "images": [(io.BytesIO(real_png(4, 4)), "s.png")]},
                           content_type="multipart/form-data")
    assert response.status_code == 302
