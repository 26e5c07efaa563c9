"""Prometheus metrics shared by the services, including consumer lag.

Lag per partition is the broker's high watermark (as seen by the consumer on its last fetch)
minus the next offset this process will handle; both are known without extra broker round trips.
"""

from collections.abc import Iterator

from faststream.kafka import KafkaBroker
from prometheus_client import REGISTRY, Counter
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

MESSAGES_HANDLED = Counter("jdi_messages_handled", "Messages handled, by topic and outcome", ["topic", "outcome"])

# (group, topic, partition) -> next offset to handle, updated by the consumer wrapper.
NEXT_OFFSETS: dict[tuple[str, str, int], int] = {}


class ConsumerLagCollector(Collector):
    def __init__(self) -> None:
        self._brokers: list[KafkaBroker] = []

    def track(self, broker: KafkaBroker) -> None:
        self._brokers.append(broker)

    def untrack(self, broker: KafkaBroker) -> None:
        self._brokers.remove(broker)

    def collect(self) -> Iterator[GaugeMetricFamily]:
        lag = GaugeMetricFamily("jdi_consumer_lag", "Records not yet handled", labels=["group", "topic", "partition"])
        for broker in self._brokers:
            for subscriber in broker.subscribers:
                consumer, group = getattr(subscriber, "consumer", None), getattr(subscriber, "group_id", "")
                if consumer is None:
                    continue
                for partition in consumer.assignment():
                    highwater = consumer.highwater(partition)
                    if highwater is None:
                        continue
                    handled = NEXT_OFFSETS.get((group, partition.topic, partition.partition), 0)
                    lag.add_metric([group, partition.topic, str(partition.partition)], max(highwater - handled, 0))
        yield lag


CONSUMER_LAG = ConsumerLagCollector()
REGISTRY.register(CONSUMER_LAG)
