"""`jdi submit` as a separate process against the real Kafka broker."""

import asyncio
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from jdi_cli.traces import read_span_files
from jdi_contracts.events import DocumentSubmitted, Topic
from jdi_contracts.identity import document_id_for
from jdi_samples import generate_job_description

from .conftest import consume

pytestmark = pytest.mark.integration


async def test_jdi_submit_publishes_each_file_keyed_by_its_document_id(
    kafka_bootstrap_servers: str, topic_prefix: str, tmp_path: Path
) -> None:
    folder = tmp_path / "upstream"
    (folder / "fr").mkdir(parents=True)
    english = generate_job_description(21, "en").text.encode()
    french = generate_job_description(22, "fr").markdown.encode()
    (folder / "director.txt").write_bytes(english)
    (folder / "fr" / "directeur.md").write_bytes(french)
    prefix = f"{topic_prefix}cli."
    environment = {
        **os.environ,
        "KAFKA_TOPIC_PREFIX": prefix,
        "JDI_TRACES_DIR": str(tmp_path / "traces"),
    }
    environment.pop("OTEL_EXPORTER_OTLP_ENDPOINT", None)

    finished = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "jdi_cli", "submit", str(folder), "--bootstrap-servers", kafka_bootstrap_servers],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert finished.returncode == 0, finished.stderr
    summary = json.loads(finished.stdout)
    assert (summary["submitted"], summary["skipped"], summary["failed"]) == (2, 0, 0)
    assert summary["bytes"] == len(english) + len(french)

    records = await consume(kafka_bootstrap_servers, f"{prefix}{Topic.SUBMITTED.value}", count=2)
    by_reference = {DocumentSubmitted.from_bytes(record.value).data.source_reference: record for record in records}
    assert set(by_reference) == {"director.txt", "fr/directeur.md"}
    record = by_reference["fr/directeur.md"]
    event = DocumentSubmitted.from_bytes(record.value)
    assert record.key == document_id_for("cli", "fr/directeur.md").encode()
    assert event.data.document_id == event.subject == record.key.decode()
    assert event.data.sha256 == hashlib.sha256(french).hexdigest()

    # The document's trace starts in the CLI: the record carries the trace id of its publish span.
    headers = {name: value.decode() for name, value in record.headers}
    trace_id = headers["traceparent"].split("-")[1]
    spans = read_span_files(tmp_path / "traces").spans
    assert any(span.trace_id == trace_id and span.service == "jdi-cli" for span in spans)
