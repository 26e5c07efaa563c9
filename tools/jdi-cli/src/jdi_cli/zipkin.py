"""`jdi traces --zipkin URL`: traces from the trace backend's query API (Zipkin v2), as span records, and the
address of a trace in its UI.

Zipkin's spans carry times in microseconds, `kind` only when not internal, the status in the `otel.status_code`
and `error` tags, and span links (which Zipkin's model lacks) in the `jdi.links` tag the services add
(`jdi_core.telemetry.LinksAsTagExporter`).
"""

import json
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from jdi_cli.traces import SpanLink, SpanRecord, TraceLookupError

TIMEOUT_S = 10


def ui_url(zipkin_url: str, trace_id: str) -> str:
    return f"{zipkin_url.rstrip('/')}/zipkin/traces/{trace_id}"


def fetch_trace(zipkin_url: str, trace_id: str) -> list[SpanRecord]:
    try:
        spans = _get(zipkin_url, f"/api/v2/trace/{urllib.parse.quote(trace_id)}")
    except urllib.error.HTTPError as error:
        if error.code == 404:
            raise TraceLookupError("trace_not_found", f"no trace with id {trace_id!r} in Zipkin") from None
        raise
    return [span_record(span) for span in spans]


def fetch_recent(zipkin_url: str, limit: int) -> list[SpanRecord]:
    traces = _get(zipkin_url, f"/api/v2/traces?limit={limit}")
    return [span_record(span) for spans in traces for span in spans]


def span_record(span: dict[str, Any]) -> SpanRecord:
    tags: dict[str, str] = span.get("tags", {})
    start_ns = int(span.get("timestamp", 0)) * 1000
    status = "ERROR" if "error" in tags else tags.get("otel.status_code", "UNSET")
    return SpanRecord(
        service=span.get("localEndpoint", {}).get("serviceName"),
        name=span.get("name", ""),
        kind=span.get("kind", "INTERNAL"),
        trace_id=span["traceId"],
        span_id=span["id"],
        parent_span_id=span.get("parentId"),
        start_ns=start_ns,
        end_ns=start_ns + int(span.get("duration", 0)) * 1000,
        status=status,
        attributes=tags,
        links=[SpanLink(**link) for link in json.loads(tags.get("jdi.links", "[]"))],
    )


def _get(zipkin_url: str, path: str) -> Any:
    url = f"{zipkin_url.rstrip('/')}{path}"
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise ValueError(f"{zipkin_url!r} is not an http(s) URL")
    with urllib.request.urlopen(url, timeout=TIMEOUT_S) as response:  # noqa: S310 - the scheme is checked above
        return json.load(response)
