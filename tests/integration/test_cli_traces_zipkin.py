"""`jdi traces --zipkin`: a trace the services' exporter sent to the real Zipkin, read back through its API as a
span tree with its links, and the trace's address in the UI."""

import time

import httpx
import pytest
from opentelemetry.exporter.zipkin.json import ZipkinExporter
from opentelemetry.sdk.resources import SERVICE_NAME, Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.trace import Link, SpanKind

from jdi_cli.main import main
from jdi_core.telemetry import LinksAsTagExporter

pytestmark = pytest.mark.integration


def test_a_trace_read_from_zipkin_shows_its_tree_links_and_ui_address(zipkin_url, run_id, capsys) -> None:
    provider = TracerProvider(resource=Resource.create({SERVICE_NAME: f"jdi-test-{run_id}"}))
    provider.add_span_processor(
        SimpleSpanProcessor(LinksAsTagExporter(ZipkinExporter(endpoint=f"{zipkin_url}/api/v2/spans")))
    )
    tracer = provider.get_tracer("test")
    with tracer.start_as_current_span("jdi.documents.parsed.v1 publish", kind=SpanKind.PRODUCER) as published:
        pass
    with (
        tracer.start_as_current_span("jdi.documents.parsed.v1 process", kind=SpanKind.CONSUMER) as batch,
        tracer.start_as_current_span("handle batch", links=[Link(published.get_span_context())]),
    ):
        pass
    trace_id = f"{batch.get_span_context().trace_id:032x}"
    published_ids = published.get_span_context()

    deadline = time.monotonic() + 30
    while httpx.get(f"{zipkin_url}/api/v2/trace/{trace_id}", timeout=10).status_code != 200:
        assert time.monotonic() < deadline, "Zipkin never served the trace"
        time.sleep(0.3)

    assert main(["traces", trace_id, "--zipkin", zipkin_url]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split("  [")[0] for line in lines] == [
        "jdi.documents.parsed.v1 process",
        "  handle batch",
        f"    -> links trace {published_ids.trace_id:032x} span {published_ids.span_id:016x}",
        f"{zipkin_url}/zipkin/traces/{trace_id}",
    ]
    assert httpx.get(lines[-1], timeout=10).status_code == 200

    assert main(["traces", "--zipkin", zipkin_url, "--limit", "50"]) == 0
    assert trace_id in capsys.readouterr().out

    assert main(["traces", "f" * 32, "--zipkin", zipkin_url]) == 1
    assert '"trace_not_found"' in capsys.readouterr().err
