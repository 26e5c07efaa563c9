"""Scale-out: documents per second through ingestion and analysis with 1 and with 3 instances of each in their
consumer groups, on this machine, with the load average next to every figure.

Each round starts the four services with `deploy/local/services.sh` (INGESTION_INSTANCES and
ANALYSIS_INSTANCES; one embedding instance, whose embedded vector store one process holds) in a work folder,
topics and schemas of its own, waits until every instance is ready, then publishes a backlog of synthetic
submissions as fast as the broker takes them. A stage's rate is the documents it answered over the time from the
first submission to its last answer (the records' timestamps on the `parsed` and `analyzed` topics).

Every instance competes for the same cores with the others and with the broker and PostgreSQL, so what 3
instances can add is bounded by the idle CPU the single ones leave; `cpu_busy_share` says how much that was.

Run: uv run python tests/performance/bench_scale_out.py [documents]  ->  bench-results/scale_out.json
Needs KAFKA_BOOTSTRAP_SERVERS and DATABASE_URL (`make bench` starts both).
"""

import asyncio
import hashlib
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from embedding_bench import REPO_ROOT, load_average, write_result

from jdi_contracts.events import DocumentSubmitted, Submitted, Topic
from jdi_contracts.identity import document_id_for
from jdi_samples import generate_job_description

DOCUMENTS = 600
INSTANCES = (1, 3)
TIMEOUT_S = 900
SOURCE_SYSTEM = "bench-scale-out"


def free_port_block() -> int:
    """A base port with base+100 and base+200 free too (services.sh puts instance k at base + 100(k-1))."""
    while True:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            base = int(probe.getsockname()[1])
        if base + 300 < 65536 and all(_free(base + 100 * k) for k in (1, 2)):
            return base


def _free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def submissions(count: int, run: str) -> list[DocumentSubmitted]:
    events = []
    for index in range(count):
        sample = generate_job_description(seed=index)
        text = sample.text.replace(sample.job_number, str(500_000 + index))
        reference = f"{run}/{index}"
        data = Submitted(
            document_id=document_id_for(SOURCE_SYSTEM, reference),
            source_system=SOURCE_SYSTEM,
            source_reference=reference,
            file_name=f"job-{index}.txt",
            size=len(text.encode()),
            sha256=hashlib.sha256(text.encode()).hexdigest(),
            text=text,
            submitted_by="bench",
        )
        events.append(DocumentSubmitted.wrap(data, source="/bench", subject=data.document_id))
    return events


async def publish(bootstrap: str, topic: str, events: list[DocumentSubmitted]) -> float:
    """Publish every event; the time of the first send, in milliseconds since the epoch."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=True, linger_ms=5)
    await producer.start()
    try:
        first_ms = time.time() * 1000
        sent = [await producer.send(topic, event.to_bytes(), key=event.subject.encode()) for event in events]
        await asyncio.gather(*sent)
    finally:
        await producer.stop()
    return first_ms


async def answer_times(bootstrap: str, topics: list[str], expected: int, timeout_s: float) -> dict[str, list[int]]:
    """The timestamps (ms) of the records on each topic, read from its start until `expected` arrived on each."""
    consumer = AIOKafkaConsumer(*topics, bootstrap_servers=bootstrap, auto_offset_reset="earliest", group_id=None)
    await consumer.start()
    times: dict[str, list[int]] = {topic: [] for topic in topics}
    deadline = time.monotonic() + timeout_s
    try:
        while any(len(found) < expected for found in times.values()) and time.monotonic() < deadline:
            batches = await consumer.getmany(timeout_ms=1000)
            for partition, records in batches.items():
                times[partition.topic] += [record.timestamp for record in records]
    finally:
        await consumer.stop()
    return times


def cpu_busy_seconds() -> float:
    """Seconds every core of the machine spent busy since boot (/proc/stat, user to steal)."""
    fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    ticks = [int(value) for value in fields]
    busy = sum(ticks[:3]) + sum(ticks[5:8])  # user, nice, system; irq, softirq, steal (idle, iowait excluded)
    return busy / os.sysconf("SC_CLK_TCK")


def services(command: str, env: dict[str, str]) -> None:
    subprocess.run(  # noqa: S603 - the repository's own script
        ["bash", str(REPO_ROOT / "deploy" / "local" / "services.sh"), command],  # noqa: S607
        env=env,
        check=True,
    )


def run_round(instances: int, documents: int, work: Path) -> dict:
    run = f"scale{instances}-{secrets.token_hex(3)}"
    prefix = f"bench.{run}."
    ports = {name: free_port_block() for name in ("GATEWAY_PORT", "INGESTION_PORT", "EMBEDDING_PORT", "ANALYSIS_PORT")}
    env = {
        **os.environ,
        **{name: str(port) for name, port in ports.items()},
        "JDI_WORK_DIR": str(work / run),
        "KAFKA_TOPIC_PREFIX": prefix,
        "DATABASE_SCHEMA_PREFIX": f"bench_{run.replace('-', '_')}_",
        "QDRANT_PATH": str(work / run / "qdrant"),
        "INGESTION_INSTANCES": str(instances),
        "ANALYSIS_INSTANCES": str(instances),
        "GATEWAY_BOOTSTRAP_API_KEY": secrets.token_urlsafe(16),
    }
    env.pop("QDRANT_URL", None)
    bootstrap = env["KAFKA_BOOTSTRAP_SERVERS"]
    events = submissions(documents, run)
    services("start", env)
    try:
        load_before = load_average()
        busy_before, wall_before = cpu_busy_seconds(), time.monotonic()
        first_ms = asyncio.run(publish(bootstrap, f"{prefix}{Topic.SUBMITTED.value}", events))
        topics = {
            stage: f"{prefix}{topic.value}"
            for stage, topic in (("ingestion", Topic.PARSED), ("analysis", Topic.ANALYZED))
        }
        times = asyncio.run(answer_times(bootstrap, list(topics.values()), documents, TIMEOUT_S))
        busy = (cpu_busy_seconds() - busy_before) / ((time.monotonic() - wall_before) * (os.cpu_count() or 1))
        result = {"instances": instances, "documents": documents, "load_average_before": load_before}
        for stage, topic in topics.items():
            stamps = times[topic]
            seconds = (max(stamps) - first_ms) / 1000 if stamps else None
            result[stage] = {
                "answered": len(stamps),
                "seconds": round(seconds, 2) if seconds else None,
                "documents_per_s": round(len(stamps) / seconds, 1) if seconds else None,
            }
        result["cpu_busy_share"] = round(busy, 2)
        result["load_average_after"] = load_average()
        return result
    finally:
        services("stop", env)


def main() -> None:
    documents = int(sys.argv[1]) if len(sys.argv) > 1 else DOCUMENTS
    with tempfile.TemporaryDirectory(prefix="jdi-scale-out-") as folder:
        rounds = [run_round(instances, documents, Path(folder)) for instances in INSTANCES]
    one, three = rounds
    ratios = {
        stage: round(three[stage]["documents_per_s"] / one[stage]["documents_per_s"], 2)
        if one[stage]["documents_per_s"] and three[stage]["documents_per_s"]
        else None
        for stage in ("ingestion", "analysis")
    }
    path = write_result("scale_out", {"rounds": rounds, "ratio_3_to_1": ratios})
    print(path.read_text())


if __name__ == "__main__":
    main()
