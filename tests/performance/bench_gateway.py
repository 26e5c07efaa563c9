"""The gateway over real HTTP, as frontends meet it: the real service process (`python -m jdi_gateway`,
uvicorn, `GATEWAY_WORKERS` workers) on a free port, driven by wrk in its own process, at 10,000 documents
in the read model and 100,000 chunks in the vector store behind search.

Seeding: the read model gets a parsed, an embedded and an analysed event per document through the
gateway's own projection (in this process, straight into PostgreSQL: no broker), which is also the
projection's throughput figure. The vector store gets 100,000 synthetic chunks (random unit vectors,
BM25 vectors of synthetic text, as bench_embedding_search.py) through the embedding service's Qdrant Edge
store; then the embedding service runs as its own process on that folder and serves the gateway's search.

Each route is measured with 1 and with 32 connections. Every figure also comes as a ratio to /healthz
measured in the same run (`*_ratio_to_healthz`; for latencies, healthz's over the route's, so higher is
better everywhere), because the machine is shared and absolute figures swing with its load.

Run: uv run python tests/performance/bench_gateway.py [documents] [chunks]  ->  bench-results/gateway.json
Needs DATABASE_URL and KAFKA_BOOTSTRAP_SERVERS (`make bench` starts both) and wrk (`make bench` installs
it). Spans go to Zipkin when ZIPKIN_URL is set (as under `make up`), else to files in a temporary folder.
"""

import asyncio
import json
import os
import platform
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from aiokafka import ConsumerRecord
from bench_embedding_search import load_per_document, synthetic_points
from pydantic import SecretStr
from sqlalchemy import text

from jdi_contracts.events import (
    Analyzed,
    DocumentAnalyzed,
    DocumentEmbedded,
    DocumentParsed,
    Embedded,
    Quality,
    Topic,
)
from jdi_contracts.identity import document_id_for
from jdi_core.migrations import migrate
from jdi_core.settings import DatabaseSettings
from jdi_embedder import MODEL_ID, OnnxEmbedder
from jdi_embedding.vectors import EdgeVectorStore
from jdi_embedding.vectors.naming import collection_name
from jdi_gateway.app import MIGRATIONS
from jdi_gateway.auth.api_key_auth import ensure_bootstrap_key
from jdi_gateway.settings import GatewaySettings
from jdi_gateway.store.tables import SCHEMA
from jdi_gateway.wiring import wire
from jdi_samples import generate_job_descriptions

ROOT = Path(__file__).resolve().parents[2]
DOCUMENTS = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
CHUNKS = int(sys.argv[2]) if len(sys.argv) > 2 else 100_000
API_KEY = "bench-key-" + uuid.uuid4().hex
CONNECTIONS = (1, 32)
DURATION_S = {1: 5, 32: 10}
READY_TIMEOUT_S = 300
SEARCHES = [
    "policy director",
    "director of human resources and labour relations",
    "manage the regional operations budget",
    "information technology security",
    "communications and public affairs strategy",
    "directeur des politiques et programmes",
]
TARGETS = {
    "target_clients_1_p95_ms": {"list": 5, "detail": 5, "stats": 5, "search": 60},
    "target_clients_32_requests_per_second": {"detail": 1500, "list": 800, "search": 100},
    "target_clients_32_p95_ms": {"detail": 50, "list": 50},
    "target_projection_events_per_second": 2000,
}

# Measured again with tracing off; healthz (never traced) shows the machine's drift between the runs.
TRACING_ROUTES = ("healthz", "list", "detail", "search")

# wrk runs this script: each request takes the next of the route's paths; at the end one JSON line.
WRK_SCRIPT = """
local paths = {%s}
local next_path = 0
request = function()
  next_path = next_path %% #paths + 1
  return wrk.format("GET", paths[next_path])
end
done = function(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    'WRK_RESULT {"requests": %%d, "duration_us": %%d, "non_2xx": %%d, "socket_errors": %%d, '
    .. '"p50_us": %%d, "p95_us": %%d, "p99_us": %%d}\\n',
    summary.requests, summary.duration, errors.status, errors.connect + errors.read + errors.write + errors.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""


def as_records(topic: Topic, bodies: list[bytes]) -> list[ConsumerRecord]:
    """The events as the gateway's consumer polls them."""
    return [
        ConsumerRecord(topic.value, 0, offset, offset, 0, None, body, None, 0, len(body), [])
        for offset, body in enumerate(bodies)
    ]


