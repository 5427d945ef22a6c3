"""Creators publish, edit and delete notes; images are checked; user text stays text."""
import io
import os

import pytest

from marketplace.extensions import db
from marketplace.notes.models import Note
from tests.factories import make_creator, make_note

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


def _sign_in_creator(login_as, **profile):
    creator = make_creator(**profile)
    login_as(creator.user)
    return creator


def _form(**fields):
    data = {"title": "Spring picnic", "body": "Line one\nLine two", "tags": "#野餐 picnic"}
    data.update(fields)
    return data


def test_publish_with_images_and_tags(app, client, login_as):
    creator = _sign_in_creator(login_as)
    data = _form(images=[(io.BytesIO(PNG), "a.png"), (io.BytesIO(JPEG), "photo.JPG")])
    response = client.post("/notes/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 302
    note = db.session.query(Note).one()
    assert note.creator_id == creator.id and note.tag_names == ["野餐", "picnic"]
    assert [i.content_type for i in note.images] == ["image/png", "image/jpeg"]
    for image in note.images:
        assert image.filename not in ("a.png", "photo.JPG") and len(image.filename) > 32
        assert os.path.exists(os.path.join(app.config["UPLOAD_FOLDER"], "notes", image.filename))
        served = client.get(f"/media/notes/{image.filename}")
        assert served.status_code == 200 and served.mimetype == image.content_type
        served.close()

    page = client.get(f"/notes/{note.id}").get_data(as_text=True)
    assert "Spring picnic" in page and "Line one\nLine two" in page and "#野餐" in page


@pytest.mark.parametrize("name, payload, message", [
    ("evil.svg", b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
     "is not a JPEG, PNG, GIF or WebP image"),
    ("fake.png", b"MZ\x90\x00 not an image", "is not a JPEG, PNG, GIF or WebP image"),
    ("page.html", b"<html><script>alert(1)</script></html>", "is not a JPEG, PNG, GIF or WebP image"),
])
def test_images_rejected_by_type(client, login_as, name, payload, message):
    _sign_in_creator(login_as)
    response = client.post("/notes/new", data=_form(images=[(io.BytesIO(payload), name)]),
                           content_type="multipart/form-data")
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert db.session.query(Note).count() == 0


def test_images_rejected_by_size_and_count(app, client, login_as):
    _sign_in_creator(login_as)
    app.config["NOTE_IMAGE_MAX_BYTES"] = 100
    try:
        big = PNG + b"\x00" * 200
        response = client.post("/notes/new", data=_form(images=[(io.BytesIO(big), "big.png")]),
                               content_type="multipart/form-data")
        assert response.status_code == 422
        assert "is larger than" in response.get_data(as_text=True)
    finally:
        app.config["NOTE_IMAGE_MAX_BYTES"] = 5242880
    ten = [(io.BytesIO(PNG), f"{i}.png") for i in range(10)]
    response = client.post("/notes/new", data=_form(images=ten), content_type="multipart/form-data")
    assert response.status_code == 422
    assert "at most 9 images" in response.get_data(as_text=True)
    assert db.session.query(Note).count() == 0


def test_title_limit(client, login_as):
    _sign_in_creator(login_as)
    response = client.post("/notes/new", data=_form(title="x" * 101))
    assert response.status_code == 422


def test_creator_without_profile_is_told_to_set_one_up(client, login_as):
    login_as("creator")
    response = client.post("/notes/new", data=_form())
    assert response.status_code == 422
    assert "Set up your creator profile" in response.get_data(as_text=True)


def test_edit_and_remove_image(client, login_as):
    creator = _sign_in_creator(login_as)
    client.post("/notes/new", data=_form(images=[(io.BytesIO(PNG), "a.png")]),
                content_type="multipart/form-data")
    note = db.session.query(Note).one()
    image_id = note.images[0].id
    response = client.post(f"/notes/{note.id}/edit", data=_form(title="Autumn picnic", tags="秋天",
                                                                 remove_images=[str(image_id)]),
                           content_type="multipart/form-data")
    assert response.status_code == 302
    db.session.refresh(note)
    assert note.title == "Autumn picnic" and note.images == [] and note.tag_names == ["秋天"]
    assert creator.id == note.creator_id


def test_other_creators_cannot_edit_or_delete(client, login_as):
    note = make_note(title="Mine")
    _sign_in_creator(login_as)
    assert client.get(f"/notes/{note.id}/edit").status_code == 404
    assert client.post(f"/notes/{note.id}/delete").status_code == 404
    db.session.refresh(note)
    assert note.deleted_at is None


def test_delete_own_note(client, login_as):
    creator = _sign_in_creator(login_as)
    note = make_note(creator)
    page = client.get(f"/notes/{note.id}").get_data(as_text=True)
    # Delete asks first: the real POST button is inside a <details> with the question.
    confirm = page[page.index('<details class="confirm">'):]
    assert confirm.index("Delete this note?") < confirm.index(f'action="/notes/{note.id}/delete"')
    assert client.post(f"/notes/{note.id}/delete").status_code == 302
    assert client.get(f"/notes/{note.id}").status_code == 404


def test_user_text_is_rendered_as_text(client):
    note = make_note(title="<img src=x onerror=alert(1)>",
                     body="<script>alert('body')</script>\n<b>bold?</b>")
    page = client.get(f"/notes/{note.id}").get_data(as_text=True)
    assert "<script>alert" not in page and "<img src=x" not in page and "<b>bold?</b>" not in page
    assert "&lt;script&gt;alert(&#39;body&#39;)&lt;/script&gt;" in page


def test_paid_unfiled_note_tells_its_creator_why_and_how_to_file(client, login_as):
    creator = _sign_in_creator(login_as)
    note = make_note(creator, title="For a brand", is_paid=True)
    page = client.get(f"/notes/{note.id}").get_data(as_text=True)
    assert "This note is not shown in search." in page
    assert "publish your approved draft from the order" in page
    client.get("/logout")
    mine = client.get("/notes/mine").get_data(as_text=True)
    assert "is not filed" in mine


def test_private_note_is_only_for_its_creator(client, login_as):
    creator = make_creator()
    note = make_note(creator, is_private=True)
    assert client.get(f"/notes/{note.id}").status_code == 404
    login_as(creator.user)
    assert client.get(f"/notes/{note.id}").status_code == 200


def test_creator_page_and_home_feed(client):
    creator = make_creator(handle="linxiaoyu")
    shown = make_note(creator, title="Visible note")
    hidden = make_note(creator, title="Unfiled ad", is_paid=True)
    private = make_note(creator, title="Only me", is_private=True)
    page = client.get("/@linxiaoyu/notes").get_data(as_text=True)
    assert "Visible note" in page and "Unfiled ad" in page and "Only me" not in page
    home = client.get("/").get_data(as_text=True)
    assert "note-grid" in home and "Visible note" in home
    assert "Unfiled ad" not in home and "Only me" not in home
    assert shown.id and hidden.id and private.id
    assert client.get("/@nobody/notes").status_code == 404


def test_notes_by_creator_service_for_other_pages():
    from marketplace.notes.service import notes_by_creator

    creator = make_creator()
    public = make_note(creator)
    private = make_note(creator, is_private=True)
    assert [n.id for n in notes_by_creator(creator, None)] == [public.id]
    assert {n.id for n in notes_by_creator(creator, creator.user)} == {public.id, private.id}


def test_edit_form_is_filled_with_the_note(client, login_as):
    creator = _sign_in_creator(login_as)
    note = make_note(creator, title="Prefilled", body="Body text", tags="咖啡 latte")
    page = client.get(f"/notes/{note.id}/edit").get_data(as_text=True)
    assert 'value="Prefilled"' in page and "Body text" in page and 'value="咖啡 latte"' in page


def test_home_feed_queries_do_not_grow_with_the_notes(client, count_queries):
    creator = make_creator()

    def home_page_queries():
        with count_queries() as statements:
            assert client.get("/").status_code == 200
        return len(statements)

    make_note(creator, title="One")
    few = home_page_queries()
    for i in range(6):
        make_note(creator, title=f"More {i}")
    assert home_page_queries() == few


def test_creator_notes_partial_for_the_profile_page(app):
    from flask import render_template_string

    creator = make_creator()
    make_note(creator, title="Shown on the profile")
    make_note(creator, title="Kept private", is_private=True)
    with app.test_request_context():
        html = render_template_string('{% include "notes/_creator_notes.html" %}', profile=creator)
    assert "Shown on the profile" in html and "Kept private" not in html


def test_banned_creators_notes_are_hidden_from_the_public(client, login_as):
    from marketplace import clock

    creator = make_creator(handle="banned_one")
    note = make_note(creator)
    creator.banned_at = clock.now()
    db.session.commit()
    assert client.get(f"/notes/{note.id}").status_code == 404
    assert client.get("/@banned_one/notes").status_code == 404
    login_as("staff")
    assert client.get(f"/notes/{note.id}").status_code == 200


def test_a_filed_note_shows_paid_content_fixed_on_its_edit_form(client, login_as):
    from tests.factories import make_filing

    creator = _sign_in_creator(login_as)
    note = make_note(creator, is_paid=True)
    make_filing(note)
    page = client.get(f"/notes/{note.id}/edit").get_data(as_text=True)
    assert "A filed note stays marked as paid content." in page
    assert '<input checked disabled id="is_paid" name="is_paid" type="checkbox" value="y">' in page
    # Saving the form as the browser sends it (the disabled box is not sent) keeps it paid.
    assert client.post(f"/notes/{note.id}/edit", data=_form(is_paid="y")).status_code == 302


def test_every_problem_is_shown_beside_its_field_at_once(app, client, login_as, field_errors):
    _sign_in_creator(login_as)
    too_many_tags = " ".join(f"t{i}" for i in range(app.config["NOTE_MAX_TAGS"] + 1))
    data = _form(title="", body="x" * (app.config["NOTE_BODY_MAX_CHARS"] + 1), tags=too_many_tags,
                 images=[(io.BytesIO(b"GIF? no"), "fake.gif")])
    response = client.post("/notes/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 422
    assert field_errors(response.get_data(as_text=True)) == {
        "title": ["Give the note a title."],
        "body": [f"Keep the note to {app.config['NOTE_BODY_MAX_CHARS']} characters."],
        "tags": [f"Use at most {app.config['NOTE_MAX_TAGS']} tags."],
        "images": ["fake.gif is not a JPEG, PNG, GIF or WebP image."],
    }
    assert db.session.scalar(db.select(db.func.count()).select_from(Note)) == 0


def test_images_checked_by_the_form_are_still_stored_whole(app, client, login_as):
    """The form reads each upload to check it; the service must still get the whole file."""
    from marketplace.notes.images import upload_folder

    creator = _sign_in_creator(login_as)
    data = _form(images=[(io.BytesIO(PNG), "a.png")])
    assert client.post("/notes/new", data=data, content_type="multipart/form-data").status_code == 302
    note = db.session.scalar(db.select(Note).where(Note.creator_id == creator.id))
    with open(os.path.join(upload_folder(), note.images[0].filename), "rb") as stored:
        assert stored.read() == PNG
