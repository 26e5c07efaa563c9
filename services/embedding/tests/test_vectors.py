import uuid
from pathlib import Path

import numpy as np
import pytest
import qdrant_edge as edge

from jdi_embedder import OnnxEmbedder
from jdi_embedding.chunking import chunk_sections
from jdi_embedding.vectors import (
    ChunkFilters,
    ChunkPoint,
    EdgeVectorStore,
    QdrantVectorStore,
    bm25,
    collection_name,
    point_id,
)
from jdi_embedding.vectors.indexing import index_document
from jdi_embedding.vectors.schema import STAGED
from jdi_embedding.vectors.write_requests import encoded_size, point_struct, request_bytes

from .conftest import TEST_REQUEST_BYTES, meta, random_points, section

MODEL = "sentence-transformers/all-MiniLM-L6-v2"


def sections_v1() -> list:
    return [
        section("general_accountability", "General Accountability", "Directs the national pension program."),
        section("dimensions", "Dimensions", "Operating budget of two million dollars."),
    ]


def test_point_ids_are_deterministic_and_model_specific() -> None:
    first = point_id("doc-1", 2, 0, MODEL)
    assert first == point_id("doc-1", 2, 0, MODEL)
    assert isinstance(first, uuid.UUID) and first.version == 5
    assert (
        len({first, point_id("doc-1", 3, 0, MODEL), point_id("doc-1", 2, 1, MODEL), point_id("doc-1", 2, 0, "m2")}) == 4
    )


def test_collection_name_is_per_model_and_safe() -> None:
    assert collection_name(MODEL) == "chunks__sentence-transformers_all-MiniLM-L6-v2"
    assert collection_name("other/model v2") != collection_name(MODEL)


async def all_payloads(store: EdgeVectorStore | QdrantVectorStore, model_id: str = MODEL) -> list[dict]:
    name = collection_name(model_id)
    if isinstance(store, EdgeVectorStore):
        records, _ = store._shard(name).scroll(edge.ScrollRequest(limit=1000, with_payload=True))
    else:
        records, _ = await store._client.scroll(store._on_server(name), limit=1000, with_payload=True)
    return [dict(record.payload) for record in records]


async def test_index_stores_chunks_with_model_id_and_payload(store: QdrantVectorStore, embedder: OnnxEmbedder) -> None:
    result = await index_document(store, embedder, meta("doc-1"), sections_v1())
    assert (result.chunk_count, result.stored, result.model_id) == (2, True, MODEL)
    payloads = await all_payloads(store)
    assert {p["section_key"] for p in payloads} == {"general_accountability", "dimensions"}
    assert all(p["model_id"] == MODEL and p["document_id"] == "doc-1" and p["version"] == 1 for p in payloads)


async def test_reindexing_same_version_is_idempotent(store: QdrantVectorStore, embedder: OnnxEmbedder) -> None:
    await index_document(store, embedder, meta("doc-1"), sections_v1())
    await index_document(store, embedder, meta("doc-1"), sections_v1())
    assert len(await all_payloads(store)) == 2


async def test_new_version_replaces_old_chunks_and_old_version_is_ignored(
    store: QdrantVectorStore, embedder: OnnxEmbedder
) -> None:
    await index_document(store, embedder, meta("doc-1", version=1), sections_v1())
    await index_document(store, embedder, meta("doc-2", version=1), sections_v1())
    new_sections = [section("summary", "Summary", "A single new section.")]
    await index_document(store, embedder, meta("doc-1", version=2), new_sections)
    doc1 = [p for p in await all_payloads(store) if p["document_id"] == "doc-1"]
    assert [(p["version"], p["section_key"]) for p in doc1] == [(2, "summary")]

    late_replay = await index_document(store, embedder, meta("doc-1", version=1), sections_v1())
    assert late_replay.stored is False
    assert [p["version"] for p in await all_payloads(store) if p["document_id"] == "doc-1"] == [2]
    assert len([p for p in await all_payloads(store) if p["document_id"] == "doc-2"]) == 2


async def test_delete_removes_document_from_every_model_collection(
    store: QdrantVectorStore, embedder: OnnxEmbedder
) -> None:
    await index_document(store, embedder, meta("doc-1"), sections_v1())
    await index_document(store, embedder, meta("doc-2"), sections_v1())
    other_model = "test/other-model"
    await store.ensure_collection(other_model, embedder.dimension)
    # Same vectors under another model id stand in for a collection being rebuilt.
    chunks = chunk_sections(meta("doc-1"), sections_v1(), embedder)
    points = [
        ChunkPoint(chunk=c, model_id=other_model, dense=v, sparse=bm25.document_vector(c.text))
        for c, v in zip(chunks, embedder.embed([c.text for c in chunks]), strict=True)
    ]
    await store.replace_document(other_model, "doc-1", 1, points)

    assert await store.delete_document("doc-1") == 4
    assert {p["document_id"] for p in await all_payloads(store)} == {"doc-2"}
    assert await all_payloads(store, other_model) == []
    assert await store.delete_document("doc-1") == 0


async def test_active_alias_switches_between_model_collections(store: QdrantVectorStore) -> None:
    assert await store.active_collection() is None
    await store.ensure_collection("model/a", 4)
    await store.ensure_collection("model/b", 4)
    await store.set_active("model/a")
    assert await store.active_collection() == collection_name("model/a")
    await store.set_active("model/b")
    assert await store.active_collection() == collection_name("model/b")