def required_env(name: str) -> str:
    if value := os.environ.get(name):
        return value
    sys.exit(f"{name} is not set: run through `make bench`, or `source deploy/local/env.sh` after `make infra-up`")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def pipeline_events(count: int) -> tuple[list[str], list[bytes], list[bytes], list[bytes]]:
    """Document ids and the parsed, embedded and analysed events of `count` sample documents."""
    ids, parsed, embedded, analyzed = [], [], [], []
    for sample in generate_job_descriptions(count, seed=7):
        document_id = document_id_for("bench", f"sample-{sample.seed}")
        ids.append(document_id)
        parsed.append(DocumentParsed.wrap(sample.parsed_record(document_id), source="/bench").to_bytes())
        stage = Embedded(document_id=document_id, version=1, model_id=MODEL_ID, collection="bench", chunk_count=10)
        embedded.append(DocumentEmbedded.wrap(stage, source="/bench").to_bytes())
        analysis = Analyzed(
            document_id=document_id,
            version=1,
            skills=[],
            quality=Quality(score=float(sample.seed % 100), components=[]),
            findings=[],
            compliance=[],
        )
        analyzed.append(DocumentAnalyzed.wrap(analysis, source="/bench").to_bytes())
    return ids, parsed, embedded, analyzed


async def seed_read_model(database: DatabaseSettings) -> tuple[list[str], dict[str, float]]:
    """Migrate a fresh schema, add the bench's key, project every document's events; the projection's rate."""
    wired = wire(GatewaySettings(database=database))
    await migrate(wired.engine, SCHEMA, MIGRATIONS)
    await ensure_bootstrap_key(wired.api_keys, API_KEY)
    ids, *streams = pipeline_events(DOCUMENTS)
    batch = GatewaySettings().projection_batch_max_records
    records = [
        record
        for topic, bodies in zip((Topic.PARSED, Topic.EMBEDDED, Topic.ANALYZED), streams, strict=True)
        for record in as_records(topic, bodies)
    ]
    started = time.perf_counter()
    for first in range(0, len(records), batch):  # as the consumer polls them: a batch per transaction
        outcomes = await wired.projections.project_batch(records[first : first + batch])
        if any(outcomes):
            sys.exit(f"the projection failed: {next(o for o in outcomes if o)!r}")
    seconds = time.perf_counter() - started
    await wired.engine.dispose()
    events = sum(len(bodies) for bodies in streams)
    return ids, {"events": events, "seconds": round(seconds, 1), "events_per_second": round(events / seconds, 1)}


async def drop_schema(database: DatabaseSettings) -> None:
    wired = wire(GatewaySettings(database=database))
    async with wired.engine.begin() as connection:
        await connection.execute(text(f'DROP SCHEMA IF EXISTS "{database.schema_prefix}{SCHEMA}" CASCADE'))
    await wired.engine.dispose()


async def seed_vector_store(folder: Path) -> dict[str, float]:
    """The chunks, written as the embedding service writes them; the active collection set."""
    embedder = OnnxEmbedder.load()
    store = EdgeVectorStore(folder)
    await store.ensure_collection(embedder.model_id, embedder.dimension)
    points = synthetic_points(CHUNKS, embedder.model_id, embedder.dimension, random.Random(5))  # noqa: S311 - reproducible synthetic points
    started = time.perf_counter()
    await load_per_document(store, embedder.model_id, points)
    await store.set_active(embedder.model_id)
    await store.close()
    assert (folder / collection_name(embedder.model_id)).is_dir()
    return {"chunks": CHUNKS, "load_seconds": round(time.perf_counter() - started, 1)}


