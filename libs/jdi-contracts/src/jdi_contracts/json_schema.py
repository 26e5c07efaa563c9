"""JSON Schemas of the event contracts, exported next to hand-written example payloads.

The schemas in `libs/jdi-contracts/schemas/` are generated from the models; a contract test fails when
they are stale, so upstream teams can trust the files they read.
"""

import json
from pathlib import Path

from jdi_contracts.events import EVENT_TYPES, Topic

SCHEMAS_DIR = Path(__file__).resolve().parents[2] / "schemas"


def schema_for(topic: Topic) -> dict[str, object]:
    schema = EVENT_TYPES[topic].model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"https://jdi.dev/contracts/{topic.value}.schema.json"
    return schema


def schema_path(topic: Topic, directory: Path = SCHEMAS_DIR) -> Path:
    return directory / f"{topic.value}.schema.json"


def render_schema(topic: Topic) -> str:
    return json.dumps(schema_for(topic), indent=2, sort_keys=True) + "\n"


def export_schemas(directory: Path = SCHEMAS_DIR) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for topic in Topic:
        path = schema_path(topic, directory)
        path.write_text(render_schema(topic))
        written.append(path)
    return written
