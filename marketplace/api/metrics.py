"""The data feed reports note metrics: one report per call, or up to 1,000 with an answer each."""
from flask import jsonify, request

from marketplace.api import bp, respond
from marketplace.api.openapi import document, schema
from marketplace.api_tokens.guards import require_token
from marketplace.metrics import ingest
from marketplace.metrics.models import FIELDS

_COUNT = {"type": "integer", "minimum": 0, "maximum": ingest.MAX_COUNT}
_DESCRIBED = {
    "impressions": "Times the note was shown", "reads": "Times it was opened (at most impressions)",
    "likes": "Likes", "saves": "Saves (collections)", "comments": "Comments", "shares": "Shares",
    "follows": "Follows of the creator from the note", "deep_reads": "Reads past most of the note",
    "searches_after_reading": "Searches for the product after reading",
}
_FIGURES = {name: {**_COUNT, "description": _DESCRIBED[name]} for name in FIELDS}
_AS_OF = {"type": "string", "format": "date-time",
          "description": "When the figures were measured: not in the future, not before the note was published"}

METRIC_REPORT = schema("MetricReport", {
    "type": "object", "required": ["as_of", *FIELDS], "additionalProperties": False,
    "properties": {"note_id": {"type": "integer", "description": "Optional here; the address names the note"},
                   "as_of": _AS_OF, **_FIGURES},
})
BULK_METRIC_REPORT = schema("BulkMetricReport", {
    "type": "object", "required": ["note_id", "as_of", *FIELDS], "additionalProperties": False,
    "properties": {"note_id": {"type": "integer"}, "as_of": _AS_OF, **_FIGURES},
})
METRIC_ANSWER = schema("MetricAnswer", {
    "type": "object",
    "properties": {
        "index": {"type": "integer", "description": "The item's position in the request (0-based)"},
        "status": {"type": "integer", "enum": [200, 201, 404, 409, 422],
                   "description": "201 stored, 200 already stored (a repeat), 404 no such note, "
                                  "409 a different report for that note and time is on file, 422 invalid"},
        "outcome": {"type": "string", "enum": ["stored", "already stored", "not found", "conflict", "invalid"]},
        "note_id": {"type": ["integer", "null"]}, "as_of": {"type": ["string", "null"], "format": "date-time"},
        "error": {"type": "string"},
        "fields": {"type": "object", "additionalProperties": {"type": "string"}, "description": "One reason per field"},
    },
})
ERROR = {"$ref": "#/components/schemas/Error"}
_ERRORS = {"401": {"description": "Missing, unknown or revoked token", "content": {"application/json": {"schema": ERROR}}},
           "422": {"description": "Invalid fields, one reason each", "content": {"application/json": {"schema": ERROR}}}}


@bp.route("/notes/<int:note_id>/metrics", methods=["POST"])
@require_token
@document("post", "/notes/{note_id}/metrics", summary="Report a note's metrics",
          description="Stores the note's figures as of a time. The same (note, as_of) is stored once: sending "
                      "the same report again changes nothing (200); different figures for a stored time are "
                      "refused (409): send corrections with a later as_of.",
          security=[{"bearerToken": []}], tags=["data feed"],
          parameters=[{"name": "note_id", "in": "path", "required": True, "schema": {"type": "integer"}}],
          requestBody={"required": True, "content": {"application/json": {"schema": METRIC_REPORT}}},
          responses={"201": {"description": "Stored", "content": {"application/json": {"schema": METRIC_ANSWER}}},
                     "200": {"description": "Already stored", "content": {"application/json": {"schema": METRIC_ANSWER}}},
                     "404": {"description": "No such note", "content": {"application/json": {"schema": ERROR}}},
                     "409": {"description": "A different report for this time is on file",
                             "content": {"application/json": {"schema": ERROR}}},
                     **_ERRORS})
def report_note_metrics(note_id: int):
    payload = request.get_json(silent=True)
    return respond(lambda: ingest.report_one(note_id, payload),
                   lambda answer: (jsonify(answer.as_json()), answer.status))


@bp.route("/metrics/bulk", methods=["POST"])
@require_token
@document("post", "/metrics/bulk", summary="Report many notes' metrics at once",
          description=f"Up to {ingest.MAX_BULK} reports per call, answered one by one in `results` (same "
                      "order as sent). Good items are stored even when others are refused; the call "
                      "answers 200 whenever the list itself is acceptable.",
          security=[{"bearerToken": []}], tags=["data feed"],
          requestBody={"required": True, "content": {"application/json": {"schema": {
              "type": "object", "required": ["reports"],
              "properties": {"reports": {"type": "array", "minItems": 1, "maxItems": ingest.MAX_BULK,
                                         "items": BULK_METRIC_REPORT}}}}}},
          responses={"200": {"description": "Each item's answer", "content": {"application/json": {"schema": {
              "type": "object",
              "properties": {"stored": {"type": "integer"}, "already_stored": {"type": "integer"},
                             "refused": {"type": "integer"},
                             "results": {"type": "array", "items": METRIC_ANSWER}}}}}},
                     **_ERRORS})
def report_bulk_metrics():
    payload = request.get_json(silent=True)
    return respond(lambda: ingest.report_bulk(payload), _bulk_answer)


def _bulk_answer(answers):
    stored = sum(1 for a in answers if a.status == 201)
    repeats = sum(1 for a in answers if a.status == 200)
    return jsonify(stored=stored, already_stored=repeats, refused=len(answers) - stored - repeats,
                   results=[a.as_json() for a in answers])
