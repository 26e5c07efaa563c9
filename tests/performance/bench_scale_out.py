"""Scale-out: documents per second through ingestion and analysis with 1 and with 3 instances of each in their
consumer groups, on this machine, with the load average next to every figure.

Each round starts the four services with `deploy/local/services.sh` (INGESTION_INSTANCES and
ANALYSIS_INSTANCES; one embedding instance, whose embedded vector store one process holds) in a work folder,
topics and schemas of its own, waits until every instance is ready, then publishes a backlog of synthetic
submissions as fast as the broker takes them. A stage's rate is the documents it answered over the time from the
first submission to its last answer (the records' timestamps on the `parsed` and `analyzed` topics).

Every instance competes for the same cores with the others and with the broker and PostgreSQL, so what 3
instances can add is bounded by the idle CPU the single ones leave: `cpu_busy_share` is how busy the machine's
cores were while the backlog drained, `cores_used_per_instance` where they went.

Run: uv run python tests/performance/bench_scale_out.py [documents]  ->  bench-results/scale_out.json
Needs KAFKA_BOOTSTRAP_SERVERS and DATABASE_URL (`make bench` starts both).
"""

import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

from aiokafka import AIOKafkaConsumer
from embedding_bench import load_average, write_result
from local_stack import LocalStack, local_stack, process_cpu_seconds, publish_all, submission

from jdi_contracts.events import Topic

DOCUMENTS = 600
INSTANCES = (1, 3)
TIMEOUT_S = 900
STAGES = {"ingestion": Topic.PARSED, "analysis": Topic.ANALYZED}


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


def drain_backlog(stack: LocalStack, instances: int, documents: int) -> dict:
    events = [submission(stack.run, index) for index in range(documents)]
    load_before = load_average()
    pids = stack.instances()
    instance_cpu_before = {name: process_cpu_seconds(pid) or 0.0 for name, pid in pids.items()}
    busy_before, wall_before = cpu_busy_seconds(), time.monotonic()
    first_ms = asyncio.run(publish_all(stack, events))
    topics = {stage: stack.topic(topic) for stage, topic in STAGES.items()}
    times = asyncio.run(answer_times(stack.bootstrap_servers, list(topics.values()), documents, TIMEOUT_S))
    elapsed = time.monotonic() - wall_before
    busy = (cpu_busy_seconds() - busy_before) / (elapsed * (os.cpu_count() or 1))
    result: dict = {"instances": instances, "documents": documents, "load_average_before": load_before}
    for stage, topic in topics.items():
        stamps = times[topic]
        seconds = (max(stamps) - first_ms) / 1000 if stamps else None
        result[stage] = {
            "answered": len(stamps),
            "seconds": round(seconds, 2) if seconds else None,
            "documents_per_s": round(len(stamps) / seconds, 1) if seconds else None,
        }
    result["cpu_busy_share"] = round(busy, 2)
    # Which processes the cores went to while the backlog drained: what limits the rate.
    result["cores_used_per_instance"] = {
        name: round(((process_cpu_seconds(pid) or 0.0) - instance_cpu_before[name]) / elapsed, 2)
        for name, pid in pids.items()
    }
    result["load_average_after"] = load_average()
    return result


def main() -> None:
    documents = int(sys.argv[1]) if len(sys.argv) > 1 else DOCUMENTS
    rounds = []
    with tempfile.TemporaryDirectory(prefix="jdi-scale-out-") as folder:
        for instances in INSTANCES:
            with local_stack(f"scale{instances}", Path(folder), ingestion=instances, analysis=instances) as stack:
                rounds.append(drain_backlog(stack, instances, documents))
    one, three = rounds
    ratios = {
        stage: round(three[stage]["documents_per_s"] / one[stage]["documents_per_s"], 2)
        if one[stage]["documents_per_s"] and three[stage]["documents_per_s"]
        else None
        for stage in STAGES
    }
    path = write_result("scale_out", {"rounds": rounds, "ratio_3_to_1": ratios})
    print(path.read_text())


if __name__ == "__main__":
    main()
