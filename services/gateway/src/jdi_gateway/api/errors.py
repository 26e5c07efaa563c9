"""One error format for every response: RFC 9457 problem details (`application/problem+json`)."""

import logging
from collections.abc import Mapping
from http import HTTPStatus

from aiokafka.errors import KafkaError
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.exc import InterfaceError, OperationalError
from starlette.exceptions import HTTPException
from starlette.routing import Match

PROBLEM = "application/problem+json"
BROKER_UNAVAILABLE = "The event broker did not accept the request; retry later."
logger = logging.getLogger(__name__)


class FieldError(BaseModel):
    location: str = Field(description='where in the request, e.g. "query.limit" or "body.file_name"')
    message: str


class Problem(BaseModel):
    """RFC 9457 problem details; `code` is the machine-readable reason."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "type": "https://jdi.dev/problems/not_found",
                    "title": "not found",
                    "status": 404,
                    "code": "not_found",
                    "detail": "No document 5f0c9a8e-2c1d-5b7e-9a41-0d2f6c3b8e17.",
                    "instance": "/v1/documents/5f0c9a8e-2c1d-5b7e-9a41-0d2f6c3b8e17",
                }
            ]
        }
    )

    type: str
    title: str
    status: int = Field(ge=400, le=599)
    code: str
    detail: str
    instance: str = Field(description="the request path")
    errors: list[FieldError] | None = Field(None, description="what is wrong, for `invalid_request`")


class ApiError(Exception):
    def __init__(self, status: int, code: str, detail: str, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(detail)
        self.status = status
        self.code = code
        self.detail = detail
        self.headers = headers


def problem_body(status: int, code: str, detail: str, instance: str, **extra: object) -> dict[str, object]:
    return {
        "type": f"https://jdi.dev/problems/{code}",
        "title": code.replace("_", " "),
        "status": status,
        "code": code,
        "detail": detail,
        "instance": instance,
        **extra,
    }


def problem(
    request: Request, status: int, code: str, detail: str, headers: Mapping[str, str] | None = None, **extra: object
) -> JSONResponse:
    body = problem_body(status, code, detail, request.url.path, **extra)
    return JSONResponse(body, status_code=status, media_type=PROBLEM, headers=headers)


def status_code_name(status: int) -> str:
    """`method_not_allowed` for 405: the code of an error the framework raises."""
    return HTTPStatus(status).phrase.lower().replace(" ", "_").replace("-", "_")


def allowed_methods(request: Request) -> str:
    """Every method some route takes on this path: the router's own 405 names only the first route's."""
    methods: set[str] = set()
    for route in request.app.router.routes:
        match, _ = route.matches(request.scope)
        if match is not Match.NONE:
            methods |= getattr(route, "methods", None) or set()
    return ", ".join(sorted(methods))


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def api_error(request: Request, error: ApiError) -> JSONResponse:
        return problem(request, error.status, error.code, error.detail, error.headers)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, error: RequestValidationError) -> JSONResponse:
        errors = [{"location": ".".join(map(str, e["loc"])), "message": e["msg"]} for e in error.errors()[:20]]
        return problem(request, 422, "invalid_request", "The request is not valid.", errors=errors)

    @app.exception_handler(KafkaError)
    async def broker_unavailable(request: Request, error: KafkaError) -> JSONResponse:
        # Nothing was accepted: the event was not written, so the caller can simply retry.
        return problem(request, 503, "broker_unavailable", BROKER_UNAVAILABLE)

    @app.exception_handler(ConnectionError)
    @app.exception_handler(OperationalError)
    @app.exception_handler(InterfaceError)
    async def database_unavailable(request: Request, error: Exception) -> JSONResponse:
        logger.warning("database unavailable", extra={"error": type(error).__name__})
        return problem(request, 503, "database_unavailable", "The database did not answer; retry later.")

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, error: HTTPException) -> JSONResponse:
        # The framework's own errors (unknown route, a method the path does not take, unreadable body).
        status = error.status_code
        headers = {"Allow": allowed_methods(request)} if status == 405 else error.headers
        return problem(request, status, status_code_name(status), str(error.detail), headers)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, error: Exception) -> JSONResponse:
        # The server logs the traceback (the exception is raised on after this answer); the caller learns nothing of it.
        return problem(request, 500, "internal_error", "The server could not answer this request; it has been logged.")