@contextmanager
def service(name: str, env: dict[str, str], port: int, logs: Path) -> Iterator[str]:
    """The service `jdi_<name>` as its own process on `port`, until the block ends."""
    url = f"http://127.0.0.1:{port}"
    log_path = logs / f"{name}.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(  # noqa: S603 - this interpreter running a service module
            [sys.executable, "-m", f"jdi_{name}"], env=env, stdout=log, stderr=subprocess.STDOUT
        )
    try:
        deadline = time.monotonic() + READY_TIMEOUT_S
        while True:
            if process.poll() is not None:
                sys.exit(f"{name} exited with {process.returncode}:\n{log_path.read_text()[-4000:]}")
            try:
                if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                sys.exit(f"{name} not ready after {READY_TIMEOUT_S}s:\n{log_path.read_text()[-4000:]}")
            time.sleep(0.3)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


def run_wrk(base_url: str, paths: list[str], connections: int, work: Path) -> dict[str, float]:
    script = work / "paths.lua"
    script.write_text(WRK_SCRIPT % ", ".join(json.dumps(path) for path in paths))
    command = [
        "wrk",
        "--threads",
        "1",
        "--connections",
        str(connections),
        "--duration",
        f"{DURATION_S[connections]}s",
        "--timeout",
        "10s",
        "--header",
        f"X-API-Key: {API_KEY}",
        "--script",
        str(script),
        base_url,
    ]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout  # noqa: S603 - wrk with our arguments
    line = next(line for line in output.splitlines() if line.startswith("WRK_RESULT "))
    raw = json.loads(line.removeprefix("WRK_RESULT "))
    if raw["non_2xx"] or raw["socket_errors"]:
        sys.exit(f"{paths[0]} with {connections} connections: {raw['non_2xx']} non-2xx, {raw['socket_errors']} errors")
    return {
        "requests": raw["requests"],
        "requests_per_second": round(raw["requests"] / (raw["duration_us"] / 1e6), 1),
        "p50_ms": round(raw["p50_us"] / 1000, 2),
        "p95_ms": round(raw["p95_us"] / 1000, 2),
        "p99_ms": round(raw["p99_us"] / 1000, 2),
    }


def with_ratios(figures: dict[str, float], healthz: dict[str, float]) -> dict[str, float]:
    """Ratios to /healthz in the same run; higher is better for every one of them."""
    return {
        **figures,
        "requests_per_second_ratio_to_healthz": round(
            figures["requests_per_second"] / healthz["requests_per_second"], 4
        ),
        **{
            f"{percentile}_ratio_to_healthz": round(healthz[f"{percentile}_ms"] / figures[f"{percentile}_ms"], 4)
            for percentile in ("p50", "p95", "p99")
        },
    }


def routes(ids: list[str]) -> dict[str, list[str]]:
    sample = random.Random(3).sample(ids, min(1000, len(ids)))  # noqa: S311 - reproducible choice of documents
    return {
        "healthz": ["/healthz"],
        "list": ["/v1/documents?limit=20"],
        "list_filtered": ["/v1/documents?limit=20&language=fr&classification=EX-02"],
        "detail": [f"/v1/documents/{document_id}" for document_id in sample],
        "stats": ["/v1/stats"],
        "search": [f"/v1/search?q={query.replace(' ', '+')}" for query in SEARCHES],
    }


def measure(
    gateway: str, paths: dict[str, list[str]], work: Path, connections_measured: tuple[int, ...] = CONNECTIONS
) -> dict[str, dict[str, dict[str, float]]]:
    for route_paths in paths.values():  # warm up: connections, caches, first-call imports
        httpx.get(f"{gateway}{route_paths[0]}", headers={"X-API-Key": API_KEY}, timeout=30).raise_for_status()
    results: dict[str, dict[str, dict[str, float]]] = {}
    for connections in connections_measured:
        healthz = run_wrk(gateway, paths["healthz"], connections, work)
        for route, route_paths in paths.items():
            figures = healthz if route == "healthz" else run_wrk(gateway, route_paths, connections, work)
            results.setdefault(route, {})[f"clients_{connections}"] = with_ratios(figures, healthz)
            print(route, connections, figures, flush=True)
    return results


