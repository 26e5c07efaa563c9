"""The projection's batch handler on a fake writer: one transaction per batch, and a failing event alone."""

from collections.abc import Sequence

from aiokafka import ConsumerRecord

from jdi_contracts.events import DocumentEmbedded, Embedded, Topic
from jdi_gateway.handlers import ProjectionHandlers
from jdi_gateway.store.port import Application


class Writer:
    """Applies every batch unless it holds a `poison` document; records each call."""

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    async def apply_all(self, applications: Sequence[Application]) -> None:
        self.calls.append([application.document_id for application in applications])
        if any(application.document_id == "poison" for application in applications):
            raise ValueError("a row the database refuses")


def record(topic: Topic, value: bytes, offset: int) -> ConsumerRecord:
    return ConsumerRecord(topic.value, 0, offset, offset, 0, None, value, None, 0, len(value), [])


def embedded(document_id: str) -> bytes:
    data = Embedded(document_id=document_id, version=1, model_id="m", collection="c", chunk_count=1)
    return DocumentEmbedded.wrap(data, source="/test", subject=document_id).to_bytes()


async def test_a_batch_is_one_write_and_an_unreadable_event_fails_alone() -> None:
    writer = Writer()
    records = [record(Topic.EMBEDDED, embedded("a"), 0), record(Topic.EMBEDDED, b"not json", 1)]
    records.append(record(Topic.EMBEDDED, embedded("b"), 2))
    outcomes = await ProjectionHandlers(writer).project_batch(records)
    assert [type(outcome).__name__ for outcome in outcomes] == ["NoneType", "ValidationError", "NoneType"]
    assert writer.calls == [["a", "b"]]


async def test_when_the_batch_fails_each_event_is_applied_alone_and_only_the_poison_fails() -> None:
    writer = Writer()
    records = [record(Topic.EMBEDDED, embedded(name), n) for n, name in enumerate(["a", "poison", "b"])]
    outcomes = await ProjectionHandlers(writer).project_batch(records)
    assert [outcome is None for outcome in outcomes] == [True, False, True]
    assert writer.calls == [["a", "poison", "b"], ["a"], ["poison"], ["b"]]
