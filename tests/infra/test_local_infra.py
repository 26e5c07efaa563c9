"""Smoke tests of the infrastructure fixtures against a real broker and database, and the guards of the local
scripts in deploy/local (these start nothing)."""

from __future__ import annotations

import asyncio
import fcntl
import os
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

LOCAL_DEPLOY_DIR = Path(__file__).resolve().parents[2] / "deploy" / "local"
SERVICE_PORT_VARIABLES = ("GATEWAY_PORT", "INGESTION_PORT", "EMBEDDING_PORT", "ANALYSIS_PORT")

CONSUME_TIMEOUT_S = 60
# A 10 MB document grows to about 13.4 MB in base64; the broker must take it.
LARGE_VALUE_BYTES = 14 * 1024 * 1024
CLIENT_MAX_BYTES = 20 * 1024 * 1024


async def produce(bootstrap_servers: str, topic: str, records: list[tuple[bytes, bytes]]) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap_servers, max_request_size=CLIENT_MAX_BYTES)
    await producer.start()
    try:
        for key, value in records:
            await producer.send_and_wait(topic, key=key, value=value, headers=[("ce_type", b"smoke")])
    finally:
        await producer.stop()


async def consume(
    bootstrap_servers: str,
    topic: str,
    group_id: str,
    count: int,
    settings: dict[str, int | str],
) -> list[tuple[bytes | None, bytes | None, list[tuple[str, bytes]]]]:
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap_servers,
        group_id=group_id,
        max_partition_fetch_bytes=CLIENT_MAX_BYTES,
        **settings,
    )
    await consumer.start()
    received = []
    try:
        async with asyncio.timeout(CONSUME_TIMEOUT_S):
            while len(received) < count:
                message = await consumer.getone()
                received.append((message.key, message.value, list(message.headers)))
    finally:
        await consumer.stop()
    return received


@pytest.mark.integration
async def test_message_round_trip_through_broker(
    kafka_bootstrap_servers: str,
    topic_prefix: str,
    fast_consumer_settings: dict[str, int | str],
) -> None:
    topic = f"{topic_prefix}infra.round-trip"
    await produce(kafka_bootstrap_servers, topic, [(b"doc-1", b'{"hello": "broker"}')])

    received = await consume(
        kafka_bootstrap_servers,
        topic,
        f"{topic_prefix}infra-round-trip",
        1,
        fast_consumer_settings,
    )

    assert received == [(b"doc-1", b'{"hello": "broker"}', [("ce_type", b"smoke")])]


@pytest.mark.integration
async def test_broker_accepts_base64_sized_document(
    kafka_bootstrap_servers: str,
    topic_prefix: str,
    fast_consumer_settings: dict[str, int | str],
) -> None:
    topic = f"{topic_prefix}infra.large"
    large_value = os.urandom(LARGE_VALUE_BYTES)
    await produce(kafka_bootstrap_servers, topic, [(b"doc-large", large_value)])

    received = await consume(
        kafka_bootstrap_servers,
        topic,
        f"{topic_prefix}infra-large",
        1,
        fast_consumer_settings,
    )

    key, value, _ = received[0]
    assert key == b"doc-large"
    assert value == large_value


@pytest.mark.integration
async def test_database_accepts_queries_and_schemas(database_url: str, db_schema_prefix: str) -> None:
    # asyncpg takes a plain libpq URL; the fixture gives the SQLAlchemy form.
    connection = await asyncpg.connect(database_url.replace("postgresql+asyncpg://", "postgresql://", 1))
    schema = f"{db_schema_prefix}infra_smoke"
    try:
        assert await connection.fetchval("SELECT 1") == 1
        await connection.execute(f'CREATE SCHEMA "{schema}"')
        # The schema is the test's own name: identifiers cannot be bound parameters.
        await connection.execute(f'CREATE TABLE "{schema}".notes (id int PRIMARY KEY, body text NOT NULL)')
        await connection.execute(f'INSERT INTO "{schema}".notes VALUES (1, $1)', "stored")  # noqa: S608
        assert await connection.fetchval(f'SELECT body FROM "{schema}".notes WHERE id = 1') == "stored"  # noqa: S608
        assert (
            await connection.fetchval(
                "SELECT count(*) FROM information_schema.schemata WHERE schema_name = $1",
                schema,
            )
            == 1
        )
    finally:
        await connection.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        await connection.close()


