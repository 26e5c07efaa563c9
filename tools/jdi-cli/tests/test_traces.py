"""`jdi traces` on span files written by the services' real JsonLinesSpanExporter, and the CLI's own spans in
the same format and folder."""

import json
from pathlib import Path

import pytest
from opentelemetry import trace
from opentelemetry.sdk.resources import SERVICE_NAME, Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import Link, SpanKind, Status, StatusCode

from jdi_cli import telemetry
from jdi_cli.main import main
from jdi_cli.traces import (
    TraceLookupError,
    read_span_files,
    render_span_tree,
    spans_of_trace,
    summarise_traces,
)
from jdi_cli.zipkin import span_record
from jdi_core import telemetry as service_telemetry
from jdi_core.telemetry import JsonLinesSpanExporter


def tracer_for(service: str, traces_dir: Path) -> trace.Tracer:
    provider = TracerProvider(resource=Resource.create({SERVICE_NAME: service}))
    provider.add_span_processor(SimpleSpanProcessor(JsonLinesSpanExporter(traces_dir / f"{service}.jsonl")))
    return provider.get_tracer("test")


@pytest.fixture
def traces_dir(tmp_path: Path) -> Path:
    """An upload traced across gateway and ingestion, then a later single-span trace."""
    gateway = tracer_for("jdi-gateway", tmp_path)
    ingestion = tracer_for("jdi-ingestion", tmp_path)
    with gateway.start_as_current_span("POST /v1/documents"):
        with gateway.start_as_current_span("send jdi.documents.submitted.v1") as send:
            # The consumer continues the trace from the record headers, in another process.
            remote = trace.set_span_in_context(send)
        with (
            ingestion.start_as_current_span("process jdi.documents.submitted.v1", context=remote),
            ingestion.start_as_current_span("parse document") as parse,
        ):
            parse.set_status(Status(StatusCode.ERROR, "corrupt"))
    with gateway.start_as_current_span("GET /v1/documents"):
        pass
    with (tmp_path / "jdi-gateway.jsonl").open("a") as out:
        out.write('{"service": "jdi-gateway", "name": "half a li\n')
    return tmp_path


def test_traces_are_grouped_across_service_files_newest_first(traces_dir) -> None:
    span_files = read_span_files(traces_dir)

    summaries = summarise_traces(span_files.spans)

    assert span_files.skipped_lines == 1
    assert [summary.span_count for summary in summaries] == [1, 4]
    upload = summaries[1]
    assert upload.services == ["jdi-gateway", "jdi-ingestion"]
    assert summaries[0].start_ns > upload.start_ns
    spans = spans_of_trace(span_files.spans, upload.trace_id)
    assert upload.duration_ms == (max(s.end_ns for s in spans) - min(s.start_ns for s in spans)) / 1e6


def test_the_span_tree_follows_parents_across_services(traces_dir) -> None:
    spans = read_span_files(traces_dir).spans
    upload = summarise_traces(spans)[1]

    lines = render_span_tree(spans_of_trace(spans, upload.trace_id))

    names = [line.split("  [")[0] for line in lines]
    assert names == [
        "POST /v1/documents",
        "  send jdi.documents.submitted.v1",
        "    process jdi.documents.submitted.v1",
        "      parse document",
    ]
    assert "[jdi-ingestion]" in lines[2] and lines[3].endswith("ms  ERROR")


def test_a_span_whose_parent_is_missing_is_shown_as_a_root(traces_dir) -> None:
    spans = read_span_files(traces_dir).spans
    upload = summarise_traces(spans)[1]
    without_gateway = [span for span in spans_of_trace(spans, upload.trace_id) if span.service != "jdi-gateway"]

    lines = render_span_tree(without_gateway)

    assert [line.split("  [")[0] for line in lines] == ["process jdi.documents.submitted.v1", "  parse document"]


def test_cli_lists_traces_and_shows_one_by_prefix(traces_dir, capsys) -> None:
    assert main(["traces", "--dir", str(traces_dir)]) == 0
    listing = capsys.readouterr().out.splitlines()
    assert listing[0].startswith("TRACE ID")
    assert len(listing) == 3
    upload_id = listing[2].split()[0]
    assert "jdi-gateway, jdi-ingestion" in listing[2]

    assert main(["traces", upload_id[:10], "--dir", str(traces_dir)]) == 0
    tree = capsys.readouterr().out.splitlines()
    assert tree[0].startswith("POST /v1/documents  [jdi-gateway]")
    assert len(tree) == 4


