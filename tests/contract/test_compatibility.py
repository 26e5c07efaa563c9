"""Tests of the compatibility test: changed copies of the event models against the released schemas.

Each change builds the model a developer would have written (a payload without a field, with a field
made required, ...) and compares its schema with the committed snapshot, as the contract test does.
"""

import json
from enum import StrEnum
from pathlib import Path
from typing import Any, Literal

import pytest
from pydantic import BaseModel, Field, create_model
from pydantic.fields import FieldInfo

from jdi_contracts.compatibility import NEW_VERSION, RETIRED, breaking_changes, compare_with_released, explain
from jdi_contracts.events import EVENT_TYPES, Classification, CloudEvent, Contract, RejectionReason, Topic
from jdi_contracts.json_schema import (
    RELEASED_DIR,
    BreakingChange,
    current_schemas,
    read_schemas,
    release_schemas,
    render_schema,
    schema_path,
)

RELEASED = read_schemas(RELEASED_DIR)


def changed_schema(topic: Topic, **changes: tuple[Any, FieldInfo] | None) -> dict[str, Any]:
    """The schema of `topic`'s event with payload fields replaced (annotation, Field) or removed (None)."""
    payload: type[Contract] = EVENT_TYPES[topic].model_fields["data"].annotation
    fields: dict[str, Any] = {name: (info.annotation, info) for name, info in payload.model_fields.items()}
    for name, change in changes.items():
        if change is None:
            del fields[name]
        else:
            fields[name] = change
    changed = create_model(payload.__name__, __base__=Contract, **fields)
    event_type = Literal[topic.value]
    event = create_model(f"Changed{topic.name}", __base__=CloudEvent[changed], type=(event_type, topic.value))
    return event.model_json_schema()


def problems_of(topic: Topic, **changes: tuple[Any, FieldInfo] | None) -> list[str]:
    return breaking_changes(RELEASED[topic.value], changed_schema(topic, **changes))


class ShortSection(Contract):
    key: str
    heading: str = Field(max_length=80)
    text: str


class NoFields(Contract):
    pass


ReasonWithoutChecksum = StrEnum(
    "RejectionReason", [(reason.name, reason.value) for reason in RejectionReason if reason.name != "CHECKSUM_MISMATCH"]
)

BREAKING = {
    "field removed": (Topic.PARSED, {"title": None}, "data.title: removed"),
    "optional field made required": (
        Topic.PARSED,
        {"position_number": (str | None, Field())},
        "data.position_number: newly required",
    ),
    "required field added": (Topic.PARSED, {"seniority": (str, Field())}, "data.seniority: new and required"),
    "null no longer allowed": (
        Topic.PARSED,
        {"title": (str, Field())},
        "data.title: no longer accepts null (now string)",
    ),
    "union option removed": (
        Topic.PARSED,
        {"classification": (Classification, Field())},
        "data.classification: no longer accepts null (now object)",
    ),
    "type changed": (
        Topic.PARSED,
        {"redactions": (str, Field())},
        "data.redactions: no longer accepts integer (now string)",
    ),
    "literal value removed": (
        Topic.PARSED,
        {"language": (Literal["en", "fr"] | None, Field())},
        'data.language: no longer allows "bilingual"',
    ),
    "enum value removed": (
        Topic.REJECTED,
        {"reason": (ReasonWithoutChecksum, Field())},
        'data.reason: no longer allows "checksum_mismatch"',
    ),
    "minimum raised": (Topic.PARSED, {"version": (int, Field(ge=2))}, "data.version: minimum tightened from 1 to 2"),
    "minimum made exclusive": (
        Topic.EMBEDDED,
        {"chunk_count": (int, Field(gt=0))},
        "data.chunk_count: minimum tightened from 0 to 0 (exclusive)",
    ),
    "maximum lowered": (
        Topic.SUBMITTED,
        {"size": (int, Field(ge=0, le=1_000_000))},
        "data.size: maximum tightened from 10000000 to 1000000",
    ),
    "maxLength added": (
        Topic.PARSED,
        {"media_type": (str, Field(max_length=100))},
        "data.media_type: maxLength 100 added",
    ),
    "minLength raised": (
        Topic.SUBMITTED,
        {"file_name": (str, Field(min_length=5, max_length=255))},
        "data.file_name: minLength tightened from 1 to 5",
    ),
    "pattern added": (
        Topic.PARSED,
        {"job_number": (str | None, Field(pattern=r"^\d+$"))},
        "data.job_number: pattern '^\\\\d+$' added",
    ),
    "format added": (
        Topic.PARSED,
        {"source_reference": (str, Field(json_schema_extra={"format": "uri"}))},
        "data.source_reference: format 'uri' added",
    ),
    "additionalProperties closed": (
        Topic.PARSED,
        {"fields": (NoFields, Field(default_factory=NoFields))},
        "data.fields: additionalProperties closed (only the listed properties are allowed)",
    ),
    "map values narrowed": (
        Topic.PARSED,
        {"fields": (dict[str, str], Field(default_factory=dict))},
        "data.fields.*: no longer accepts any value (now string)",
    ),
    "array items narrowed": (
        Topic.PARSED,
        {"sections": (list[ShortSection], Field())},
        "data.sections[].heading: maxLength 80 added",
    ),
    "unknown keyword added": (
        Topic.DELETE_REQUESTED,
        {"requested_by": (str, Field(json_schema_extra={"not": {"const": ""}}))},
        "data.requested_by: not changed; the checker cannot tell whether that narrows it",
    ),
}

