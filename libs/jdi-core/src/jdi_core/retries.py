"""How the consumers retry: a message that fails on its own gets bounded attempts, then the DLQ; an unreachable
dependency pauses the consumer until it is back.

Delays grow exponentially from `retry_backoff_s` up to `retry_max_backoff_s`, with jitter so that consumers that
failed together do not retry together.

While the database, the vector store or the broker is unreachable every message fails the same way, and
dead-lettering each after `max_attempts` would empty the topic into the DLQ. So an outage error
(`errors.is_infrastructure_error`) pauses the consumer's partitions and the message it holds is retried until it
succeeds; those attempts do not count towards `max_attempts`. The paused consumer keeps polling: one that does
not poll for `max_poll_interval_ms` leaves its group, and its partitions would move to a member that can do no
better. Past `outage_max_pause_s` without a success, outage errors count like any other, so a dependency gone
for good ends in the DLQ rather than in a consumer stuck for ever.
"""

import asyncio
import logging
import random
import time
from collections.abc import Callable, Mapping
from typing import Any, Protocol

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from aiokafka.errors import KafkaError

from jdi_core.errors import describe_error, is_infrastructure_error
from jdi_core.metrics import CONSUMER_PAUSED
from jdi_core.settings import KafkaSettings

logger = logging.getLogger(__name__)

# How long one poll of a paused consumer waits; well under any max_poll_interval_ms.
PAUSED_POLL_S = 1.0


def backoff_s(settings: KafkaSettings, attempt: int) -> float:
    """The delay after failed attempt `attempt` (1, 2, ...): half of it fixed, half random ("equal jitter")."""
    doublings = min(attempt - 1, 32)  # the cap is reached long before; a float would overflow long after
    delay = min(settings.retry_max_backoff_s, settings.retry_backoff_s * 2.0**doublings)
    return delay / 2 + random.uniform(0, delay / 2)  # noqa: S311 - jitter, not a secret


class PausableConsumer(Protocol):
    """What waiting out an outage needs of an AIOKafkaConsumer; unit tests pass a fake."""

    def assignment(self) -> set[TopicPartition]: ...

    def paused(self) -> set[TopicPartition]: ...

    def pause(self, *partitions: TopicPartition) -> None: ...

    def resume(self, *partitions: TopicPartition) -> None: ...

    def seek(self, partition: TopicPartition, offset: int) -> None: ...

    async def getmany(self, *partitions: TopicPartition, timeout_ms: int = 0) -> dict[TopicPartition, Any]: ...


def pausable(consumer: object) -> PausableConsumer | None:
    """The message's consumer, unless it is FastStream's in-memory stand-in (TestKafkaBroker), which has nothing
    to pause."""
    return consumer if isinstance(consumer, AIOKafkaConsumer) else None


async def wait_paused(consumer: PausableConsumer | None, seconds: float) -> None:
    """Wait `seconds` with every assigned partition paused, polling all the while; resume them after."""
    if consumer is None:
        await asyncio.sleep(seconds)
        return
    deadline = time.monotonic() + seconds
    try:
        while (remaining := deadline - time.monotonic()) > 0:
            consumer.pause(*consumer.assignment())
            try:
                fetched: dict[TopicPartition, list[ConsumerRecord]] = await consumer.getmany(
                    timeout_ms=int(min(remaining, PAUSED_POLL_S) * 1000)
                )
            except KafkaError as error:  # the broker is what is down: its client reconnects by itself
                logger.debug("polling the paused consumer failed", extra={"error": describe_error(error)})
                await asyncio.sleep(min(remaining, PAUSED_POLL_S))
                continue
            # A partition assigned during the wait was not paused yet: what it returned is read again later.
            for partition, records in fetched.items():
                consumer.seek(partition, records[0].offset)
                consumer.pause(partition)
    finally:
        consumer.resume(*consumer.paused())


class Outage:
    """One consumer's wait for an unreachable dependency: from its first outage error to its next success."""

    def __init__(self, settings: KafkaSettings, group_id: str, clock: Callable[[], float] = time.monotonic) -> None:
        self._settings = settings
        self._group_id = group_id
        self._clock = clock
        self._since: float | None = None
        self._attempts = 0
        CONSUMER_PAUSED.labels(group_id).set(0)

    def should_wait(self, error: BaseException, fields: Mapping[str, object]) -> bool:
        """Whether to wait and retry after `error`: an outage error, and the outage is not over its limit yet.
        `fields` describe the failed message for the log."""
        if not is_infrastructure_error(error):
            return False
        now = self._clock()
        if self._since is None:
            self._since = now
        paused_s = now - self._since
        waiting = paused_s < self._settings.outage_max_pause_s
        CONSUMER_PAUSED.labels(self._group_id).set(1 if waiting else 0)
        logger.warning(
            "dependency unreachable: consumer paused, retrying" if waiting else "dependency unreachable for too long",
            extra={
                **fields,
                "outcome": "paused" if waiting else "outage_limit_reached",
                "group": self._group_id,
                "paused_s": round(paused_s, 1),
                "error": describe_error(error),
            },
        )
        return waiting

    async def wait(self, consumer: PausableConsumer | None) -> None:
        self._attempts += 1
        await wait_paused(consumer, backoff_s(self._settings, self._attempts))

    def over(self, fields: Mapping[str, object]) -> None:
        """The message `fields` describe was handled: the dependencies answer again."""
        if self._since is None:
            return
        logger.info(
            "dependency back: consumer resumed",
            extra={
                **fields,
                "outcome": "resumed",
                "group": self._group_id,
                "paused_s": round(self._clock() - self._since, 1),
            },
        )
        self._since = None
        self._attempts = 0
        CONSUMER_PAUSED.labels(self._group_id).set(0)
