"""After-commit work is durable: a process killed between the commit and the re-index loses
nothing (the sweep indexes the note), and a rolled-back action leaves no file, no index
change and no queued work."""
import io
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

from werkzeug.datastructures import FileStorage

from marketplace import transaction
from marketplace.errors import Conflict
from marketplace.extensions import db
from marketplace.notes import images, service as notes
from marketplace.notes.models import Note
from marketplace.outbox.models import OutboxItem
from tests.factories import make_creator, make_note
from tests.search.helpers import found, indexed_ids

ROOT = Path(__file__).resolve().parents[2]
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _queued() -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(OutboxItem))


def test_a_process_killed_after_commit_loses_no_index_update(app, runner):
    creator = make_creator(handle="crashy")
    script = textwrap.dedent(f"""
        import os, signal
        from config import TestingConfig
        from marketplace import create_app
        from marketplace.creators.models import CreatorProfile
        from marketplace.extensions import db
        from marketplace.notes import service as notes
        from marketplace.outbox import service as outbox

        app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI={app.config["SQLALCHEMY_DATABASE_URI"]!r},
                         UPLOAD_FOLDER={app.config["UPLOAD_FOLDER"]!r})
        # Die the moment the commit is durable, before any after-commit effect.
        outbox.run_items = lambda ids: os.kill(os.getpid(), signal.SIGKILL)
        with app.app_context():
            creator = db.session.get(CreatorProfile, {creator.id})
            notes.publish_note(creator, "Crash-proof sunscreen", "Found after the sweep.")
            db.session.commit()
        print("still alive")
    """)
    died = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    assert died.returncode == -signal.SIGKILL, died.stderr
    assert "still alive" not in died.stdout

    db.session.expire_all()
    note = db.session.scalar(db.select(Note).where(Note.title == "Crash-proof sunscreen"))
    assert note is not None, "the commit was durable"
    # Two work items wait: the re-index and the undisclosed-ad scan (marketplace.cases).
    assert note.id not in indexed_ids() and _queued() == 2, "the effects never ran, their work items wait"

    swept = runner.invoke(args=["outbox", "sweep"])
    assert swept.exit_code == 0 and "2 done" in swept.output, swept.output
    assert found("sunscreen") == [note.id] and _queued() == 0


def test_a_rolled_back_action_leaves_no_file_no_index_change_and_no_queued_work():
    note = make_note(make_creator(), title="Picnic basket", body="Sunny day")
    assert found("picnic") == [note.id]
    before = set(os.listdir(images.upload_folder())) if os.path.isdir(images.upload_folder()) else set()

    def edit_then_refuse():
        notes.edit_note(note, "Rainy umbrella", "Grey day",
                        uploads=[FileStorage(io.BytesIO(PNG), filename="a.png")])
        assert len(os.listdir(images.upload_folder())) == len(before) + 1  # the file was written
        raise Conflict("A later rule refuses, after the edit was flushed.")

    assert not transaction.run(edit_then_refuse)
    assert set(os.listdir(images.upload_folder())) == before
    assert found("picnic") == [note.id] and found("umbrella") == []
    assert _queued() == 0
    assert db.session.get(Note, note.id).title == "Picnic basket"
