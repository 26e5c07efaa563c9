"""Rate limits per API key and per address for failed authentications: 429 problems with Retry-After, and the
RateLimit headers on every answer to a known key."""

import httpx
import pytest
from pydantic import ValidationError

from jdi_gateway.auth.api_key_auth import Scope
from jdi_gateway.settings import GatewaySettings


def client(fakes, key: str | None) -> httpx.AsyncClient:
    headers = {"X-API-Key": key} if key else {}
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=fakes.app()), base_url="http://gw", headers=headers)


async def test_a_key_over_its_limit_is_answered_429_and_told_when_to_retry(fakes) -> None:
    fakes.settings = GatewaySettings(rate_limit="3/minute")
    fakes.api_keys.add_secret("reader", Scope.DOCUMENTS_READ)
    fakes.api_keys.add_secret("other", Scope.DOCUMENTS_READ)
    async with client(fakes, "reader") as api:
        answers = [await api.get("/v1/stats") for _ in range(4)]
        other = await api.get("/v1/stats", headers={"X-API-Key": "other"})

    assert [answer.status_code for answer in answers] == [200, 200, 200, 429]
    assert [answer.headers["RateLimit"].split(";")[1] for answer in answers] == ["r=2", "r=1", "r=0", "r=0"]
    assert answers[0].headers["RateLimit-Policy"] == '"per-key";q=3;w=60'
    refused = answers[-1]
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["code"] == "rate_limited"
    assert 0 < int(refused.headers["Retry-After"]) <= 60
    assert "Retry-After" not in answers[0].headers
    # The limit is the key's: another key is not held back by it.
    assert other.status_code == 200


async def test_failed_authentications_from_one_address_are_limited_but_not_its_good_keys(fakes) -> None:
    fakes.settings = GatewaySettings(auth_failure_rate_limit="2/minute")
    fakes.api_keys.add_secret("reader", Scope.DOCUMENTS_READ)
    async with client(fakes, None) as api:
        guesses = [await api.get("/v1/stats", headers={"X-API-Key": f"guess-{n}"}) for n in range(3)]
        without_key = await api.get("/v1/stats")
        good = await api.get("/v1/stats", headers={"X-API-Key": "reader"})

    assert [guess.status_code for guess in guesses] == [401, 401, 429]
    assert guesses[-1].json()["code"] == "rate_limited"
    assert int(guesses[-1].headers["Retry-After"]) > 0
    assert without_key.status_code == 429
    assert good.status_code == 200


@pytest.mark.parametrize("field", ["rate_limit", "auth_failure_rate_limit"])
def test_a_limit_that_is_not_one_is_refused_at_start_up(field: str) -> None:
    with pytest.raises(ValidationError):
        GatewaySettings(**{field: "many"})


async def test_a_browser_app_of_an_allowed_origin_may_read_the_rate_limit_headers(fakes) -> None:
    fakes.settings = GatewaySettings(cors_origins=["https://app.example"])
    fakes.api_keys.add_secret("reader", Scope.DOCUMENTS_READ)
    async with client(fakes, "reader") as api:
        answer = await api.get("/v1/stats", headers={"Origin": "https://app.example"})

    assert answer.headers["access-control-allow-origin"] == "https://app.example"
    exposed = {name.strip().lower() for name in answer.headers["access-control-expose-headers"].split(",")}
    assert {"ratelimit", "ratelimit-policy", "retry-after"} <= exposed
