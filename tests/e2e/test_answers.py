"""Every submission an upstream publishes gets exactly one answer keyed by the id it named, and every document
ends in a final state: new documents, the same bytes under a new id, a new version by job number, a document
without sections and a bad one, published with a plain Kafka producer."""

import asyncio
import secrets

import httpx
import pytest

from jdi_contracts.events import Topic
from jdi_samples import generate_job_description

from .upstream import publish_as_upstream, read_answers, submitted_text

pytestmark = pytest.mark.e2e

PROSE = (
    "We are looking for an analyst to join our reporting team in Ottawa. The analyst will build the monthly "
    "dashboards, check the quality of the data we receive from the regions, and explain the results to the "
    "managers who use them. Experience with SQL and with presenting figures to people who are not experts "
    "is an asset."
)


def test_every_submission_gets_one_answer_and_every_document_a_final_state(stack, eventually) -> None:
    run = secrets.token_hex(4)
    sample = generate_job_description(seed=9001, language="en")
    original = submitted_text(f"{run}/original", sample.text)
    same_bytes = submitted_text(f"{run}/copy", sample.text)
    # The same job number and language with other words: a new version of the original.
    revised = submitted_text(f"{run}/revised", sample.text.replace(sample.title, f"{sample.title} (revised)", 1))
    prose = submitted_text(f"{run}/prose", PROSE)
    empty = submitted_text(f"{run}/empty", "   \n  ")
    events = [original, same_bytes, revised, prose, empty]
    asyncio.run(publish_as_upstream(stack, original))
    client = httpx.Client(base_url=stack.gateway, headers={"X-API-Key": stack.api_key}, timeout=30)
    with client:
        # The copy and the revision must find the original stored: it is parsed first.
        eventually(lambda: client.get(f"/v1/documents/{original.subject}").json().get("version") == 1)
        asyncio.run(publish_as_upstream(stack, *events[1:]))

        submissions = {event.id: event.subject for event in events}
        answers = asyncio.run(read_answers(stack, submissions))
        keyed_by_named_id = {}
        for topic, key, data, _ in answers:
            if key == submissions[data["submission_id"]]:
                assert data["submission_id"] not in keyed_by_named_id, f"two answers to one submission: {answers}"
                keyed_by_named_id[data["submission_id"]] = (topic, data)

        assert set(keyed_by_named_id) == set(submissions)
        assert keyed_by_named_id[original.id][0] == Topic.PARSED
        assert keyed_by_named_id[prose.id][0] == Topic.PARSED
        topic, copy = keyed_by_named_id[same_bytes.id]
        assert (topic, copy["filed_as"], copy["canonical_document_id"], copy["version"], copy["alias"]) == (
            Topic.FILED,
            "duplicate",
            original.subject,
            1,
            True,
        )
        topic, revision = keyed_by_named_id[revised.id]
        assert (topic, revision["filed_as"], revision["canonical_document_id"], revision["version"]) == (
            Topic.FILED,
            "new_version",
            original.subject,
            2,
        )
        topic, rejection = keyed_by_named_id[empty.id]
        assert (topic, rejection["reason"]) == (Topic.REJECTED, "empty_document")

        def final(document_id: str, status: str):
            document = client.get(f"/v1/documents/{document_id}").json()
            return document if document.get("status") == status else None

        # Both upstream ids resolve to the document that holds their content, once it has its final state.
        for alias in (same_bytes.subject, revised.subject):
            document = eventually(lambda alias=alias: final(alias, "complete"))
            assert (document["document_id"], document["version"]) == (original.subject, 2)
        # Analysed from its whole text, its quality saying the structure is missing.
        eventually(lambda: final(prose.subject, "complete"))
        quality = client.get(f"/v1/documents/{prose.subject}/analysis").json()["quality"]
        [completeness] = [part for part in quality["components"] if part["name"] == "completeness"]
        assert (completeness["score"], completeness["metrics"]["structure"]) == (0.0, "missing")
        assert eventually(lambda: final(empty.subject, "rejected"))["rejection"]["reason"] == "empty_document"
