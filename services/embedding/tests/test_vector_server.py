"""What a Qdrant server checks and qdrant-client's local mode does not: request size, server version,
API key. The server adapter runs over AsyncQdrantClient's real REST code; only the HTTP transport
is a fake that answers like a server and refuses bodies over its limit as the server does."""

import json
from pathlib import Path

import httpx
import pytest
from qdrant_client import grpc
from qdrant_client.conversions.conversion import RestToGrpc
from qdrant_client.http.exceptions import UnexpectedResponse

from jdi_core.broker import PermanentError
from jdi_embedding.vectors import (
    DocumentTooLarge,
    EdgeVectorStore,
    QdrantSettings,
    QdrantVectorStore,
    UnsupportedServerVersion,
    open_vector_store,
)
from jdi_embedding.vectors.schema import STAGED
from jdi_embedding.vectors.server_version import CLIENT_VERSION, check_server_version, supported_range
from jdi_embedding.vectors.settings import MIB
from jdi_embedding.vectors.write_requests import encoded_size, point_struct, request_bytes, split_by_size, split_points

from .conftest import random_points

MODEL = "test/model"
SERVER_LIMIT = 32 * MIB  # a Qdrant server's default service.max_request_size_mb
BUDGET = 64 * 1024


class FakeQdrantServer:
    """Answers the REST calls the server adapter makes and records them; a body over `limit` bytes gets
    the 400 a Qdrant server sends."""

    def __init__(self, *, limit: int = SERVER_LIMIT, version: str = CLIENT_VERSION) -> None:
        self.limit = limit
        self.version = version
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        size = len(request.content)
        if size > self.limit:
            error = f"Payload error: JSON payload ({size} bytes) is larger than allowed (limit: {self.limit} bytes)."
            return httpx.Response(400, json={"status": {"error": error}, "time": 0.0})
        path = request.url.path
        if path == "/":
            return httpx.Response(200, json={"title": "qdrant - vector search engine", "version": self.version})
        if path == "/aliases":
            result: dict = {"aliases": []}
        elif path.endswith("/points/count"):
            result = {"count": 0}
        else:
            result = {"operation_id": len(self.requests), "status": "completed"}
        return httpx.Response(200, json={"result": result, "status": "ok", "time": 0.0})

    def calls(self) -> list[tuple[str, str]]:
        return [(request.method, request.url.path) for request in self.requests]

    def upserts(self) -> list[httpx.Request]:
        return [r for r in self.requests if r.method == "PUT" and r.url.path.endswith("/points")]


def server_store(server: FakeQdrantServer, **settings: object) -> QdrantVectorStore:
    options: dict = {"url": "http://qdrant.test:6333", "max_request_bytes": BUDGET, **settings}
    return QdrantVectorStore.for_server(QdrantSettings(**options), transport=httpx.MockTransport(server))


def test_split_keeps_every_request_within_the_budget_and_in_order() -> None:
    sizes = [100, 2000, 50, 3000, 999, 1, 4000, 4000, 10]
    budget = 4000 + request_bytes([])
    parts = split_by_size(sizes, budget)
    assert [index for part in parts for index in part] == list(range(len(sizes)))
    assert all(request_bytes([sizes[i] for i in part]) <= budget for part in parts)
    # Each request is as full as the budget allows: the next point would not have fitted.
    assert all(request_bytes([sizes[i] for i in [*part, part.stop]]) > budget for part in parts[:-1])
    assert split_by_size([], budget) == []
    # At the boundary, separators count: two points fill exactly request_bytes([10, 10]).
    assert [list(part) for part in split_by_size([10, 10], request_bytes([10, 10]))] == [[0, 1]]
    assert [list(part) for part in split_by_size([10, 10], request_bytes([10, 10]) - 1)] == [[0], [1]]


async def test_each_request_is_exactly_the_body_the_client_sends() -> None:
    server = FakeQdrantServer()
    store = server_store(server)
    points = random_points("doc", 1, 30, MODEL, text="Gère le programme régional — façade, naïveté.")
    await store.upsert_points(MODEL, points)

    expected = [request_bytes([encoded_size(p) for p in part]) for part in split_points(points, BUDGET)]
    assert [len(request.content) for request in server.upserts()] == expected
    assert len(expected) > 1 and max(expected) <= BUDGET
    await store.close()


async def test_a_bulk_load_over_the_server_limit_is_split_into_accepted_requests() -> None:
    server = FakeQdrantServer(limit=256 * 1024)
    points = random_points("bulk", 1, 120, MODEL)
    store = server_store(server, max_request_bytes=200 * 1024)
    await store.upsert_points(MODEL, points)

    sent = [point["id"] for request in server.upserts() for point in json.loads(request.content)["points"]]
    assert sorted(sent) == sorted(str(point_struct(p).id) for p in points)
    assert len(server.upserts()) >= 4
    await store.close()

    # The fake does refuse: with a budget above its limit the same load fails as on a server.
    too_generous = server_store(FakeQdrantServer(limit=256 * 1024), max_request_bytes=8 * MIB)
    with pytest.raises(UnexpectedResponse, match="larger than allowed"):
        await too_generous.upsert_points(MODEL, points)
    await too_generous.close()


