"""Where spans go: OTLP, Zipkin with the span file as its fallback, or the span file alone."""

import json
import socket
from collections.abc import Sequence
from pathlib import Path

import pytest
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.exporter.zipkin.json import ZipkinExporter
from opentelemetry.sdk.resources import SERVICE_NAME, Resource
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor, SpanExporter, SpanExportResult

from jdi_core.telemetry import FallbackSpanExporter, JsonLinesSpanExporter, span_exporter


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
