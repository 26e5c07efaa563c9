"""JSON logs that carry the current trace and span ids, so logs and traces join up."""

import logging
import sys
from typing import TextIO

from opentelemetry import trace
from pythonjsonlogger.json import JsonFormatter


class _TraceContextFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        context = trace.get_current_span().get_span_context()
        record.trace_id = f"{context.trace_id:032x}" if context.is_valid else None
        record.span_id = f"{context.span_id:016x}" if context.is_valid else None
        return True


def json_log_handler(service_name: str, stream: TextIO = sys.stderr) -> logging.Handler:
    """One JSON object per line: time, level, logger, message, trace and span ids, and every `extra` field."""
    handler = logging.StreamHandler(stream)
    handler.addFilter(_TraceContextFilter())
    handler.setFormatter(
        JsonFormatter(
            "%(asctime)s %(levelname)s %(name)s %(message)s %(trace_id)s %(span_id)s",
            rename_fields={"levelname": "level", "asctime": "time"},
            static_fields={"service": service_name},
        )
    )
    return handler


def configure_logging(service_name: str, level: str = "INFO") -> None:
    handler = json_log_handler(service_name)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