def tracing_cost(
    traced: dict[str, dict[str, dict[str, float]]], untraced: dict[str, dict[str, dict[str, float]]]
) -> dict[str, dict[str, float]]:
    """Each route with 32 clients, traced (spans exported) over untraced (OTEL_SDK_DISABLED=true): 1.0 is free.
    /healthz is never traced, so its own ratio shows how much the machine drifted between the two runs."""
    cost = {}
    for route, by_clients in untraced.items():
        on, off = traced[route]["clients_32"], by_clients["clients_32"]
        cost[route] = {
            "traced_requests_per_second": on["requests_per_second"],
            "untraced_requests_per_second": off["requests_per_second"],
            "traced_over_untraced_requests_per_second": round(
                on["requests_per_second"] / off["requests_per_second"], 3
            ),
            "traced_p95_ms": on["p95_ms"],
            "untraced_p95_ms": off["p95_ms"],
        }
    return cost


def main() -> None:
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: `make bench` installs it (apt-get install -y wrk)")
    run_id = uuid.uuid4().hex[:8]
    database = DatabaseSettings(url=SecretStr(required_env("DATABASE_URL")), schema_prefix=f"bench{run_id}_")
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        (work / "logs").mkdir()
        load_before = os.getloadavg()
        ids, projection = asyncio.run(seed_read_model(database))
        print("projection", projection, flush=True)
        try:
            vectors = asyncio.run(seed_vector_store(work / "qdrant"))
            print("vector store", vectors, flush=True)
            ports = {"gateway": free_port(), "embedding": free_port()}
            env = {
                **os.environ,
                "KAFKA_BOOTSTRAP_SERVERS": required_env("KAFKA_BOOTSTRAP_SERVERS"),
                "KAFKA_TOPIC_PREFIX": f"bench{run_id}.",
                "DATABASE_SCHEMA_PREFIX": database.schema_prefix,
                "QDRANT_PATH": str(work / "qdrant"),
                "JDI_TRACES_DIR": str(work / "traces"),
                "GATEWAY_EMBEDDING_URL": f"http://127.0.0.1:{ports['embedding']}",
                # Measured with the limiter counting every request, but never refusing one.
                "GATEWAY_RATE_LIMIT": "1000000000/minute",
                **{f"{name.upper()}_PORT": str(port) for name, port in ports.items()},
            }
            if zipkin := os.environ.get("ZIPKIN_URL"):
                env["OTEL_EXPORTER_ZIPKIN_ENDPOINT"] = f"{zipkin}/api/v2/spans"
            paths = routes(ids)
            with service("embedding", env, ports["embedding"], work / "logs"):
                with service("gateway", env, ports["gateway"], work / "logs") as gateway:
                    results = measure(gateway, paths, work)
                # The same gateway with the OpenTelemetry SDK switched off: what tracing costs.
                untraced_env = env | {"OTEL_SDK_DISABLED": "true", "GATEWAY_PORT": str(free_port())}
                with service("gateway", untraced_env, int(untraced_env["GATEWAY_PORT"]), work / "logs") as gateway:
                    subset = {route: paths[route] for route in TRACING_ROUTES}
                    untraced = measure(gateway, subset, work, connections_measured=(32,))
        finally:
            asyncio.run(drop_schema(database))
    output = {
        "command": "uv run python tests/performance/bench_gateway.py",
        "machine": {"cpu_count": os.cpu_count(), "platform": platform.platform(), "python": sys.version.split()[0]},
        "load_average": {"before": load_before, "after": os.getloadavg()},
        "documents": DOCUMENTS,
        "spans_to": "zipkin" if os.environ.get("ZIPKIN_URL") else "files",
        "load_generator": "wrk, 1 thread, its own process",
        "duration_s": {f"clients_{connections}": seconds for connections, seconds in DURATION_S.items()},
        "projection": projection,
        "vector_store": vectors,
        "routes": results,
        "tracing_cost": tracing_cost(results, untraced),
        "targets": TARGETS,
    }
    out = ROOT / "bench-results" / "gateway.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(output, indent=2) + "\n")
    print(json.dumps(output, indent=2))


if __name__ == "__main__":
    main()
