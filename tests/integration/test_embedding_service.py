"""The embedding service against the real Kafka broker with its embedded Qdrant Edge store.

Crash safety: the service runs as a process whose vector store hangs after a chosen number of
document writes, i.e. in the middle of a batch whose first documents are already written and
announced but whose offsets are not committed; the process is SIGKILLed there and the real
service restarted on the same store. Every document must end with exactly its chunks.

Re-embedding: a second model id replays `parsed` into its own collection under its own consumer
group while search serves the old one, then search switches over.
"""

import asyncio
import importlib.util
import os
import signal
import textwrap
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from jdi_contracts.events import DocumentEmbedded, DocumentParsed, Topic
from jdi_core.broker import make_broker, publish_event
from jdi_core.settings import KafkaSettings
from jdi_embedder import INT8_MODEL_ID, MODEL_ID, OnnxEmbedder
from jdi_embedding.chunking import DocumentMeta
from jdi_embedding.reembedding import model_group_id
from jdi_embedding.vectors import point_id
from jdi_embedding.vectors.indexing import chunk_document

from ..processes import ServiceProcess, free_port
from ..stored_points import stored_point_ids

pytestmark = pytest.mark.integration

# The benchmarks own the synthetic parsed-event generator; load it by path (tests/ is not a package).
_spec = importlib.util.spec_from_file_location(
    "embedding_bench", Path(__file__).resolve().parents[1] / "performance" / "embedding_bench.py"
)
assert _spec and _spec.loader
embedding_bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(embedding_bench)

DOCUMENTS = 12
BATCH = 4
WRITES_BEFORE_HANG = 6  # the second batch: two documents written, two hanging
READY_TIMEOUT_S = 120

# The real composition root with a store that hangs (as a process stuck mid-batch would) after a
# number of document writes, and says so in a marker file.
HANGING_SERVICE = textwrap.dedent(
    """
    import asyncio, os, sys
    from pathlib import Path

    import uvicorn

    from jdi_embedding.app import create_app
    from jdi_embedding.settings import EmbeddingSettings
    from jdi_embedding.vectors import EdgeVectorStore

    writes_before_hang, marker = int(sys.argv[1]), Path(sys.argv[2])


    class HangingStore(EdgeVectorStore):
        writes = 0

        async def replace_document(self, *args):
            if self.writes >= writes_before_hang:
                marker.write_text(str(self.writes))
                await asyncio.Event().wait()
            self.writes += 1
            return await super().replace_document(*args)


    settings = EmbeddingSettings()
    app = create_app(settings, store=HangingStore(settings.qdrant.path))
    uvicorn.run(app, host=settings.host, port=settings.port, log_config=None)
    """
)


def service_env(kafka: KafkaSettings, qdrant_path: Path, work: Path, **overrides: str) -> dict[str, str]:
    return {
        **os.environ,
        "KAFKA_BOOTSTRAP_SERVERS": kafka.bootstrap_servers,
        "KAFKA_TOPIC_PREFIX": kafka.topic_prefix,
        "KAFKA_SESSION_TIMEOUT_MS": "6000",
        "KAFKA_HEARTBEAT_INTERVAL_MS": "500",
        "KAFKA_RETRY_BACKOFF_S": "0.05",
        "QDRANT_PATH": str(qdrant_path),
        "JDI_TRACES_DIR": str(work / "traces"),
        "EMBEDDING_PORT": str(free_port()),
        "EMBEDDING_BATCH_MAX_RECORDS": str(BATCH),
        "EMBEDDING_BATCH_TIMEOUT_MS": "50",
        **overrides,
    }


def start_service(args: list[str], env: dict[str, str], log: Path) -> ServiceProcess:
    service = ServiceProcess("embedding", int(env["EMBEDDING_PORT"]), env, log, args)
    service.start()
    return service


@pytest.fixture
def services() -> Iterator[list[ServiceProcess]]:
    started: list[ServiceProcess] = []
    yield started
    for service in started:
        service.stop(signal.SIGKILL)


@pytest.fixture(scope="module")
def embedder() -> OnnxEmbedder:
    return OnnxEmbedder.load()


async def publish_parsed(kafka: KafkaSettings, events: list[DocumentParsed]) -> None:
    broker = make_broker(kafka)
    await broker.start()
    try:
        for event in events:
            await publish_event(broker, kafka, event)
    finally:
        await broker.stop()


async def embedded_events(kafka: KafkaSettings) -> list[DocumentEmbedded]:
    """Every embedded event on the topic so far."""
    consumer = AIOKafkaConsumer(
        kafka.topic(Topic.EMBEDDED), bootstrap_servers=kafka.bootstrap_servers, auto_offset_reset="earliest"
    )
    await consumer.start()
    try:
        batches = await consumer.getmany(timeout_ms=2000)
        events = [DocumentEmbedded.from_bytes(record.value) for records in batches.values() for record in records]
        while batches:
            batches = await consumer.getmany(timeout_ms=500)
            events += [DocumentEmbedded.from_bytes(record.value) for records in batches.values() for record in records]
        return events
    finally:
        await consumer.stop()


async def committed_records(kafka: KafkaSettings, group_id: str) -> int:
    admin = AIOKafkaAdminClient(bootstrap_servers=kafka.bootstrap_servers)
    await admin.start()
    try:
        partitions = [TopicPartition(kafka.topic(Topic.PARSED), partition) for partition in range(6)]
        offsets = await admin.list_consumer_group_offsets(group_id, partitions=partitions)
        return sum(max(offset.offset, 0) for offset in offsets.values())
    finally:
        await admin.close()


