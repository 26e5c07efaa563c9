"""OpenTelemetry, set up once per process.

Spans go over OTLP/HTTP when `OTEL_EXPORTER_OTLP_ENDPOINT` is set (collector, Jaeger); otherwise
they are appended as JSON lines to `$JDI_TRACES_DIR/<service>.jsonl`, which `jdi traces` reads.
Kafka spans and W3C context propagation through record headers come from FastStream's telemetry
middleware (see `broker.make_broker`).
"""

import json
import os
import threading
from collections.abc import Sequence
from pathlib import Path

from opentelemetry import trace
from opentelemetry.sdk.resources import SERVICE_NAME, Resource
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter, SpanExportResult

DEFAULT_TRACES_DIR = Path(".work") / "traces"


class JsonLinesSpanExporter(SpanExporter):
    """Appends one JSON object per finished span to a file; enough for local runs and tests."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._path = path
        self._lock = threading.Lock()

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        lines = [json.dumps(span_to_dict(span)) + "\n" for span in spans]
        with self._lock, self._path.open("a", encoding="utf-8") as out:
            out.writelines(lines)
        return SpanExportResult.SUCCESS


def span_to_dict(span: ReadableSpan) -> dict[str, object]:
    context = span.get_span_context()
    if context is None:
        raise ValueError(f"span {span.name!r} has no span context")
    return {
        "service": span.resource.attributes.get(SERVICE_NAME),
        "name": span.name,
        "kind": span.kind.name,
        "trace_id": f"{context.trace_id:032x}",
        "span_id": f"{context.span_id:016x}",
        "parent_span_id": f"{span.parent.span_id:016x}" if span.parent else None,
        "start_ns": span.start_time,
        "end_ns": span.end_time,
        "status": span.status.status_code.name,
        "attributes": {key: _jsonable(value) for key, value in (span.attributes or {}).items()},
    }


def _jsonable(value: object) -> object:
    if isinstance(value, bytes):  # e.g. Kafka message keys
        return value.decode(errors="replace")
    return list(value) if isinstance(value, tuple) else value


def setup_telemetry(service_name: str) -> TracerProvider:
    """Install the global tracer provider for this process (idempotent)."""
    current = trace.get_tracer_provider()
    if isinstance(current, TracerProvider):
        return current
    provider = TracerProvider(resource=Resource.create({SERVICE_NAME: service_name}))
    provider.add_span_processor(BatchSpanProcessor(_exporter(service_name)))
    trace.set_tracer_provider(provider)
    return provider


def _exporter(service_name: str) -> SpanExporter:
    if os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT"):
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        return OTLPSpanExporter()
    traces_dir = Path(os.environ.get("JDI_TRACES_DIR", DEFAULT_TRACES_DIR))
    return JsonLinesSpanExporter(traces_dir / f"{service_name}.jsonl")


def current_trace_id() -> str | None:
    context = trace.get_current_span().get_span_context()
    return f"{context.trace_id:032x}" if context.is_valid else None
