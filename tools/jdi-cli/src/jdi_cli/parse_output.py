"""The JSON objects printed by ``jdi parse``: one per file, parsed or rejected with a reason."""

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TextIO

from jdi_cli.files import expand_paths
from jdi_parser.errors import RejectionError
from jdi_parser.limits import DEFAULT_LIMITS, ParseLimits
from jdi_parser.parser import parse_document

UNREADABLE_FILE = "unreadable_file"


def parse_paths_to_json(
    paths: Iterable[str | Path], limits: ParseLimits = DEFAULT_LIMITS
) -> Iterator[dict[str, object]]:
    """Yield one JSON-serialisable object per file; directories are walked in name order."""
    for file in expand_paths(paths):
        yield parse_file_to_json(file.path, limits)


def parse_file_to_json(path: Path, limits: ParseLimits = DEFAULT_LIMITS) -> dict[str, object]:
    source = str(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        return {"source": source, "rejected": {"reason": UNREADABLE_FILE, "message": error.strerror or str(error)}}
    try:
        parsed = parse_document(data, path.name, limits)
    except RejectionError as rejection:
        return {"source": source, "rejected": {"reason": rejection.reason.value, "message": rejection.message}}
    return {
        "source": source,
        "job_number": parsed.job_number,
        "classification": parsed.classification.code if parsed.classification else None,
        "title": parsed.title,
        "language": parsed.language,
        "department": parsed.department,
        "sections": [section.model_dump() for section in parsed.sections],
        "fields": {"position_number": parsed.position_number, "media_type": parsed.media_type, **parsed.fields},
        "redactions": parsed.redactions,
        "warnings": parsed.warnings,
    }


def write_parse_output(paths: Iterable[str | Path], out: TextIO, jsonl: bool = False) -> int:
    """Print the objects (JSON Lines or pretty-printed) and return the exit code: 0 when every file was
    parsed or rejected with a reason."""
    indent = None if jsonl else 2
    out.writelines(
        json.dumps(result, ensure_ascii=False, indent=indent) + "\n" for result in parse_paths_to_json(paths)
    )
    return 0
