"""Exported schemas and topic catalogue are current, every example payload is valid on the wire, and no
schema breaks the one released for its topic."""

import json
from pathlib import Path

import jsonschema
import pytest

from jdi_contracts.compatibility import compare_with_released, explain
from jdi_contracts.events import EVENT_TYPES, Topic
from jdi_contracts.json_schema import (
    CATALOGUE_FILE,
    RELEASED_DIR,
    SCHEMAS_DIR,
    current_schemas,
    export_schemas,
    read_schemas,
    render_schema,
    schema_path,
)
from jdi_contracts.topics import CATALOGUE, PARTITIONS, render_catalogue

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


def test_export_writes_one_current_schema_per_topic_and_the_catalogue(tmp_path: Path) -> None:
    written = export_schemas(tmp_path)
    assert sorted(path.name for path in written) == sorted(
        [f"{topic.value}.schema.json" for topic in Topic] + [CATALOGUE_FILE]
    )
    for topic in Topic:
        assert schema_path(topic, tmp_path).read_text() == render_schema(topic)
    assert (tmp_path / CATALOGUE_FILE).read_text() == render_catalogue()


def test_exported_catalogue_is_current() -> None:
    path = SCHEMAS_DIR / CATALOGUE_FILE
    assert path.exists(), f"{path.name} missing: run `make contracts`"
    assert path.read_text() == render_catalogue(), f"{path.name} is stale: run `make contracts`"


def test_every_topic_is_in_the_catalogue() -> None:
    exported = [entry["topic"] for entry in json.loads((SCHEMAS_DIR / CATALOGUE_FILE).read_text())["topics"]]
    assert set(CATALOGUE) == set(Topic)
    assert exported == [topic.value for topic in Topic]


def test_catalogue_partitions_are_what_the_broker_creates() -> None:
    """Topics are auto-created, so the catalogue's partition count is the broker's `num.partitions`."""
    broker_config = (Path(__file__).parents[2] / "deploy" / "local" / "kafka.sh").read_text()
    assert f"num.partitions={PARTITIONS}\n" in broker_config
    assert {entry.partitions for entry in CATALOGUE.values()} == {PARTITIONS}


def test_no_schema_breaks_its_released_schema() -> None:
    released = read_schemas(RELEASED_DIR)
    assert released, f"no released schemas in {RELEASED_DIR}: run `make contracts-release` once"
    problems = compare_with_released(released, current_schemas())
    assert not problems, explain(problems)
