"""Job-description parsing, pure code: document bytes in, structured job description out."""

from jdi_parser.errors import RejectionError, RejectionReason
from jdi_parser.limits import ParseLimits
from jdi_parser.models import Classification, ParsedJobDescription, Section
from jdi_parser.parser import parse_document, parse_text

__all__ = [
    "Classification",
    "ParseLimits",
    "ParsedJobDescription",
    "RejectionError",
    "RejectionReason",
    "Section",
    "parse_document",
    "parse_text",
]
