"""The four services started by `deploy/local/services.sh` for a benchmark: a work folder, topics, schemas and
ports of their own, any number of instances, and the synthetic submissions an upstream would publish."""

import asyncio
import hashlib
import os
import secrets
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from aiokafka import AIOKafkaProducer
from embedding_bench import REPO_ROOT

from jdi_contracts.events import DocumentSubmitted, Submitted, Topic
from jdi_contracts.identity import document_id_for
from jdi_samples import generate_job_description

# The test suite's process helpers; a benchmark runs as a script, from its own folder.
sys.path.insert(0, str(REPO_ROOT))
from tests.processes import free_port, port_is_free

SOURCE_SYSTEM = "bench"
PORT_VARIABLES = ("GATEWAY_PORT", "INGESTION_PORT", "EMBEDDING_PORT", "ANALYSIS_PORT")


def free_port_block() -> int:
    """A base port with base+100 and base+200 free too (services.sh puts instance k at base + 100(k-1))."""
    while True:
        base = free_port()
        if base + 300 < 65536 and all(port_is_free(base + 100 * k) for k in (1, 2)):
            return base


@dataclass(frozen=True)
class LocalStack:
    run: str
    env: dict[str, str]
    work: Path
    api_key: str

    @property
    def bootstrap_servers(self) -> str:
        return self.env["KAFKA_BOOTSTRAP_SERVERS"]

    @property
    def pids(self) -> Path:
        return self.work / "pids"

    @property
    def gateway(self) -> str:
        return f"http://127.0.0.1:{self.env['GATEWAY_PORT']}"

    def topic(self, topic: Topic) -> str:
        return f"{self.env['KAFKA_TOPIC_PREFIX']}{topic.value}"

    def port(self, instance: str) -> int:
        """An instance's port as services.sh gives it: `<name>` or `<name>-<k>`."""
        name, _, number = instance.partition("-")
        return int(self.env[f"{name.upper()}_PORT"]) + 100 * (int(number or 1) - 1)

    def instances(self) -> dict[str, int]:
        """Each running instance's PID, by its PID file's name."""
        return {pid_file.stem: int(pid_file.read_text()) for pid_file in sorted(self.pids.glob("*.pid"))}


def services(command: str, env: dict[str, str]) -> None:
    subprocess.run(  # noqa: S603 - the repository's own script
        ["bash", str(REPO_ROOT / "deploy" / "local" / "services.sh"), command],  # noqa: S607
        env=env,
        check=True,
    )


@contextmanager
def local_stack(name: str, root: Path, **instances: int) -> Iterator[LocalStack]:
    """Start the services (`instances`: e.g. ingestion=3) in a folder of `root`; stop them on the way out.
    Needs KAFKA_BOOTSTRAP_SERVERS and DATABASE_URL; spans go where services.sh sends them."""
    run = f"{name}-{secrets.token_hex(3)}"
    api_key = secrets.token_urlsafe(24)
    env = {
        **os.environ,
        **{variable: str(free_port_block()) for variable in PORT_VARIABLES},
        "JDI_WORK_DIR": str(root / run),
        "KAFKA_TOPIC_PREFIX": f"bench.{run}.",
        "DATABASE_SCHEMA_PREFIX": f"bench_{run.replace('-', '_')}_",
        "QDRANT_PATH": str(root / run / "qdrant"),
        "GATEWAY_BOOTSTRAP_API_KEY": api_key,
        **{f"{service.upper()}_INSTANCES": str(count) for service, count in instances.items()},
    }
    env.pop("QDRANT_URL", None)
    services("start", env)
    try:
        yield LocalStack(run, env, root / run, api_key)
    finally:
        services("stop", env)


def submission(run: str, index: int, revision: int | None = None) -> DocumentSubmitted:
    """A synthetic job description with a job number of its own (no document is another's version); with a
    `revision`, that revision of it: new content under the same reference, so a new version of the document."""
    sample = generate_job_description(seed=index)
    text = sample.text.replace(sample.job_number, str(500_000 + index))
    if revision is not None:
        text += f"\nRevision {revision}.\n"
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
    return DocumentSubmitted.wrap(data, source="/bench", subject=data.document_id)


def upstream_producer(stack: LocalStack) -> AIOKafkaProducer:
    """An upstream's producer (acks=all; not aiokafka's idempotence, see jdi_core.broker); start it inside the loop
    that uses it."""
    return AIOKafkaProducer(bootstrap_servers=stack.bootstrap_servers, acks="all", linger_ms=5)


async def publish_all(stack: LocalStack, events: list[DocumentSubmitted]) -> float:
    """Publish every event as fast as the broker takes them; the time of the first send (ms since the epoch)."""
    producer = upstream_producer(stack)
    await producer.start()
    try:
        first_ms = time.time() * 1000
        topic = stack.topic(Topic.SUBMITTED)
        sent = [await producer.send(topic, event.to_bytes(), key=(event.subject or "").encode()) for event in events]
        await asyncio.gather(*sent)
    finally:
        await producer.stop()
    return first_ms


def process_cpu_seconds(pid: int) -> float | None:
    """CPU seconds (user + system) process `pid` has used, or None once it has exited."""
    stat = Path(f"/proc/{pid}/stat")
    try:
        fields = stat.read_text().rsplit(")", 1)[1].split()
    except FileNotFoundError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
