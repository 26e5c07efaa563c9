"""The CLI's spans go where the services' go (see `jdi_core.telemetry`, which the CLI does not depend on):
over OTLP/HTTP when `OTEL_EXPORTER_OTLP_ENDPOINT` is set, otherwise as JSON lines to
`$JDI_TRACES_DIR/<service>.jsonl`, the files `jdi traces` reads.
"""

import os
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from opentelemetry.sdk.resources import SERVICE_NAME, Resource
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter, SpanExporter
from opentelemetry.trace import Tracer

from jdi_cli.traces import SpanLink, SpanRecord

DEFAULT_TRACES_DIR = Path(".work") / "traces"


def traces_dir() -> Path:
    return Path(os.environ.get("JDI_TRACES_DIR", DEFAULT_TRACES_DIR))


@contextmanager
def tracer(service_name: str) -> Iterator[Tracer]:
    """A tracer for this command; every span is exported when the block ends."""
    with ExitStack() as resources:
        provider = TracerProvider(resource=Resource.create({SERVICE_NAME: service_name}))
        provider.add_span_processor(BatchSpanProcessor(_exporter(service_name, resources)))
        resources.callback(provider.shutdown)
        yield provider.get_tracer("jdi_cli")


def span_line(span: ReadableSpan) -> str:
    """One line of a span file, as `jdi_core.telemetry.JsonLinesSpanExporter` writes it."""
    context = span.get_span_context()
    if context is None:
        raise ValueError(f"span {span.name!r} has no span context")
    service = span.resource.attributes.get(SERVICE_NAME)
    record = SpanRecord(
        service=service if isinstance(service, str) else None,
        name=span.name,
        kind=span.kind.name,
        trace_id=f"{context.trace_id:032x}",
        span_id=f"{context.span_id:016x}",
        parent_span_id=f"{span.parent.span_id:016x}" if span.parent else None,
        start_ns=span.start_time or 0,
        end_ns=span.end_time or 0,
        status=span.status.status_code.name,
        attributes=dict(span.attributes or {}),
        links=[
            SpanLink(
                trace_id=f"{link.context.trace_id:032x}",
                span_id=f"{link.context.span_id:016x}",
                attributes=dict(link.attributes or {}),
            )
            for link in span.links
        ],
    )
    return record.model_dump_json() + "\n"


def _exporter(service_name: str, resources: ExitStack) -> SpanExporter:
    if os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT"):
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        return OTLPSpanExporter()
    path = traces_dir() / f"{service_name}.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    span_file = resources.enter_context(path.open("a", encoding="utf-8"))
    return ConsoleSpanExporter(out=span_file, formatter=span_line)
