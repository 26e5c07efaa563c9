"""Ingestion's handlers on its own wiring (`wire` with an in-memory store), each test twice: on
FastStream's in-memory TestKafkaBroker and, under the integration marker, on the real broker."""

import base64
import hashlib
from collections.abc import AsyncIterator
from typing import Any

import pytest

from jdi_contracts.events import (
    DeadLettered,
    DeleteRequested,
    DocumentDeleted,
    DocumentDeleteRequested,
    DocumentFiled,
    DocumentParsed,
    DocumentRejected,
    DocumentSubmitted,
    Filed,
    Parsed,
    Submitted,
    Topic,
)
from jdi_core.broker import make_broker, subscribe
from jdi_ingestion.handlers import SOURCE
from jdi_ingestion.settings import IngestionSettings
from jdi_ingestion.store import StoredVersion, job_key
from jdi_ingestion.wiring import wire

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

# A memo-like description: running text under no heading the parser knows.
WITHOUT_SECTIONS = """The manager of the regional office leads a team of twelve officers and is responsible for the
delivery of client services in the region. The manager plans the work of the office, sets its priorities with
the director and reports on the results to the branch each quarter.
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
async def ingestion(broker_under_test, store, published) -> AsyncIterator[Any]:
    settings = IngestionSettings(kafka=broker_under_test.kafka)
    broker = make_broker(settings.kafka)
    wired = wire(settings, broker=broker, store=store)
    subscribe(
        broker,
        settings.kafka,
        settings.group_id,
        wired.subscriptions,
        source=SOURCE,
        dead_letter_answers=wired.dead_letter_answers,
    )
    published.subscribe(broker, settings.kafka, Topic.PARSED, Topic.REJECTED, Topic.FILED, Topic.DELETED, Topic.DLQ)
    async with broker_under_test.start(broker) as running:
        yield running


def parsed_records(bodies: list[bytes]) -> list[Parsed]:
    return [DocumentParsed.from_bytes(body).data for body in bodies]


async def test_a_document_is_parsed_stored_and_published(ingestion, store, published, messages_handled) -> None:
    await ingestion.send(submitted("doc-1", ENGLISH.encode("cp1252")))
    await messages_handled(1)

    [record] = parsed_records(await published.wait_for(Topic.PARSED, 1))
    assert record.document_id == "doc-1"
    assert record.version == 1
    assert job_key(record) == "103249"
    assert record.classification is not None and record.classification.code == "EX-01"
    assert "general_accountability" in [section.key for section in record.sections]
    assert "Jane Doe" not in str(record.model_dump())
    assert record.redactions >= 1
    assert store.versions["doc-1"][0].published


def filed_records(bodies: list[bytes]) -> list[Filed]:
    return [DocumentFiled.from_bytes(body).data for body in bodies]


def filed_answers(bodies: list[bytes]) -> dict[str | None, Filed]:
    """The `filed` answers by the key they were published with (the event's subject)."""
    return {event.subject: event.data for event in map(DocumentFiled.from_bytes, bodies)}


async def test_the_same_bytes_again_are_answered_as_duplicates_without_a_new_version(
    ingestion, store, published, messages_handled
) -> None:
    await ingestion.send(submitted("doc-1", ENGLISH.encode()))
    await messages_handled(1)
    again = submitted("doc-1", ENGLISH.encode())
    elsewhere = submitted("doc-copy", ENGLISH.encode())
    await ingestion.send(again)
    await ingestion.send(elsewhere)
    await messages_handled(3)

    answers = filed_answers(await published.wait_for(Topic.FILED, 2))
    assert (answers["doc-1"].submission_id, answers["doc-copy"].submission_id) == (again.id, elsewhere.id)
    for document_id, alias in (("doc-1", False), ("doc-copy", True)):
        answer = answers[document_id]
        assert (answer.document_id, answer.canonical_document_id, answer.version) == (document_id, "doc-1", 1)
        assert (answer.filed_as, answer.alias) == ("duplicate", alias)
    assert len(await published.wait_for(Topic.PARSED, 1)) == 1
    assert [v.version for v in store.versions["doc-1"]] == [1]
    assert list(store.versions) == ["doc-1"]


async def test_a_duplicate_named_by_a_document_of_its_own_is_no_alias(ingestion, published, messages_handled) -> None:
    await ingestion.send(submitted("doc-1", ENGLISH.encode()))
    await ingestion.send(submitted("doc-2", FRENCH.encode()))
    await messages_handled(2)
    await ingestion.send(submitted("doc-2", ENGLISH.encode()))

    [answer] = filed_answers(await published.wait_for(Topic.FILED, 1)).values()
    assert (answer.document_id, answer.canonical_document_id, answer.alias) == ("doc-2", "doc-1", False)


async def test_a_redelivered_submission_is_not_answered_twice(ingestion, published, messages_handled) -> None:
    event = submitted("doc-1", ENGLISH.encode())
    await ingestion.send(event)
    await ingestion.send(event)
    await messages_handled(2)

    assert len(await published.wait_for(Topic.PARSED, 1)) == 1
    assert published.bodies[Topic.FILED] == []


async def test_an_unpublished_version_is_published_when_its_bytes_come_again(
    ingestion, store, published, messages_handled
) -> None:
    """A crash between storing a version and publishing it: the next submission of its bytes finishes it."""
    interrupted = submitted("doc-1", ENGLISH.encode())
    record = Parsed(
        document_id="doc-1",
        submission_id=interrupted.id,
        version=1,
        sha256=interrupted.data.sha256,
        source_reference="ref/doc-1",
        file_name="jd.txt",
        media_type="text/plain",
        language="en",
        job_number="103249",
        classification=None,
        title=None,
        department=None,
        sections=[],
        redactions=0,
    )
    await store.add_version(record, ENGLISH.encode(), "test")
    await ingestion.send(interrupted)
    await messages_handled(1)

    [body] = await published.wait_for(Topic.PARSED, 1)
    assert DocumentParsed.from_bytes(body).data.submission_id == interrupted.id
    assert store.versions["doc-1"][0].published
    assert published.bodies[Topic.FILED] == []


async def test_an_answer_published_again_after_a_crash_is_the_same_event(
    ingestion, store, published, messages_handled
) -> None:
    """A crash after `parsed` went out but before it was marked published: the redelivered submission publishes
    it again under the same event id, so consumers and upstreams see one answer, not two."""
    submission = submitted("doc-1", ENGLISH.encode())
    await ingestion.send(submission)
    await messages_handled(1)
    stored = store.versions["doc-1"][0]
    store.versions["doc-1"][0] = StoredVersion("doc-1", 1, False, stored.record)
    await ingestion.send(submission)
    await messages_handled(2)

    first, again = (DocumentParsed.from_bytes(body) for body in await published.wait_for(Topic.PARSED, 2))
    assert first.id == again.id
    assert first.data == again.data


async def test_new_content_for_the_same_document_is_a_new_version(ingestion, published) -> None:
    await ingestion.send(submitted("doc-1", ENGLISH.encode()))
    await ingestion.send(submitted("doc-1", (ENGLISH + "\nEDUCATION\nA degree.\n").encode()))

    assert [record.version for record in parsed_records(await published.wait_for(Topic.PARSED, 2))] == [1, 2]


async def test_same_job_number_and_language_from_another_reference_supersedes(
    ingestion, published, messages_handled
) -> None:
    await ingestion.send(submitted("doc-1", ENGLISH.encode()))
    await messages_handled(1)
    await ingestion.send(submitted("doc-2", (ENGLISH + "\nrevised\n").encode()))

    second = DocumentParsed.from_bytes((await published.wait_for(Topic.PARSED, 2))[1])
    assert (second.subject, second.data.document_id, second.data.version) == ("doc-1", "doc-1", 2)
    assert any("new version" in warning for warning in second.data.warnings)
    [answer] = filed_answers(await published.wait_for(Topic.FILED, 1)).values()
    assert (answer.document_id, answer.submission_id) == ("doc-2", second.data.submission_id)
    assert (answer.canonical_document_id, answer.version, answer.filed_as, answer.alias) == (
        "doc-1",
        2,
        "new_version",
        True,
    )


async def test_a_redelivered_new_version_is_answered_again(ingestion, published, messages_handled) -> None:
    """Its answer goes out after its version is stored: a crash in between must not leave it unanswered."""
    await ingestion.send(submitted("doc-1", ENGLISH.encode()))
    await messages_handled(1)
    revision = submitted("doc-2", (ENGLISH + "\nrevised\n").encode())
    await ingestion.send(revision)
    await ingestion.send(revision)
    await messages_handled(3)

    bodies = await published.wait_for(Topic.FILED, 2)
    assert {(answer.document_id, answer.submission_id) for answer in filed_records(bodies)} == {("doc-2", revision.id)}
    assert len(await published.wait_for(Topic.PARSED, 2)) == 2


async def test_a_document_without_sections_carries_its_whole_text(ingestion, published) -> None:
    await ingestion.send(submitted("doc-memo", WITHOUT_SECTIONS.encode()))

    [record] = parsed_records(await published.wait_for(Topic.PARSED, 1))
    assert record.sections == [] and "no_sections_found" in record.warnings
    assert record.text is not None and "leads a team of twelve officers" in record.text
    assert published.bodies[Topic.FILED] == []


async def test_a_document_with_sections_does_not_repeat_its_text(ingestion, published) -> None:
    await ingestion.send(submitted("doc-1", ENGLISH.encode()))

    [record] = parsed_records(await published.wait_for(Topic.PARSED, 1))
    assert record.sections and record.text is None


async def test_french_form_with_the_same_job_number_links_as_translation(
    ingestion, published, messages_handled
) -> None:
    await ingestion.send(submitted("doc-en", ENGLISH.encode()))
    await messages_handled(1)
    await ingestion.send(submitted("doc-fr", FRENCH.encode("utf-8")))

    by_id = {record.document_id: record for record in parsed_records(await published.wait_for(Topic.PARSED, 2))}
    assert (by_id["doc-en"].language, by_id["doc-fr"].language) == ("en", "fr")
    assert by_id["doc-fr"].translation_of == "doc-en"


@pytest.mark.parametrize(
    ("content", "file_name", "reason"),
    [
        (b"   \n  ", "empty.txt", "empty_document"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "photo.png", "unsupported_media_type"),
    ],
)
async def test_bad_documents_are_rejected_with_a_reason(
    ingestion, store, published, messages_handled, content, file_name, reason
) -> None:
    await ingestion.send(submitted("doc-bad", content, file_name))
    await messages_handled(1)

    [body] = await published.wait_for(Topic.REJECTED, 1)
    rejected = DocumentRejected.from_bytes(body).data
    assert rejected.reason == reason
    assert rejected.message
    assert published.bodies[Topic.PARSED] == [] and store.versions == {}


async def test_checksum_mismatch_is_rejected(ingestion, published) -> None:
    await ingestion.send(submitted("doc-1", ENGLISH.encode(), sha256="0" * 64))

    [body] = await published.wait_for(Topic.REJECTED, 1)
    assert DocumentRejected.from_bytes(body).data.reason == "checksum_mismatch"


async def test_an_event_breaking_the_contract_is_rejected_not_dropped(ingestion, published) -> None:
    await ingestion.broker.publish(
        b'{"id": "evt-9", "data": {"file_name": "x.txt"}}', ingestion.kafka.topic(Topic.SUBMITTED), key=b"doc-9"
    )

    [body] = await published.wait_for(Topic.REJECTED, 1)
    rejected = DocumentRejected.from_bytes(body).data
    assert (rejected.reason, rejected.submission_id, rejected.document_id) == ("invalid_event", "evt-9", "doc-9")
    assert "does not match" in rejected.message


async def test_a_nul_character_in_what_is_stored_as_sent_is_rejected_and_not_echoed(ingestion, published) -> None:
    await ingestion.send(submitted("doc-1", ENGLISH.encode(), source_reference="ref/\x00", metadata={"a": "\x00"}))

    [body] = await published.wait_for(Topic.REJECTED, 1)
    rejected = DocumentRejected.from_bytes(body).data
    assert (rejected.reason, rejected.source_reference) == ("invalid_event", "ref/\ufffd")
    assert rejected.message.startswith("source_reference, metadata: a NUL character")


async def test_an_event_breaking_the_contract_with_nul_characters_is_answered_storably(ingestion, published) -> None:
    await ingestion.broker.publish(
        b'{"id": "evt\\u0000", "data": {"document_id": "doc\\u0000", "sha256": "\\u0000", "text": 1}}',
        ingestion.kafka.topic(Topic.SUBMITTED),
        key=b"doc-9",
    )

    [body] = await published.wait_for(Topic.REJECTED, 1)
    rejected = DocumentRejected.from_bytes(body)
    assert "\x00" not in body.decode() and "\\u0000" not in body.decode()
    assert (rejected.data.reason, rejected.data.submission_id, rejected.data.document_id) == (
        "invalid_event",
        "evt\ufffd",
        "doc\ufffd",
    )


async def test_a_submission_failing_every_attempt_is_answered_before_its_dead_letter(
    ingestion, store, published, messages_handled, monkeypatch
) -> None:
    """Upstreams read only the answer topics: a dead-lettered submission is answered `rejected` too, and the
    answer's time is before the letter's, so the gateway keeps the document `failed` for its operators."""

    async def broken(sha256: str) -> None:
        raise RuntimeError("a bug in the store")

    monkeypatch.setattr(store, "find_by_content", broken)
    event = submitted("doc-1", ENGLISH.encode())
    await ingestion.send(event)
    await messages_handled(1)

    [answer_body] = await published.wait_for(Topic.REJECTED, 1)
    [letter_body] = await published.wait_for(Topic.DLQ, 1)
    answer, letter = DocumentRejected.from_bytes(answer_body), DeadLettered.from_bytes(letter_body)
    assert (answer.data.reason, answer.data.submission_id, answer.subject) == ("processing_failed", event.id, "doc-1")
    assert "a bug" not in answer.data.message
    assert (letter.data.error_type, letter.subject) == ("RuntimeError", "doc-1")
    assert answer.time < letter.time


async def test_delete_removes_every_version(ingestion, store, published, messages_handled) -> None:
    await ingestion.send(submitted("doc-1", ENGLISH.encode()))
    await ingestion.send(submitted("doc-1", (ENGLISH + "\nv2\n").encode()))
    # Another topic: on a real broker a delete sent now could be handled before the versions.
    await messages_handled(2)
    request = DeleteRequested(document_id="doc-1", requested_by="t")
    await ingestion.send(DocumentDeleteRequested.wrap(request, source="/t", subject="doc-1"))

    [body] = await published.wait_for(Topic.DELETED, 1)
    assert DocumentDeleted.from_bytes(body).data.versions_removed == [1, 2]
    assert store.versions == {}
