"""JSON Schemas of the event contracts, exported next to hand-written example payloads and the topic catalogue.

The files in `libs/jdi-contracts/schemas/` are generated from the models (`make contracts`); a contract
test fails when they are stale, so upstream teams can trust the files they read. `schemas/released/` holds
the schemas as last released (`make contracts-release`), which the current ones must stay compatible with.
"""

import json
from pathlib import Path
from typing import Any

from jdi_contracts.compatibility import compare_with_released
from jdi_contracts.events import EVENT_TYPES, Topic
from jdi_contracts.topics import render_catalogue

SCHEMAS_DIR = Path(__file__).resolve().parents[2] / "schemas"
RELEASED_DIR = SCHEMAS_DIR / "released"
CATALOGUE_FILE = "topics.json"
SUFFIX = ".schema.json"


class BreakingChange(ValueError):
    """The current schemas would break topics that stay: they need a new topic version instead."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def schema_for(topic: Topic) -> dict[str, Any]:
    schema = EVENT_TYPES[topic].model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"https://jdi.dev/contracts/{topic.value}{SUFFIX}"
    return schema


def schema_path(topic: Topic, directory: Path = SCHEMAS_DIR) -> Path:
    return directory / f"{topic.value}{SUFFIX}"


def render_schema(topic: Topic) -> str:
    return json.dumps(schema_for(topic), indent=2, sort_keys=True) + "\n"


def current_schemas() -> dict[str, dict[str, Any]]:
    return {topic.value: schema_for(topic) for topic in Topic}


def read_schemas(directory: Path) -> dict[str, Any]:
    """The schemas saved in a folder, by topic name."""
    return {path.name.removesuffix(SUFFIX): json.loads(path.read_text()) for path in directory.glob(f"*{SUFFIX}")}


def write_schemas(directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for topic in Topic:
        path = schema_path(topic, directory)
        path.write_text(render_schema(topic))
        written.append(path)
    return written


def export_schemas(directory: Path = SCHEMAS_DIR) -> list[Path]:
    """Write every topic's schema and the topic catalogue (`make contracts`)."""
    written = write_schemas(directory)
    catalogue = directory / CATALOGUE_FILE
    catalogue.write_text(render_catalogue())
    return [*written, catalogue]


def release_schemas(directory: Path = RELEASED_DIR) -> list[Path]:
    """Make the current schemas the released ones (`make contracts-release`).

    Refuses a breaking change to a topic that stays. A released topic that is no longer a `Topic` is
    retired: its snapshot goes, so do this only once its consumers have moved to its successor.
    """
    current = current_schemas()
    staying = {topic: schema for topic, schema in read_schemas(directory).items() if topic in current}
    problems = compare_with_released(staying, current)
    if problems:
        raise BreakingChange(problems)
    for released in directory.glob(f"*{SUFFIX}"):
        released.unlink()
    return write_schemas(directory)
