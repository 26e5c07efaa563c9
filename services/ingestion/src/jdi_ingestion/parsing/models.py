"""Result types of parsing a job description."""

from dataclasses import dataclass, field


@dataclass
class Section:
    key: str
    heading: str
    text: str


@dataclass
class Classification:
    group: str
    level: str
    code: str


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
