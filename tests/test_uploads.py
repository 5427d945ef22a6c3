"""One upload store for avatars and note images: sniffed by content, tied to the transaction
(a failed commit neither loses the old file nor keeps the new one), and swept of orphans."""
import io
import os
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy.exc import IntegrityError

from marketplace import clock, outbox, transaction, uploads
from marketplace.creators import service as creators
from marketplace.creators.models import CreatorProfile
from marketplace.extensions import db
from marketplace.notes import images
from marketplace.outbox.models import OutboxItem
from tests.factories import make_creator

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
WEBP = b"RIFF\x00\x00\x00\x00WEBPVP8 " + b"\x00" * 64


def _avatar_path(name: str) -> str:
    return os.path.join(creators.AVATARS.path(), name)


def test_the_store_sniffs_content_not_names():
    assert uploads.sniff(PNG).content_type == "image/png"
    assert uploads.sniff(JPEG).extension == ".jpg"
    assert uploads.sniff(WEBP).kind == "webp"
    assert uploads.sniff(b"GIF89a...").kind == "gif"
    assert uploads.sniff(b"<svg onload=alert(1)>") is None


def test_replacing_an_avatar_removes_the_old_file_only_after_the_commit():
    profile = make_creator()
    old = transaction.run(lambda: creators.set_avatar(profile, PNG)).value
    new = None

    def replace():
        nonlocal new
        new = creators.set_avatar(profile, JPEG)
        assert os.path.exists(_avatar_path(old)), "still in use until the commit"

    assert transaction.run(replace)
    assert not os.path.exists(_avatar_path(old)) and os.path.exists(_avatar_path(new))
    assert db.session.get(CreatorProfile, profile.id).avatar_filename == new


def test_a_failed_commit_keeps_the_old_avatar_and_leaves_no_new_file():
    profile = make_creator()
    old = transaction.run(lambda: creators.set_avatar(profile, PNG)).value
    files_before = set(os.listdir(creators.AVATARS.path()))

    def replace_then_fail_at_commit():
        creators.set_avatar(profile, JPEG)
        profile.follower_count = -1  # breaks a CHECK constraint: the commit itself fails

    with pytest.raises(IntegrityError):
        transaction.run(replace_then_fail_at_commit)
    assert set(os.listdir(creators.AVATARS.path())) == files_before
    assert os.path.exists(_avatar_path(old))
    assert db.session.get(CreatorProfile, profile.id).avatar_filename == old
    assert db.session.scalar(db.select(db.func.count()).select_from(OutboxItem)) == 0


def test_the_sweep_removes_only_old_files_no_row_refers_to(app):
    profile = make_creator()
    kept = transaction.run(lambda: creators.set_avatar(profile, PNG)).value
    folder = creators.AVATARS.path()
    orphan = "a" * 32 + ".png"
    young_orphan = "b" * 32 + ".png"
    not_ours = "notes.txt"
    for name in (orphan, young_orphan, not_ours):
        (folder / name).write_bytes(PNG)
    hour_ago = (datetime.now(timezone.utc) - timedelta(minutes=61)).timestamp()
    for name in (orphan, kept, not_ours):
        os.utime(folder / name, (hour_ago, hour_ago))
    note_orphan = images.upload_folder() / ("c" * 32 + ".gif")
    note_orphan.parent.mkdir(parents=True, exist_ok=True)
    note_orphan.write_bytes(b"GIF89a")
    os.utime(note_orphan, (hour_ago, hour_ago))

    clock.set_now(datetime.now(timezone.utc))
    report = outbox.sweep()
    assert report.tidied == 2
    assert not (folder / orphan).exists() and not note_orphan.exists()
    assert (folder / kept).exists() and (folder / young_orphan).exists() and (folder / not_ours).exists()


def test_avatar_pages_still_refuse_what_is_not_an_image(client, login_as):
    profile = make_creator()
    login_as(profile.user)
    response = client.post("/creator/profile/avatar", data={"avatar": (io.BytesIO(b"GIF89a" + b"\x00" * 10), "x.gif")},
                           content_type="multipart/form-data", follow_redirects=True)
    assert "Upload a PNG, JPEG or WebP image." in response.get_data(as_text=True)