def test_cli_reports_an_unknown_trace_and_a_missing_folder_as_json_errors(traces_dir, capsys) -> None:
    assert main(["traces", "f" * 32, "--dir", str(traces_dir)]) == 1
    assert json.loads(capsys.readouterr().err.splitlines()[-1])["error"]["reason"] == "trace_not_found"

    assert main(["traces", "--dir", str(traces_dir / "nowhere")]) == 1
    assert json.loads(capsys.readouterr().err)["error"]["reason"] == "traces_dir_missing"


def test_an_ambiguous_prefix_is_refused(traces_dir) -> None:
    spans = read_span_files(traces_dir).spans

    with pytest.raises(TraceLookupError) as error:
        spans_of_trace(spans, "")

    assert error.value.code == "ambiguous_trace_id"


def test_the_folder_defaults_to_jdi_traces_dir(traces_dir, capsys, monkeypatch) -> None:
    monkeypatch.setenv("JDI_TRACES_DIR", str(traces_dir))

    assert main(["traces", "--limit", "1"]) == 0

    listing = capsys.readouterr().out.splitlines()
    assert len(listing) == 2
    assert listing[1].split()[-1] == "jdi-gateway"


def test_the_limit_must_be_positive(traces_dir) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["traces", "--limit", "0", "--dir", str(traces_dir)])
    assert exit_info.value.code == 2


def test_the_cli_writes_a_span_line_exactly_as_the_services_do() -> None:
    finished = InMemorySpanExporter()
    provider = TracerProvider(resource=Resource.create({SERVICE_NAME: "jdi-cli"}))
    provider.add_span_processor(SimpleSpanProcessor(finished))
    tracer = provider.get_tracer("test")
    with tracer.start_as_current_span("handled earlier") as earlier:
        pass
    link = Link(earlier.get_span_context(), {"messaging.kafka.message.offset": 7})
    with (
        tracer.start_as_current_span("outer"),
        tracer.start_as_current_span("publish", kind=SpanKind.PRODUCER, links=[link]) as span,
    ):
        span.set_attributes({"messaging.kafka.message.key": "doc-1", "messaging.batch.message_count": 2})
        span.set_status(Status(StatusCode.ERROR, "unacknowledged"))
    publish = finished.get_finished_spans()[1]
    assert publish.name == "publish"

    assert json.loads(telemetry.span_line(publish)) == service_telemetry.span_to_dict(publish)


def test_the_cli_traces_into_jdi_traces_dir(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("OTEL_EXPORTER_OTLP_ENDPOINT", raising=False)
    monkeypatch.setenv("JDI_TRACES_DIR", str(tmp_path))

    with telemetry.tracer("jdi-cli") as cli_tracer, cli_tracer.start_as_current_span("publish"):
        pass

    [span] = read_span_files(tmp_path).spans
    assert (span.service, span.name) == ("jdi-cli", "publish")
    assert (tmp_path / "jdi-cli.jsonl").is_file()


def test_the_default_folder_is_where_the_services_write(monkeypatch) -> None:
    monkeypatch.delenv("JDI_TRACES_DIR", raising=False)

    assert telemetry.traces_dir() == service_telemetry.DEFAULT_TRACES_DIR


def test_a_span_s_links_are_shown_under_it(tmp_path: Path) -> None:
    tracer = tracer_for("jdi-embedding", tmp_path)
    with tracer.start_as_current_span("jdi.documents.parsed.v1 publish") as published:
        pass
    with tracer.start_as_current_span("handle batch", links=[Link(published.get_span_context())]) as batch:
        pass
    spans = read_span_files(tmp_path).spans

    lines = render_span_tree(spans_of_trace(spans, f"{batch.get_span_context().trace_id:032x}"))

    linked = published.get_span_context()
    assert lines[1] == f"  -> links trace {linked.trace_id:032x} span {linked.span_id:016x}"


def test_zipkin_spans_become_span_records_with_their_links() -> None:
    span = {
        "traceId": "a" * 32,
        "id": "b" * 16,
        "parentId": "c" * 16,
        "kind": "CONSUMER",
        "name": "handle batch",
        "timestamp": 1_700_000_000_000_000,
        "duration": 2500,
        "localEndpoint": {"serviceName": "jdi-embedding"},
        "tags": {"otel.status_code": "ERROR", "jdi.links": json.dumps([{"trace_id": "d" * 32, "span_id": "e" * 16}])},
    }

    record = span_record(span)

    assert (record.service, record.kind, record.parent_span_id, record.status) == (
        "jdi-embedding",
        "CONSUMER",
        "c" * 16,
        "ERROR",
    )
    assert record.duration_ms == 2.5
    assert [(link.trace_id, link.span_id) for link in record.links] == [("d" * 32, "e" * 16)]
    assert span_record({"traceId": "a" * 32, "id": "f" * 16, "name": "internal"}).kind == "INTERNAL"
