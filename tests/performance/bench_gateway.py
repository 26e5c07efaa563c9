"""Gateway read model at 10k+ documents: projection throughput, then list, filter, page, stats and
get latencies through the real API on the real PostgreSQL (no broker needed: events are handed to
the projector directly).

Run: uv run python tests/performance/bench_gateway.py  ->  bench-results/gateway.json
Needs DATABASE_URL (`make bench` starts the local PostgreSQL and sets it).
"""

import asyncio
import json
import os
import platform
import statistics
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import httpx
from pydantic import SecretStr
from sqlalchemy import text

from jdi_contracts.events import (
    Analyzed,
    DocumentAnalyzed,
    DocumentParsed,
    Quality,
)
from jdi_contracts.identity import document_id_for
from jdi_core.migrations import migrate
from jdi_core.settings import DatabaseSettings
from jdi_gateway.app import MIGRATIONS, create_app
from jdi_gateway.auth.api_key_auth import ensure_bootstrap_key
from jdi_gateway.settings import GatewaySettings
from jdi_gateway.store.tables import SCHEMA
from jdi_gateway.wiring import wire
from jdi_samples import generate_job_descriptions

ROOT = Path(__file__).resolve().parents[2]
DOCUMENTS = 10_000
REQUESTS = 200
API_KEY = "bench-key"


@dataclass(frozen=True)
class Message:
    """What the projector reads of a Kafka message."""

    body: bytes


def database_url() -> str:
    if url := os.environ.get("DATABASE_URL"):
        return url
    sys.exit("DATABASE_URL is not set: run through `make bench`, or `source deploy/local/env.sh` after `make infra-up`")


def events(count: int) -> list[tuple[DocumentParsed, DocumentAnalyzed]]:
    pairs = []
    for sample in generate_job_descriptions(count, seed=7):
        document_id = document_id_for("bench", f"sample-{sample.seed}")
        parsed = sample.parsed_record(document_id)
        analyzed = Analyzed(
            document_id=document_id,
            version=1,
            skills=[],
            quality=Quality(score=float(sample.seed % 100), components=[]),
            findings=[],
            compliance=[],
        )
        pairs.append((DocumentParsed.wrap(parsed, source="/bench"), DocumentAnalyzed.wrap(analyzed, source="/bench")))
    return pairs


def latency(samples_ms: list[float]) -> dict[str, float]:
    quantiles = statistics.quantiles(samples_ms, n=100)
    return {"requests": len(samples_ms), "p50_ms": round(quantiles[49], 2), "p95_ms": round(quantiles[94], 2)}


async def timed(client: httpx.AsyncClient, path: str, params: dict[str, str] | None = None) -> list[float]:
    samples = []
    for _ in range(REQUESTS):
        started = time.perf_counter()
        response = await client.get(path, params=params)
        samples.append((time.perf_counter() - started) * 1000)
        response.raise_for_status()
    return samples


async def run() -> dict[str, object]:
    database = DatabaseSettings(url=SecretStr(database_url()), schema_prefix=f"bench{uuid.uuid4().hex[:8]}_")
    settings = GatewaySettings(database=database)
    wired = wire(settings)
    engine = wired.engine
    await migrate(engine, SCHEMA, MIGRATIONS)
    await ensure_bootstrap_key(wired.api_keys, API_KEY)
    app = create_app(settings, engine=engine)
    projector = wired.projections
    pairs = events(DOCUMENTS)
    started = time.perf_counter()
    for parsed, analyzed in pairs:
        await projector.on_parsed(Message(parsed.to_bytes()))  # type: ignore[arg-type]
        await projector.on_analyzed(Message(analyzed.to_bytes()))  # type: ignore[arg-type]
    projection_seconds = time.perf_counter() - started

    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://gw", headers={"X-API-Key": API_KEY}) as client:
        first_page = (await client.get("/v1/documents", params={"limit": "50"})).json()
        deep_cursor = first_page["next_cursor"]
        for _ in range(40):  # walk 40 pages in to measure a deep cursor
            deep_cursor = (await client.get("/v1/documents", params={"limit": "50", "cursor": deep_cursor})).json()[
                "next_cursor"
            ]
        some_id = first_page["items"][0]["document_id"]
        results = {
            "list_first_page": latency(await timed(client, "/v1/documents", {"limit": "50"})),
            "list_filtered": latency(
                await timed(client, "/v1/documents", {"limit": "50", "classification": "EX-02", "language": "fr"})
            ),
            "list_page_41": latency(await timed(client, "/v1/documents", {"limit": "50", "cursor": deep_cursor})),
            "get_document": latency(await timed(client, f"/v1/documents/{some_id}")),
            "stats": latency(await timed(client, "/v1/stats")),
        }
    async with engine.begin() as connection:
        await connection.execute(text(f'DROP SCHEMA "{database.schema_prefix}gateway" CASCADE'))
    await engine.dispose()
    return {
        "documents": DOCUMENTS,
        "projection": {
            "events": 2 * DOCUMENTS,
            "events_per_second": round(2 * DOCUMENTS / projection_seconds, 1),
        },
        **results,
    }


def main() -> None:
    results = {
        "command": "uv run python tests/performance/bench_gateway.py",
        "machine": {"cpu_count": os.cpu_count(), "platform": platform.platform(), "python": sys.version.split()[0]},
        "load_average": os.getloadavg(),
        **asyncio.run(run()),
    }
    out = ROOT / "bench-results" / "gateway.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
