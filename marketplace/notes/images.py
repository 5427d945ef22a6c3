"""Note images: checked by content (not by the name or type the browser claims), kept in the
upload store's ``notes`` folder, served back by name.

Files follow the database transaction that records them (see :mod:`marketplace.uploads`): a
file written for a change that is rolled back is removed, and a file whose image row is
removed is deleted only once that removal is committed (so a failed edit never loses an image).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from marketplace import uploads
from marketplace.errors import Invalid
from marketplace.extensions import db
from marketplace.notes.models import NoteImage

STORED_NAME = uploads.STORED_NAME


def _in_use(names: set[str]) -> set[str]:
    return set(db.session.scalars(select(NoteImage.filename).where(NoteImage.filename.in_(names))))


NOTE_IMAGES = uploads.folder("notes", referenced=_in_use)


@dataclass
class CheckedImage:
    data: bytes
    content_type: str
    extension: str


def check_uploads(files, already: int = 0) -> list[CheckedImage]:
    """Read and check uploaded files (werkzeug FileStorage); nothing is written yet."""
    files = [f for f in files or [] if f and getattr(f, "filename", "")]
    limit = current_app.config["NOTE_MAX_IMAGES"]
    if already + len(files) > limit:
        raise Invalid(_("A note can have at most %(n)d images.", n=limit), field="images")
    max_bytes = current_app.config["NOTE_IMAGE_MAX_BYTES"]
    checked = []
    for upload in files:
        data = upload.read(max_bytes + 1)
        if len(data) > max_bytes:
            raise Invalid(_("%(name)s is larger than %(mb)s MB. Use a smaller image.",
                            name=upload.filename, mb=round(max_bytes / 1048576, 1)), field="images")
        kind = uploads.sniff(data)
        if kind is None:
            raise Invalid(_("%(name)s is not a JPEG, PNG, GIF or WebP image.", name=upload.filename),
                          field="images")
        pixels, most = uploads.pixel_count(data), current_app.config["IMAGE_MAX_PIXELS"]
        if pixels is not None and pixels > most:
            raise Invalid(_("%(name)s is too large in pixels: use an image of at most %(mp)s megapixels.",
                            name=upload.filename, mp=round(most / 1_000_000, 1)), field="images")
        checked.append(CheckedImage(data, kind.content_type, kind.extension))
    return checked


def upload_folder() -> Path:
    return NOTE_IMAGES.path()


def store(image: CheckedImage) -> str:
    """Write the image under a fresh random name and return that name."""
    return NOTE_IMAGES.save(image.data, image.extension)


def discard(name: str) -> None:
    """Delete this stored image's file once the current transaction commits."""
    NOTE_IMAGES.discard(name)
