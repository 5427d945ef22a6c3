"""Matching over the API: ranked, explained creators for a brief."""
from flask import current_app, g, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user

from marketplace.access import PLATFORM
from marketplace.api import bp
from marketplace.api.openapi import document, schema
from marketplace.api_tokens.guards import token_or_session
from marketplace.briefs import service as briefs
from marketplace.errors import Invalid
from marketplace.matching import service as matching
from marketplace.parsing import INT_MAX, bounded_int

REASON = schema("MatchReason", {
    "type": "object",
    "properties": {"part": {"type": "string", "enum": ["categories", "audience", "engagement", "price",
                                                       "on_time", "strikes"]},
                   "points": {"type": "number"}, "max_points": {"type": "number"},
                   "words": {"type": "string", "description": "The reason in the request's language"}},
})
CREATOR_MATCH = schema("CreatorMatch", {
    "type": "object",
    "properties": {
        "rank": {"type": "integer"}, "score": {"type": "number", "description": "0–100, minus 10 per strike"},
        "handle": {"type": "string"}, "display_name": {"type": "string"},
        "categories": {"type": "array", "items": {"type": "string"}}, "region": {"type": "string"},
        "followers": {"type": "integer"}, "engagement_rate_bps": {"type": "integer"},
        "quote_cents": {"type": ["integer", "null"]}, "currency": {"type": "string"},
        "reasons": {"type": "array", "items": REASON},
    },
})
MATCH_PAGE = schema("CreatorMatchPage", {
    "type": "object",
    "properties": {"brief_id": {"type": "integer"},
                   "total": {"type": "integer", "description": "Counted up to 1,000 (or this page's end)"},
                   "more": {"type": "boolean", "description": "More creators match than total"},
                   "page": {"type": "integer"},
                   "per_page": {"type": "integer"}, "matches": {"type": "array", "items": CREATOR_MATCH}},
})
ERROR = {"$ref": "#/components/schemas/Error"}


def _query(name: str, kind):
    parameter = {"name": name, "in": "query", "required": False, "schema": {"type": kind}}
    return parameter


def _int_arg(name: str, errors: dict) -> int | None:
    raw = request.args.get(name)
    if raw in (None, ""):
        return None
    value = bounded_int(raw)
    if value is None:
        errors[name] = _("A whole number (at most %(n)d).", n=INT_MAX)
        return None
    if value < 0:
        errors[name] = _("Zero or more.")
    return value


@bp.route("/briefs/<int:brief_id>/matches")
@token_or_session("brand", "staff")
@document("get", "/briefs/{brief_id}/matches", summary="Eligible creators ranked for a brief, with reasons",
          description="Open to an API token, the brand that owns the brief (signed in) and staff. "
                      "Amounts are integer cents; quote filters too.",
          security=[{"bearerToken": []}], tags=["matching"],
          parameters=[{"name": "brief_id", "in": "path", "required": True, "schema": {"type": "integer"}},
                      _query("category", "string"), _query("region", "string"),
                      _query("min_followers", "integer"), _query("max_followers", "integer"),
                      _query("min_quote_cents", "integer"), _query("max_quote_cents", "integer"),
                      {"name": "sort", "in": "query", "schema": {"type": "string", "enum": list(matching.CREATOR_SORTS)}},
                      _query("page", "integer"), _query("per_page", "integer")],
          responses={"200": {"description": "One page of matches",
                             "content": {"application/json": {"schema": MATCH_PAGE}}},
                     "401": {"description": "No valid token or session", "content": {"application/json": {"schema": ERROR}}},
                     "403": {"description": "Not this account's brief", "content": {"application/json": {"schema": ERROR}}},
                     "404": {"description": "No such brief (drafts are private)"},
                     "422": {"description": "Invalid query parameters", "content": {"application/json": {"schema": ERROR}}}})
def brief_matches(brief_id: int):
    # A token sees every open brief; a brand only its own; staff every open brief.
    viewer = current_user if g.api_token is None else PLATFORM
    brief = briefs.load_brief(brief_id, viewer, edit=g.api_token is None and current_user.is_brand)
    errors: dict[str, str] = {}
    filters = matching.Filters(
        category=request.args.get("category") or None, region=request.args.get("region") or None,
        min_followers=_int_arg("min_followers", errors), max_followers=_int_arg("max_followers", errors),
        min_quote_cents=_int_arg("min_quote_cents", errors), max_quote_cents=_int_arg("max_quote_cents", errors),
        sort=request.args.get("sort") or "score", page=_int_arg("page", errors) or 1,
        per_page=_int_arg("per_page", errors) or current_app.config["MATCHES_PER_PAGE"])
    if filters.sort not in matching.CREATOR_SORTS:
        errors["sort"] = _("One of: %(values)s.", values=", ".join(matching.CREATOR_SORTS))
    if errors:
        raise Invalid(_("Some query parameters are not valid."), fields=errors)
    page = matching.creators_for_brief(brief, filters)
    return jsonify(brief_id=brief.id, total=page.total, more=page.more, page=page.page, per_page=page.per_page, matches=[
        {"rank": m.rank, "score": round(m.score, 2), "handle": m.subject.handle,
         "display_name": m.subject.display_name, "categories": m.subject.categories,
         "region": m.subject.region, "followers": m.subject.follower_count,
         "engagement_rate_bps": m.subject.engagement_bps,
         "quote_cents": m.subject.quote_for(brief.deliverable), "currency": m.subject.currency,
         "reasons": [{"part": r.part, "points": round(r.points, 2), "max_points": r.max_points, "words": r.words}
                     for r in m.reasons]}
        for m in page.matches])
