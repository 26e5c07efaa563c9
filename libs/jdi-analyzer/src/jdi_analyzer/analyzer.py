"""Analyse one parsed job description: skills, quality, inclusive language, compliance."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from pydantic import BaseModel

from jdi_analyzer.compliance import ComplianceCheck, ComplianceInput, check_compliance
from jdi_analyzer.inclusive.scanner import (
    Finding,
    FindingsSummary,
    scan_sections,
    summarise,
)
from jdi_analyzer.quality.score import QualityReport, QualitySettings, score_quality
from jdi_analyzer.skills.matcher import WHOLE_TEXT, Embedder, SkillMatcher, SkillMatcherSettings
from jdi_analyzer.skills.taxonomy import SkillTaxonomy

LANGUAGES = {"en", "fr", "bilingual"}


class AnalysisInputError(ValueError):
    """The document cannot be analysed; ``code`` is machine-readable."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


class _Section(Protocol):
    @property
    def key(self) -> str: ...
    @property
    def heading(self) -> str: ...
    @property
    def text(self) -> str: ...


class _Classification(Protocol):
    @property
    def group(self) -> str: ...
    @property
    def level(self) -> str: ...


class ParsedRecord(Protocol):
    """What analysis reads of a parsed job description: the `parsed` event's data or the parser's result."""

    @property
    def language(self) -> str | None: ...
    @property
    def title(self) -> str | None: ...
    @property
    def classification(self) -> _Classification | None: ...
    @property
    def job_number(self) -> str | None: ...
    @property
    def position_number(self) -> str | None: ...
    @property
    def sections(self) -> Sequence[_Section]: ...
    @property
    def text(self) -> str | None: ...


@dataclass
class AnalysisInput:
    document_id: str
    version: int
    language: str | None
    title: str | None
    classification_group: str | None
    classification_level: str | None
    job_number: str | None
    sections: list[tuple[str, str, str]]  # (key, heading, text)
    text: str | None = None  # the whole text: what is analysed when the sections hold none

    @classmethod
    def from_record(cls, document_id: str, version: int, record: ParsedRecord) -> "AnalysisInput":
        classification = record.classification
        return cls(
            document_id=document_id,
            version=version,
            language=record.language,
            title=record.title,
            classification_group=classification.group if classification else None,
            classification_level=classification.level if classification else None,
            job_number=record.job_number or record.position_number,
            sections=[(section.key, section.heading, section.text) for section in record.sections],
            text=record.text,
        )


@dataclass
class AnalysisSettings:
    skills: SkillMatcherSettings = field(default_factory=SkillMatcherSettings)
    quality: QualitySettings | None = None


class Skill(BaseModel):
    uri: str
    label: str
    confidence: float
    section: str
    evidence: str
    start: int
    end: int
    method: str


class AnalysisResult(BaseModel):
    document_id: str
    version: int
    taxonomy_version: str
    skills: list[Skill]
    quality: QualityReport
    findings: list[Finding]
    findings_summary: FindingsSummary
    compliance: list[ComplianceCheck]

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


class Analyzer:
    def __init__(
        self,
        settings: AnalysisSettings,
        taxonomy: SkillTaxonomy,
        embedder: Embedder | None = None,
    ) -> None:
        self.settings = settings
        self.taxonomy = taxonomy
        self.matcher = SkillMatcher(taxonomy, embedder, settings.skills)

    def analyze(self, doc: AnalysisInput) -> AnalysisResult:
        sections = _validated_sections(doc)
        structured = any(text.strip() for _key, _heading, text in sections)
        if not structured:
            sections = [(WHOLE_TEXT, "", doc.text or "")]
        findings = scan_sections(sections, doc.language)
        return AnalysisResult(
            document_id=doc.document_id,
            version=doc.version,
            taxonomy_version=self.taxonomy.version,
            skills=[Skill(**vars(match)) for match in self.matcher.extract(sections, doc.language)],
            quality=score_quality(sections, doc.language, self.settings.quality, structured=structured),
            findings=findings,
            findings_summary=summarise(findings),
            compliance=check_compliance(
                ComplianceInput(
                    language=doc.language,
                    classification_group=doc.classification_group,
                    classification_level=doc.classification_level,
                    job_number=doc.job_number,
                    sections=sections,
                )
            ),
        )


def _validated_sections(doc: AnalysisInput) -> list[tuple[str, str, str]]:
    if not doc.document_id:
        raise AnalysisInputError("missing_document_id", "the document has no id")
    if doc.language is not None and doc.language not in LANGUAGES:
        raise AnalysisInputError(
            "unsupported_language",
            f"language {doc.language!r} is not one of en, fr, bilingual",
        )
    sections = []
    for position, section in enumerate(doc.sections):
        if len(section) != 3 or not all(isinstance(part, str) for part in section):
            raise AnalysisInputError(
                "malformed_section",
                f"section {position} is not a (key, heading, text) of strings",
            )
        sections.append((section[0], section[1], section[2]))
    if not any(text.strip() for _key, _heading, text in sections) and not (doc.text or "").strip():
        raise AnalysisInputError("empty_document", "the document has no text to analyse")
    return sections
