"""Analysis handlers in memory: FastStream's TestKafkaBroker and a fake store at the composition seam."""

import hashlib
import json
from typing import Any

import jsonschema
import pytest
from faststream.kafka import TestKafkaBroker

from jdi_analysis.handlers import SOURCE, AnalysisHandlers
from jdi_analyzer.analyzer import AnalysisSettings, Analyzer
from jdi_analyzer.skills.taxonomy import SkillTaxonomy
from jdi_contracts.events import (
    Analyzed,
    Classification,
    CloudEvent,
    DeadLettered,
    Deleted,
    DocumentAnalyzed,
    DocumentDeleted,
    DocumentParsed,
    Parsed,
    Section,
    Topic,
)
from jdi_contracts.json_schema import schema_path
from jdi_core.broker import make_broker, publish_event, subscribe
from jdi_core.settings import KafkaSettings

SETTINGS = KafkaSettings(topic_prefix="unit.", retry_backoff_s=0)
ANALYZED_SCHEMA = json.loads(schema_path(Topic.ANALYZED).read_text())


class InMemoryAnalysisStore:
    """The PostgreSQL store's behaviour: the latest version per document wins."""

    def __init__(self) -> None:
        self.saved: dict[str, tuple[Parsed, Analyzed]] = {}

    async def stored_version(self, document_id: str) -> int | None:
        return self.saved[document_id][0].version if document_id in self.saved else None

    async def save(self, parsed: Parsed, analyzed: Analyzed) -> None:
        stored = await self.stored_version(parsed.document_id)
        if stored is None or stored <= parsed.version:
            self.saved[parsed.document_id] = (parsed, analyzed)

    async def delete(self, document_id: str) -> None:
        self.saved.pop(document_id, None)


def parsed_event(document_id: str, version: int, sections: list[tuple[str, str, str]]) -> DocumentParsed:
    text = "\n".join(body for _key, _heading, body in sections)
    parsed = Parsed(
        document_id=document_id,
        submission_id=f"submission-{document_id}-{version}",
        version=version,
        sha256=hashlib.sha256(text.encode()).hexdigest(),
        source_reference=f"ref/{document_id}",
        file_name="widgets.txt",
        media_type="text/plain",
        language="en",
        job_number="100001",
        classification=Classification(group="EX", level="01", code="EX-01"),
        title="Director, Widget Programs",
        department="Widget Agency",
        sections=[Section(key=key, heading=heading, text=body) for key, heading, body in sections],
        redactions=0,
    )
    return DocumentParsed.wrap(parsed, source="/test", subject=document_id)


@pytest.fixture
def store() -> InMemoryAnalysisStore:
    return InMemoryAnalysisStore()


@pytest.fixture
def pipeline(store: InMemoryAnalysisStore, taxonomy: SkillTaxonomy) -> tuple[Any, dict[Topic, list[CloudEvent[Any]]]]:
    broker = make_broker(SETTINGS)
    seen: dict[Topic, list[CloudEvent[Any]]] = {Topic.ANALYZED: [], Topic.DLQ: []}

    async def publish(event: CloudEvent[Any]) -> None:
        seen[event.topic].append(event)
        await publish_event(broker, SETTINGS, event)

    @broker.subscriber(SETTINGS.topic(Topic.DLQ))
    async def collect_dead_letters(body: bytes) -> None:
        seen[Topic.DLQ].append(DeadLettered.from_bytes(body))

    handlers = AnalysisHandlers(Analyzer(AnalysisSettings(), taxonomy, None), store, publish)
    subscribe(
        broker,
        SETTINGS,
        "analysis",
        {Topic.PARSED: handlers.on_parsed, Topic.DELETED: handlers.on_deleted},
        source=SOURCE,
    )
    return broker, seen


async def test_a_parsed_document_is_analysed_stored_and_published(pipeline, store, sections) -> None:
    broker, seen = pipeline
    async with TestKafkaBroker(broker) as test_broker:
        await publish_event(test_broker, SETTINGS, parsed_event("doc-1", 1, sections))

    [event] = seen[Topic.ANALYZED]
    wire = json.loads(event.to_bytes())
    jsonschema.validate(wire, ANALYZED_SCHEMA, cls=jsonschema.Draft202012Validator)
    analyzed = DocumentAnalyzed.model_validate(wire)
    assert (analyzed.subject, analyzed.data.document_id, analyzed.data.version) == ("doc-1", "doc-1", 1)
    assert {"manage budgets", "develop policies", "negotiate agreements"} <= {s.label for s in analyzed.data.skills}
    assert 0 < analyzed.data.quality.score <= 100
    assert store.saved["doc-1"][1] == analyzed.data


async def test_a_replay_of_an_older_version_changes_nothing(pipeline, store, sections) -> None:
    broker, seen = pipeline
    newer = sections + [("education", "Education", "A degree in public administration.")]
    async with TestKafkaBroker(broker) as test_broker:
        await publish_event(test_broker, SETTINGS, parsed_event("doc-1", 2, newer))
        await publish_event(test_broker, SETTINGS, parsed_event("doc-1", 1, sections))

    assert [DocumentAnalyzed.model_validate(e).data.version for e in seen[Topic.ANALYZED]] == [2]
    parsed, _analyzed = store.saved["doc-1"]
    assert parsed.version == 2 and parsed.sections[-1].key == "education"


async def test_a_deleted_document_is_removed(pipeline, store, sections) -> None:
    broker, _seen = pipeline
    deleted = DocumentDeleted.wrap(Deleted(document_id="doc-1", versions_removed=[1]), source="/test", subject="doc-1")
    async with TestKafkaBroker(broker) as test_broker:
        await publish_event(test_broker, SETTINGS, parsed_event("doc-2", 1, sections))
        await publish_event(test_broker, SETTINGS, parsed_event("doc-1", 1, sections))
        await publish_event(test_broker, SETTINGS, deleted)

    assert list(store.saved) == ["doc-2"]


async def test_a_document_without_text_is_dead_lettered_not_stored(pipeline, store) -> None:
    broker, seen = pipeline
    async with TestKafkaBroker(broker) as test_broker:
        await publish_event(test_broker, SETTINGS, parsed_event("doc-empty", 1, [("other", "Notes", "   ")]))

    [letter] = seen[Topic.DLQ]
    assert letter.data.original_topic == SETTINGS.topic(Topic.PARSED)
    assert letter.data.key == "doc-empty"
    assert "no section text" in letter.data.error_message
    assert seen[Topic.ANALYZED] == [] and store.saved == {}
