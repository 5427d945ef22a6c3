"""Metric reports in: from the data feed (one or up to 1,000 per call) and staff CSV uploads.

Every path goes through :func:`ingest`, which checks each item on its own and answers each:

- 201 stored; 200 already stored (the same note, ``as_of`` and figures: a repeat changes nothing);
- 404 no such note; 409 a different report for that note and time is on file (send
  corrections with a later ``as_of``); 422 invalid fields, one reason per field.

Rules: every count is a whole number from 0 to ``MAX_COUNT``; reads ≤ impressions; ``as_of`` is
an ISO 8601 time with a zone, not in the future (a few minutes of clock skew allowed) and not
before the note was published. The same (note, as_of) is stored once: checked here, and by
the unique constraint with ``ON CONFLICT DO NOTHING`` when two feeds race.

A bulk call keeps its good items and answers the bad ones; a CSV upload is all or nothing.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from flask_babel import gettext as _
from sqlalchemy import insert, select

from marketplace import clock
from marketplace.audit_trail import record_staff_action
from marketplace.errors import Conflict, Invalid, NotFound
from marketplace.extensions import db
from marketplace.metrics.models import FIELDS, MetricReport
from marketplace.notes.models import Note

MAX_COUNT = 10_000_000_000  # far above any note's reach; bigger is a unit error upstream
MAX_BULK = 1000
MAX_CSV_ROWS = 10_000
CLOCK_SKEW = timedelta(minutes=5)  # feed servers' clocks may run slightly ahead of ours
CSV_COLUMNS = ("note_id", "as_of", *FIELDS)
_KNOWN = frozenset(CSV_COLUMNS)
_OUTCOMES = {201: "stored", 200: "already stored", 404: "not found", 409: "conflict"}


@dataclass
class Answer:
    """What happened to one item."""

    index: int
    status: int
    note_id: int | None = None
    as_of: datetime | None = None
    error: str | None = None
    fields: dict[str, str] = field(default_factory=dict)
    values: dict | None = None  # the clean report, while it is still to be stored

    @property
    def ok(self) -> bool:
        return self.status in (200, 201)

    @property
    def outcome(self) -> str:
        return _OUTCOMES.get(self.status, "invalid")

    def as_json(self) -> dict:
        body = {"index": self.index, "status": self.status, "outcome": self.outcome, "note_id": self.note_id,
                "as_of": self.as_of.isoformat() if self.as_of else None}
        if self.error:
            body["error"] = self.error
        if self.fields:
            body["fields"] = self.fields
        return body


class FieldErrors(Invalid):
    """Several invalid fields at once: the API returns one reason per field."""

    def __init__(self, fields: dict[str, str]):
        super().__init__(_("Some fields are not valid."), fields=fields)


class CsvRefused(Invalid):
    """A CSV upload with a bad row: nothing was imported; ``answers`` says what each row had."""

    def __init__(self, answers: list[Answer]):
        bad = sum(1 for a in answers if not a.ok)
        super().__init__(_("Nothing was imported: %(n)d of %(total)d rows have problems. Fix them and "
                           "upload the whole file again.", n=bad, total=len(answers)))
        self.answers = answers


def parse_time(raw) -> datetime:
    if isinstance(raw, datetime):
        moment = raw
    elif isinstance(raw, str):
        moment = datetime.fromisoformat(raw.strip().replace("Z", "+00:00"))
    else:
        raise ValueError
    if moment.tzinfo is None:
        raise ValueError
    return moment.astimezone(timezone.utc)


def _count_error(value, name: str) -> str:
    if value is None:
        return _("Required: a whole number, 0 or more.")
    return _("A whole number from 0 to %(max)s.", max=f"{MAX_COUNT:,}")


def check(payload, index: int, now: datetime, note_id=None) -> Answer:
    """Check one item's own fields (not yet against its note or what is on file)."""
    answer = Answer(index=index, status=422)
    if not isinstance(payload, dict):
        answer.error = _("Send a JSON object.")
        answer.fields = {"body": answer.error}
        return answer
    errors: dict[str, str] = {}
    raw_note = payload.get("note_id", note_id) if note_id is None else note_id
    if not isinstance(raw_note, int) or isinstance(raw_note, bool) or raw_note <= 0:
        errors["note_id"] = _("The note's id, a whole number.")
    else:
        answer.note_id = raw_note
    unknown = payload.keys() - _KNOWN
    for name in sorted(unknown):
        errors[name] = _("Unknown field; send only: %(fields)s.", fields=", ".join(CSV_COLUMNS))
    values = {}
    for name in FIELDS:
        value = payload.get(name)
        if type(value) is int and 0 <= value <= MAX_COUNT:  # noqa: E721  (bool is not a count)
            values[name] = value
        else:
            errors[name] = _count_error(value, name)
    if "reads" in values and "impressions" in values and values["reads"] > values["impressions"]:
        errors["reads"] = _("Reads cannot be more than impressions.")
    try:
        as_of = parse_time(payload.get("as_of"))
    except (ValueError, TypeError):
        errors["as_of"] = _("An ISO 8601 time with a zone, like 2026-05-03T09:00:00Z.")
    else:
        answer.as_of = as_of
        if as_of > now + CLOCK_SKEW:
            errors["as_of"] = _("This time is in the future.")
    if errors:
        answer.fields = errors
        answer.error = next(iter(errors.values())) if len(errors) == 1 else _("Some fields are not valid.")
        return answer
    answer.status = 0  # checked; the note and the reports on file come next
    answer.values = values
    return answer


