"""The upload store: image files checked by their content, kept under random names in one
folder per kind (avatars, note images; draft images next), and tied to the transaction that
records them.

- A file saved for a change that rolls back is removed at once (:func:`outbox.on_rollback`).
- A file replaced or removed by a change is deleted only after that change commits, by an
  outbox item (``uploads.remove``): a failed commit never loses the file still in use.
- A file no row refers to (its process crashed between writing it and committing) is
  removed by the outbox sweep once it is older than ``UPLOAD_ORPHAN_MINUTES``.

Only raster formats are accepted, whatever the browser claims. SVG in particular is
refused: it can carry script.
"""
from __future__ import annotations

import io
import os
import re
import secrets
import warnings
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Callable, Iterable

from flask import current_app, send_from_directory

from marketplace import outbox

# Leading bytes of each accepted format -> (kind, content type, extension).
_SIGNATURES = [
    (b"\xff\xd8\xff", "jpeg", "image/jpeg", ".jpg"),
    (b"\x89PNG\r\n\x1a\n", "png", "image/png", ".png"),
    (b"GIF87a", "gif", "image/gif", ".gif"),
    (b"GIF89a", "gif", "image/gif", ".gif"),
]
STORED_NAME = re.compile(r"^[0-9a-f]{32}\.(jpg|png|gif|webp)$")

# folder name -> which of the given stored names rows still refer to
_FOLDERS: dict[str, Callable[[set[str]], set[str]]] = {}


@dataclass(frozen=True)
class ImageKind:
    kind: str  # "jpeg", "png", "gif", "webp"
    content_type: str
    extension: str


def sniff(data: bytes) -> ImageKind | None:
    """The image format ``data`` really is, from its first bytes; None when not an image."""
    for signature, kind, content_type, extension in _SIGNATURES:
        if data.startswith(signature):
            return ImageKind(kind, content_type, extension)
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return ImageKind("webp", "image/webp", ".webp")
    return None


def pixel_count(data: bytes) -> int | None:
    """Width × height an image declares in its header (nothing is decoded), or None when
    Pillow cannot read the header. A header declaring more pixels than Pillow's own bomb
    limit counts as larger than any limit."""
    from PIL import Image

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data)) as image:
                width, height = image.size
        except Image.DecompressionBombError:
            return 2**62
        except Exception:  # noqa: BLE001  (any unreadable header: the caller refuses it)
            return None
    return width * height


def base_folder() -> Path:
    return Path(current_app.config.get("UPLOAD_FOLDER") or Path(current_app.instance_path) / "uploads")


@dataclass(frozen=True)
class Folder:
    """One kind of upload (``avatars``, ``notes``), in its own directory."""

    name: str

    def path(self) -> Path:
        return base_folder() / self.name

    def save(self, data: bytes, extension: str) -> str:
        """Write ``data`` under a fresh random name; removed again if the transaction rolls back."""
        folder = self.path()
        folder.mkdir(parents=True, exist_ok=True)
        name = secrets.token_hex(16) + extension
        with open(folder / name, "xb") as handle:
            handle.write(data)
        outbox.on_rollback(_remove, folder / name)
        return name

    def discard(self, name: str) -> None:
        """Delete this stored file once the current transaction commits (and only then)."""
        outbox.add("uploads.remove", {"folder": self.name, "name": name})

    def serve(self, name: str, max_age: int):
        return send_from_directory(self.path(), name, max_age=max_age)


def folder(name: str, referenced: Callable[[set[str]], set[str]]) -> Folder:
    """Declare an upload folder and how to tell which of its files rows still refer to (for
    the orphan sweep): ``referenced(names)`` returns the subset of ``names`` in use."""
    _FOLDERS[name] = referenced
    return Folder(name)


def _remove(path: Path) -> None:
    try:
        os.remove(path)
    except FileNotFoundError:
        pass


@outbox.handler("uploads.remove")
def _remove_after_commit(payload: dict) -> None:
    name = payload.get("name", "")
    if payload.get("folder") in _FOLDERS and STORED_NAME.match(name):
        _remove(Folder(payload["folder"]).path() / name)


def _stored_files(path: Path) -> Iterable[tuple[str, datetime]]:
    """(name, modified) of the stored files in ``path``; files gone meanwhile are skipped."""
    if not path.is_dir():
        return []
    found = []
    for entry in os.scandir(path):
        if STORED_NAME.match(entry.name):
            try:
                if entry.is_file():
                    found.append((entry.name, datetime.fromtimestamp(entry.stat().st_mtime, timezone.utc)))
            except FileNotFoundError:
                continue
    return found


def remove_orphans(now: datetime) -> int:
    """Remove files older than ``UPLOAD_ORPHAN_MINUTES`` that no row refers to. The age keeps
    files of transactions still in flight (written, not yet committed) safe."""
    cutoff = now - timedelta(minutes=current_app.config["UPLOAD_ORPHAN_MINUTES"])
    removed = 0
    for name, referenced in _FOLDERS.items():
        path = Folder(name).path()
        old = {name for name, modified in _stored_files(path) if modified < cutoff}
        names = sorted(old)
        for start in range(0, len(names), 500):  # bounded IN lists
            chunk = set(names[start:start + 500])
            for orphan in chunk - referenced(chunk):
                _remove(path / orphan)
                removed += 1
    return removed


outbox.add_sweeper(remove_orphans)
