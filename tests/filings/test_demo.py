"""Demo notes come with generated cover pictures, stored through the notes service."""
import io
import os

from PIL import Image
from sqlalchemy import select

from marketplace.brands.demo import seed_brands
from marketplace.auth.demo import seed_accounts
from marketplace.extensions import db
from marketplace.filings.demo import NOTES, seed_notes
from marketplace.notes.demo_art import cover, motif_for
from marketplace.notes.images import upload_folder
from marketplace.notes.models import Note


def test_every_demo_note_has_a_real_cover_and_the_feed_shows_pictures(client):
    seed_accounts()
    seed_brands()
    seed_notes()
    db.session.commit()
    notes = db.session.scalars(select(Note)).all()
    assert len(notes) == sum(len(n) for n in NOTES.values())
    for note in notes:
        assert len(note.images) == 1 and note.images[0].content_type == "image/jpeg"
        with Image.open(os.path.join(upload_folder(), note.images[0].filename)) as picture:
            assert picture.format == "JPEG" and picture.width == 600
    home = client.get("/").get_data(as_text=True)
    assert home.count('class="note-card-cover"') >= 10


def test_covers_are_deterministic_and_fit_the_tags():
    assert cover(3, "hiking outdoor") == cover(3, "hiking outdoor")
    assert motif_for("防晒 护肤") == "bottle" and motif_for("火锅 食谱") == "bowl"
    assert motif_for("hiking travel") == "mountains" and motif_for("something else") == "sun"
    with Image.open(io.BytesIO(cover(1, "防晒"))) as picture:
        assert picture.size == (600, 600)
