"""The whole real corpus published at once by an upstream: one answer per submission, and every document it
names in a final state (complete, rejected or failed). Prints the counts."""

import asyncio
import base64
import collections
import hashlib
import secrets
import time

import httpx
import pytest

from jdi_contracts.events import DocumentSubmitted, Submitted
from jdi_contracts.identity import document_id_for

from ..corpus.corpus_files import corpus_files
from .upstream import SOURCE_SYSTEM, publish_as_upstream, read_answers

pytestmark = [pytest.mark.e2e, pytest.mark.corpus]

FINAL = {"complete", "rejected", "failed"}


def submitted_file(reference: str, content: bytes, file_name: str) -> DocumentSubmitted:
    document_id = document_id_for(SOURCE_SYSTEM, reference)
    submitted = Submitted(
        document_id=document_id,
        source_system=SOURCE_SYSTEM,
        source_reference=reference,
        file_name=file_name,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        content_base64=base64.b64encode(content).decode(),
        submitted_by="upstream-test",
    )
    return DocumentSubmitted.wrap(submitted, source="/upstream/test", subject=document_id)


def test_the_whole_corpus_at_once_ends_with_every_document_final(stack, eventually) -> None:
    files = corpus_files() or pytest.skip("../shared/corpus is not present")
    run = secrets.token_hex(4)
    events = [submitted_file(f"{run}/{path.parent.name}/{path.name}", path.read_bytes(), path.name) for path in files]
    started = time.monotonic()
    asyncio.run(publish_as_upstream(stack, *events))

    submissions = {event.id: event.subject for event in events}
    answers = asyncio.run(read_answers(stack, submissions, timeout_s=600))
    per_submission = collections.Counter(
        data["submission_id"] for _, key, data in answers if key == submissions[data["submission_id"]]
    )
    assert set(per_submission) == set(submissions) and set(per_submission.values()) == {1}

    with httpx.Client(base_url=stack.gateway, headers={"X-API-Key": stack.api_key}, timeout=30) as client:

        def statuses() -> dict[str, str] | None:
            shown = {
                event.subject: client.get(f"/v1/documents/{event.subject}").json().get("status") for event in events
            }
            return shown if set(shown.values()) <= FINAL else None

        shown = eventually(statuses, timeout_s=900)
    answered_by = collections.Counter(
        topic.value for topic, key, data in answers if key == submissions[data["submission_id"]]
    )
    print(
        f"\ncorpus batch: {len(events)} submissions answered {dict(answered_by)}; "
        f"final states {dict(collections.Counter(shown.values()))} in {time.monotonic() - started:.0f} s"
    )
