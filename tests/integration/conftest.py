"""Settings for services run in-process against the real broker and database of this session."""

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from pydantic import SecretStr

from jdi_core.settings import DatabaseSettings, KafkaSettings


@pytest.fixture
def kafka_settings(kafka_bootstrap_servers: str, topic_prefix: str, request: pytest.FixtureRequest) -> KafkaSettings:
    """Topics unique to this test, so tests never see each other's events."""
    return KafkaSettings(
        bootstrap_servers=kafka_bootstrap_servers,
        topic_prefix=f"{topic_prefix}{request.node.name[:40]}.",
        session_timeout_ms=6_000,
        heartbeat_interval_ms=500,
        retry_backoff_s=0.05,
    )


@pytest.fixture
def database_settings(database_url: str, db_schema_prefix: str, request: pytest.FixtureRequest) -> DatabaseSettings:
    suffix = "".join(ch for ch in request.node.name.lower() if ch.isalnum())[-20:]
    return DatabaseSettings(url=SecretStr(database_url), schema_prefix=f"{db_schema_prefix}{suffix}_", pool_size=2)


@pytest.fixture
def eventually() -> Callable[..., Awaitable[Any]]:
    """Poll `probe` until it returns a truthy value; the pipeline is asynchronous by design."""

    async def poll(probe: Callable[[], Awaitable[Any]], timeout_s: float = 60.0, interval_s: float = 0.2) -> Any:
        deadline = time.monotonic() + timeout_s
        last: Any = None
        while time.monotonic() < deadline:
            last = await probe()
            if last:
                return last
            await asyncio.sleep(interval_s)
        raise AssertionError(f"condition not met within {timeout_s}s; last value: {last!r}")

    return poll
