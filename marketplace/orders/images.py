"""Draft images: checked exactly as a note's (``notes.images.check_uploads``: content sniffed,
size and count limits), kept in the upload store's ``order_drafts`` folder, shown only to the
order's brand, creator and staff. Publishing hands copies to the note."""
from __future__ import annotations

import io
import mimetypes
from pathlib import Path

from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from marketplace import uploads
from marketplace.extensions import db
from marketplace.notes import images as note_images
from marketplace.orders.models import Draft, DraftImage

STORED_NAME = uploads.STORED_NAME


def _in_use(names: set[str]) -> set[str]:
    return set(db.session.scalars(select(DraftImage.filename).where(DraftImage.filename.in_(names))))


DRAFT_IMAGES = uploads.folder("order_drafts", referenced=_in_use)


def upload_folder() -> Path:
    return DRAFT_IMAGES.path()


def check(files) -> list[note_images.CheckedImage]:
    """The notes area's checks; refused uploads raise ``Invalid`` on the ``images`` field."""
    return note_images.check_uploads(files)


def attach(draft: Draft, checked: list[note_images.CheckedImage], previous: Draft | None) -> None:
    """The version's images: the new uploads, or, when none came, the previous version's
    (copied, so each version keeps its own files)."""
    if checked:
        for i, image in enumerate(checked):
            draft.images.append(DraftImage(filename=DRAFT_IMAGES.save(image.data, image.extension),
                                           content_type=image.content_type, size_bytes=len(image.data), position=i))
    elif previous is not None:
        for image in previous.images:
            data = (upload_folder() / image.filename).read_bytes()
            extension = Path(image.filename).suffix
            draft.images.append(DraftImage(filename=DRAFT_IMAGES.save(data, extension),
                                           content_type=image.content_type, size_bytes=image.size_bytes,
                                           position=image.position))


def as_uploads(draft: Draft) -> list[FileStorage]:
    """The draft's images as uploads, for ``notes.service.publish_note`` (checked again there)."""
    files = []
    for image in draft.images:
        data = (upload_folder() / image.filename).read_bytes()
        name = "image" + (mimetypes.guess_extension(image.content_type) or Path(image.filename).suffix)
        files.append(FileStorage(io.BytesIO(data), filename=name, content_type=image.content_type))
    return files


def find(draft_list: list[Draft], name: str) -> DraftImage | None:
    for draft in draft_list:
        for image in draft.images:
            if image.filename == name:
                return image
    return None
