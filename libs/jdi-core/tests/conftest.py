"""The process-wide Prometheus registry, read as the increase since the test began."""

from collections.abc import Callable

import pytest
from prometheus_client import REGISTRY

Increase = Callable[..., float]


def _samples() -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in REGISTRY.collect()
        for sample in family.samples
    }


@pytest.fixture
def increase() -> Increase:
    """`increase(name, **labels)`: how much that sample grew since the test began."""
    before = _samples()

    def grown(name: str, **labels: str) -> float:
        key = (name, frozenset(labels.items()))
        return _samples().get(key, 0.0) - before.get(key, 0.0)

    return grown
