"""Prometheus metrics shared by the services: message handling, consumer lag, HTTP requests, readiness.

Names follow Prometheus conventions (`_total` counters, `_seconds` histograms). The HTTP histogram is
OpenTelemetry's `http.server.request.duration` under its Prometheus name, with its attribute names.
Message metrics carry the logical topic (`jdi.documents.parsed.v1`, without a deployment's prefix).

Lag per partition is the broker's high watermark (as the consumer saw it on its last fetch) minus
the next offset the group will handle: the one after the record this process handled last or, for
a partition it has handled nothing of since it started, the group's committed offset.
"""

import asyncio
import time
from collections.abc import Iterable, Iterator
from typing import Any

from faststream.kafka import KafkaBroker
from prometheus_client import REGISTRY, Counter, Gauge, Histogram
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# OpenTelemetry's advice for http.server.request.duration; messages also get the minutes retries can take.
HTTP_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0)
HANDLING_BUCKETS = (*HTTP_BUCKETS, 30.0, 60.0, 120.0)

MESSAGES_HANDLED = Counter(
    "jdi_messages_handled", "Messages handled, by topic and final outcome (ok, dead_lettered)", ["topic", "outcome"]
)
MESSAGE_FAILURES = Counter("jdi_message_failures", "Handling attempts that failed, retries included", ["topic"])
MESSAGE_RETRIES = Counter("jdi_message_retries", "Handling attempts repeated after a failure", ["topic"])
MESSAGE_HANDLING_SECONDS = Histogram(
    "jdi_message_handling_duration_seconds",
    "Time from a message's first handling attempt to its outcome, retries and dead-lettering included",
    ["topic"],
    buckets=HANDLING_BUCKETS,
)
CONSUMER_PAUSED = Gauge(
    "jdi_consumer_paused", "1 while the consumer waits for an unreachable dependency, else 0", ["group"]
)
HTTP_REQUEST_SECONDS = Histogram(
    "http_server_request_duration_seconds",
    "Duration of HTTP server requests, by route template",
    ["http_request_method", "http_route", "http_response_status_code"],
    buckets=HTTP_BUCKETS,
)
DEPENDENCY_READY = Gauge(
    "jdi_dependency_ready", "1 if the dependency's readiness check passed at the last scrape, else 0", ["dependency"]
)

# (group, topic, partition) -> next offset to handle, updated by the consumer wrappers.
NEXT_OFFSETS: dict[tuple[str, str, int], int] = {}


def declare_topics(topics: Iterable[str]) -> None:
    """Start each topic's counters at zero, so that a first failure or dead letter shows as an increase."""
    for topic in topics:
        MESSAGES_HANDLED.labels(topic, "ok")
        MESSAGES_HANDLED.labels(topic, "dead_lettered")
        MESSAGE_FAILURES.labels(topic)
        MESSAGE_RETRIES.labels(topic)


class ConsumerLagCollector(Collector):
    def __init__(self) -> None:
        self._brokers: list[KafkaBroker] = []

    def track(self, broker: KafkaBroker) -> None:
        self._brokers.append(broker)

    def untrack(self, broker: KafkaBroker) -> None:
        self._brokers.remove(broker)

    def _consumers(self) -> Iterator[tuple[str, Any]]:
        """(group id, aiokafka consumer) of every started subscriber."""
        for broker in self._brokers:
            for subscriber in broker.subscribers:
                consumer = getattr(subscriber, "consumer", None)
                if consumer is not None:
                    yield getattr(subscriber, "group_id", None) or "", consumer

    async def read_committed_offsets(self, timeout_s: float = 2.0) -> None:
        """Take the group's committed offset as the next one to handle for each assigned partition this process
        has handled nothing of (after a restart, an idle partition), instead of counting its whole length as lag.

        A partition revoked and assigned back keeps the offset this process handled last: exact for one
        consumer per group, an over-estimate while several share the partitions and move them around."""
        for group, consumer in self._consumers():
            if not group:
                continue
            unseen = [tp for tp in consumer.assignment() if (group, tp.topic, tp.partition) not in NEXT_OFFSETS]
            committed = await asyncio.gather(
                *(asyncio.wait_for(consumer.committed(tp), timeout_s) for tp in unseen), return_exceptions=True
            )
            for tp, offset in zip(unseen, committed, strict=True):
                # None: the group never committed on this partition; an exception: try again next scrape.
                if isinstance(offset, int):
                    NEXT_OFFSETS.setdefault((group, tp.topic, tp.partition), offset)

    def collect(self) -> Iterator[GaugeMetricFamily]:
        lag = GaugeMetricFamily("jdi_consumer_lag", "Records not yet handled", labels=["group", "topic", "partition"])
        for group, consumer in self._consumers():
            for partition in consumer.assignment():
                highwater = consumer.highwater(partition)
                if highwater is None:
                    continue
                handled = NEXT_OFFSETS.get((group, partition.topic, partition.partition), 0)
                lag.add_metric([group, partition.topic, str(partition.partition)], max(highwater - handled, 0))
        yield lag


CONSUMER_LAG = ConsumerLagCollector()
REGISTRY.register(CONSUMER_LAG)


class HttpMetricsMiddleware:
    """Times every HTTP request into HTTP_REQUEST_SECONDS, labelled by the matched route's template (never the
    raw path, where every document id would make a series of its own; empty when no route matched)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # unless a response starts: an exception here becomes a 500 further out

        async def send_and_note_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_and_note_status)
        finally:
            # The router writes the matched route into this same scope.
            route = getattr(scope.get("route"), "path", "")
            HTTP_REQUEST_SECONDS.labels(scope["method"], route, str(status)).observe(time.perf_counter() - started)
