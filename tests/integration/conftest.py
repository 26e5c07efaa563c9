"""Fixtures of the integration tests that go beyond the session's infrastructure (see the root conftest.py)."""

import hashlib
import time
import uuid
from collections.abc import AsyncIterator
from urllib.parse import urlsplit, urlunsplit

import httpx
import pytest
from aiokafka import AIOKafkaConsumer
from pydantic import SecretStr

from jdi_contracts.events import DocumentSubmitted, Submitted
from jdi_core.migrations import migrate
from jdi_core.settings import DatabaseSettings, KafkaSettings
from jdi_gateway.app import create_app
from jdi_gateway.auth.api_key_auth import ensure_bootstrap_key
from jdi_gateway.settings import GatewaySettings
from jdi_gateway.store.tables import MIGRATIONS, SCHEMA
from jdi_gateway.wiring import Wiring, wire
from jdi_samples import generate_job_description

from .tcp_proxy import TcpProxy

GATEWAY_API_KEY = "integration-admin-key"


@pytest.fixture
async def gateway(
    kafka_settings: KafkaSettings, database_settings: DatabaseSettings
) -> AsyncIterator[tuple[Wiring, httpx.AsyncClient]]:
    """The gateway wired on this test's schema and topics, migrated, and its API called with an admin key; its
    consumer is not subscribed: tests project events through `wired.projections` or subscribe it themselves."""
    settings = GatewaySettings(kafka=kafka_settings, database=database_settings)
    wired = wire(settings)
    await migrate(wired.engine, SCHEMA, MIGRATIONS)
    await ensure_bootstrap_key(wired.api_keys, GATEWAY_API_KEY)
    transport = httpx.ASGITransport(app=create_app(settings, engine=wired.engine))
    headers = {"X-API-Key": GATEWAY_API_KEY}
    async with httpx.AsyncClient(transport=transport, base_url="http://gw", headers=headers) as client:
        yield wired, client
    await wired.engine.dispose()


@pytest.fixture
async def database_proxy(database_settings: DatabaseSettings) -> AsyncIterator[tuple[TcpProxy, DatabaseSettings]]:
    """The test's database settings with the URL pointing at a proxy in front of the session's PostgreSQL."""
    url = urlsplit(database_settings.url.get_secret_value())
    proxy = TcpProxy(url.hostname or "127.0.0.1", url.port or 5432)
    await proxy.start()
    netloc = url.netloc.rsplit(":", 1)[0] if url.port else url.netloc
    proxied = urlunsplit(url._replace(netloc=f"{netloc}:{proxy.port}"))
    yield proxy, database_settings.model_copy(update={"url": SecretStr(proxied)})
    await proxy.cut()


def submitted_event(seed: int) -> DocumentSubmitted:
    """A text submission of a synthetic description, under a document id of its own."""
    text = generate_job_description(seed=seed, language="en").text
    document_id = f"it-{seed}-{uuid.uuid4().hex[:8]}"
    data = Submitted(
        document_id=document_id,
        source_system="integration-test",
        source_reference=document_id,
        file_name="job.txt",
        size=len(text.encode()),
        sha256=hashlib.sha256(text.encode()).hexdigest(),
        text=text,
        submitted_by="test",
    )
    return DocumentSubmitted.wrap(data, source="/test", subject=document_id)


async def consume(bootstrap_servers: str, topic: str, count: int, timeout_s: float = 60.0) -> list:
    """At least `count` records of `topic` from its start (or what arrived within `timeout_s`), read without a group."""
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap_servers,
        group_id=None,
        auto_offset_reset="earliest",
        metadata_max_age_ms=1000,
    )
    await consumer.start()
    records = []
    try:
        deadline = time.monotonic() + timeout_s
        while len(records) < count and time.monotonic() < deadline:
            for partition_records in (await consumer.getmany(timeout_ms=500)).values():
                records.extend(partition_records)
    finally:
        await consumer.stop()
    return records