def run_script(script: str, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - the repository's own script, fixed arguments
        ["bash", str(LOCAL_DEPLOY_DIR / script), *args],  # noqa: S607 - bash from PATH, as `make` runs it
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def free_ports(count: int) -> list[int]:
    sockets = [socket.socket() for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


@pytest.fixture
def services_env(tmp_path: Path) -> Iterator[dict[str, str]]:
    """services.sh with its own work folder and free ports; whatever it might start is stopped afterwards."""
    env = {**os.environ, "JDI_WORK_DIR": str(tmp_path), "JDI_LOCK_TIMEOUT": "1"}
    env.update(zip(SERVICE_PORT_VARIABLES, map(str, free_ports(len(SERVICE_PORT_VARIABLES))), strict=True))
    yield env
    run_script("services.sh", "stop", env={**env, "JDI_LOCK_TIMEOUT": "30"})


def test_services_refuse_to_start_on_a_port_another_process_holds(services_env: dict[str, str]) -> None:
    with socket.socket() as other_process:
        other_process.bind(("127.0.0.1", int(services_env["EMBEDDING_PORT"])))
        other_process.listen()

        result = run_script("services.sh", "start", env=services_env)

    assert result.returncode == 1
    port = services_env["EMBEDDING_PORT"]
    assert f"port {port} (embedding) is taken by another process; set EMBEDDING_PORT" in result.stderr
    assert not (Path(services_env["JDI_WORK_DIR"]) / "pids").exists(), "no service may start"


@pytest.mark.parametrize("command", ["start", "stop"])
def test_services_wait_for_the_lock_another_caller_holds(services_env: dict[str, str], command: str) -> None:
    lock_file = Path(services_env["JDI_WORK_DIR"]) / "services.lock"
    with lock_file.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)

        result = run_script("services.sh", command, env=services_env)

    assert result.returncode == 1
    assert f"timed out waiting for {lock_file}" in result.stderr
    assert not (Path(services_env["JDI_WORK_DIR"]) / "pids").exists()


def test_services_run_the_instances_asked_for_each_on_a_port_of_its_own(services_env: dict[str, str]) -> None:
    env = {**services_env, "INGESTION_INSTANCES": "3"}
    third_port = int(services_env["INGESTION_PORT"]) + 200

    status = run_script("services.sh", "status", env=env)
    with socket.socket() as other_process:
        other_process.bind(("127.0.0.1", third_port))
        other_process.listen()
        start = run_script("services.sh", "start", env=env)

    assert [line for line in status.stdout.splitlines() if line.startswith("ingestion")] == [
        "ingestion: stopped",
        "ingestion-2: stopped",
        "ingestion-3: stopped",
    ]
    assert start.returncode == 1
    assert f"port {third_port} (ingestion-3) is taken by another process; set INGESTION_PORT" in start.stderr
    assert not (Path(services_env["JDI_WORK_DIR"]) / "pids").exists(), "no service may start"


def test_one_embedding_instance_unless_the_vector_store_is_a_server(services_env: dict[str, str]) -> None:
    env = {name: value for name, value in services_env.items() if name != "QDRANT_URL"}
    result = run_script("services.sh", "start", env={**env, "EMBEDDING_INSTANCES": "2"})

    assert result.returncode == 1
    assert "EMBEDDING_INSTANCES=2 needs QDRANT_URL" in result.stderr
    assert not (Path(services_env["JDI_WORK_DIR"]) / "pids").exists(), "no service may start"


def test_a_stop_without_services_takes_the_free_lock_and_succeeds(services_env: dict[str, str]) -> None:
    result = run_script("services.sh", "stop", env=services_env)

    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("shell", ["bash", "sh"])
def test_env_sh_keeps_connection_settings_already_set(shell: str) -> None:
    configured = {
        "KAFKA_BOOTSTRAP_SERVERS": "kafka.shared:29092",
        "DATABASE_URL": "postgresql+asyncpg://jdi@db.shared:25432/jdi",
    }
    env = {**os.environ, **configured, "KAFKA_PORT": "1111", "POSTGRES_PORT": "2222"}

    printed = subprocess.run(  # noqa: S603 - the repository's own script, fixed arguments
        [shell, str(LOCAL_DEPLOY_DIR / "env.sh")], env=env, capture_output=True, text=True, check=True
    ).stdout

    assert printed.splitlines() == [f"export {name}={value}" for name, value in configured.items()]


def test_env_sh_derives_unset_connection_settings_from_the_local_ports() -> None:
    env = {name: value for name, value in os.environ.items() if name not in ("KAFKA_BOOTSTRAP_SERVERS", "DATABASE_URL")}
    env.update(KAFKA_PORT="1111", POSTGRES_PORT="2222")

    printed = run_script("env.sh", env=env).stdout

    assert printed.splitlines() == [
        "export KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:1111",
        "export DATABASE_URL=postgresql+asyncpg://jdi@127.0.0.1:2222/jdi",
    ]


def test_env_sh_names_every_node_of_a_local_cluster() -> None:
    env = {name: value for name, value in os.environ.items() if name != "KAFKA_BOOTSTRAP_SERVERS"}
    env.update(KAFKA_PORT="1111", KAFKA_BROKERS="3")

    printed = run_script("env.sh", env=env).stdout

    assert "export KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:1111,127.0.0.1:1113,127.0.0.1:1115" in printed.splitlines()
