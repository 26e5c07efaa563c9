"""What every log line about handling a message carries: the message (logical topic, partition, offset), its
document (`document_id`, the record key) and submission (`submission_id`, where the event has one), and the
outcome the caller adds. The value is read for its ids only; no log line carries document text."""

import json
from typing import Any

from jdi_contracts.events import Topic

# Events whose data names the submission they came from.
_CARRYING_SUBMISSION_ID = {Topic.PARSED, Topic.REJECTED}


def message_fields(record: Any, topic: Topic) -> dict[str, object]:
    """`record` is an aiokafka ConsumerRecord (aiokafka has no type hints)."""
    fields: dict[str, object] = {
        "topic": topic.value,
        "partition": record.partition,
        "offset": record.offset,
        "document_id": record.key.decode(errors="replace") if record.key else None,
    }
    if submission_id := _submission_id(record, topic):
        fields["submission_id"] = submission_id
    return fields


def _submission_id(record: Any, topic: Topic) -> str | None:
    if topic is Topic.SUBMITTED:
        # A submitted event's own id is the submission id; its `ce_id` header says it without reading the value.
        headers = {name: value for name, value in record.headers or ()}
        if "ce_id" in headers:
            return str(headers["ce_id"].decode(errors="replace"))
        return _string_at(record.value, "id")
    if topic in _CARRYING_SUBMISSION_ID:
        return _string_at(record.value, "data", "submission_id")
    return None


def _string_at(value: bytes | None, *path: str) -> str | None:
    try:
        found: object = json.loads(value or b"")
    except ValueError:
        return None
    for name in path:
        if not isinstance(found, dict):
            return None
        found = found.get(name)
    return found if isinstance(found, str) else None
