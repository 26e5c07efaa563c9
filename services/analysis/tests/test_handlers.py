"""Analysis's handlers on its own wiring (`wire` with the packaged ESCO taxonomy, embeddings off, and
an in-memory store), each test twice: on FastStream's in-memory TestKafkaBroker and, under the
integration marker, on the real broker."""

import hashlib
import json
from collections.abc import AsyncIterator
from typing import Any

import jsonschema
import pytest

from jdi_analysis.handlers import SOURCE
from jdi_analysis.settings import AnalysisServiceSettings
from jdi_analysis.wiring import load_analyzer, wire
from jdi_analyzer.analyzer import Analyzer
from jdi_contracts.events import (
    Analyzed,
    Classification,
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
from jdi_core.broker import make_broker, subscribe

ANALYZED_SCHEMA = json.loads(schema_path(Topic.ANALYZED).read_text())

SECTIONS = [
    (
        "general_accountability",
        "General Accountability",
        "The Director, Widget Programs is accountable for the design and delivery of national widget programs.",
    ),
    (
        "specific_accountabilities",
        "Specific Accountabilities",
        (
            "1. Manages the budgets of the directorate.\n2. Liaises with stakeholders, ministers and partners.\n"
            "3. Negotiates agreements with provinces and reviews grant decisions made by regional offices."
        ),
    ),
]


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


def parsed_event(
    document_id: str, version: int, sections: list[tuple[str, str, str]], whole_text: str | None = None
) -> DocumentParsed:
    text = whole_text or "\n".join(body for _key, _heading, body in sections)
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
        text=whole_text,
    )
    return DocumentParsed.wrap(parsed, source="/test", subject=document_id)


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    """The service's own analyzer with embeddings off, loaded once for the module."""
    return load_analyzer(AnalysisServiceSettings(use_embeddings=False))


@pytest.fixture
def store() -> InMemoryAnalysisStore:
    return InMemoryAnalysisStore()


@pytest.fixture
async def analysis(broker_under_test, analyzer, store, published) -> AsyncIterator[Any]:
    settings = AnalysisServiceSettings(kafka=broker_under_test.kafka, use_embeddings=False)
    broker = make_broker(settings.kafka)
    wired = wire(settings, broker=broker, analyzer=analyzer, store=store)
    subscribe(broker, settings.kafka, settings.group_id, wired.subscriptions, source=SOURCE)
    published.subscribe(broker, settings.kafka, Topic.ANALYZED, Topic.DLQ)
    async with broker_under_test.start(broker) as running:
        yield running


async def test_a_parsed_document_is_analysed_stored_and_published(analysis, store, published, messages_handled) -> None:
    await analysis.send(parsed_event("doc-1", 1, SECTIONS))
    await messages_handled(1)

    [body] = await published.wait_for(Topic.ANALYZED, 1)
    wire = json.loads(body)
    jsonschema.validate(wire, ANALYZED_SCHEMA, cls=jsonschema.Draft202012Validator)
    analyzed = DocumentAnalyzed.model_validate(wire)
    assert (analyzed.subject, analyzed.data.document_id, analyzed.data.version) == ("doc-1", "doc-1", 1)
    assert "manage budgets" in {s.label for s in analyzed.data.skills}
    assert 0 < analyzed.data.quality.score <= 100
    assert store.saved["doc-1"][1] == analyzed.data


async def test_a_replay_of_an_older_version_changes_nothing(analysis, store, published, messages_handled) -> None:
    newer = [*SECTIONS, ("education", "Education", "A degree in public administration.")]
    await analysis.send(parsed_event("doc-1", 2, newer))
    await analysis.send(parsed_event("doc-1", 1, SECTIONS))
    await messages_handled(2)

    bodies = await published.wait_for(Topic.ANALYZED, 1)
    assert [DocumentAnalyzed.from_bytes(body).data.version for body in bodies] == [2]
    parsed, _analyzed = store.saved["doc-1"]
    assert parsed.version == 2 and parsed.sections[-1].key == "education"


async def test_a_deleted_document_is_removed(analysis, store, messages_handled) -> None:
    await analysis.send(parsed_event("doc-2", 1, SECTIONS))
    await analysis.send(parsed_event("doc-1", 1, SECTIONS))
    # Another topic: on a real broker a delete sent now could be handled before the documents.
    await messages_handled(2)
    deleted = Deleted(document_id="doc-1", versions_removed=[1])
    await analysis.send(DocumentDeleted.wrap(deleted, source="/test", subject="doc-1"))
    await messages_handled(3)

    assert list(store.saved) == ["doc-2"]


async def test_a_document_without_text_is_dead_lettered_not_stored(
    analysis, store, published, messages_handled
) -> None:
    await analysis.send(parsed_event("doc-empty", 1, [("other", "Notes", "   ")]))
    await messages_handled(1)

    [body] = await published.wait_for(Topic.DLQ, 1)
    letter = DeadLettered.from_bytes(body).data
    assert letter.original_topic == analysis.kafka.topic(Topic.PARSED)
    assert letter.key == "doc-empty"
    assert "no text to analyse" in letter.error_message
    assert published.bodies[Topic.ANALYZED] == [] and store.saved == {}


async def test_a_document_without_sections_is_analysed_from_its_whole_text(
    analysis, store, published, messages_handled
) -> None:
    whole_text = "\n\n".join(f"{heading}\n{body}" for _key, heading, body in SECTIONS)
    await analysis.send(parsed_event("doc-memo", 1, [], whole_text))
    await messages_handled(1)

    [body] = await published.wait_for(Topic.ANALYZED, 1)
    analyzed = DocumentAnalyzed.from_bytes(body).data
    assert "manage budgets" in {s.label for s in analyzed.skills}
    [completeness] = [c for c in analyzed.quality.components if c.name == "completeness"]
    assert (completeness.score, completeness.metrics["structure"]) == (0, "missing")
    assert store.saved["doc-memo"][1] == analyzed
    assert published.bodies[Topic.DLQ] == []