def expected_chunks(events: list[DocumentParsed], embedder: OnnxEmbedder) -> dict[str, int]:
    return {
        event.data.document_id: len(
            chunk_document(DocumentMeta.from_parsed(event.data), event.data.sections, embedder).chunks
        )
        for event in events
    }


async def test_a_crash_in_the_middle_of_a_batch_loses_nothing_and_duplicates_nothing(
    kafka_settings: KafkaSettings,
    eventually: Callable[..., Awaitable[Any]],
    services: list[ServiceProcess],
    embedder: OnnxEmbedder,
    tmp_path: Path,
) -> None:
    qdrant_path, marker = tmp_path / "qdrant", tmp_path / "hung"
    events = [embedding_bench.synthetic_parsed_event(f"crash-{i}", seed=i) for i in range(DOCUMENTS)]
    chunks = expected_chunks(events, embedder)

    hanging = start_service(
        ["-c", HANGING_SERVICE, str(WRITES_BEFORE_HANG), str(marker)],
        service_env(kafka_settings, qdrant_path, tmp_path),
        tmp_path / "hanging.log",
    )
    services.append(hanging)
    hanging.wait_ready()
    await publish_parsed(kafka_settings, events)
    await eventually(lambda: asyncio.sleep(0, marker.exists()), timeout_s=180)
    hanging.stop(signal.SIGKILL)

    # The crash really was mid-batch: documents were written beyond what was committed.
    group = model_group_id("jdi-embedding", MODEL_ID)
    assert await committed_records(kafka_settings, group) < WRITES_BEFORE_HANG

    restarted = start_service(
        ["-m", "jdi_embedding"], service_env(kafka_settings, qdrant_path, tmp_path), tmp_path / "restarted.log"
    )
    services.append(restarted)
    restarted.wait_ready()

    async def all_announced() -> set[str]:
        announced = {event.data.document_id for event in await embedded_events(kafka_settings)}
        return announced if announced == set(chunks) else set()

    await eventually(all_announced, timeout_s=240, interval_s=1)
    await eventually(lambda: committed_records(kafka_settings, group), timeout_s=30)
    restarted.stop()

    stored = stored_point_ids(qdrant_path, MODEL_ID)
    assert {document: len(ids) for document, ids in stored.items()} == chunks
    for document_id, ids in stored.items():
        assert sorted(ids) == sorted(str(point_id(document_id, 1, i, MODEL_ID)) for i in range(chunks[document_id]))
    for event in await embedded_events(kafka_settings):
        assert event.data.chunk_count == chunks[event.data.document_id]


async def search_model(service: ServiceProcess) -> str:
    async with httpx.AsyncClient() as client:
        response = await client.post(f"{service.url}/internal/v1/search", json={"query": "director of programs"})
    response.raise_for_status()
    return response.json()["model_id"]


async def test_a_new_model_replays_parsed_into_its_own_collection_then_search_switches(
    kafka_settings: KafkaSettings,
    eventually: Callable[..., Awaitable[Any]],
    services: list[ServiceProcess],
    embedder: OnnxEmbedder,
    tmp_path: Path,
) -> None:
    qdrant_path = tmp_path / "qdrant"
    first = [embedding_bench.synthetic_parsed_event(f"old-{i}", seed=i) for i in range(10)]
    chunks = expected_chunks(first, embedder)

    old = start_service(
        ["-m", "jdi_embedding"], service_env(kafka_settings, qdrant_path, tmp_path), tmp_path / "old.log"
    )
    services.append(old)
    old.wait_ready()
    await publish_parsed(kafka_settings, first)

    async def announced_by(model_id: str) -> set[str]:
        return {
            event.data.document_id for event in await embedded_events(kafka_settings) if event.data.model_id == model_id
        }

    await eventually(lambda: _equals(announced_by(MODEL_ID), set(chunks)), timeout_s=180, interval_s=1)
    assert await search_model(old) == MODEL_ID
    old.stop()

    # The new model id with the old one still serving: replay from offset 0 under a new group.
    env = service_env(
        kafka_settings,
        qdrant_path,
        tmp_path,
        EMBEDDING_MODEL_ID=INT8_MODEL_ID,
        EMBEDDING_PREVIOUS_MODEL_ID=MODEL_ID,
        EMBEDDING_SWITCH_CHECK_INTERVAL_S="3",
    )
    both = start_service(["-m", "jdi_embedding"], env, tmp_path / "both.log")
    services.append(both)
    both.wait_ready()
    # The first switch check runs at start-up, before the new group has consumed anything, and
    # the next one 3 s later: right after readiness the old model must still be serving.
    assert await search_model(both) == MODEL_ID
    later = [embedding_bench.synthetic_parsed_event(f"new-{i}", seed=100 + i) for i in range(2)]
    await publish_parsed(kafka_settings, later)
    everything = set(chunks) | {event.data.document_id for event in later}

    await eventually(lambda: _equals(announced_by(INT8_MODEL_ID), everything), timeout_s=240, interval_s=1)
    await eventually(lambda: _equals(search_model(both), INT8_MODEL_ID), timeout_s=60, interval_s=0.5)
    assert await committed_records(kafka_settings, model_group_id("jdi-embedding", INT8_MODEL_ID)) == len(everything)
    both.stop()

    new_points = stored_point_ids(qdrant_path, INT8_MODEL_ID)
    assert set(new_points) == everything
    # The old collection is left as it was (a rollback target); it gets the later documents only
    # if its consumer saw them before the switch stopped it.
    assert set(chunks) <= set(stored_point_ids(qdrant_path, MODEL_ID)) <= everything


async def _equals(value: Awaitable[Any], expected: Any) -> bool:
    return await value == expected
