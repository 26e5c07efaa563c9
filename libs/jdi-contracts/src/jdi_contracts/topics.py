"""The topic catalogue: who writes and reads each topic, its key, partitions and retention.

Exported beside the schemas as `schemas/topics.json` by `make contracts`. Producers and consumers are the
services as they really subscribe (each service's `app.py`), plus the systems outside jdi that use a topic.
It is what a deployment creates the topics with; the local broker auto-creates them with its own defaults.
"""

import json
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from jdi_contracts.events import Topic

DAY_MS = 24 * 60 * 60 * 1000
FOREVER = -1
"""Kafka's `retention.ms` for "never delete"."""

PARTITIONS = 6
"""What the brokers auto-create a topic with (`num.partitions`); the consumer groups scale up to it."""

DOCUMENT_ID_KEY = "the document id (UTF-8), so one document's events stay ordered in one partition"


class Retention(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    ms: int = Field(description="Kafka retention.ms; -1 keeps every record")
    cleanup_policy: Literal["delete", "compact"] = "delete"
    reason: str


# Not compacted: one key carries several records that all count (every version of a document, one
# `embedded` per model during a re-embedding), and compaction would keep only the last.
REPLAY_RETENTION = Retention(
    ms=FOREVER,
    reason="kept for ever: the gateway's read model and a re-embedding are rebuilt by replaying from offset 0",
)
REQUEST_RETENTION = Retention(
    ms=7 * DAY_MS,
    reason="a week: read once by ingestion, which keeps every original and confirms deletions on `deleted`;"
    " enough to catch up after an ingestion outage without keeping 10 MB documents for ever",
)
DEAD_LETTER_RETENTION = Retention(
    ms=30 * DAY_MS, reason="30 days: outlives an incident, its diagnosis and the replay of the fixed messages"
)


class TopicEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    purpose: str
    producers: tuple[str, ...]
    consumers: tuple[str, ...]
    key: str = DOCUMENT_ID_KEY
    partitions: int = Field(PARTITIONS, ge=1)
    retention: Retention


CATALOGUE: dict[Topic, TopicEntry] = {
    Topic.SUBMITTED: TopicEntry(
        purpose="a document handed to jdi: its original bytes or text and where it comes from",
        producers=("upstream systems", "gateway", "jdi submit"),
        consumers=("ingestion",),
        retention=REQUEST_RETENTION,
    ),
    Topic.PARSED: TopicEntry(
        purpose="one version of a document as a structured record: fields, sections, language, classification",
        producers=("ingestion",),
        consumers=("embedding", "analysis", "gateway", "upstream systems"),
        retention=REPLAY_RETENTION,
    ),
    Topic.REJECTED: TopicEntry(
        purpose="a submission ingestion refused, with a machine-readable reason",
        producers=("ingestion",),
        consumers=("gateway", "upstream systems"),
        key=DOCUMENT_ID_KEY + "; absent only for an unreadable submission that named none",
        retention=REPLAY_RETENTION,
    ),
    Topic.FILED: TopicEntry(
        purpose="the answer to a submission held under another document (the same bytes again, or a new version"
        " of a document with the same job number and language): the canonical document id and whether the"
        " submission's id now resolves to it",
        producers=("ingestion",),
        consumers=("gateway", "upstream systems"),
        key="the document id the submission named, so the upstream sees the answer on its own key",
        retention=REPLAY_RETENTION,
    ),
    Topic.DELETE_REQUESTED: TopicEntry(
        purpose="a request to remove a document everywhere",
        producers=("gateway", "upstream systems"),
        consumers=("ingestion",),
        retention=REQUEST_RETENTION,
    ),
    Topic.DELETED: TopicEntry(
        purpose="a document ingestion removed, with the versions it had; every other service removes it too",
        producers=("ingestion",),
        consumers=("embedding", "analysis", "gateway", "upstream systems"),
        retention=REPLAY_RETENTION,
    ),
    Topic.EMBEDDED: TopicEntry(
        purpose="a version's chunks are indexed for search under one model",
        producers=("embedding",),
        consumers=("gateway",),
        retention=REPLAY_RETENTION,
    ),
    Topic.ANALYZED: TopicEntry(
        purpose="a version's skills, quality score, inclusive-language findings and compliance checks",
        producers=("analysis",),
        consumers=("gateway",),
        retention=REPLAY_RETENTION,
    ),
    Topic.DLQ: TopicEntry(
        purpose="a record a consumer failed on after its retries, whole, with the error",
        producers=("ingestion", "embedding", "analysis", "gateway"),
        consumers=("gateway (shows the document as failed)", "SREs"),
        key="the failed record's key (its document id)",
        retention=DEAD_LETTER_RETENTION,
    ),
}


def render_catalogue() -> str:
    entries = [{"topic": topic.value, **entry.model_dump(mode="json")} for topic, entry in CATALOGUE.items()]
    return json.dumps({"topics": entries}, indent=2) + "\n"
