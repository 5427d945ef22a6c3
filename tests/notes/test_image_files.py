"""Image files follow their notes: a removed image's file goes once the edit commits, a
rolled-back upload leaves nothing behind, and an image is never more public than its note."""
import io
import os

import pytest

from marketplace.extensions import db
from marketplace.notes import images
from marketplace.notes.models import Note
from tests.factories import make_creator

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def note_with_image(client, login_as):
    creator = make_creator()
    login_as(creator.user)
    client.post("/notes/new", content_type="multipart/form-data",
                data={"title": "Picnic", "body": "Sunny", "images": [(io.BytesIO(PNG), "a.png")]})
    note = db.session.query(Note).one()
    return note, os.path.join(images.upload_folder(), note.images[0].filename)


def test_removing_an_image_deletes_its_file_after_the_edit(client, note_with_image):
    note, path = note_with_image
    assert os.path.exists(path)
    name = os.path.basename(path)
    response = client.post(f"/notes/{note.id}/edit", content_type="multipart/form-data",
                           data={"title": "Picnic", "body": "Sunny",
                                 "remove_images": [str(note.images[0].id)]})
    assert response.status_code == 302
    assert not os.path.exists(path)
    assert client.get(f"/media/notes/{name}").status_code == 404


def test_a_refused_edit_keeps_the_image_file(client, note_with_image):
    note, path = note_with_image
    response = client.post(f"/notes/{note.id}/edit", content_type="multipart/form-data",
                           data={"title": "x" * 101, "body": "Sunny",
                                 "remove_images": [str(note.images[0].id)]})
    assert response.status_code == 422
    assert os.path.exists(path)


def test_a_rolled_back_upload_leaves_no_file(app):
    from werkzeug.datastructures import FileStorage

    from marketplace.notes import service

    creator = make_creator()
    note = service.publish_note(creator, "Picnic", "Sunny",
                                uploads=[FileStorage(io.BytesIO(PNG), filename="a.png")])
    path = os.path.join(images.upload_folder(), note.images[0].filename)
    assert os.path.exists(path)
    db.session.rollback()  # what the view does when anything after the upload fails
    assert not os.path.exists(path)
    assert db.session.query(Note).count() == 0


def test_images_of_a_deleted_or_private_note_are_not_served(app, client, note_with_image):
    note, path = note_with_image
    url = f"/media/notes/{os.path.basename(path)}"
    visitor = app.test_client()
    served = visitor.get(url)
    assert served.status_code == 200 and "private" in served.headers["Cache-Control"]
    served.close()

    note.is_private = True
    db.session.commit()
    assert visitor.get(url).status_code == 404
    owner_view = client.get(url)
    assert owner_view.status_code == 200  # the creator still sees their private note's image
    owner_view.close()

    note.is_private = False
    db.session.commit()
    client.post(f"/notes/{note.id}/delete")
    assert visitor.get(url).status_code == 404
