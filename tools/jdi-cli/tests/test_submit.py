"""`jdi submit` publishing through FastStream's in-memory TestKafkaBroker."""

import base64
import hashlib
from pathlib import Path

from aiokafka.errors import KafkaTimeoutError
from faststream.kafka import TestKafkaBroker
from faststream.kafka.annotations import KafkaMessage

from jdi_cli.files import expand_paths
from jdi_cli.submit import SubmitOptions, submit_files
from jdi_contracts.events import MAX_DOCUMENT_BYTES, DocumentSubmitted, Topic
from jdi_contracts.identity import document_id_for
from jdi_core.broker import make_broker
from jdi_core.settings import KafkaSettings
from jdi_samples import generate_job_description

SETTINGS = KafkaSettings(topic_prefix="unit-cli.")
DEFAULT_OPTIONS = SubmitOptions()


async def submit_and_collect(paths: list[Path], options: SubmitOptions = DEFAULT_OPTIONS):
    broker = make_broker(SETTINGS)
    published: list[tuple[bytes | None, DocumentSubmitted]] = []

    @broker.subscriber(SETTINGS.topic(Topic.SUBMITTED))
    async def collect(body: bytes, message: KafkaMessage) -> None:
        published.append((message.raw_message.key, DocumentSubmitted.from_bytes(body)))

    async with TestKafkaBroker(broker) as test_broker:
        summary = await submit_files(test_broker, SETTINGS, list(expand_paths(paths)), options)
    return summary, published


async def test_each_file_is_published_as_a_submitted_event_keyed_by_its_document_id(tmp_path: Path) -> None:
    (tmp_path / "ex02").mkdir()
    director = generate_job_description(7, "en").text.encode()
    directeur = generate_job_description(8, "fr").markdown.encode()
    (tmp_path / "director.txt").write_bytes(director)
    (tmp_path / "ex02" / "directeur.md").write_bytes(directeur)

    summary, published = await submit_and_collect([tmp_path], SubmitOptions(source_system="hr-archive"))

    assert (summary.submitted, summary.skipped, summary.failed) == (2, 0, 0)
    assert summary.bytes == len(director) + len(directeur)
    events = {event.data.source_reference: (key, event) for key, event in published}
    assert set(events) == {"director.txt", "ex02/directeur.md"}
    key, event = events["ex02/directeur.md"]
    expected_id = document_id_for("hr-archive", "ex02/directeur.md")
    assert event.subject == event.data.document_id == expected_id
    assert key == expected_id.encode()
    assert event.data.sha256 == hashlib.sha256(directeur).hexdigest()
    assert base64.b64decode(event.data.content_base64 or "") == directeur
    assert event.data.size == len(directeur)
    assert event.data.media_type == "text/markdown"
    assert event.data.file_name == "directeur.md"
    assert event.data.source_system == "hr-archive"
    assert events["director.txt"][1].data.media_type == "text/plain"


async def test_a_file_given_by_name_is_referenced_by_its_name(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "folder" / "jd.txt"
    path.parent.mkdir(parents=True)
    path.write_text(generate_job_description(9).text, encoding="utf-8")

    _, published = await submit_and_collect([path])

    [(_, event)] = published
    assert event.data.source_reference == "jd.txt"
    assert event.data.document_id == document_id_for("cli", "jd.txt")


async def test_too_large_and_unreadable_files_are_counted_not_published(tmp_path: Path) -> None:
    huge = tmp_path / "huge.txt"
    with huge.open("wb") as sparse:
        sparse.truncate(MAX_DOCUMENT_BYTES + 1)
    small = tmp_path / "small.txt"
    small.write_text(generate_job_description(10).text, encoding="utf-8")

    summary, published = await submit_and_collect([huge, small, tmp_path / "missing.txt"])

    assert (summary.submitted, summary.skipped, summary.failed) == (1, 1, 1)
    assert [event.data.file_name for _, event in published] == ["small.txt"]
    assert [(problem.source, problem.reason) for problem in summary.problems] == [
        (str(huge), "too_large"),
        (str(tmp_path / "missing.txt"), "unreadable_file"),
    ]


async def test_a_publish_the_broker_does_not_acknowledge_counts_as_failed(tmp_path: Path) -> None:
    class UnacknowledgingBroker:
        async def publish(self, *args: object, **kwargs: object) -> None:
            raise KafkaTimeoutError()

    (tmp_path / "jd.txt").write_text(generate_job_description(11).text, encoding="utf-8")

    summary = await submit_files(UnacknowledgingBroker(), SETTINGS, list(expand_paths([tmp_path])), SubmitOptions())

    assert (summary.submitted, summary.failed) == (0, 1)
    assert summary.problems[0].reason == "publish_failed"
    assert "KafkaTimeoutError" in summary.problems[0].message
