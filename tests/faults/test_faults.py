"""Nothing lost and nothing duplicated when a service, PostgreSQL or the Kafka broker dies mid-stream, and a
poison message or malformed events in the stream block nothing. Each scenario prints its counts (and writes them
to .work/faults/<scenario>.json)."""

import asyncio
import signal
import time
from collections import Counter
from collections.abc import Callable

import httpx
import pytest

from jdi_analysis.settings import AnalysisServiceSettings
from jdi_embedding.reembedding import model_group_id
from jdi_embedding.settings import EmbeddingSettings
from jdi_gateway.settings import GatewaySettings
from jdi_ingestion.settings import IngestionSettings

from .scenario import Report, consumer_group, malformed_records, partition_replicas, poison_submission, run_scenario
from .stack import SERVICES, FaultStack

pytestmark = [pytest.mark.faults, pytest.mark.timeout(900)]

# Well within the 60 s that an outage may last without dead-lettering anything.
SERVICE_DOWN_S = 5
POSTGRES_DOWN_S = 30
KAFKA_DOWN_S = 30
OVER_THE_SIZE_LIMIT = 10_500_000
# A SIGTERM'd service lets its in-flight work finish (FastStream's 15 s graceful timeout, uvicorn's
# HTTP_SHUTDOWN_GRACE_S), commits and leaves its group; past this it was not graceful.
SHUTDOWN_BOUND_S = 30
# The fault stack's KAFKA_SESSION_TIMEOUT_MS: how long a member that vanished without leaving keeps its partitions.
SESSION_TIMEOUT_S = 6.0
GROUP_IDS = {
    "ingestion": IngestionSettings.model_fields["group_id"].default,
    "analysis": AnalysisServiceSettings.model_fields["group_id"].default,
    "gateway": GatewaySettings.model_fields["group_id"].default,
    "embedding": model_group_id(
        EmbeddingSettings.model_fields["group_id"].default, EmbeddingSettings.model_fields["model_id"].default
    ),
}


def show(report: Report, capsys: pytest.CaptureFixture[str]) -> None:
    with capsys.disabled():
        print(f"\nfault scenario {report.line()}")


def kill_and_restart(name: str) -> Callable[[FaultStack], None]:
    def fault(stack: FaultStack) -> None:
        stack.kill(name)
        time.sleep(SERVICE_DOWN_S)
        stack.start(name)

    return fault


def stop_and_restart(dependency: str, down_s: float) -> Callable[[FaultStack], None]:
    def fault(stack: FaultStack) -> None:
        server = getattr(stack.infra, dependency)
        server.stop()
        time.sleep(down_s)
        server.start()

    return fault


FAULTS = {
    **{f"kill-{service}": kill_and_restart(service) for service in ("ingestion", "embedding", "analysis", "gateway")},
    "postgres-outage": stop_and_restart("postgres", POSTGRES_DOWN_S),
    "kafka-outage": stop_and_restart("kafka", KAFKA_DOWN_S),
}


def stop_gracefully(name: str, members_left: int) -> Callable[[FaultStack], dict[str, float]]:
    """SIGTERM service `name`, time its exit and how long after it its group is settled again with
    `members_left` members, read in its log whether it left the group and finished its shutdown, then start it
    again."""
    settled_state = ("Stable", members_left) if members_left else ("Empty", 0)

    def fault(stack: FaultStack) -> dict[str, float]:
        service = stack.services[name]
        logged_before = service.log.stat().st_size
        started = time.monotonic()
        exit_code = service.stop(signal.SIGTERM, timeout_s=SHUTDOWN_BOUND_S)
        exited = time.monotonic()
        while asyncio.run(consumer_group(stack, GROUP_IDS[name])) != settled_state:
            if time.monotonic() - exited > 60:
                break
            time.sleep(0.2)
        settled = time.monotonic()
        with service.log.open("rb") as log:
            log.seek(logged_before)
            shutdown_log = log.read().decode(errors="replace")
        time.sleep(SERVICE_DOWN_S)
        stack.start(name)
        return {
            "exit_code": float(exit_code or 0),
            "exit_s": exited - started,
            "group_settled_s": settled - exited,
            "left_group": float("LeaveGroup request succeeded" in shutdown_log),
            "shutdown_complete": float("Application shutdown complete." in shutdown_log),
        }

    return fault


def assert_nothing_lost_or_duplicated(report: Report) -> None:
    assert (report.lost, report.duplicated, report.failed) == (0, 0, 0), report.problems
    assert report.complete + report.rejected == report.documents_in


@pytest.mark.parametrize("scenario", FAULTS)
def test_nothing_lost_or_duplicated_when_a_part_dies_mid_stream(scenario: str, fault_stack: FaultStack, capsys) -> None:
    report, _ = run_scenario(scenario, fault_stack, FAULTS[scenario])
    show(report, capsys)
    assert_nothing_lost_or_duplicated(report)
    assert report.dead_lettered == []


def test_a_poison_message_and_malformed_events_in_the_stream(fault_stack: FaultStack, capsys) -> None:
    poison = poison_submission()
    malformed = malformed_records(OVER_THE_SIZE_LIMIT)
    report, records = run_scenario(
        "poison-and-malformed", fault_stack, lambda stack: None, poison=poison, malformed=malformed
    )
    show(report, capsys)
    assert_nothing_lost_or_duplicated(report)
    assert report.malformed_rejected == len(malformed)
    assert len(report.dead_lettered) == 1
    # Answered before it was dead-lettered, and shown failed to the operators.
    assert (report.poison_answers, report.poison_status) == (["processing_failed"], "failed")
    assert report.dead_lettered[0].startswith(
        f"{fault_stack.kafka_topic_prefix}jdi.documents.submitted.v1:{poison.subject}:"
    )
    # Its partition kept flowing: documents published after it to the same partition are complete.
    sent_poison = next(record for record in records if record.key == poison.subject)
    later = [r for r in records if r.partition == sent_poison.partition and (r.offset or 0) > (sent_poison.offset or 0)]
    assert later


