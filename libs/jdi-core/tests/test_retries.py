"""Backoff with jitter, a paused consumer that keeps polling, and the limit of an outage; with fakes."""

from aiokafka import ConsumerRecord, TopicPartition

from jdi_core.retries import Outage, backoff_s, wait_paused
from jdi_core.settings import KafkaSettings

SETTINGS = KafkaSettings(retry_backoff_s=0.5, retry_max_backoff_s=30, outage_max_pause_s=600)


def test_backoff_doubles_up_to_its_cap_with_jitter() -> None:
    for attempt, full in [(1, 0.5), (2, 1.0), (3, 2.0), (7, 30.0), (10_000, 30.0)]:
        delays = {backoff_s(SETTINGS, attempt) for _ in range(50)}
        assert all(full / 2 <= delay <= full for delay in delays), (attempt, delays)
        assert len(delays) > 1  # jittered, not a fixed delay


def record(partition: TopicPartition, offset: int) -> ConsumerRecord:
    return ConsumerRecord(partition.topic, partition.partition, offset, 0, 0, None, b"", None, 0, 0, [])


class FakeConsumer:
    """An AIOKafkaConsumer whose group assigns it one more partition during the first poll."""

    def __init__(self, assigned: set[TopicPartition], assigned_later: TopicPartition) -> None:
        self.assigned = set(assigned)
        self.assigned_later = assigned_later
        self.paused_partitions: set[TopicPartition] = set()
        self.polls = 0
        self.seeks: dict[TopicPartition, int] = {}

    def assignment(self) -> set[TopicPartition]:
        return set(self.assigned)

    def paused(self) -> set[TopicPartition]:
        return set(self.paused_partitions)

    def pause(self, *partitions: TopicPartition) -> None:
        self.paused_partitions.update(partitions)

    def resume(self, *partitions: TopicPartition) -> None:
        self.paused_partitions.difference_update(partitions)

    def seek(self, partition: TopicPartition, offset: int) -> None:
        self.seeks[partition] = offset

    async def getmany(self, *partitions: TopicPartition, timeout_ms: int = 0) -> dict[TopicPartition, list]:
        assert self.paused_partitions == self.assigned, "polled with a partition not paused"
        self.polls += 1
        if self.polls == 1:  # a rebalance hands over a partition, not paused, and its records come back at once
            self.assigned.add(self.assigned_later)
            return {self.assigned_later: [record(self.assigned_later, 40), record(self.assigned_later, 41)]}
        return {}


async def test_a_paused_consumer_keeps_polling_and_gives_back_what_a_new_partition_returned() -> None:
    first, later = TopicPartition("t", 0), TopicPartition("t", 1)
    consumer = FakeConsumer({first}, later)

    await wait_paused(consumer, 0.05)

    assert consumer.polls >= 2
    assert consumer.seeks == {later: 40}  # read again once the consumer resumes, not lost
    assert consumer.paused_partitions == set()  # resumed after the wait


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_an_outage_is_waited_out_up_to_its_limit_and_ends_with_a_success(increase) -> None:
    clock = Clock()
    outage = Outage(SETTINGS, "unit-group", clock)
    fields = {"topic": "jdi.documents.parsed.v1", "document_id": "doc-1"}

    assert not outage.should_wait(ValueError("bad payload"), fields)
    assert outage.should_wait(ConnectionRefusedError(), fields)
    assert increase("jdi_consumer_paused", group="unit-group") == 1
    clock.now += 599
    assert outage.should_wait(ConnectionRefusedError(), fields)
    clock.now += 1
    assert not outage.should_wait(ConnectionRefusedError(), fields)  # over the limit: counts as any failure
    assert increase("jdi_consumer_paused", group="unit-group") == 0  # no longer waiting: dead-lettering again

    outage.over(fields)
    assert increase("jdi_consumer_paused", group="unit-group") == 0
    assert outage.should_wait(ConnectionRefusedError(), fields)  # a new outage, a new limit
