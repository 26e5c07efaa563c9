"""Nothing lost and nothing duplicated when a service, PostgreSQL or the Kafka broker dies mid-stream, and a
poison message or malformed events in the stream block nothing. Each scenario prints its counts (and writes them
to .work/faults/<scenario>.json)."""

import time
from collections.abc import Callable

import pytest

from .scenario import Report, malformed_records, poison_submission, run_scenario
from .stack import FaultStack

pytestmark = [pytest.mark.faults, pytest.mark.timeout(900)]

# Well within the 60 s that an outage may last without dead-lettering anything.
SERVICE_DOWN_S = 5
POSTGRES_DOWN_S = 30
KAFKA_DOWN_S = 30
OVER_THE_SIZE_LIMIT = 10_500_000


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
    assert report.dead_lettered[0].startswith(
        f"{fault_stack.kafka_topic_prefix}jdi.documents.submitted.v1:{poison.subject}:"
    )
    # Its partition kept flowing: documents published after it to the same partition are complete.
    sent_poison = next(record for record in records if record.key == poison.subject)
    later = [r for r in records if r.partition == sent_poison.partition and (r.offset or 0) > (sent_poison.offset or 0)]
    assert later
