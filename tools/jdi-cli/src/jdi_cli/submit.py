"""`jdi submit`: publish files to `jdi.documents.submitted.v1` exactly as an upstream system does.

The publisher is passed in (the command's composition root builds it around a started producer), so
tests can give it an in-memory producer.
"""

import asyncio
import base64
import hashlib
import mimetypes
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from aiokafka.errors import KafkaError
from pydantic import BaseModel, ValidationError

from jdi_cli.files import InputFile
from jdi_cli.kafka import EventPublisher
from jdi_contracts.events import MAX_DOCUMENT_BYTES, DocumentSubmitted, Submitted
from jdi_contracts.identity import document_id_for

SOURCE = "/jdi/cli"
TOO_LARGE = "too_large"
UNREADABLE_FILE = "unreadable_file"
INVALID_SUBMISSION = "invalid_submission"
PUBLISH_FAILED = "publish_failed"


@dataclass(frozen=True)
class SubmitOptions:
    source_system: str = "cli"
    submitted_by: str = "jdi-cli"
    # Publishes awaiting the broker's acknowledgement at once; one at a time is latency-bound.
    max_in_flight: int = 16


class Problem(BaseModel):
    source: str
    reason: str
    message: str


class SubmitSummary(BaseModel):
    submitted: int = 0
    skipped: int = 0
    failed: int = 0
    bytes: int = 0
    seconds: float = 0.0
    problems: list[Problem] = []


def submitted_event(file: InputFile, content: bytes, options: SubmitOptions) -> DocumentSubmitted:
    """The event an upstream system would publish for this file; raises ValidationError on bad fields."""
    document_id = document_id_for(options.source_system, file.reference)
    submitted = Submitted(
        document_id=document_id,
        source_system=options.source_system,
        source_reference=file.reference,
        file_name=file.path.name,
        media_type=mimetypes.guess_type(file.path.name)[0],
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        content_base64=base64.b64encode(content).decode(),
        submitted_by=options.submitted_by,
    )
    return DocumentSubmitted.wrap(submitted, source=SOURCE, subject=document_id)


async def submit_files(
    publisher: EventPublisher,
    files: Sequence[InputFile],
    options: SubmitOptions,
    on_file_done: Callable[[InputFile, Problem | None], None] = lambda file, problem: None,
) -> SubmitSummary:
    """Publish every file; too-large, unreadable and unpublishable files are counted, never fatal."""
    summary = SubmitSummary()
    in_flight = asyncio.Semaphore(options.max_in_flight)
    started = time.monotonic()

    async def submit_one(file: InputFile) -> None:
        async with in_flight:
            outcome = await _submit_file(publisher, file, options)
        if isinstance(outcome, Submitted):
            summary.submitted += 1
            summary.bytes += outcome.size
            on_file_done(file, None)
            return
        summary.problems.append(outcome)
        if outcome.reason == TOO_LARGE:
            summary.skipped += 1
        else:
            summary.failed += 1
        on_file_done(file, outcome)

    await asyncio.gather(*(submit_one(file) for file in files))
    summary.seconds = round(time.monotonic() - started, 3)
    summary.problems.sort(key=lambda problem: problem.source)
    return summary


async def _submit_file(publisher: EventPublisher, file: InputFile, options: SubmitOptions) -> Submitted | Problem:
    source = str(file.path)
    try:
        size = file.path.stat().st_size
        if size > MAX_DOCUMENT_BYTES:
            return Problem(
                source=source,
                reason=TOO_LARGE,
                message=f"the file is {size} bytes, over the limit of {MAX_DOCUMENT_BYTES}",
            )
        content = file.path.read_bytes()
    except OSError as error:
        return Problem(source=source, reason=UNREADABLE_FILE, message=error.strerror or str(error))
    try:
        event = submitted_event(file, content, options)
    except ValidationError as error:
        return Problem(source=source, reason=INVALID_SUBMISSION, message=_first_error(error))
    try:
        await publisher.publish(event)
    except KafkaError as error:
        return Problem(source=source, reason=PUBLISH_FAILED, message=f"{type(error).__name__}: {error}")
    return event.data


def _first_error(error: ValidationError) -> str:
    detail = error.errors()[0]
    field = ".".join(str(part) for part in detail["loc"])
    return f"{field}: {detail['msg']}" if field else detail["msg"]