async def test_filters_restrict_hybrid_query(store: QdrantVectorStore, embedder: OnnxEmbedder) -> None:
    await index_document(store, embedder, meta("en-doc", language="en"), sections_v1())
    await index_document(store, embedder, meta("fr-doc", language="fr", classification="EX-02"), sections_v1())
    query = "pension program"
    dense = embedder.embed([query])[0]
    collection = collection_name(MODEL)

    async def documents(filters: ChunkFilters) -> set[str]:
        hits = await store.hybrid_query(collection, dense, bm25.query_vector(query), filters, 50)
        return {hit.payload["document_id"] for hit in hits}

    assert await documents(ChunkFilters()) == {"en-doc", "fr-doc"}
    assert await documents(ChunkFilters(language=["fr"])) == {"fr-doc"}
    assert await documents(ChunkFilters(classification=["EX-01"])) == {"en-doc"}
    sections_hit = await store.hybrid_query(
        collection, dense, bm25.query_vector(query), ChunkFilters(section=["dimensions"]), 50
    )
    assert {hit.payload["section_key"] for hit in sections_hit} == {"dimensions"}


async def test_document_dense_vectors_round_trip(store: QdrantVectorStore, embedder: OnnxEmbedder) -> None:
    await index_document(store, embedder, meta("doc-1"), sections_v1())
    vectors = await store.document_dense_vectors(collection_name(MODEL), "doc-1")
    assert vectors.shape == (2, 384)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    assert (await store.document_dense_vectors(collection_name(MODEL), "nope")).shape[0] == 0


def test_bm25_folds_accents_and_drops_stopwords() -> None:
    assert bm25.terms("Le Directeur régional et la Politique") == ["directeur", "regional", "politique"]
    assert bm25.query_vector("régional").indices == bm25.query_vector("REGIONAL").indices


def test_bm25_term_frequency_saturates_and_long_chunks_weigh_less() -> None:
    one = bm25.document_vector("budget")
    three = bm25.document_vector("budget budget budget")
    assert one.values[0] < three.values[0] < 3 * one.values[0]
    padded = bm25.document_vector("budget " + " ".join(f"filler{i}" for i in range(300)))
    assert padded.values[0] < one.values[0]


async def test_upsert_points_stores_under_chunk_ids_and_deletes_nothing(tmp_path: Path, embedder: OnnxEmbedder) -> None:
    store = QdrantVectorStore.local(tmp_path / "qdrant")
    await store.ensure_collection(MODEL, embedder.dimension)
    chunks = chunk_sections(meta("doc-1", version=1), sections_v1(), embedder) + chunk_sections(
        meta("doc-1", version=2), sections_v1(), embedder
    )
    points = [
        ChunkPoint(chunk=c, model_id=MODEL, dense=v, sparse=bm25.document_vector(c.text))
        for c, v in zip(chunks, embedder.embed([c.text for c in chunks]), strict=True)
    ]
    await store.upsert_points(MODEL, points)
    await store.upsert_points(MODEL, points)

    records, _ = await store._client.scroll(collection_name(MODEL), limit=100)
    assert {record.id for record in records} == {
        str(point_id(c.document_id, c.version, c.chunk_index, MODEL)) for c in chunks
    }
    assert sorted(p["version"] for p in await all_payloads(store)) == [1, 1, 2, 2]
    await store.close()


async def visible_versions(
    store: EdgeVectorStore | QdrantVectorStore, document_id: str, probe: np.ndarray
) -> list[int]:
    """The version of every chunk of the document that a search can return."""
    hits = await store.hybrid_query(collection_name(MODEL), probe, bm25.query_vector("régional"), ChunkFilters(), 200)
    return sorted(hit.payload["version"] for hit in hits if hit.payload["document_id"] == document_id)


async def test_a_version_larger_than_one_request_is_stored_whole(store: QdrantVectorStore) -> None:
    await store.ensure_collection(MODEL, 384)
    points = random_points("big", 1, 40, MODEL)
    assert request_bytes([encoded_size(point_struct(p)) for p in points]) > 3 * TEST_REQUEST_BYTES
    assert await store.replace_document(MODEL, "big", 1, points)

    assert await visible_versions(store, "big", points[0].dense) == [1] * 40
    assert len(await store.document_dense_vectors(collection_name(MODEL), "big")) == 40
    assert all(STAGED not in payload for payload in await all_payloads(store))


async def test_a_failure_halfway_through_a_split_version_leaves_the_old_version_alone_visible(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = QdrantVectorStore.local(tmp_path / "qdrant", max_request_bytes=TEST_REQUEST_BYTES)
    await store.ensure_collection(MODEL, 384)
    old, new = random_points("doc", 1, 3, MODEL), random_points("doc", 2, 40, MODEL)
    await store.replace_document(MODEL, "doc", 1, old)
    upsert = store._client.upsert
    calls = 0

    async def fail_on_second_request(*args: object, **kwargs: object) -> object:
        nonlocal calls
        calls += 1
        if calls == 2:
            raise ConnectionError("server went away")
        return await upsert(*args, **kwargs)

    monkeypatch.setattr(store._client, "upsert", fail_on_second_request)
    with pytest.raises(ConnectionError):
        await store.replace_document(MODEL, "doc", 2, new)
    # The first request's points of version 2 are stored, but staged: searches see version 1 only.
    assert sorted(p["version"] for p in await all_payloads(store)).count(2) > 0
    assert await visible_versions(store, "doc", new[0].dense) == [1, 1, 1]
    assert len(await store.document_dense_vectors(collection_name(MODEL), "doc")) == 3

    monkeypatch.undo()
    assert await store.replace_document(MODEL, "doc", 2, new)
    assert await visible_versions(store, "doc", new[0].dense) == [2] * 40
    assert all(STAGED not in payload for payload in await all_payloads(store))
    await store.close()
