"""Every public route needs an API key, a known one, holding the route's scope (admin holds all)."""

import httpx
import pytest

from jdi_gateway.auth.api_key_auth import Scope

# (method, path template, a concrete request, the scope it needs)
ROUTES = [
    ("POST", "/v1/documents", "/v1/documents", Scope.DOCUMENTS_WRITE),
    ("POST", "/v1/documents/batch", "/v1/documents/batch", Scope.DOCUMENTS_WRITE),
    ("GET", "/v1/documents", "/v1/documents", Scope.DOCUMENTS_READ),
    ("GET", "/v1/documents/{document_id}", "/v1/documents/d1", Scope.DOCUMENTS_READ),
    ("GET", "/v1/documents/{document_id}/analysis", "/v1/documents/d1/analysis", Scope.DOCUMENTS_READ),
    ("GET", "/v1/documents/{document_id}/versions", "/v1/documents/d1/versions", Scope.DOCUMENTS_READ),
    ("DELETE", "/v1/documents/{document_id}", "/v1/documents/d1", Scope.DOCUMENTS_WRITE),
    ("GET", "/v1/search", "/v1/search?q=policy", Scope.SEARCH),
    ("GET", "/v1/documents/{document_id}/similar", "/v1/documents/d1/similar", Scope.SEARCH),
    ("GET", "/v1/compare", "/v1/compare?left=a&right=b", Scope.DOCUMENTS_READ),
    ("GET", "/v1/documents/{document_id}/skill-gap", "/v1/documents/a/skill-gap?to=b", Scope.DOCUMENTS_READ),
    ("GET", "/v1/documents/{document_id}/career-paths", "/v1/documents/a/career-paths", Scope.DOCUMENTS_READ),
    ("GET", "/v1/stats", "/v1/stats", Scope.DOCUMENTS_READ),
    ("GET", "/v1/suggestions", "/v1/suggestions?prefix=di", Scope.SEARCH),
    ("POST", "/v1/api-keys", "/v1/api-keys", Scope.ADMIN),
    ("GET", "/v1/api-keys", "/v1/api-keys", Scope.ADMIN),
    ("DELETE", "/v1/api-keys/{key_id}", "/v1/api-keys/k1", Scope.ADMIN),
    ("GET", "/v1/audit", "/v1/audit", Scope.ADMIN),
    ("POST", "/v1/admin/read-model/rebuild", "/v1/admin/read-model/rebuild", Scope.ADMIN),
    ("GET", "/v1/admin/read-model/rebuild", "/v1/admin/read-model/rebuild", Scope.ADMIN),
]
IDS = [f"{method} {template}" for method, template, _, _ in ROUTES]
NEW_KEY = {"name": "n", "scopes": ["search"]}


async def call(api: httpx.AsyncClient, method: str, url: str, key: str | None) -> httpx.Response:
    headers = {"X-API-Key": key} if key is not None else {}
    body = NEW_KEY if url == "/v1/api-keys" and method == "POST" else None
    api.headers.pop("X-API-Key", None)
    return await api.request(method, url, headers=headers, json=body)


def test_the_table_lists_every_public_route(fakes) -> None:
    paths = fakes.app().openapi()["paths"]
    routes = {
        (method.upper(), path) for path, operations in paths.items() if path.startswith("/v1") for method in operations
    }
    assert routes == {(method, template) for method, template, _, _ in ROUTES}


@pytest.mark.parametrize(("method", "template", "url", "scope"), ROUTES, ids=IDS)
async def test_no_key_is_401(api, method, template, url, scope) -> None:
    response = await call(api, method, url, None)
    assert (response.status_code, response.json()["code"]) == (401, "unauthenticated")
    assert response.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize(("method", "template", "url", "scope"), ROUTES, ids=IDS)
async def test_an_unknown_key_is_401(api, method, template, url, scope) -> None:
    response = await call(api, method, url, "not-a-key")
    assert (response.status_code, response.json()["detail"]) == (401, "The API key is unknown or revoked.")


@pytest.mark.parametrize(("method", "template", "url", "scope"), ROUTES, ids=IDS)
async def test_a_key_without_the_scope_is_403(api, fakes, method, template, url, scope) -> None:
    fakes.api_keys.add_secret("other-scopes", *(s for s in Scope if s not in (scope, Scope.ADMIN)))
    response = await call(api, method, url, "other-scopes")
    assert (response.status_code, response.json()["code"]) == (403, "forbidden")
    assert scope.value in response.json()["detail"]


async def test_a_bearer_token_is_accepted_like_x_api_key(api, fakes) -> None:
    fakes.api_keys.add_secret("reader", Scope.DOCUMENTS_READ)
    api.headers.pop("X-API-Key")
    response = await api.get("/v1/documents", headers={"Authorization": "Bearer reader"})
    assert response.status_code == 200
