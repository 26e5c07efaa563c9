"""One error format for every response: RFC 9457 problem details (`application/problem+json`)."""

from aiokafka.errors import KafkaError
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

PROBLEM = "application/problem+json"


class ApiError(Exception):
    def __init__(self, status: int, code: str, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.code = code
        self.detail = detail


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


def problem(request: Request, status: int, code: str, detail: str, **extra: object) -> JSONResponse:
    body = problem_body(status, code, detail, request.url.path, **extra)
    return JSONResponse(body, status_code=status, media_type=PROBLEM)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def api_error(request: Request, error: ApiError) -> JSONResponse:
        return problem(request, error.status, error.code, error.detail)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, error: RequestValidationError) -> JSONResponse:
        errors = [{"location": ".".join(map(str, e["loc"])), "message": e["msg"]} for e in error.errors()[:20]]
        return problem(request, 422, "invalid_request", "The request is not valid.", errors=errors)

    @app.exception_handler(KafkaError)
    async def broker_unavailable(request: Request, error: KafkaError) -> JSONResponse:
        # Nothing was accepted: the event was not written, so the caller can simply retry.
        return problem(request, 503, "broker_unavailable", "The event broker did not accept the request; retry later.")

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, error: HTTPException) -> JSONResponse:
        return problem(request, error.status_code, f"http_{error.status_code}", str(error.detail))
