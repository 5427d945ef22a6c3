"""`GET /api/v1/openapi.json`: the OpenAPI document itself, built from what each view declares."""
from flask import jsonify

from marketplace.access import PUBLIC, audience
from marketplace.api import bp, openapi


@bp.route("/openapi.json")
@audience(PUBLIC)
def openapi_document():
    return jsonify(openapi.build())
