"""Result types of parsing a job description."""

from dataclasses import dataclass, field

# Sections and classifications are what the `parsed` event carries, so the parser returns the contract types.
from jdi_contracts.events import Classification, Section

__all__ = ["Classification", "ParsedJobDescription", "Section"]


@dataclass
class ParsedJobDescription:
    media_type: str
    language: str | None
    job_number: str | None
    position_number: str | None
    classification: Classification | None
    title: str | None
    department: str | None
    fields: dict[str, object] = field(default_factory=dict)
    sections: list[Section] = field(default_factory=list)
    redactions: int = 0
    warnings: list[str] = field(default_factory=list)
    text: str = ""
