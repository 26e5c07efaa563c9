"""The whole real corpus published at once by an upstream: one answer per submission, and every document it
names in a final state (complete, rejected or failed). Prints the counts."""

import asyncio
import collections
import secrets
import time

import httpx
import pytest

from ..corpus.corpus_files import corpus_files
from .upstream import publish_as_upstream, read_answers, submitted_file

pytestmark = [pytest.mark.e2e, pytest.mark.corpus]

FINAL = {"complete", "rejected", "failed"}


def test_the_whole_corpus_at_once_ends_with_every_document_final(stack, eventually) -> None:
    files = corpus_files() or pytest.skip("../shared/corpus is not present")
    run = secrets.token_hex(4)
    events = [submitted_file(f"{run}/{path.parent.name}/{path.name}", path.read_bytes(), path.name) for path in files]
    started = time.monotonic()
    asyncio.run(publish_as_upstream(stack, *events))

    submissions = {event.id: event.subject for event in events}
    answers = asyncio.run(read_answers(stack, submissions, timeout_s=600))
    per_submission = collections.Counter(
        data["submission_id"] for _, key, data, _ in answers if key == submissions[data["submission_id"]]
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
        topic.value for topic, key, data, _ in answers if key == submissions[data["submission_id"]]
    )
    print(
        f"\ncorpus batch: {len(events)} submissions answered {dict(answered_by)}; "
        f"final states {dict(collections.Counter(shown.values()))} in {time.monotonic() - started:.0f} s"
    )
