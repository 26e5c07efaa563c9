"""Oversized request bodies are refused before they are read, with or without Content-Length."""

from collections.abc import AsyncIterator

import httpx
from fastapi import FastAPI, Request

from jdi_gateway.api.body_limit import BodySizeLimit

LIMIT = 1_000


def echo_app() -> FastAPI:
    app = FastAPI()

    @app.post("/upload")
    async def upload(request: Request) -> dict[str, int]:
        return {"received": len(await request.body())}

    app.add_middleware(BodySizeLimit, max_bytes=LIMIT)
    return app


async def post(content: bytes | AsyncIterator[bytes]) -> httpx.Response:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=echo_app()), base_url="http://gw") as client:
        return await client.post("/upload", content=content)


async def test_a_body_within_the_limit_reaches_the_route() -> None:
    response = await post(b"x" * LIMIT)
    assert (response.status_code, response.json()) == (200, {"received": LIMIT})


async def test_a_declared_length_over_the_limit_is_refused_unread() -> None:
    response = await post(b"x" * (LIMIT + 1))
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "too_large"


async def test_a_streamed_body_is_cut_off_once_past_the_limit() -> None:
    chunks_sent = 0

    async def stream() -> AsyncIterator[bytes]:
        nonlocal chunks_sent
        for _ in range(100):
            chunks_sent += 1
            yield b"x" * 300

    response = await post(stream())
    assert (response.status_code, response.json()["code"]) == (413, "too_large")
    assert chunks_sent < 100
