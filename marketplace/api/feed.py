"""The data feed: machine clients report creators' followers, engagement and audience."""
from flask import jsonify

from marketplace.access import PLATFORM
from marketplace.api import bp, respond
from marketplace.api.openapi import document, schema
from marketplace.api_tokens.guards import require_token
from marketplace.creators import service as creators
from marketplace.creators.stats import AGE_BANDS, GENDERS, apply_feed_report
from marketplace.parsing import json_body


def _percentages(keys) -> dict:
    return {"type": "object", "properties": {key: {"type": "integer", "minimum": 0, "maximum": 100} for key in keys},
            "additionalProperties": False, "description": "Whole percentages; they add up to 100 or less"}


STATS_REPORT = schema("StatsReport", {
    "type": "object",
    "required": ["followers", "engagement_rate_bps", "as_of"],
    "properties": {
        "followers": {"type": "integer", "minimum": 0},
        "engagement_rate_bps": {"type": "integer", "minimum": 0, "maximum": 10000,
                                "description": "Engagement rate in basis points: 345 = 3.45%"},
        "as_of": {"type": "string", "format": "date-time", "description": "When the figures were measured"},
        "audience": {"type": "object", "properties": {
            "age": _percentages(AGE_BANDS),
            "gender": _percentages(GENDERS),
            "regions": {"type": "object", "additionalProperties": {"type": "integer", "minimum": 0, "maximum": 100},
                        "description": "Region code (see config REGIONS) to percentage"},
        }},
    },
})
STATS_RESULT = schema("StatsResult", {
    "type": "object",
    "properties": {"handle": {"type": "string"}, "changed": {"type": "boolean",
                                                           "description": "False when this exact report was already stored"},
                   "followers": {"type": "integer"}, "as_of": {"type": "string", "format": "date-time"}},
})
ERROR = {"$ref": "#/components/schemas/Error"}


@bp.route("/creators/<handle>/stats", methods=["POST"])
@require_token
@document("post", "/creators/{handle}/stats", summary="Report a creator's reach",
          description="Stores follower count, engagement rate and audience portrait as of a time. "
                      "Sending the same report again changes nothing; an older report than the one on file is refused.",
          security=[{"bearerToken": []}], tags=["data feed"],
          parameters=[{"name": "handle", "in": "path", "required": True, "schema": {"type": "string"}}],
          requestBody={"required": True, "content": {"application/json": {"schema": STATS_REPORT}}},
          responses={"200": {"description": "Stored (or already stored)",
                             "content": {"application/json": {"schema": STATS_RESULT}}},
                     "400": {"description": "The body is not JSON (malformed, or nested too deeply)",
                             "content": {"application/json": {"schema": ERROR}}},
                     "401": {"description": "Missing, unknown or revoked token",
                             "content": {"application/json": {"schema": ERROR}}},
                     "404": {"description": "No creator with this handle"},
                     "409": {"description": "Older than, or different from, the report on file for that time",
                             "content": {"application/json": {"schema": ERROR}}},
                     "422": {"description": "Invalid fields, one reason each",
                             "content": {"application/json": {"schema": ERROR}}}})
def report_stats(handle: str):
    profile = creators.load_creator(handle, PLATFORM)
    return respond(lambda: apply_feed_report(profile, json_body()),
                   lambda changed: jsonify(handle=profile.handle, changed=changed,
                                           followers=profile.follower_count,
                                           as_of=profile.followers_as_of.isoformat()))
