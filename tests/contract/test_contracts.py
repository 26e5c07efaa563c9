"""Exported schemas are current, and every example payload is valid on the wire."""

import json
from pathlib import Path

import jsonschema
import pytest

from jdi_contracts.events import EVENT_TYPES, Topic
from jdi_contracts.json_schema import SCHEMAS_DIR, export_schemas, render_schema, schema_path

EXAMPLES = sorted((SCHEMAS_DIR / "examples").glob("*.json"))


def topic_of(example: Path) -> Topic:
    return Topic(example.name.split(".example-")[0])


@pytest.mark.parametrize("topic", list(Topic), ids=str)
def test_exported_schema_is_current(topic: Topic) -> None:
    path = schema_path(topic)
    assert path.exists(), f"{path.name} missing: run `make contracts`"
    assert path.read_text() == render_schema(topic), f"{path.name} is stale: run `make contracts`"


@pytest.mark.parametrize("topic", list(Topic), ids=str)
def test_every_topic_has_an_example(topic: Topic) -> None:
    assert any(topic_of(example) == topic for example in EXAMPLES)


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_example_validates_against_schema_and_model(example: Path) -> None:
    topic = topic_of(example)
    payload = json.loads(example.read_text())
    schema = json.loads(schema_path(topic).read_text())
    jsonschema.validate(payload, schema, cls=jsonschema.Draft202012Validator)
    assert EVENT_TYPES[topic].model_validate(payload).type == topic.value


def test_schema_rejects_an_event_of_another_type() -> None:
    payload = json.loads((SCHEMAS_DIR / "examples" / "jdi.documents.deleted.v1.example-1.json").read_text())
    schema = json.loads(schema_path(Topic.PARSED).read_text())
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(payload, schema, cls=jsonschema.Draft202012Validator)


def test_submitted_requires_exactly_one_body() -> None:
    payload = json.loads((SCHEMAS_DIR / "examples" / "jdi.documents.submitted.v1.example-2.json").read_text())
    payload["data"]["text"] = None
    with pytest.raises(ValueError, match="exactly one of"):
        EVENT_TYPES[Topic.SUBMITTED].model_validate(payload)


def test_export_writes_one_current_schema_per_topic(tmp_path: Path) -> None:
    written = export_schemas(tmp_path)
    assert sorted(path.name for path in written) == sorted(f"{topic.value}.schema.json" for topic in Topic)
    for topic in Topic:
        assert schema_path(topic, tmp_path).read_text() == render_schema(topic)
