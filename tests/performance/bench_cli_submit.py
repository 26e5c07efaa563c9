"""`jdi submit` throughput to a real Kafka broker, with one publish in flight and with the default window.

Needs a running broker: $KAFKA_BOOTSTRAP_SERVERS, else the local one of `make infra-up`. The run
publishes to its own topic, deleted afterwards, so the platform's services never see these documents.

Run: uv run python tests/performance/bench_cli_submit.py  ->  bench-results/cli_submit.json
"""

import asyncio
import json
import os
import platform
import statistics
import sys
import tempfile
import uuid
from pathlib import Path

from aiokafka.admin import AIOKafkaAdminClient
from opentelemetry.trace import NoOpTracer

from jdi_cli.files import expand_paths
from jdi_cli.kafka import EventPublisher, KafkaSettings, make_producer
from jdi_cli.submit import SubmitOptions, submit_files
from jdi_contracts.events import Topic
from jdi_samples import generate_job_descriptions

ROOT = Path(__file__).resolve().parents[2]
DOCUMENTS = 2000
PASSES = 3
IN_FLIGHT = (1, SubmitOptions().max_in_flight)


async def measure(folder: Path, settings: KafkaSettings, max_in_flight: int) -> dict[str, float]:
    files = list(expand_paths([folder]))
    seconds: list[float] = []
    for _ in range(PASSES):
        producer = make_producer(settings)
        await producer.start()
        publisher = EventPublisher(producer, NoOpTracer(), settings)
        try:
            # The first publish may create the topic; keep that out of the timing.
            await submit_files(publisher, files[:1], SubmitOptions())
            summary = await submit_files(publisher, files, SubmitOptions(max_in_flight=max_in_flight))
        finally:
            await producer.stop()
        if summary.failed:
            raise RuntimeError(f"{summary.failed} publishes failed: {summary.problems[0].message}")
        seconds.append(summary.seconds)
    median = statistics.median(seconds)
    total_bytes = sum(file.path.stat().st_size for file in files)
    return {
        "documents": len(files),
        "passes": PASSES,
        "max_in_flight": max_in_flight,
        "median_seconds": round(median, 3),
        "median_documents_per_second": round(len(files) / median, 1),
        "median_megabytes_per_second": round(total_bytes / median / 1e6, 2),
    }


async def run(bootstrap_servers: str) -> list[dict[str, float]]:
    settings = KafkaSettings(bootstrap_servers=bootstrap_servers, topic_prefix=f"bench-{uuid.uuid4().hex[:8]}.")
    try:
        with tempfile.TemporaryDirectory() as folder:
            for sample in generate_job_descriptions(DOCUMENTS, seed=3):
                (Path(folder) / f"sample-{sample.seed}.txt").write_text(sample.text, encoding="utf-8")
            return [await measure(Path(folder), settings, in_flight) for in_flight in IN_FLIGHT]
    finally:
        admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers)
        await admin.start()
        try:
            await admin.delete_topics([settings.topic(Topic.SUBMITTED)])
        finally:
            await admin.close()


def main() -> None:
    bootstrap_servers = os.environ.get("KAFKA_BOOTSTRAP_SERVERS", KafkaSettings().bootstrap_servers)
    results = {
        "command": "uv run python tests/performance/bench_cli_submit.py",
        "machine": {"cpu_count": os.cpu_count(), "platform": platform.platform(), "python": sys.version.split()[0]},
        "bootstrap_servers": bootstrap_servers,
        "runs": asyncio.run(run(bootstrap_servers)),
    }
    out = ROOT / "bench-results" / "cli_submit.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2))
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