WIDENING = {
    "optional field added": (Topic.PARSED, {"seniority": (str | None, Field(None))}),
    "literal value added": (Topic.PARSED, {"language": (Literal["en", "fr", "bilingual", "es"] | None, Field())}),
    "minimum relaxed": (Topic.PARSED, {"version": (int, Field(ge=0))}),
    "maximum removed": (Topic.SUBMITTED, {"size": (int, Field(ge=0))}),
    "required field made optional": (Topic.PARSED, {"job_number": (str | None, Field(None))}),
    "null allowed": (Topic.PARSED, {"media_type": (str | None, Field(None))}),
    "integer widened to number": (Topic.PARSED, {"redactions": (float, Field(ge=0))}),
    "another type allowed": (Topic.PARSED, {"title": (str | int | None, Field())}),
    "map opened to any value": (Topic.SUBMITTED, {"metadata": (dict[str, Any], Field(default_factory=dict))}),
}


@pytest.mark.parametrize("topic", list(Topic), ids=str)
def test_an_unchanged_copy_of_the_model_passes(topic: Topic) -> None:
    assert problems_of(topic) == []


@pytest.mark.parametrize(("topic", "changes", "expected"), BREAKING.values(), ids=BREAKING.keys())
def test_a_breaking_change_is_reported(topic: Topic, changes: dict[str, Any], expected: str) -> None:
    assert problems_of(topic, **changes) == [expected]


@pytest.mark.parametrize(("topic", "changes"), WIDENING.values(), ids=WIDENING.keys())
def test_a_widening_change_passes(topic: Topic, changes: dict[str, Any]) -> None:
    assert problems_of(topic, **changes) == []


def test_the_contract_check_fails_on_a_deliberately_removed_field() -> None:
    current = current_schemas() | {Topic.PARSED.value: changed_schema(Topic.PARSED, title=None)}
    assert compare_with_released(RELEASED, current) == [f"{Topic.PARSED.value}: data.title: removed"]


def test_a_new_topic_version_has_no_released_schema_to_break() -> None:
    current = current_schemas() | {"jdi.documents.parsed.v2": changed_schema(Topic.PARSED, title=None)}
    assert compare_with_released(RELEASED, current) == []


def test_a_released_topic_that_is_gone_fails_until_retired() -> None:
    current = current_schemas()
    current["jdi.documents.parsed.v2"] = current.pop(Topic.PARSED.value)
    assert compare_with_released(RELEASED, current) == [f"{Topic.PARSED.value}: {RETIRED}"]


class Node(BaseModel):
    name: str
    children: list["Node"] | None = None


class ShortNode(BaseModel):
    name: str = Field(max_length=5)
    children: list["ShortNode"] | None = None


def test_recursive_schemas_are_compared_once_per_definition() -> None:
    assert breaking_changes(Node.model_json_schema(), Node.model_json_schema()) == []
    assert breaking_changes(Node.model_json_schema(), ShortNode.model_json_schema()) == ["name: maxLength 5 added"]


def test_a_reference_outside_the_schema_is_refused() -> None:
    with pytest.raises(ValueError, match="only local"):
        breaking_changes({"$ref": "https://example.org/other.json"}, {})


def test_release_snapshots_every_current_schema_and_retires_topics_that_are_gone(tmp_path: Path) -> None:
    (tmp_path / "jdi.documents.gone.v1.schema.json").write_text("{}")
    written = release_schemas(tmp_path)
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(path.name for path in written)
    assert all(schema_path(topic, tmp_path).read_text() == render_schema(topic) for topic in Topic)


def test_release_refuses_a_breaking_change(tmp_path: Path) -> None:
    wider = json.loads(render_schema(Topic.PARSED))
    wider["$defs"]["Parsed"]["properties"]["legacy"] = {"type": "string"}
    schema_path(Topic.PARSED, tmp_path).write_text(json.dumps(wider))
    with pytest.raises(BreakingChange) as refused:
        release_schemas(tmp_path)
    assert refused.value.problems == [f"{Topic.PARSED.value}: data.legacy: removed"]
    assert json.loads(schema_path(Topic.PARSED, tmp_path).read_text()) == wider


RAW_CASES = {
    "type removed from a list of types": (
        {"type": ["string", "integer"]},
        {"type": "string"},
        ["(the event): no longer accepts integer (now string)"],
    ),
    "type added to a list of types": ({"type": "string"}, {"type": ["string", "null"]}, []),
    "values imposed on a free string": (
        {"type": "string"},
        {"enum": ["a", "b"]},
        ['(the event): now limited to "a", "b"'],
    ),
    "multipleOf made stricter": (
        {"type": "integer", "multipleOf": 2},
        {"type": "integer", "multipleOf": 4},
        ["(the event): multipleOf tightened from 2 to 4"],
    ),
    "multipleOf relaxed": ({"type": "integer", "multipleOf": 4}, {"type": "integer", "multipleOf": 2}, []),
    "items made unique": (
        {"type": "array"},
        {"type": "array", "uniqueItems": True},
        ["(the event): items must now be unique"],
    ),
    "array items refused": ({"type": "array"}, {"type": "array", "items": False}, ["[]: accepts nothing any more"]),
}


@pytest.mark.parametrize(("released", "current", "expected"), RAW_CASES.values(), ids=RAW_CASES.keys())
def test_keywords_pydantic_rarely_writes_are_compared(
    released: dict[str, Any], current: dict[str, Any], expected: list[str]
) -> None:
    assert breaking_changes(released, current) == expected


def test_the_explanation_lists_every_problem_and_the_way_out() -> None:
    message = explain(["jdi.documents.parsed.v1: data.title: removed", "jdi.dlq.v1: attempts: removed"])
    assert "  jdi.documents.parsed.v1: data.title: removed\n  jdi.dlq.v1: attempts: removed\n" in message
    assert message.endswith(NEW_VERSION)
