"""What every /v1 route declares beyond its response model: its problem responses (problem+json, with
examples), and the Problem schema they refer to."""

from collections.abc import Callable
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI

from jdi_gateway.api.errors import PROBLEM, Problem, problem_body

Responses = dict[int | str, dict[str, Any]]

# (code, detail) of an example per status, and when the status is answered.
PROBLEMS: dict[int, tuple[str, str, str]] = {
    400: ("bad_request", "There was an error parsing the body", "a body that is not valid JSON or multipart"),
    401: ("unauthenticated", "The API key is unknown or revoked.", "no API key, or an unknown or revoked one"),
    403: ("forbidden", "This API key lacks the 'documents:read' scope.", "the API key lacks the route's scope"),
    404: ("not_found", "No document 5f0c9a8e-2c1d-5b7e-9a41-0d2f6c3b8e17.", "no such resource"),
    409: ("rebuild_running", "A rebuild of the read model is running; follow it with GET.", "it is already under way"),
    413: ("too_large", "The request body is over 13397333 bytes.", "the document or body is over the size limit"),
    415: ("unsupported_media_type", "Send multipart/form-data or application/json.", "not a supported type"),
    422: ("invalid_request", "The request is not valid.", "a parameter or body field is not valid"),
    429: (
        "rate_limited",
        "This API key is over its limit of 6000 requests in 60 s; retry in 12 s.",
        "over the API key's rate limit, or too many failed authentications from the address (`Retry-After`)",
    ),
    500: ("internal_error", "The server could not answer this request; it has been logged.", "an unexpected error"),
    502: ("search_failed", "The search service answered 500.", "an internal service answered with an error"),
    503: ("database_unavailable", "The database did not answer; retry later.", "a backing service did not answer"),
}
# Every /v1 route reads its API key from headers FastAPI validates (422), authenticates it in the database and
# counts it against its rate limit.
EVERY_ROUTE = (401, 403, 422, 429, 500, 503)


def responses(*statuses: int) -> Responses:
    """The problem responses of a /v1 route: `statuses` are those it answers besides those of every route."""
    return {status: _problem_response(status) for status in sorted({*statuses, *EVERY_ROUTE})}


def _problem_response(status: int) -> dict[str, Any]:
    code, detail, when = PROBLEMS[status]
    example = problem_body(status, code, detail, "/v1/documents")
    response: dict[str, Any] = {
        "description": f"{HTTPStatus(status).phrase}: {when}",
        "content": {PROBLEM: {"schema": {"$ref": "#/components/schemas/Problem"}, "example": example}},
    }
    if status == 429:
        response["headers"] = RATE_LIMIT_HEADERS
    return response


# Answered with a refusal (and, RateLimit and RateLimit-Policy, with every answer to a known key).
RATE_LIMIT_HEADERS = {
    "Retry-After": {"description": "seconds until the request may be retried", "schema": {"type": "integer"}},
    "RateLimit-Policy": {"description": 'the limit: `"per-key";q=6000;w=60`', "schema": {"type": "string"}},
    "RateLimit": {"description": 'what is left: `"per-key";r=0;t=12`', "schema": {"type": "string"}},
}


def install_problem_schema(app: FastAPI) -> None:
    """Adds the Problem schema (and its parts) to the components the problem responses refer to."""
    schema = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    components = {**schema.pop("$defs", {}), "Problem": schema}
    generate: Callable[[], dict[str, Any]] = app.openapi

    def openapi() -> dict[str, Any]:
        first_time = app.openapi_schema is None
        document = generate()
        if first_time:
            document.setdefault("components", {}).setdefault("schemas", {}).update(components)
        return document

    app.openapi = openapi  # type: ignore[method-assign]
