"""`jdi traces`: read the span files of `jdi_core.telemetry.JsonLinesSpanExporter` (or, through `jdi_cli.zipkin`,
the trace backend), and show traces.

Every `*.jsonl` file in the traces directory holds one finished span per line. A trace is the set
of spans sharing a trace id, across all services' files.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError


class SpanLink(BaseModel):
    """A span this one links to, in another trace (a batch's span links each message it handled)."""

    trace_id: str
    span_id: str
    attributes: dict[str, Any] = {}


class SpanRecord(BaseModel):
    service: str | None
    name: str
    kind: str
    trace_id: str
    span_id: str
    parent_span_id: str | None
    start_ns: int
    end_ns: int
    status: str
    attributes: dict[str, Any] = {}
    links: list[SpanLink] = []

    @property
    def duration_ms(self) -> float:
        return (self.end_ns - self.start_ns) / 1e6


@dataclass(frozen=True)
class SpanFiles:
    spans: list[SpanRecord]
    skipped_lines: int
    """Lines that were not a span (a half-written last line, say)."""


@dataclass(frozen=True)
class TraceSummary:
    trace_id: str
    start_ns: int
    duration_ms: float
    services: list[str]
    span_count: int


class TraceLookupError(LookupError):
    """No single trace matches the requested id; ``code`` is machine-readable."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def read_span_files(traces_dir: Path) -> SpanFiles:
    spans: list[SpanRecord] = []
    skipped = 0
    for path in sorted(traces_dir.glob("*.jsonl")):
        with path.open(encoding="utf-8", errors="replace") as lines:
            for line in lines:
                if not line.strip():
                    continue
                try:
                    spans.append(SpanRecord.model_validate_json(line))
                except ValidationError:
                    skipped += 1
    return SpanFiles(spans, skipped)


def summarise_traces(spans: list[SpanRecord]) -> list[TraceSummary]:
    """One summary per trace, most recent first."""
    by_trace: dict[str, list[SpanRecord]] = defaultdict(list)
    for span in spans:
        by_trace[span.trace_id].append(span)
    summaries = [
        TraceSummary(
            trace_id=trace_id,
            start_ns=min(span.start_ns for span in members),
            duration_ms=(max(span.end_ns for span in members) - min(span.start_ns for span in members)) / 1e6,
            services=sorted({span.service or "?" for span in members}),
            span_count=len(members),
        )
        for trace_id, members in by_trace.items()
    ]
    return sorted(summaries, key=lambda summary: summary.start_ns, reverse=True)


def spans_of_trace(spans: list[SpanRecord], trace_id: str) -> list[SpanRecord]:
    """The spans of the trace whose id is `trace_id` or starts with it (like a short git hash)."""
    wanted = trace_id.lower()
    matching_ids = {span.trace_id for span in spans if span.trace_id.startswith(wanted)}
    if wanted in matching_ids:
        matching_ids = {wanted}
    if not matching_ids:
        raise TraceLookupError("trace_not_found", f"no trace with id {trace_id!r}")
    if len(matching_ids) > 1:
        raise TraceLookupError(
            "ambiguous_trace_id", f"{trace_id!r} starts {len(matching_ids)} trace ids; give more characters"
        )
    return [span for span in spans if span.trace_id in matching_ids]


def render_trace_list(summaries: list[TraceSummary]) -> list[str]:
    lines = [f"{'TRACE ID':32}  {'START (UTC)':23}  {'SPANS':>5}  {'DURATION ms':>11}  SERVICES"]
    lines.extend(
        f"{summary.trace_id:32}  {_timestamp(summary.start_ns):23}  {summary.span_count:>5}  "
        f"{summary.duration_ms:>11.1f}  {', '.join(summary.services)}"
        for summary in summaries
    )
    return lines


def render_span_tree(spans: list[SpanRecord]) -> list[str]:
    """Spans indented under their parent, siblings in start order. A span whose parent was not
    recorded here (exported elsewhere, or still running) is shown as a root."""
    span_ids = {span.span_id for span in spans}
    children: dict[str | None, list[SpanRecord]] = defaultdict(list)
    for span in spans:
        parent = span.parent_span_id if span.parent_span_id in span_ids else None
        children[parent].append(span)
    lines: list[str] = []
    shown: set[str] = set()

    def show(span: SpanRecord, depth: int) -> None:
        # A span id seen twice (a span file copied, a parent cycle) must not loop or repeat.
        if span.span_id in shown:
            return
        shown.add(span.span_id)
        status = "" if span.status in ("UNSET", "OK") else f"  {span.status}"
        lines.append(f"{'  ' * depth}{span.name}  [{span.service or '?'}]  {span.duration_ms:.1f} ms{status}")
        lines.extend(f"{'  ' * (depth + 1)}-> links trace {link.trace_id} span {link.span_id}" for link in span.links)
        for child in sorted(children[span.span_id], key=_start):
            show(child, depth + 1)

    for root in sorted(children[None], key=_start):
        show(root, 0)
    # Spans whose parents form a cycle have no root; still show them.
    for span in sorted(spans, key=_start):
        show(span, 0)
    return lines


def _start(span: SpanRecord) -> int:
    return span.start_ns


def _timestamp(ns: int) -> str:
    return datetime.fromtimestamp(ns / 1e9, UTC).strftime("%Y-%m-%d %H:%M:%S.%f")[:23]
