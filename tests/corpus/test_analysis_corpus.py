"""The analysis library over the real corpus (../shared/corpus/markdown); skipped when absent.

The ingestion parser is not used here: ``load_document`` below splits the cleaned
markdown on its ``##``/``###`` headings and maps them to canonical section keys.
"""

import json
import re
import statistics
from pathlib import Path

import pytest

from jdi_analyzer.analyzer import (
    AnalysisInput,
    AnalysisResult,
    AnalysisSettings,
    Analyzer,
)
from jdi_analyzer.skills.taxonomy import SkillTaxonomy

pytestmark = pytest.mark.corpus

# Repo root is two levels up; the corpus sits beside the repository.
CORPUS_MARKDOWN = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "markdown"

_HEADING_KEYS = [
    (
        re.compile(
            r"general accountabilit|responsabilit\w* g[ée]n[ée]rale|reason for being",
            re.IGNORECASE,
        ),
        "general_accountability",
    ),
    (
        re.compile(r"organi[sz]ation\w*\s*structure|^structure|hierarchy", re.IGNORECASE),
        "organization_structure",
    ),
    (
        re.compile(r"nature\s*(and|&|et)\s*(scope|port[ée]e)", re.IGNORECASE),
        "nature_and_scope",
    ),
    (
        re.compile(
            r"specific accountabilit|responsabilit\w* sp[ée]cifiques|key (activities|responsibilities)",
            re.IGNORECASE,
        ),
        "specific_accountabilities",
    ),
    (
        re.compile(r"dimensions|[ée]tendue des responsabilit", re.IGNORECASE),
        "dimensions",
    ),
    (re.compile(r"challenges|d[ée]fis", re.IGNORECASE), "key_challenges"),
    (re.compile(r"knowledge|connaissances", re.IGNORECASE), "knowledge"),
    (
        re.compile(r"working conditions|conditions de travail", re.IGNORECASE),
        "working_conditions",
    ),
    (re.compile(r"education|[ée]tudes", re.IGNORECASE), "education"),
    (re.compile(r"experience|exp[ée]rience", re.IGNORECASE), "experience"),
    (re.compile(r"qualifications", re.IGNORECASE), "qualifications"),
]
_CLASSIFICATION_RE = re.compile(r"(?<![A-Z])([A-Z]{2})-(\d{2})(?!\d)")


def section_key(heading: str) -> str:
    for pattern, key in _HEADING_KEYS:
        if pattern.search(heading):
            return key
    return "other"


def load_document(path: Path) -> AnalysisInput:
    text = path.read_text(encoding="utf-8")
    sections: list[tuple[str, str, str]] = []
    for block in re.split(r"^(?=#{2,3} )", text, flags=re.MULTILINE)[1:]:
        marks, _, rest = block.partition(" ")
        heading, _, body = rest.partition("\n")
        if re.match(r"position details|d[ée]tails du poste", heading, re.IGNORECASE):
            continue
        key = section_key(heading)
        # An unrecognised sub-heading ("Reporting to the Director are:") belongs to the section above.
        if marks == "###" and key == "other" and sections:
            last_key, last_heading, last_text = sections[-1]
            sections[-1] = (
                last_key,
                last_heading,
                f"{last_text}\n\n{heading}\n{body.strip()}".strip(),
            )
            continue
        sections.append((key, heading.strip(), body.strip()))
    french = "# Description de Travail" in text
    classification = _CLASSIFICATION_RE.search(path.stem)
    job_number = re.search(r"(?<!\d)(\d{6})(?!\d)", path.stem)
    return AnalysisInput(
        document_id=path.stem,
        version=1,
        language="fr" if french else "en",
        title=path.stem,
        classification_group=classification.group(1) if classification else None,
        classification_level=classification.group(2) if classification else None,
        job_number=job_number.group(1) if job_number else None,
        sections=sections,
    )


def corpus_files() -> list[Path]:
    return sorted(CORPUS_MARKDOWN.glob("*.md")) if CORPUS_MARKDOWN.is_dir() else []


@pytest.fixture(scope="module")
def analysed() -> list[tuple[AnalysisInput, AnalysisResult]]:
    files = corpus_files()
    if not files:
        pytest.skip("corpus not present at ../shared/corpus/markdown")
    analyzer = Analyzer(AnalysisSettings(), SkillTaxonomy.load())
    documents = [load_document(path) for path in files]
    return [(doc, analyzer.analyze(doc)) for doc in documents]


def test_every_document_analyses_to_serialisable_output(analysed):
    for _doc, result in analysed:
        payload = json.loads(json.dumps(result.to_dict()))
        assert {
            "skills",
            "quality",
            "findings",
            "findings_summary",
            "compliance",
        } <= payload.keys()


def test_quality_scores_spread_across_the_corpus(analysed):
    scores = [result.quality.score for _doc, result in analysed]
    assert len({round(score) for score in scores}) > len(scores) // 3
    assert statistics.pstdev(scores) > 5
    assert all(0 <= score <= 100 for score in scores)


def test_french_documents_use_the_french_formula(analysed):
    french = [result for doc, result in analysed if doc.language == "fr"]
    assert french
    assert {r.quality.component("readability").metrics["formula"] for r in french} == {"kandel-moles"}


def test_finding_offsets_point_into_their_section(analysed):
    for doc, result in analysed:
        texts: dict[str, list[str]] = {}
        for key, _heading, text in doc.sections:
            texts.setdefault(key, []).append(text)
        for finding in result.findings:
            assert any(text[finding.start : finding.end] == finding.term for text in texts[finding.section])
            assert re.fullmatch(r"[\w\s/'’-]+", finding.term)


@pytest.mark.parametrize("language", ["en", "fr"])
def test_most_documents_in_each_language_yield_skills_with_evidence(analysed, language):
    documents = [(doc, result) for doc, result in analysed if doc.language == language]
    with_skills = [result for _doc, result in documents if result.skills]
    assert documents
    assert len(with_skills) >= 0.8 * len(documents)
    for doc, result in documents:
        texts = {key: text for key, _heading, text in doc.sections}
        for skill in result.skills:
            assert skill.evidence and skill.section in texts


def test_compliance_lists_every_check_for_every_document(analysed):
    ids = {tuple(check.id for check in result.compliance) for _doc, result in analysed}
    assert len(ids) == 1
    assert all(check.why for _doc, result in analysed for check in result.compliance)
