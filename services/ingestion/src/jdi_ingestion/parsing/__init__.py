"""Pure parsing library of the ingestion service: document bytes in, structured job description out."""

from jdi_ingestion.parsing.errors import DocumentRejected, RejectionReason
from jdi_ingestion.parsing.limits import ParseLimits
from jdi_ingestion.parsing.models import Classification, ParsedJobDescription, Section
from jdi_ingestion.parsing.parser import parse_document, parse_text

__all__ = [
    "Classification",
    "DocumentRejected",
    "ParseLimits",
    "ParsedJobDescription",
    "RejectionReason",
    "Section",
    "parse_document",
    "parse_text",
]
