"""The gateway's calls to the embedding and analysis services map every failure to one API error."""

import httpx
import pytest
from pydantic import BaseModel

from jdi_gateway.api.errors import ApiError
from jdi_gateway.api.internal import call_internal


class Results(BaseModel):
    results: list[int]


def client_answering(status: int, body: object = None, content: bytes | None = None) -> httpx.AsyncClient:
    def answer(request: httpx.Request) -> httpx.Response:
        if content is not None:
            return httpx.Response(status, content=content)
        return httpx.Response(status, json=body)

    return httpx.AsyncClient(transport=httpx.MockTransport(answer), base_url="http://analysis")


def unreachable_client() -> httpx.AsyncClient:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    return httpx.AsyncClient(transport=httpx.MockTransport(refuse), base_url="http://embedding")


async def test_a_successful_answer_is_read_as_the_model() -> None:
    async with client_answering(200, {"results": [1, 2]}) as client:
        answer = await call_internal(
            client, "analysis", "POST", "/internal/v1/compare", Results, json={"ids": ["a", "b"]}
        )

    assert answer == Results(results=[1, 2])


async def test_an_answer_in_another_shape_is_502_failed() -> None:
    async with client_answering(200, {"results": "many"}) as client:
        with pytest.raises(ApiError) as raised:
            await call_internal(client, "analysis", "GET", "/internal/v1/compare", Results)

    assert (raised.value.status, raised.value.code) == (502, "analysis_failed")
    assert "many" not in raised.value.detail


async def test_a_service_that_does_not_answer_is_503_unavailable() -> None:
    async with unreachable_client() as client:
        with pytest.raises(ApiError) as raised:
            await call_internal(client, "embedding", "GET", "/internal/v1/similar/x", Results)

    assert (raised.value.status, raised.value.code) == (503, "embedding_unavailable")
    assert "ConnectError" in raised.value.detail


async def test_a_404_passes_through_with_the_service_detail() -> None:
    async with client_answering(404, {"detail": "No document abc."}) as client:
        with pytest.raises(ApiError) as raised:
            await call_internal(client, "analysis", "GET", "/internal/v1/skill-gap/abc", Results)

    assert (raised.value.status, raised.value.code, raised.value.detail) == (404, "not_found", "No document abc.")


@pytest.mark.parametrize("body", [None, {"other": 1}, ["detail"]], ids=["no-json", "no-detail", "not-an-object"])
async def test_a_404_without_a_usable_detail_says_not_found(body: object) -> None:
    content = b"not json" if body is None else None
    async with client_answering(404, body, content=content) as client:
        with pytest.raises(ApiError) as raised:
            await call_internal(client, "analysis", "GET", "/internal/v1/skill-gap/abc", Results)

    assert (raised.value.status, raised.value.detail) == (404, "Not found.")


@pytest.mark.parametrize("status", [400, 422, 500, 503])
async def test_any_other_failure_is_502_failed_with_the_status(status: int) -> None:
    async with client_answering(status, {"detail": "boom"}) as client:
        with pytest.raises(ApiError) as raised:
            await call_internal(client, "analysis", "POST", "/internal/v1/compare", Results)

    assert (raised.value.status, raised.value.code) == (502, "analysis_failed")
    assert raised.value.detail == f"The analysis service answered {status}."
