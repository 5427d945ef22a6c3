"""``GET /api/v1/search``: the search page's results as JSON."""
from flask import jsonify, request, url_for
from flask_babel import gettext as _

from marketplace.access import PUBLIC, audience
from marketplace.api import bp
from marketplace.api.openapi import document, schema
from marketplace.search import service

_HIT = schema("SearchHit", {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "title": {"type": "string"},
        "title_html": {"type": "string", "description": "Title, HTML-escaped, matches in <mark>"},
        "snippet_html": {"type": "string", "description": "Body excerpt, HTML-escaped, matches in <mark>"},
        "creator": {"type": "object", "properties": {"handle": {"type": "string"},
                                                     "display_name": {"type": "string"}}},
        "tags": {"type": "array", "items": {"type": "string"}},
        "sponsor": {"type": ["string", "null"], "description": "Brand, when the note is filed"},
        "receipt_url": {"type": ["string", "null"]},
        "url": {"type": "string"},
        "published_at": {"type": "string", "format": "date-time"},
    },
})
_RESULTS = schema("SearchResults", {
    "type": "object",
    "properties": {
        "query": {"type": "string"}, "page": {"type": "integer"}, "pages": {"type": "integer"},
        "total": {"type": "integer"},
        "more": {"type": "boolean", "description": "More matches exist than were ranked"},
        "notice": {"type": ["string", "null"]},
        "results": {"type": "array", "items": _HIT},
    },
})


@bp.route("/search")
@audience(PUBLIC)
@document("get", "/search", summary="Search indexable notes (English and Chinese)",
          parameters=[
              {"name": "q", "in": "query", "required": True, "schema": {"type": "string"}},
              {"name": "tag", "in": "query", "schema": {"type": "string"}},
              {"name": "sponsored", "in": "query", "schema": {"enum": ["only", "hide"]}},
              {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}},
          ],
          responses={"200": {"description": "Ranked results",
                             "content": {"application/json": {"schema": _RESULTS}}},
                     "422": {"description": "No query given",
                             "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}})
def search_notes():
    params = service.params_from(request.args)
    if not params["query"].strip():
        reason = _("Give a search query in q.")
        return jsonify(error=reason, fields={"q": reason}), 422
    results = service.search(**params)
    return jsonify(
        query=results.query, page=results.page, pages=results.pages, total=results.total,
        more=results.more, notice=results.notice,
        results=[_hit(hit) for hit in results.hits],
    )


def _hit(hit) -> dict:
    note, filing = hit.note, hit.note.filing
    return {
        "id": note.id, "title": note.title, "title_html": str(hit.title),
        "snippet_html": str(hit.snippet),
        "creator": {"handle": note.creator.handle, "display_name": note.creator.display_name},
        "tags": note.tag_names,
        "sponsor": filing.brand.company_name if filing else None,
        "receipt_url": url_for("filings.receipt", code=filing.code, _external=True) if filing else None,
        "url": url_for("notes.show", note_id=note.id, _external=True),
        "published_at": note.created_at.isoformat(),
    }
