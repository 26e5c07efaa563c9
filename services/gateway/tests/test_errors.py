"""Every error leaves the gateway as problem+json with a machine-readable code."""

import httpx
from aiokafka.errors import KafkaConnectionError
from fastapi import FastAPI

from jdi_gateway.api.errors import ApiError, install_error_handlers


def app_raising(error: Exception) -> FastAPI:
    app = FastAPI()
    install_error_handlers(app)

    @app.get("/boom")
    async def boom(limit: int = 1) -> None:
        raise error

    return app


async def call(app: FastAPI, path: str = "/boom") -> httpx.Response:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gw") as client:
        return await client.get(path)


async def test_api_errors_become_problems() -> None:
    response = await call(app_raising(ApiError(404, "not_found", "No document x.")))
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json() | {"type": None} == {
        "type": None,
        "title": "not found",
        "status": 404,
        "code": "not_found",
        "detail": "No document x.",
        "instance": "/boom",
    }


async def test_an_unreachable_broker_is_a_503_the_caller_can_retry() -> None:
    response = await call(app_raising(KafkaConnectionError("no brokers")))
    assert (response.status_code, response.json()["code"]) == (503, "broker_unavailable")


async def test_invalid_parameters_list_what_is_wrong() -> None:
    response = await call(app_raising(ApiError(500, "unused", "")), "/boom?limit=many")
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_request"
    assert response.json()["errors"][0]["location"] == "query.limit"


async def test_unknown_routes_are_problems_too() -> None:
    response = await call(app_raising(ApiError(500, "unused", "")), "/nowhere")
    assert (response.status_code, response.json()["code"]) == (404, "not_found")


async def test_a_method_the_path_does_not_take_is_405_naming_every_method_it_does() -> None:
    app = app_raising(ApiError(500, "unused", ""))

    @app.delete("/boom")
    async def delete_boom() -> None:
        return None

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gw") as client:
        response = await client.put("/boom")
    assert (response.status_code, response.json()["code"]) == (405, "method_not_allowed")
    assert response.headers["allow"] == "DELETE, GET"


async def test_an_unexpected_error_is_a_500_problem_that_tells_nothing_of_it() -> None:
    app = app_raising(RuntimeError("secret detail"))
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://gw") as client:
        response = await client.get("/boom")
    assert (response.status_code, response.headers["content-type"]) == (500, "application/problem+json")
    assert response.json()["code"] == "internal_error"
    assert "secret" not in response.text
