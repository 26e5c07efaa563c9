"""Configurable safety limits applied before and during extraction."""

from dataclasses import dataclass


@dataclass(frozen=True)
class ParseLimits:
    max_bytes: int = 10_000_000
    max_docx_uncompressed_bytes: int = 50_000_000
    max_docx_compression_ratio: float = 100.0
    max_pdf_pages: int = 200
    redact_personal_data: bool = True


DEFAULT_LIMITS = ParseLimits()
