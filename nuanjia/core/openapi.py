"""The finishing pass over the OpenAPI document ninja generates: every operation lists the error
responses it can really give (one shape, ErrorOut), and tuple schemas are written so that every
OAS 3.1 tool reads them (no `prefixItems`, which older JSON-Schema drafts read as `items: [...]`)."""

from __future__ import annotations

from typing import Any

from .schemas import ErrorOut

ERROR_REF = {"$ref": "#/components/schemas/ErrorOut"}

DESCRIPTIONS = {
    400: "A rule refused the request; nothing changed.",
    401: "No valid sign-in or API token.",
    403: "The caller's role or scope does not allow this.",
    404: "Not found in the caller's scope.",
    409: "Conflicts with a record kept elsewhere.",
    422: "The request does not fit the schema (the field at fault is named).",
    429: "Too many requests; try again after Retry-After seconds.",
}

# Every operation can be refused by a rule, by role or scope, for a record outside the scope,
# or for a request that does not fit its schema.
EVERY_OPERATION = (400, 403, 404, 422)
# Public operations (no sign-in) are rate-limited; signed-in ones can lack a valid token.
PUBLIC_OPERATION = (429,)
SIGNED_IN_OPERATION = (401,)

METHODS = ("get", "put", "post", "delete", "patch")


def finish_schema(document: dict[str, Any]) -> dict[str, Any]:
    """Add the error responses to every operation and rewrite tuple schemas, in place."""
    components = document.setdefault("components", {}).setdefault("schemas", {})
    components.setdefault("ErrorOut", _error_schema(components))
    for path_item in document.get("paths", {}).values():
        for method in METHODS:
            if method in path_item:
                _add_error_responses(path_item[method])
    _rewrite_tuples(document)
    return document


def _error_schema(components: dict[str, Any]) -> dict[str, Any]:
    schema = ErrorOut.model_json_schema(ref_template="#/components/schemas/{model}")
    for name, definition in schema.pop("$defs", {}).items():
        components.setdefault(name, definition)
    return schema


def _error_response(status: int) -> dict[str, Any]:
    response: dict[str, Any] = {
        "description": DESCRIPTIONS[status],
        "content": {"application/json": {"schema": ERROR_REF}},
    }
    if status == 429:
        response["headers"] = {
            "Retry-After": {"description": "Seconds to wait.", "schema": {"type": "string"}}
        }
    return response


def _add_error_responses(operation: dict[str, Any]) -> None:
    # ninja keys some responses by int, some by str: one kind, so no status appears twice.
    responses = {str(status): body for status, body in operation.get("responses", {}).items()}
    operation["responses"] = responses
    public = operation.get("security") in (None, [])
    statuses = EVERY_OPERATION + (PUBLIC_OPERATION if public else SIGNED_IN_OPERATION)
    for status in statuses:
        responses.setdefault(str(status), _error_response(status))


def _rewrite_tuples(node: Any) -> None:
    """`prefixItems: [a, b]` (a fixed-length tuple) becomes `items: {anyOf: [a, b]}`, keeping
    minItems/maxItems: valid OAS 3.1 that no validator misreads."""
    if isinstance(node, list):
        for item in node:
            _rewrite_tuples(item)
        return
    if not isinstance(node, dict):
        return
    if "prefixItems" in node:
        members = node.pop("prefixItems")
        node["items"] = {"anyOf": _unique(members)} if len(_unique(members)) > 1 else members[0]
    for value in node.values():
        _rewrite_tuples(value)


def _unique(schemas: list[Any]) -> list[Any]:
    kept: list[Any] = []
    for schema in schemas:
        if schema not in kept:
            kept.append(schema)
    return kept
