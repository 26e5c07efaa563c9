"""Ingestion handlers in memory: FastStream's TestKafkaBroker and a fake store at the composition seam."""

import base64
import hashlib
from typing import Any

import pytest
from faststream.kafka import TestKafkaBroker

from jdi_contracts.events import (
    CloudEvent,
    DeleteRequested,
    DocumentDeleted,
    DocumentDeleteRequested,
    DocumentParsed,
    DocumentRejected,
    DocumentSubmitted,
    Parsed,
    Submitted,
    Topic,
)
from jdi_core.broker import make_broker, publish_event, subscribe
from jdi_core.settings import KafkaSettings
from jdi_ingestion.handlers import IngestionHandlers
from jdi_ingestion.store import StoredVersion, job_key
from jdi_parser import ParseLimits

SETTINGS = KafkaSettings(topic_prefix="unit.", retry_backoff_s=0)

ENGLISH = """POSITION TITLE: Director, Business Analysis
POSITION NUMBER: 103249   CLASSIFICATION: EX-01
Department: Public Works and Government Services Canada
Incumbent: Jane Doe

GENERAL ACCOUNTABILITY
The Director, Business Analysis is accountable for the analysis of business requirements
and for leading a team of analysts across the branch.

NATURE AND SCOPE
The Directorate provides analysis services to the department and works with partners.

SPECIFIC ACCOUNTABILITIES
Leads the business analysis function. Manages a budget of $1.2 million.
"""

FRENCH = """TITRE DU POSTE : Directeur, Analyse des activités
NUMÉRO DU POSTE : 103249   CLASSIFICATION : EX-01
Ministère : Travaux publics et Services gouvernementaux Canada

RESPONSABILITÉS GÉNÉRALES
Le directeur, Analyse des activités, est responsable de l'analyse des besoins et de la direction
d'une équipe d'analystes de la direction générale.

NATURE ET ÉTENDUE
La direction fournit des services d'analyse au ministère et travaille avec ses partenaires.
"""


class InMemoryDocumentStore:
    def __init__(self) -> None:
        self.versions: dict[str, list[StoredVersion]] = {}

    async def find_by_content(self, sha256: str) -> StoredVersion | None:
        return next((v for versions in self.versions.values() for v in versions if v.record.sha256 == sha256), None)

    async def find_by_job(self, job_number: str, language: str) -> str | None:
        return next(
            (
                document_id
                for document_id, versions in self.versions.items()
                if job_key(versions[-1].record) == job_number and versions[-1].record.language == language
            ),
            None,
        )

    async def document_exists(self, document_id: str) -> bool:
        return document_id in self.versions

    async def add_version(self, record: Parsed, original: bytes, source_system: str) -> int:
        versions = self.versions.setdefault(record.document_id, [])
        number = len(versions) + 1
        versions.append(StoredVersion(record.document_id, number, False, record.model_copy(update={"version": number})))
        return number

    async def mark_published(self, document_id: str, version: int) -> None:
        stored = self.versions[document_id][version - 1]
        self.versions[document_id][version - 1] = StoredVersion(document_id, version, True, stored.record)

    async def delete_document(self, document_id: str) -> list[int]:
        return [stored.version for stored in self.versions.pop(document_id, [])]


def submitted(document_id: str, content: bytes, file_name: str = "jd.txt", **changes: Any) -> DocumentSubmitted:
    data = {
        "document_id": document_id,
        "source_system": "test",
        "source_reference": f"ref/{document_id}",
        "file_name": file_name,
        "size": len(content),
        "sha256": hashlib.sha256(content).hexdigest(),
        "content_base64": base64.b64encode(content).decode(),
        "submitted_by": "unit-test",
    } | changes
    return DocumentSubmitted.wrap(Submitted(**data), source="/test", subject=document_id)


@pytest.fixture
def store() -> InMemoryDocumentStore:
    return InMemoryDocumentStore()


@pytest.fixture
def app(store: InMemoryDocumentStore) -> tuple[Any, dict[Topic, list[CloudEvent[Any]]]]:
    broker = make_broker(SETTINGS)
    seen: dict[Topic, list[CloudEvent[Any]]] = {Topic.PARSED: [], Topic.REJECTED: [], Topic.DELETED: []}

    async def publish(event: CloudEvent[Any]) -> None:
        seen[event.topic].append(event)
        await publish_event(broker, SETTINGS, event)

    handlers = IngestionHandlers(store, publish, ParseLimits())
    subscribe(
        broker,
        SETTINGS,
        "ingestion",
        {Topic.SUBMITTED: handlers.on_submitted, Topic.DELETE_REQUESTED: handlers.on_delete_requested},
        source="/test",
    )
    return broker, seen


async def send(broker: Any, event: CloudEvent[Any]) -> None:
    await publish_event(broker, SETTINGS, event)


