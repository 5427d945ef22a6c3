"""Note images: checked by content (not by the name or type the browser claims), stored
under random names in the upload folder, served back by name.

Only raster formats are accepted. SVG in particular is refused: it can carry script.

Files follow the database transaction that records them: a file written for a change that
is rolled back is removed, and a file whose image row is removed is deleted only once that
removal is committed (so a failed edit never loses an image).
"""
from __future__ import annotations

import os
import re
import secrets
from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import event
from sqlalchemy.orm import Session

from marketplace.errors import Invalid
from marketplace.extensions import db

_WRITTEN = "pappus.images.written"  # session.info keys: absolute paths
_DISCARDED = "pappus.images.discarded"

# Leading bytes of each accepted format -> (content type, extension).
_SIGNATURES = [
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
    (b"GIF87a", "image/gif", ".gif"),
    (b"GIF89a", "image/gif", ".gif"),
]
STORED_NAME = re.compile(r"^[0-9a-f]{32}\.(jpg|png|gif|webp)$")


@dataclass
class CheckedImage:
    data: bytes
    content_type: str
    extension: str


def sniff(data: bytes) -> tuple[str, str] | None:
    for signature, content_type, extension in _SIGNATURES:
        if data.startswith(signature):
            return content_type, extension
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp", ".webp"
    return None


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
        kind = sniff(data)
        if kind is None:
            raise Invalid(_("%(name)s is not a JPEG, PNG, GIF or WebP image.", name=upload.filename),
                          field="images")
        checked.append(CheckedImage(data, *kind))
    return checked


def upload_folder() -> str:
    base = current_app.config.get("UPLOAD_FOLDER") or os.path.join(current_app.instance_path, "uploads")
    return os.path.join(base, "notes")


def store(image: CheckedImage) -> str:
    """Write the image under a fresh random name and return that name."""
    folder = upload_folder()
    os.makedirs(folder, exist_ok=True)
    name = secrets.token_hex(16) + image.extension
    path = os.path.join(folder, name)
    with open(path, "xb") as handle:
        handle.write(image.data)
    db.session.info.setdefault(_WRITTEN, []).append(path)
    return name


def discard(name: str) -> None:
    """Delete this stored image's file once the current transaction commits."""
    db.session.info.setdefault(_DISCARDED, []).append(os.path.join(upload_folder(), name))


def _remove_files(paths) -> None:
    for path in paths:
        try:
            os.remove(path)
        except FileNotFoundError:
            pass


@event.listens_for(Session, "after_commit")
def _files_follow_commit(session):
    session.info.pop(_WRITTEN, None)
    _remove_files(session.info.pop(_DISCARDED, ()))


@event.listens_for(Session, "after_soft_rollback")
def _files_follow_rollback(session, previous_transaction):
    if previous_transaction.parent is None:  # the whole transaction, not a savepoint
        session.info.pop(_DISCARDED, None)
        _remove_files(session.info.pop(_WRITTEN, ()))
