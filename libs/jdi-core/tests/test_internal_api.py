"""The internal routes' credential: required as soon as a service listens beyond loopback."""

import httpx
import pytest
from fastapi import APIRouter, FastAPI
from pydantic import SecretStr

from jdi_core.internal_api import ExposedWithoutCredential, InternalApiSettings, internal_api_guard

router = APIRouter(prefix="/internal/v1")


@router.get("/ping")
async def ping() -> dict[str, str]:
    return {"status": "ok"}


def app_on(host: str, settings: InternalApiSettings) -> httpx.AsyncClient:
    app = FastAPI()
    app.include_router(router, dependencies=internal_api_guard(host, settings))
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://service")


async def test_with_a_token_only_requests_that_carry_it_get_through() -> None:
    settings = InternalApiSettings(token=SecretStr("s3cret-token"))
    async with app_on("0.0.0.0", settings) as client:  # noqa: S104 - what a container listens on
        without = await client.get("/internal/v1/ping")
        wrong = await client.get("/internal/v1/ping", headers={"Authorization": "Bearer another"})
        right = await client.get("/internal/v1/ping", headers=settings.authorization())

    assert (without.status_code, wrong.status_code, right.status_code) == (401, 401, 200)
    assert without.headers["WWW-Authenticate"] == "Bearer"
    assert "s3cret" not in wrong.text


async def test_on_loopback_without_a_token_nothing_is_asked() -> None:
    async with app_on("127.0.0.1", InternalApiSettings(token=None)) as client:
        assert (await client.get("/internal/v1/ping")).status_code == 200


@pytest.mark.parametrize("host", ["0.0.0.0", "10.0.0.7", "::", "embedding.internal"])  # noqa: S104
def test_listening_beyond_loopback_without_a_token_is_refused(host: str) -> None:
    with pytest.raises(ExposedWithoutCredential, match="INTERNAL_API_TOKEN"):
        internal_api_guard(host, InternalApiSettings(token=None))


@pytest.mark.parametrize("host", ["127.0.0.1", "::1", "localhost"])
def test_loopback_needs_no_token(host: str) -> None:
    assert internal_api_guard(host, InternalApiSettings(token=None)) == []


def test_without_a_token_a_caller_sends_no_authorization() -> None:
    assert InternalApiSettings(token=None).authorization() == {}
