"""The internal routes of embedding and analysis answer the gateway, which holds the internal API token, and
nobody else (the gateway's search and comparisons through them are in test_pipeline.py)."""

import httpx
import pytest

from .conftest import Stack

pytestmark = pytest.mark.e2e

INTERNAL_ROUTES = [
    ("embedding", "POST", "/internal/v1/search"),
    ("embedding", "GET", "/internal/v1/similar/any-document"),
    ("analysis", "GET", "/internal/v1/compare?left=a&right=b"),
    ("analysis", "GET", "/internal/v1/skill-gap?document_id=a&to=b"),
    ("analysis", "GET", "/internal/v1/career-paths/any-document"),
]


@pytest.mark.parametrize(("service", "method", "path"), INTERNAL_ROUTES)
def test_an_internal_route_refuses_a_caller_without_the_token(
    stack: Stack, service: str, method: str, path: str
) -> None:
    response = httpx.request(method, f"{stack.urls[service]}{path}", json={"query": "x"}, timeout=10)
    assert response.status_code == 401


def test_the_gateway_reaches_them_with_it(stack: Stack) -> None:
    # Without the token the embedding service would refuse the gateway, which would answer 502.
    response = httpx.get(
        f"{stack.gateway}/v1/search", params={"q": "policy director"}, headers={"X-API-Key": stack.api_key}, timeout=30
    )
    assert response.status_code == 200
