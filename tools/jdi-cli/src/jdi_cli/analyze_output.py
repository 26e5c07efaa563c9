"""`jdi analyze`: parse each file and analyse it, printing what its `analyzed` event would carry."""

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any, TextIO

from jdi_analyzer.analyzer import AnalysisInput, AnalysisInputError, Analyzer
from jdi_cli.files import InputFile, expand_paths
from jdi_cli.parse_output import UNREADABLE_FILE
from jdi_contracts.identity import document_id_for
from jdi_parser import RejectionError, parse_document

# The id `jdi submit` would give the same file, so local results line up with the platform's.
SOURCE_SYSTEM = "cli"


def analyze_file_to_json(file: InputFile, analyzer: Analyzer) -> dict[str, Any]:
    """The `analyzed` event data plus `source`, or `{"source", "rejected": {"reason", "message"}}`."""
    source = str(file.path)
    try:
        data = file.path.read_bytes()
    except OSError as error:
        return _rejected(source, UNREADABLE_FILE, error.strerror or str(error))
    try:
        parsed = parse_document(data, file.path.name)
    except RejectionError as rejection:
        return _rejected(source, rejection.reason.value, rejection.message)
    document_id = document_id_for(SOURCE_SYSTEM, file.reference)
    try:
        result = analyzer.analyze(AnalysisInput.from_record(document_id, 1, parsed))
    except AnalysisInputError as error:
        return _rejected(source, error.code, str(error))
    return {"source": source, **result.to_dict()}


def write_analyze_output(paths: Iterable[str | Path], out: TextIO, analyzer: Analyzer, jsonl: bool = False) -> int:
    """Print one object per file and return the exit code: 0 when every file was analysed or rejected
    with a reason."""
    for file in expand_paths(paths):
        result = analyze_file_to_json(file, analyzer)
        out.write(json.dumps(result, ensure_ascii=False, indent=None if jsonl else 2) + "\n")
    return 0


def _rejected(source: str, reason: str, message: str) -> dict[str, Any]:
    return {"source": source, "rejected": {"reason": reason, "message": message}}