def ingest(payloads: list, source: str, *, note_id: int | None = None, store: bool = True) -> list[Answer]:
    """Check and store reports, answering each (see the module's docstring). With
    ``store=False`` nothing is written (a CSV with a bad row)."""
    now = clock.now()
    answers = [check(payload, i, now, note_id) for i, payload in enumerate(payloads)]
    pending = [a for a in answers if a.status == 0]
    if not pending:
        return answers

    note_ids = {a.note_id for a in pending}
    notes = dict(db.session.execute(
        select(Note.id, Note.created_at).where(Note.id.in_(note_ids), Note.deleted_at.is_(None))).all())
    for a in pending:
        published = notes.get(a.note_id)
        if published is None:
            a.status, a.error = 404, _("No note with id %(id)s.", id=a.note_id)
        elif a.as_of < published:
            a.status = 422
            a.error = a.fields["as_of"] = _("Before the note was published (%(when)s).",
                                            when=published.isoformat())
    pending = [a for a in pending if a.status == 0]

    on_file: dict[tuple, dict] = {}
    if pending:
        # The reports on file for these notes in the span sent (a superset of the keys, found
        # through the unique index with few parameters), kept where the key was sent.
        keys = {(a.note_id, a.as_of) for a in pending}
        columns = [MetricReport.note_id, MetricReport.as_of, *(getattr(MetricReport, f) for f in FIELDS)]
        query = select(*columns).where(MetricReport.note_id.in_({a.note_id for a in pending}),
                                       MetricReport.as_of.between(min(a.as_of for a in pending),
                                                                  max(a.as_of for a in pending)))
        for row in db.session.execute(query):
            if (row[0], row[1]) in keys:
                on_file[(row[0], row[1])] = dict(zip(FIELDS, row[2:]))

    rows = []
    for a in pending:
        key = (a.note_id, a.as_of)
        seen = on_file.get(key)
        if seen is None:
            on_file[key] = a.values
            a.status = 201
            rows.append({"note_id": a.note_id, "as_of": a.as_of, "received_at": now, "source": source,
                         **a.values})
        elif seen == a.values:
            a.status = 200
        else:
            a.status = 409
            a.error = _("A different report for this note at this time is already on file. Send "
                        "corrections with a later as_of.")
        a.values = None
    if rows and store:
        _insert(rows)
    return answers


