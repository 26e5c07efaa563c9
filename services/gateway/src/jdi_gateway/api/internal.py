"""Calls to the embedding and analysis services' internal HTTP APIs, with one error mapping."""

from typing import Any, TypeVar

import httpx
from pydantic import BaseModel, ValidationError

from jdi_gateway.api.errors import ApiError

Answer = TypeVar("Answer", bound=BaseModel)


async def call_internal(
    client: httpx.AsyncClient, service: str, method: str, path: str, answer: type[Answer], **kwargs: Any
) -> Answer:
    """The service's answer as `answer`, or an ApiError: 503 `<service>_unavailable` when the service does not
    answer, its 404 passed through as `not_found`, anything else (an answer in another shape too) 502
    `<service>_failed`."""
    try:
        response = await client.request(method, path, **kwargs)
    except httpx.HTTPError as error:
        raise ApiError(
            503, f"{service}_unavailable", f"The {service} service did not answer ({type(error).__name__})."
        ) from None
    if response.status_code == 404:
        raise ApiError(404, "not_found", _detail(response) or "Not found.")
    if response.status_code >= 400:
        raise ApiError(502, f"{service}_failed", f"The {service} service answered {response.status_code}.")
    try:
        return answer.model_validate_json(response.content)
    except ValidationError:
        raise ApiError(502, f"{service}_failed", f"The {service} service answered in an unexpected shape.") from None


def _detail(response: httpx.Response) -> str | None:
    try:
        return str(response.json()["detail"])
    except (ValueError, KeyError, TypeError):
        return None
