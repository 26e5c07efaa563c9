"""Prometheus metrics shared by the services, including consumer lag.

Lag per partition is the broker's high watermark (seen by the consumer on its last fetch) minus
the next offset this process will handle; both are tracked without extra broker round trips.
"""

from collections.abc import Iterator

from faststream.kafka import KafkaBroker
from prometheus_client import REGISTRY, Counter
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

MESSAGES_HANDLED = Counter(
    "jdi_messages_handled", "Messages handled, by topic and outcome", ["topic", "outcome"]
)

# (topic, partition) -> next offset to handle, updated by the consumer wrapper.
NEXT_OFFSETS: dict[tuple[str, int], int] = {}


class ConsumerLagCollector(Collector):
    def __init__(self, broker: KafkaBroker) -> None:
        self._broker = broker

    def collect(self) -> Iterator[GaugeMetricFamily]:
        lag = GaugeMetricFamily("jdi_consumer_lag", "Records not yet handled", labels=["topic", "partition"])
        for subscriber in self._broker.subscribers:
            consumer = getattr(subscriber, "consumer", None)
            if consumer is None:
                continue
            for partition in consumer.assignment():
                highwater = consumer.highwater(partition)
                if highwater is None:
                    continue
                handled = NEXT_OFFSETS.get((partition.topic, partition.partition), 0)
                lag.add_metric([partition.topic, str(partition.partition)], max(highwater - handled, 0))
        yield lag

    def register(self) -> None:
        REGISTRY.register(self)

    def unregister(self) -> None:
        REGISTRY.unregister(self)
