"""`jdi dlq` as a separate process on the real broker: a message ingestion really dead-lettered (its database
unreachable past the outage limit) is listed, shown and replayed; replaying it twice changes nothing downstream."""

import asyncio
import hashlib
import json
import os
import subprocess
import sys
import uuid

import pytest
from asgi_lifespan import LifespanManager
from prometheus_client import REGISTRY

from jdi_contracts.events import DeadLettered, DocumentParsed, Topic
from jdi_core.broker import make_broker, publish_event
from jdi_core.settings import KafkaSettings
from jdi_ingestion.app import create_app as create_ingestion
from jdi_ingestion.settings import IngestionSettings

from .conftest import consume, submitted_event

pytestmark = pytest.mark.integration


async def jdi(kafka: KafkaSettings, *arguments: str) -> subprocess.CompletedProcess[str]:
    environment = {
        **os.environ,
        "KAFKA_BOOTSTRAP_SERVERS": kafka.bootstrap_servers,
        "KAFKA_TOPIC_PREFIX": kafka.topic_prefix,
    }
    return await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "jdi_cli", "dlq", *arguments],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def handled_ok() -> float:
    return (
        REGISTRY.get_sample_value("jdi_messages_handled_total", {"topic": Topic.SUBMITTED.value, "outcome": "ok"})
        or 0.0
    )


async def test_a_dead_letter_is_listed_shown_and_replayed_harmlessly_twice(
    kafka_settings: KafkaSettings,
    database_proxy,
    published,
    eventually,
) -> None:
    proxy, database = database_proxy
    # No waiting for the database: its outage dead-letters after the bounded attempts, as past the limit.
    kafka = kafka_settings.model_copy(update={"outage_max_pause_s": 0})
    group = f"ingestion-dlq-{uuid.uuid4().hex[:6]}"
    ingestion = create_ingestion(IngestionSettings(kafka=kafka, database=database, group_id=group))
    broker = make_broker(kafka)
    published.subscribe(broker, kafka, Topic.PARSED, Topic.DLQ)
    event = submitted_event(31)
    async with LifespanManager(ingestion, startup_timeout=60):
        await broker.start()
        try:
            await proxy.cut()
            await publish_event(broker, kafka, event)
            [letter_bytes] = await published.wait_for(Topic.DLQ, 1)
            letter = DeadLettered.from_bytes(letter_bytes)
            await proxy.start()

            listed = await jdi(kafka, "list", "--topic", Topic.SUBMITTED.value, "--since", "10m")
            assert listed.returncode == 0, listed.stderr
            [header, line] = listed.stdout.splitlines()
            assert header.split()[:6] == ["ID", "AGE", "TOPIC", "KEY", "ATTEMPTS", "ERROR"]
            assert line.split()[0] == letter.id
            assert line.split()[2:5] == [kafka.topic(Topic.SUBMITTED), event.subject, "3"]
            assert "ConnectionRefusedError" in line

            shown = await jdi(kafka, "show", letter.id[:8])
            assert shown.returncode == 0, shown.stderr
            details = json.loads(shown.stdout)
            assert (details["key"], details["attempts"], details["error_type"]) == (
                event.subject,
                3,
                "ConnectionRefusedError",
            )
            assert details["value_sha256"] == hashlib.sha256(event.to_bytes()).hexdigest()
            value = await jdi(kafka, "show", letter.id, "--value")
            assert value.stdout.encode() == event.to_bytes()

            before = handled_ok()
            for replay in (["--topic", Topic.SUBMITTED.value], [letter.id]):
                replayed = await jdi(kafka, "replay", *replay)
                assert replayed.returncode == 0, replayed.stderr
                assert json.loads(replayed.stdout) == {"replayed": 1, "topics": {kafka.topic(Topic.SUBMITTED): 1}}

            async def both_replays_handled() -> bool:
                return handled_ok() - before == 2

            await eventually(both_replays_handled)
            # Handled twice, parsed once: the second replay is the same bytes again.
            [parsed] = await published.wait_for(Topic.PARSED, 1)
            assert DocumentParsed.from_bytes(parsed).data.submission_id == event.id
            await asyncio.sleep(1)
            assert len(published.bodies[Topic.PARSED]) == 1
            assert len(published.bodies[Topic.DLQ]) == 1
        finally:
            await broker.stop()

    original, *replays = await consume(kafka.bootstrap_servers, kafka.topic(Topic.SUBMITTED), 3)
    replay_of = letter.id.encode()
    assert [dict(record.headers).get("jdi-replay-of") for record in (original, *replays)] == [
        None,
        replay_of,
        replay_of,
    ]
    assert all(record.key == original.key and record.value == original.value for record in replays)
