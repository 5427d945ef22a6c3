"""API views that belong to no single area: the OpenAPI document itself."""
from flask import jsonify

from marketplace.access import PUBLIC, audience
from marketplace.api import bp, openapi


@bp.route("/openapi.json")
@audience(PUBLIC)
def openapi_document():
    return jsonify(openapi.build())
