"""The OpenAPI 3.1 document, assembled from what each API view declares about itself.

Usage, next to a route::

    @bp.route("/things/<int:thing_id>")
    @document("get", "/things/{thing_id}", summary="...", responses={...}, parameters=[...])
    def thing(thing_id): ...
"""
from __future__ import annotations

from typing import Any, Callable

_PATHS: dict[str, dict[str, Any]] = {}
_SCHEMAS: dict[str, Any] = {
    "Error": {
        "type": "object",
        "properties": {
            "error": {"type": "string", "description": "What went wrong, for a person to read"},
            "fields": {"type": "object", "additionalProperties": {"type": "string"},
                       "description": "One reason per invalid field (422 only)"},
        },
        "required": ["error"],
    }
}
_SECURITY_SCHEMES = {"bearerToken": {"type": "http", "scheme": "bearer",
                                     "description": "An API token created by staff"}}


def document(method: str, path: str, **operation: Any) -> Callable:
    """Declare an operation of the API; returns the view unchanged."""

    def decorate(view: Callable) -> Callable:
        operation.setdefault("operationId", view.__name__)
        _PATHS.setdefault(path, {})[method.lower()] = operation
        return view

    return decorate


def schema(name: str, body: dict[str, Any]) -> dict[str, str]:
    """Register a named schema and return a ``$ref`` to it."""
    _SCHEMAS[name] = body
    return {"$ref": f"#/components/schemas/{name}"}


def build() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {"title": "Pappus API", "version": "1",
                 "description": "Creator–brand cooperation marketplace: data feed, matching, search."},
        "servers": [{"url": "/api/v1"}],
        "paths": {path: dict(ops) for path, ops in sorted(_PATHS.items())},
        "components": {"schemas": dict(_SCHEMAS), "securitySchemes": _SECURITY_SCHEMES},
    }