async def test_a_version_over_one_request_is_written_staged_then_shown_by_one_request() -> None:
    server = FakeQdrantServer()
    store = server_store(server)
    await store.replace_document(MODEL, "doc", 3, random_points("doc", 3, 30, MODEL))

    collection = "/collections/chunks__test_model/points"
    upserts = server.upserts()
    assert server.calls() == [
        ("POST", f"{collection}/count"),
        *[("PUT", collection)] * len(upserts),
        ("POST", f"{collection}/payload/delete"),
        ("POST", f"{collection}/delete"),
    ]
    assert len(upserts) > 1
    assert all(point["payload"][STAGED] is True for r in upserts for point in json.loads(r.content)["points"])
    shown = json.loads(server.requests[-2].content)
    assert shown["keys"] == [STAGED]
    assert {c["key"]: c["match"]["value"] for c in shown["filter"]["must"]} == {"document_id": "doc", "version": 3}
    await store.close()


async def test_a_version_that_fits_one_request_is_written_visible() -> None:
    server = FakeQdrantServer()
    store = server_store(server)
    await store.replace_document(MODEL, "doc", 1, random_points("doc", 1, 3, MODEL))

    [upsert] = server.upserts()
    assert all(STAGED not in point["payload"] for point in json.loads(upsert.content)["points"])
    assert not any(path.endswith("/payload/delete") for _, path in server.calls())
    await store.close()


async def test_a_chunk_larger_than_the_budget_fails_before_anything_is_written() -> None:
    server = FakeQdrantServer()
    store = server_store(server)
    points = random_points("huge", 2, 3, MODEL, text="word " * 20_000)

    with pytest.raises(DocumentTooLarge) as failure:
        await store.replace_document(MODEL, "huge", 2, points)
    assert isinstance(failure.value, PermanentError)  # dead-lettered at once, with this message
    message = str(failure.value)
    assert "'huge' version 2: chunk 0 needs" in message and f"budget of {BUDGET} bytes" in message
    assert server.upserts() == []
    await store.close()


def test_the_budget_bounds_the_grpc_message_too() -> None:
    """With QDRANT_PREFER_GRPC the same split is sent as protobuf, which is smaller than the JSON."""
    points = random_points("doc", 1, 30, MODEL, text="Gère le programme régional.")
    for part in split_points(points, BUDGET):
        message = grpc.UpsertPoints(
            collection_name="chunks__test_model", wait=True, points=[RestToGrpc.convert_point_struct(p) for p in part]
        )
        assert message.ByteSize() < request_bytes([encoded_size(p) for p in part]) <= BUDGET


def test_supported_server_versions_follow_qdrant_clients_rule() -> None:
    assert supported_range("1.20.0") == "1.19.x-1.21.x"
    for server in ("1.19.0", "1.20.3", "1.21.9"):
        check_server_version(server, "1.20.0")
    for server in ("1.18.3", "1.22.0", "2.20.0", "dev"):
        with pytest.raises(UnsupportedServerVersion, match=f"{server} is outside 1.19.x-1.21.x"):
            check_server_version(server, "1.20.0")


async def test_readiness_fails_for_a_server_outside_the_supported_versions() -> None:
    old = server_store(FakeQdrantServer(version="1.18.3"))
    with pytest.raises(UnsupportedServerVersion, match=f"1.18.3 is outside {supported_range()}"):
        await old.check_ready()
    await old.close()

    await server_store(FakeQdrantServer(version=CLIENT_VERSION)).check_ready()
    allowed = FakeQdrantServer(version="1.18.3")
    await server_store(allowed, check_server_version=False).check_ready()
    assert allowed.calls() == [("GET", "/aliases")]


async def test_settings_from_the_environment_reach_the_server(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QDRANT_URL", "https://qdrant.example:6333")
    monkeypatch.setenv("QDRANT_API_KEY", "test-key-not-a-secret")
    monkeypatch.setenv("QDRANT_MAX_REQUEST_BYTES", str(MIB))
    monkeypatch.setenv("QDRANT_COLLECTION_PREFIX", "team_")
    settings = QdrantSettings()
    assert (settings.url, settings.max_request_bytes, settings.collection_prefix) == (
        "https://qdrant.example:6333",
        MIB,
        "team_",
    )
    assert "test-key-not-a-secret" not in repr(settings)
    opened = open_vector_store(settings)
    assert isinstance(opened, QdrantVectorStore)
    await opened.close()

    server = FakeQdrantServer()
    store = QdrantVectorStore.for_server(settings, transport=httpx.MockTransport(server))
    await store.check_ready()
    await store.replace_document("model/a", "doc", 1, random_points("doc", 1, 2, "model/a"))
    assert {(r.url.scheme, r.url.host, r.url.port) for r in server.requests} == {("https", "qdrant.example", 6333)}
    assert {request.headers["api-key"] for request in server.requests} == {"test-key-not-a-secret"}
    assert server.upserts()[0].url.path == "/collections/team_chunks__model_a/points"
    await store.close()


def test_without_a_url_the_store_is_embedded_and_bad_settings_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("QDRANT_URL", raising=False)
    assert isinstance(open_vector_store(QdrantSettings(path=tmp_path / "edge")), EdgeVectorStore)
    with pytest.raises(ValueError, match="collection_prefix"):
        QdrantSettings(collection_prefix="no spaces/slashes")
    with pytest.raises(ValueError, match="max_request_bytes"):
        QdrantSettings(max_request_bytes=1000)
