"""OpenTelemetry, set up once per process.

Where spans go, in this order:
- `OTEL_EXPORTER_OTLP_ENDPOINT` set: OTLP/HTTP (the production path: a collector, Jaeger);
- `OTEL_EXPORTER_ZIPKIN_ENDPOINT` set: Zipkin's JSON API (the local trace backend `make up` starts),
  and the JSON-lines file below whenever Zipkin does not take them. Zipkin's model has no span links:
  they travel as a `jdi.links` tag;
- neither: JSON lines appended to `$JDI_TRACES_DIR/<service>.jsonl`, which `jdi traces` reads.
Kafka spans and W3C context propagation through record headers come from FastStream's telemetry
middleware (see `broker.make_broker`).
"""

import json
import logging
import os
import threading
from collections.abc import Sequence
from pathlib import Path

from opentelemetry import trace
from opentelemetry.sdk.environment_variables import (
    OTEL_EXPORTER_OTLP_ENDPOINT,
    OTEL_EXPORTER_ZIPKIN_ENDPOINT,
    OTEL_EXPORTER_ZIPKIN_TIMEOUT,
)
from opentelemetry.sdk.resources import SERVICE_NAME, Resource
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter, SpanExportResult
from opentelemetry.trace import Link

DEFAULT_TRACES_DIR = Path(".work") / "traces"

# Unless OTEL_EXPORTER_ZIPKIN_TIMEOUT says otherwise: a local backend answers in milliseconds, and a dead one
# should not hold the export thread for the SDK's default 10 s.
ZIPKIN_TIMEOUT_S = 2

logger = logging.getLogger(__name__)


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


class FallbackSpanExporter(SpanExporter):
    """Exports to `primary`; a batch it fails to take (unreachable, an error answer) goes to `fallback`,
    so no span is lost while the trace backend is down."""

    def __init__(self, primary: SpanExporter, fallback: SpanExporter) -> None:
        self._primary = primary
        self._fallback = fallback
        self._primary_failing = False

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        try:
            result = self._primary.export(spans)
            failure = None if result is SpanExportResult.SUCCESS else "it answered with an error"
        except Exception as error:  # noqa: BLE001 - whatever went wrong, the spans go to the fallback
            failure = type(error).__name__
        if failure is None:
            if self._primary_failing:
                logger.info("trace backend takes spans again")
            self._primary_failing = False
            return SpanExportResult.SUCCESS
        if not self._primary_failing:
            logger.warning("trace backend does not take spans (%s); writing them to the fallback till it does", failure)
        self._primary_failing = True
        return self._fallback.export(spans)

    def shutdown(self) -> None:
        self._primary.shutdown()
        self._fallback.shutdown()


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
        "links": [
            {**_link_ids(link), "attributes": {key: _jsonable(value) for key, value in (link.attributes or {}).items()}}
            for link in span.links
        ],
    }


def _link_ids(link: Link) -> dict[str, str]:
    return {"trace_id": f"{link.context.trace_id:032x}", "span_id": f"{link.context.span_id:016x}"}


class LinksAsTagExporter(SpanExporter):
    """Hands spans to an exporter whose backend has no span links (Zipkin) with their links in a `jdi.links`
    attribute: a JSON list of the linked spans' trace and span ids."""

    def __init__(self, exporter: SpanExporter) -> None:
        self._exporter = exporter

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        return self._exporter.export([_with_links_as_attribute(span) for span in spans])

    def shutdown(self) -> None:
        self._exporter.shutdown()


def _with_links_as_attribute(span: ReadableSpan) -> ReadableSpan:
    if not span.links:
        return span
    links = [_link_ids(link) for link in span.links]
    return ReadableSpan(
        name=span.name,
        context=span.context,
        parent=span.parent,
        resource=span.resource,
        attributes={**(span.attributes or {}), "jdi.links": json.dumps(links)},
        events=span.events,
        links=span.links,
        kind=span.kind,
        status=span.status,
        start_time=span.start_time,
        end_time=span.end_time,
        instrumentation_scope=span.instrumentation_scope,
    )


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
    provider.add_span_processor(BatchSpanProcessor(span_exporter(service_name)))
    trace.set_tracer_provider(provider)
    return provider


def span_exporter(service_name: str) -> SpanExporter:
    """Where this process's spans go (see the module docstring)."""
    if os.environ.get(OTEL_EXPORTER_OTLP_ENDPOINT):
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        return OTLPSpanExporter()
    traces_dir = Path(os.environ.get("JDI_TRACES_DIR", DEFAULT_TRACES_DIR))
    span_file = JsonLinesSpanExporter(traces_dir / f"{service_name}.jsonl")
    if os.environ.get(OTEL_EXPORTER_ZIPKIN_ENDPOINT):
        from opentelemetry.exporter.zipkin.json import ZipkinExporter

        timeout_s = int(os.environ.get(OTEL_EXPORTER_ZIPKIN_TIMEOUT, ZIPKIN_TIMEOUT_S))
        return FallbackSpanExporter(LinksAsTagExporter(ZipkinExporter(timeout=timeout_s)), fallback=span_file)
    return span_file


def current_trace_id() -> str | None:
    context = trace.get_current_span().get_span_context()
    return f"{context.trace_id:032x}" if context.is_valid else None