# Every service but embedding, whose local vector store one process holds, runs a second instance here.
SIGTERM_SECOND_INSTANCE = {"ingestion": True, "analysis": True, "gateway": True, "embedding": False}


@pytest.mark.parametrize("service", SIGTERM_SECOND_INSTANCE)
def test_a_sigterm_mid_stream_loses_nothing_and_the_group_rebalances_at_once(
    service: str, fault_stack: FaultStack, capsys
) -> None:
    second = SIGTERM_SECOND_INSTANCE[service]
    if second:
        fault_stack.add_instance(service)
    report, _ = run_scenario(f"sigterm-{service}", fault_stack, stop_gracefully(service, members_left=int(second)))
    show(report, capsys)
    assert_nothing_lost_or_duplicated(report)
    assert report.dead_lettered == []
    # uvicorn raises the signal again once its shutdown is complete, so that its parent sees why it exited.
    assert report.measured["exit_code"] in (0, -signal.SIGTERM)
    assert report.measured["exit_s"] < SHUTDOWN_BOUND_S
    assert (report.measured["left_group"], report.measured["shutdown_complete"]) == (1, 1)
    # It left the group on its way out: the others did not wait out its session timeout.
    assert report.measured["group_settled_s"] < SESSION_TIMEOUT_S


READINESS_CHECKS = {
    "ingestion": {"broker", "database"},
    "analysis": {"broker", "database"},
    "gateway": {"broker", "database"},
    "embedding": {"broker", "vector_store"},
}


def readiness(stack: FaultStack) -> dict[str, tuple[int, dict[str, str]]]:
    answers = {}
    for name in SERVICES:
        response = httpx.get(f"{stack.services[name].url}/readyz", timeout=10)
        answers[name] = (response.status_code, response.json()["checks"])
    return answers


def wait_for_readiness(stack: FaultStack, down: str | None, timeout_s: float = 90) -> dict[str, tuple[int, dict]]:
    """Poll every service's /readyz until exactly the checks named `down` fail (503), the others answer ok."""
    deadline = time.monotonic() + timeout_s
    while True:
        answers = readiness(stack)
        expected = {
            name: (503 if down in checks else 200, {check: check != down for check in checks})
            for name, checks in READINESS_CHECKS.items()
        }
        seen = {
            name: (status, {check: result == "ok" for check, result in checks.items()})
            for name, (status, checks) in answers.items()
        }
        if seen == expected or time.monotonic() > deadline:
            return answers
        time.sleep(1)


@pytest.mark.parametrize(("dependency", "check"), [("postgres", "database"), ("kafka", "broker")])
def test_readiness_fails_while_a_dependency_is_down_and_recovers_without_a_restart(
    dependency: str, check: str, fault_stack: FaultStack
) -> None:
    server = getattr(fault_stack.infra, dependency)
    pids = {name: process.pid for name, process in fault_stack.services.items()}
    server.stop()
    try:
        down = wait_for_readiness(fault_stack, down=check)
    finally:
        server.start()
    back = wait_for_readiness(fault_stack, down=None)

    for name, checks in READINESS_CHECKS.items():
        status, results = down[name]
        assert status == (503 if check in checks else 200), (name, down[name])
        assert {c for c, result in results.items() if result != "ok"} == {check} & checks, (name, results)
        assert back[name] == (200, dict.fromkeys(checks, "ok")), (name, back[name])
    # Recovered in place: the processes that answered before the outage answer after it.
    assert {name: process.pid for name, process in fault_stack.services.items() if process.running()} == pids


BROKER_DOWN_S = 20


def kill_the_busiest_broker(stack: FaultStack) -> dict[str, float]:
    """kill -9 the node leading most of the stack's partitions; time until each of them has another leader; start
    the node again after BROKER_DOWN_S."""
    before = asyncio.run(partition_replicas(stack))
    leaders = Counter(leader for leader, _, _ in before.values())
    victim, led = leaders.most_common(1)[0]
    stack.infra.kafka.run("kill-node", str(victim))
    killed = time.monotonic()
    while True:
        after = asyncio.run(partition_replicas(stack))
        moved = [
            after[partition][0] not in (victim, -1) for partition, (leader, _, _) in before.items() if leader == victim
        ]
        if all(moved) or time.monotonic() - killed > 60:
            break
        time.sleep(0.5)
    moved_s = time.monotonic() - killed
    time.sleep(BROKER_DOWN_S)
    stack.infra.kafka.start()
    return {
        "broker_killed": victim,
        "partitions_it_led": led,
        "partitions_moved": sum(moved),
        "leaders_moved_s": moved_s,
        "smallest_replication_factor": min(len(replicas) for _, replicas, _ in before.values()),
    }


def test_nothing_lost_or_duplicated_when_one_broker_of_three_dies(cluster_stack: FaultStack, capsys) -> None:
    report, _ = run_scenario("kill-broker-of-three", cluster_stack, kill_the_busiest_broker)
    show(report, capsys)
    assert_nothing_lost_or_duplicated(report)
    assert report.dead_lettered == []
    assert report.measured["smallest_replication_factor"] == 3
    assert report.measured["partitions_moved"] == report.measured["partitions_it_led"] > 0