def _insert(rows: list[dict]) -> None:
    """Insert, skipping a (note, as_of) another request stored meanwhile (the unique key)."""
    connection = db.session.connection()
    dialect = connection.dialect
    table = MetricReport.__table__
    if dialect.name == "sqlite":
        # The bulk path's hot spot: one executemany with the column types' own bind
        # processors applied once per value, without Core's per-row parameter machinery.
        names = ["note_id", "as_of", "received_at", "source", *FIELDS]
        moment = table.c.as_of.type._cached_bind_processor(dialect)
        processors = [moment if name in ("as_of", "received_at") else None for name in names]
        params = [tuple(value if process is None else process(value)
                        for value, process in zip((row[name] for name in names), processors)) for row in rows]
        sql = (f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))}) "
               "ON CONFLICT (note_id, as_of) DO NOTHING")
        connection.exec_driver_sql(sql, params)
        return
    if dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert

        connection.execute(dialect_insert(table).on_conflict_do_nothing(index_elements=["note_id", "as_of"]), rows)
        return
    connection.execute(insert(table), rows)  # pragma: no cover


# ---- entry points ---------------------------------------------------------------------------

def report_one(note_id: int, payload) -> Answer:
    """One report for one note (the API's per-note endpoint): the answer, or a refusal."""
    if isinstance(payload, dict) and "note_id" in payload and payload["note_id"] != note_id:
        raise FieldErrors({"note_id": _("Leave note_id out, or send the id in the address.")})
    answer = ingest([payload], "api", note_id=note_id)[0]
    if answer.status == 404:
        raise NotFound(answer.error)
    if answer.status == 409:
        raise Conflict(answer.error)
    if answer.status == 422:
        raise FieldErrors(answer.fields)
    return answer


def report_bulk(payload) -> list[Answer]:
    """Up to ``MAX_BULK`` reports: ``{"reports": [...]}`` or a bare list. Good items are stored
    even when others are refused."""
    items = payload.get("reports") if isinstance(payload, dict) else payload
    if not isinstance(items, list):
        raise FieldErrors({"reports": _("Send a list of reports: {\"reports\": [...]}.")})
    if not items:
        raise FieldErrors({"reports": _("Send at least one report.")})
    if len(items) > MAX_BULK:
        raise FieldErrors({"reports": _("At most %(n)d reports per call; split the rest.", n=MAX_BULK)})
    return ingest(items, "api")


def parse_csv(text: str) -> list[dict]:
    """Rows of a CSV with a header naming ``CSV_COLUMNS`` (any order); cells stay text where
    they are not whole numbers, so the checks name them."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [name.strip() for name in (reader.fieldnames or [])]
    missing = [name for name in CSV_COLUMNS if name not in header]
    if missing:
        raise Invalid(_("The header row must name these columns: %(columns)s (missing: %(missing)s).",
                        columns=", ".join(CSV_COLUMNS), missing=", ".join(missing)), field="file")
    reader.fieldnames = header
    rows = []
    for raw in reader:
        if len(rows) >= MAX_CSV_ROWS:
            raise Invalid(_("At most %(n)d rows per file.", n=MAX_CSV_ROWS), field="file")
        row = {}
        for name in CSV_COLUMNS:
            cell = (raw.get(name) or "").strip()
            if name == "as_of":
                row[name] = cell or None
            elif cell == "":
                row[name] = None
            else:
                row[name] = int(cell) if cell.isascii() and cell.isdigit() else cell
        rows.append(row)
    if not rows:
        raise Invalid(_("The file has a header but no rows."), field="file")
    return rows


def import_csv(actor, text: str, reason: str, filename: str = "") -> list[Answer]:
    """A staff upload: every row is checked; the whole file is imported, or none of it
    (:class:`CsvRefused` carries the row-by-row answers)."""
    rows = parse_csv(text)
    answers = ingest(rows, "csv", store=False)
    if not all(a.ok for a in answers):
        raise CsvRefused(answers)
    stored = sum(1 for a in answers if a.status == 201)
    record_staff_action(actor, "metrics.csv_import", "metrics_upload", 0, reason,
                        file=filename[:80], rows=len(answers), stored=stored)
    return ingest(rows, "csv")
