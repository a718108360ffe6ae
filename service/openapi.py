"""The OpenAPI document says what the service really answers: every error in one shape.

FastAPI documents a 422 as ``{"detail": [...]}``; this service answers every error as
``{"error", "message", "message_vi"}`` (a 422 for a bad field adds ``detail``), and any operation
may answer 401/403 (tokens), 404, 405, 413 or 415 — so each operation gets the ``ErrorBody``
for 422 and as its ``default`` response. ``tests/service/test_schema_fuzz.py`` holds the
service to this document with schemathesis.
"""

from __future__ import annotations

from typing import Any

ERROR_REF = {"$ref": "#/components/schemas/ErrorBody"}


def error_response(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": ERROR_REF}}}


def with_error_shape(schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` with the error responses rewritten (in place) and returned."""
    from service.schemas import ErrorBody

    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components.setdefault("ErrorBody", ErrorBody.model_json_schema())
    for ops in schema.get("paths", {}).values():
        for op in ops.values():
            if not isinstance(op, dict) or "responses" not in op:
                continue
            responses = op["responses"]
            if "422" in responses:
                responses["422"] = error_response("a field is invalid (error invalid_field, with detail)")
            responses.setdefault("default", error_response("an error: 4xx with {error, message, message_vi}"))
    for unused in ("HTTPValidationError", "ValidationError"):
        if not _referenced(schema, unused):
            components.pop(unused, None)
    return schema


def _referenced(schema: dict[str, Any], name: str) -> bool:
    import json

    return f'"#/components/schemas/{name}"' in json.dumps(schema.get("paths", {}))


def install(app: Any) -> None:
    """Make ``app.openapi()`` return the rewritten document (built once)."""
    original = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = with_error_shape(original())
        return app.openapi_schema  # type: ignore[no-any-return]

    app.openapi = openapi