async def test_a_document_is_parsed_stored_and_published(app, store) -> None:
    broker, seen = app
    async with TestKafkaBroker(broker) as test_broker:
        await send(test_broker, submitted("doc-1", ENGLISH.encode("cp1252")))

    [event] = seen[Topic.PARSED]
    record = DocumentParsed.model_validate(event).data
    assert record.document_id == "doc-1"
    assert record.version == 1
    assert job_key(record) == "103249"
    assert record.classification is not None and record.classification.code == "EX-01"
    assert "general_accountability" in [section.key for section in record.sections]
    assert "Jane Doe" not in str(record.model_dump())
    assert record.redactions >= 1
    assert store.versions["doc-1"][0].published


async def test_the_same_bytes_again_create_no_version_and_no_event(app, store) -> None:
    broker, seen = app
    async with TestKafkaBroker(broker) as test_broker:
        await send(test_broker, submitted("doc-1", ENGLISH.encode()))
        await send(test_broker, submitted("doc-1", ENGLISH.encode()))
        await send(test_broker, submitted("doc-other-ref", ENGLISH.encode()))

    assert len(seen[Topic.PARSED]) == 1
    assert [v.version for v in store.versions["doc-1"]] == [1]


async def test_new_content_for_the_same_document_is_a_new_version(app, store) -> None:
    broker, seen = app
    async with TestKafkaBroker(broker) as test_broker:
        await send(test_broker, submitted("doc-1", ENGLISH.encode()))
        await send(test_broker, submitted("doc-1", (ENGLISH + "\nEDUCATION\nA degree.\n").encode()))

    assert [DocumentParsed.model_validate(e).data.version for e in seen[Topic.PARSED]] == [1, 2]


async def test_same_job_number_and_language_from_another_reference_supersedes(app, store) -> None:
    broker, seen = app
    async with TestKafkaBroker(broker) as test_broker:
        await send(test_broker, submitted("doc-1", ENGLISH.encode()))
        await send(test_broker, submitted("doc-2", (ENGLISH + "\nrevised\n").encode()))

    second = DocumentParsed.model_validate(seen[Topic.PARSED][1]).data
    assert (second.document_id, second.version) == ("doc-1", 2)
    assert any("new version" in warning for warning in second.warnings)


async def test_french_form_with_the_same_job_number_links_as_translation(app, store) -> None:
    broker, seen = app
    async with TestKafkaBroker(broker) as test_broker:
        await send(test_broker, submitted("doc-en", ENGLISH.encode()))
        await send(test_broker, submitted("doc-fr", FRENCH.encode("utf-8")))

    english, french = (DocumentParsed.model_validate(e).data for e in seen[Topic.PARSED])
    assert (english.language, french.language) == ("en", "fr")
    assert french.translation_of == "doc-en"


@pytest.mark.parametrize(
    ("content", "file_name", "reason"),
    [
        (b"   \n  ", "empty.txt", "empty_document"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "photo.png", "unsupported_media_type"),
    ],
)
async def test_bad_documents_are_rejected_with_a_reason(app, store, content, file_name, reason) -> None:
    broker, seen = app
    async with TestKafkaBroker(broker) as test_broker:
        await send(test_broker, submitted("doc-bad", content, file_name))

    [event] = seen[Topic.REJECTED]
    rejected = DocumentRejected.model_validate(event).data
    assert rejected.reason == reason
    assert rejected.message
    assert seen[Topic.PARSED] == [] and store.versions == {}


async def test_checksum_mismatch_is_rejected(app, store) -> None:
    broker, seen = app
    event = submitted("doc-1", ENGLISH.encode(), sha256="0" * 64)
    async with TestKafkaBroker(broker) as test_broker:
        await send(test_broker, event)

    assert DocumentRejected.model_validate(seen[Topic.REJECTED][0]).data.reason == "checksum_mismatch"


async def test_an_event_breaking_the_contract_is_rejected_not_dropped(app, store) -> None:
    broker, seen = app
    async with TestKafkaBroker(broker) as test_broker:
        await test_broker.publish(
            b'{"id": "evt-9", "data": {"file_name": "x.txt"}}', SETTINGS.topic(Topic.SUBMITTED), key=b"doc-9"
        )

    rejected = DocumentRejected.model_validate(seen[Topic.REJECTED][0]).data
    assert (rejected.reason, rejected.submission_id, rejected.document_id) == ("invalid_event", "evt-9", "doc-9")
    assert "does not match" in rejected.message


async def test_delete_removes_every_version(app, store) -> None:
    broker, seen = app
    request = DocumentDeleteRequested.wrap(DeleteRequested(document_id="doc-1", requested_by="t"), source="/t")
    async with TestKafkaBroker(broker) as test_broker:
        await send(test_broker, submitted("doc-1", ENGLISH.encode()))
        await send(test_broker, submitted("doc-1", (ENGLISH + "\nv2\n").encode()))
        await send(test_broker, request)

    deleted = DocumentDeleted.model_validate(seen[Topic.DELETED][0]).data
    assert deleted.versions_removed == [1, 2]
    assert store.versions == {}
