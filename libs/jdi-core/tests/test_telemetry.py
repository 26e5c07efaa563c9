"""Where spans go: OTLP, Zipkin with the span file as its fallback, or the span file alone."""

import json
import socket
from collections.abc import Sequence
from pathlib import Path

import pytest
from opentelemetry.context import Context
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.exporter.zipkin.json import ZipkinExporter
from opentelemetry.sdk.resources import SERVICE_NAME, Resource
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor, SpanExporter, SpanExportResult
from opentelemetry.trace import Link, SpanContext

from jdi_core.telemetry import FallbackSpanExporter, JsonLinesSpanExporter, LinksAsTagExporter, span_exporter


class Recording(SpanExporter):
    def __init__(self, result: SpanExportResult) -> None:
        self.result = result
        self.names: list[str] = []

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        self.names.extend(span.name for span in spans)
        return self.result


def emit(exporter: SpanExporter, *names: str) -> None:
    provider = TracerProvider(resource=Resource.create({SERVICE_NAME: "jdi-test"}))
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    for name in names:
        with provider.get_tracer("test").start_as_current_span(name):
            pass


def span_names(path: Path) -> list[str]:
    return [json.loads(line)["name"] for line in path.read_text().splitlines()] if path.exists() else []


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_spans_a_backend_takes_do_not_go_to_the_file(tmp_path: Path) -> None:
    backend = Recording(SpanExportResult.SUCCESS)
    emit(FallbackSpanExporter(backend, JsonLinesSpanExporter(tmp_path / "spans.jsonl")), "handled")
    assert backend.names == ["handled"]
    assert span_names(tmp_path / "spans.jsonl") == []


def test_spans_an_unreachable_backend_cannot_take_go_to_the_file(tmp_path: Path) -> None:
    unreachable = ZipkinExporter(endpoint=f"http://127.0.0.1:{closed_port()}/api/v2/spans", timeout=2)
    emit(FallbackSpanExporter(unreachable, JsonLinesSpanExporter(tmp_path / "spans.jsonl")), "first", "second")
    assert span_names(tmp_path / "spans.jsonl") == ["first", "second"]


def test_a_backend_that_answers_with_an_error_falls_back_until_it_takes_spans_again(tmp_path: Path) -> None:
    backend = Recording(SpanExportResult.FAILURE)
    exporter = FallbackSpanExporter(backend, JsonLinesSpanExporter(tmp_path / "spans.jsonl"))
    emit(exporter, "refused")
    backend.result = SpanExportResult.SUCCESS
    emit(exporter, "taken")
    assert backend.names == ["refused", "taken"]
    assert span_names(tmp_path / "spans.jsonl") == ["refused"]


@pytest.mark.parametrize(
    ("environment", "expected"),
    [
        ({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318"}, OTLPSpanExporter),
        ({"OTEL_EXPORTER_ZIPKIN_ENDPOINT": "http://127.0.0.1:19411/api/v2/spans"}, FallbackSpanExporter),
        ({}, JsonLinesSpanExporter),
    ],
)
def test_the_environment_chooses_the_exporter(
    environment: dict[str, str], expected: type, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_ZIPKIN_ENDPOINT"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("JDI_TRACES_DIR", str(tmp_path))
    assert isinstance(span_exporter("jdi-test"), expected)


def linked_spans(exporter: SpanExporter) -> tuple[SpanContext, SpanContext]:
    """A span, then one in another trace linking it (as a batch's span links each message it handled)."""
    provider = TracerProvider(resource=Resource.create({SERVICE_NAME: "jdi-test"}))
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    tracer = provider.get_tracer("test")
    with tracer.start_as_current_span("published") as published:
        pass
    link = Link(published.get_span_context(), {"messaging.kafka.message.offset": 7})
    with tracer.start_as_current_span("handle batch", context=Context(), links=[link]) as batch:
        pass
    return published.get_span_context(), batch.get_span_context()


def test_the_span_file_keeps_links(tmp_path: Path) -> None:
    published, _ = linked_spans(JsonLinesSpanExporter(tmp_path / "spans.jsonl"))

    batch = json.loads((tmp_path / "spans.jsonl").read_text().splitlines()[1])
    assert batch["links"] == [
        {
            "trace_id": f"{published.trace_id:032x}",
            "span_id": f"{published.span_id:016x}",
            "attributes": {"messaging.kafka.message.offset": 7},
        }
    ]


class Keeping(SpanExporter):
    def __init__(self) -> None:
        self.spans: list[ReadableSpan] = []

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        self.spans.extend(spans)
        return SpanExportResult.SUCCESS


def test_links_reach_zipkin_as_a_tag() -> None:
    zipkin = Keeping()
    published, batch = linked_spans(LinksAsTagExporter(zipkin))

    without_links, with_links = zipkin.spans
    assert "jdi.links" not in (without_links.attributes or {})
    assert json.loads(str((with_links.attributes or {})["jdi.links"])) == [
        {"trace_id": f"{published.trace_id:032x}", "span_id": f"{published.span_id:016x}"}
    ]
    assert with_links.context == batch
