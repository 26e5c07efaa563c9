"""`jdi submit` publishing to an in-memory producer, traced by an in-memory span exporter."""

import base64
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from aiokafka.errors import KafkaTimeoutError
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode

from jdi_cli.files import expand_paths
from jdi_cli.kafka import EventPublisher, KafkaSettings
from jdi_cli.submit import SubmitOptions, SubmitSummary, submit_files
from jdi_contracts.events import CONTENT_TYPE, MAX_DOCUMENT_BYTES, DocumentSubmitted, Topic
from jdi_contracts.identity import document_id_for
from jdi_samples import generate_job_description

SETTINGS = KafkaSettings(topic_prefix="unit-cli.")
SUBMITTED_TOPIC = "unit-cli.jdi.documents.submitted.v1"
DEFAULT_OPTIONS = SubmitOptions()


@dataclass(frozen=True)
class Record:
    topic: str
    key: bytes | None
    value: bytes
    headers: dict[str, str]

    @property
    def event(self) -> DocumentSubmitted:
        return DocumentSubmitted.from_bytes(self.value)


@dataclass
class RecordingProducer:
    """Keeps what an AIOKafkaProducer would have sent; `failure` makes every send raise it instead."""

    records: list[Record] = field(default_factory=list)
    failure: Exception | None = None

    async def send_and_wait(
        self, topic: str, value: bytes, key: bytes | None, headers: Sequence[tuple[str, bytes]]
    ) -> None:
        if self.failure is not None:
            raise self.failure
        self.records.append(Record(topic, key, value, {name: raw.decode() for name, raw in headers}))


@dataclass
class Submission:
    summary: SubmitSummary
    records: list[Record]
    spans: InMemorySpanExporter


async def submit(paths: list[Path], options: SubmitOptions = DEFAULT_OPTIONS, failure: Exception | None = None):
    producer = RecordingProducer(failure=failure)
    spans = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(spans))
    publisher = EventPublisher(producer, provider.get_tracer("test"), SETTINGS)
    summary = await submit_files(publisher, list(expand_paths(paths)), options)
    return Submission(summary, producer.records, spans)


async def test_each_file_is_published_as_a_submitted_event_keyed_by_its_document_id(tmp_path: Path) -> None:
    (tmp_path / "ex02").mkdir()
    director = generate_job_description(7, "en").text.encode()
    directeur = generate_job_description(8, "fr").markdown.encode()
    (tmp_path / "director.txt").write_bytes(director)
    (tmp_path / "ex02" / "directeur.md").write_bytes(directeur)

    submission = await submit([tmp_path], SubmitOptions(source_system="hr-archive"))

    summary = submission.summary
    assert (summary.submitted, summary.skipped, summary.failed) == (2, 0, 0)
    assert summary.bytes == len(director) + len(directeur)
    records = {record.event.data.source_reference: record for record in submission.records}
    assert set(records) == {"director.txt", "ex02/directeur.md"}
    record = records["ex02/directeur.md"]
    event = record.event
    expected_id = document_id_for("hr-archive", "ex02/directeur.md")
    assert record.topic == SUBMITTED_TOPIC == SETTINGS.topic(Topic.SUBMITTED)
    assert event.subject == event.data.document_id == expected_id
    assert record.key == expected_id.encode()
    assert event.data.sha256 == hashlib.sha256(directeur).hexdigest()
    assert base64.b64decode(event.data.content_base64 or "") == directeur
    assert event.data.size == len(directeur)
    assert event.data.media_type == "text/markdown"
    assert event.data.file_name == "directeur.md"
    assert event.data.source_system == "hr-archive"
    assert records["director.txt"].event.data.media_type == "text/plain"


async def test_each_record_carries_the_cloudevents_headers_and_the_trace_of_its_publish_span(tmp_path: Path) -> None:
    (tmp_path / "jd.txt").write_text(generate_job_description(12).text, encoding="utf-8")

    submission = await submit([tmp_path])

    [record] = submission.records
    [span] = submission.spans.get_finished_spans()
    assert record.headers.keys() == {"content-type", "ce_type", "ce_id", "traceparent"}
    assert record.headers["content-type"] == CONTENT_TYPE
    assert record.headers["ce_type"] == record.event.type == Topic.SUBMITTED.value
    assert record.headers["ce_id"] == record.event.id
    version, trace_id, span_id, _flags = record.headers["traceparent"].split("-")
    context = span.get_span_context()
    assert (version, trace_id, span_id) == ("00", f"{context.trace_id:032x}", f"{context.span_id:016x}")
    assert span.name == f"{SUBMITTED_TOPIC} publish"
    assert span.kind is SpanKind.PRODUCER
    assert span.attributes is not None
    assert span.attributes["messaging.destination.name"] == SUBMITTED_TOPIC
    assert span.attributes["messaging.kafka.message.key"] == record.event.subject


async def test_a_file_given_by_name_is_referenced_by_its_name(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "folder" / "jd.txt"
    path.parent.mkdir(parents=True)
    path.write_text(generate_job_description(9).text, encoding="utf-8")

    submission = await submit([path])

    [record] = submission.records
    assert record.event.data.source_reference == "jd.txt"
    assert record.event.data.document_id == document_id_for("cli", "jd.txt")


async def test_too_large_and_unreadable_files_are_counted_not_published(tmp_path: Path) -> None:
    huge = tmp_path / "huge.txt"
    with huge.open("wb") as sparse:
        sparse.truncate(MAX_DOCUMENT_BYTES + 1)
    small = tmp_path / "small.txt"
    small.write_text(generate_job_description(10).text, encoding="utf-8")

    submission = await submit([huge, small, tmp_path / "missing.txt"])

    summary = submission.summary
    assert (summary.submitted, summary.skipped, summary.failed) == (1, 1, 1)
    assert [record.event.data.file_name for record in submission.records] == ["small.txt"]
    assert [(problem.source, problem.reason) for problem in summary.problems] == [
        (str(huge), "too_large"),
        (str(tmp_path / "missing.txt"), "unreadable_file"),
    ]


async def test_a_publish_the_broker_does_not_acknowledge_counts_as_failed(tmp_path: Path) -> None:
    (tmp_path / "jd.txt").write_text(generate_job_description(11).text, encoding="utf-8")

    submission = await submit([tmp_path], failure=KafkaTimeoutError())

    summary = submission.summary
    assert (summary.submitted, summary.failed) == (0, 1)
    assert summary.problems[0].reason == "publish_failed"
    assert "KafkaTimeoutError" in summary.problems[0].message
    [span] = submission.spans.get_finished_spans()
    assert span.status.status_code is StatusCode.ERROR


@pytest.mark.parametrize(
    ("environment", "expected"),
    [
        ({}, ("127.0.0.1:19092", "jdi.documents.submitted.v1")),
        (
            {"KAFKA_BOOTSTRAP_SERVERS": "kafka.example:9092", "KAFKA_TOPIC_PREFIX": "staging."},
            ("kafka.example:9092", "staging.jdi.documents.submitted.v1"),
        ),
    ],
)
def test_kafka_settings_read_the_variables_the_services_read(
    monkeypatch: pytest.MonkeyPatch, environment: dict[str, str], expected: tuple[str, str]
) -> None:
    for name in ("KAFKA_BOOTSTRAP_SERVERS", "KAFKA_TOPIC_PREFIX"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)

    settings = KafkaSettings()

    assert (settings.bootstrap_servers, settings.topic(Topic.SUBMITTED)) == expected
