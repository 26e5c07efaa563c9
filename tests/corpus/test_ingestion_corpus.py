"""Parsing quality over the real corpus in ../shared/corpus (skipped when absent). Prints the figures."""

import re
from pathlib import Path

import pytest

from jdi_parser import ParsedJobDescription, RejectionError, parse_document

pytestmark = pytest.mark.corpus

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"

_FILE_NAME_JOB_NUMBER = re.compile(r"(?<!\d)1\d{5}(?!\d)")
_FILE_NAME_CLASSIFICATION = re.compile(r"\bEX-0[1-5]\b")
# Independent of the parser: upper-case headings in OCR text and "## " headings in Markdown.
_CORE_HEADINGS = {
    "general_accountability": r"GENERAL ACCOUNTABILITY|RESPONSABILIT[EÉ]S? G[EÉ]N[EÉ]RALES?",
    "organization_structure": r"ORGANI[SZ]ATION(?:AL)? STRUCTURE|STRUCTURE ORGANISATIONNELLE",
    "nature_and_scope": r"NATURE (?:AND|&) SCOPE|NATURE ET PORT[EÉ]E",
    "specific_accountabilities": r"SPECIFIC ACCOUNTABILITIES|RESPONSABILIT[EÉ]S SP[EÉ]CIFIQUES",
    "dimensions": r"DIMENSIONS",
}
_INCUMBENT_NAME = re.compile(
    r"(?:Incumbent|INCUMBENT|Titulaire|TITULAIRE)\s*:\s*([A-Z][a-z'-]+(?:\s+[A-Z][a-z'-]+){1,2})"
)
_FORM_WORDS = {"General", "Date", "Position", "Department", "Signature", "Name", "Nom", "Responsabilit"}
# Signers written "Last, First" in digital signature stamps ("Digitally signed by Doe, Jane ... Date:").
_STAMPED_NAME = re.compile(r"(?:\bsigned by\s+([A-Z][a-z]+, [A-Z][a-z]+)\b|\b([A-Z][a-z]+, [A-Z][a-z]+) Date\b)")
_ROLE_WORDS = {"Minister", "Director", "Manager", "Deputy", "Assistant"}


def _files() -> list[Path]:
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus is not present")
    return sorted(path for path in CORPUS.rglob("*") if path.is_file() and path.name != "README.md")


def _expected_language(path: Path, raw: str) -> str:
    if path.suffix == ".md":
        return "fr" if re.search(r"^# Description de Travail", raw, re.MULTILINE) else "en"
    return "fr" if re.search(r"\bDE\b", path.stem) else "en"


def _markdown_headings(raw: str, key_pattern: str) -> bool:
    return re.search(rf"^#{{2,3}}\s+(?:{key_pattern})\s*$", raw, re.IGNORECASE | re.MULTILINE) is not None


@pytest.fixture(scope="module")
def results() -> list[tuple[Path, str, ParsedJobDescription | RejectionError]]:
    outcomes: list[tuple[Path, str, ParsedJobDescription | RejectionError]] = []
    for path in _files():
        data = path.read_bytes()
        raw = data.decode("utf-8", errors="replace")
        try:
            outcomes.append((path, raw, parse_document(data, path.name)))
        except RejectionError as rejection:
            outcomes.append((path, raw, rejection))
    return outcomes


def test_every_file_is_parsed_or_rejected_with_a_reason(results) -> None:
    rejected = [(path.name, outcome.reason) for path, _, outcome in results if isinstance(outcome, RejectionError)]
    print(f"\ncorpus: {len(results)} files, {len(rejected)} rejected {rejected}")
    assert all(reason for _, reason in rejected)


def test_job_number_and_classification_agree_with_file_name(results) -> None:
    parsed = [(path, outcome) for path, _, outcome in results if isinstance(outcome, ParsedJobDescription)]
    job_pairs = [(m[0], o.job_number, p.name) for p, o in parsed if (m := _FILE_NAME_JOB_NUMBER.search(p.name))]
    code_pairs = [
        (m[0], o.classification.code if o.classification else None, p.name)
        for p, o in parsed
        if (m := _FILE_NAME_CLASSIFICATION.search(p.name))
    ]
    job_rate = sum(expected == got for expected, got, _ in job_pairs) / len(job_pairs)
    code_rate = sum(expected == got for expected, got, _ in code_pairs) / len(code_pairs)
    print(f"\njob number agreement {job_rate:.1%} of {len(job_pairs)}", end="")
    print(f"; classification {code_rate:.1%} of {len(code_pairs)}")
    print("disagreements:", [pair for pair in job_pairs + code_pairs if pair[0] != pair[1]])
    assert job_rate >= 0.98
    assert code_rate >= 0.98


def test_language_matches_file_name_convention(results) -> None:
    pairs = [
        (_expected_language(path, raw), outcome.language, path.name)
        for path, raw, outcome in results
        if isinstance(outcome, ParsedJobDescription)
    ]
    rate = sum(expected == got or got == "bilingual" for expected, got, _ in pairs) / len(pairs)
    print(
        f"\nlanguage agreement {rate:.1%} of {len(pairs)}; bilingual {sum(got == 'bilingual' for _, got, _ in pairs)}"
    )
    print("disagreements:", [pair for pair in pairs if pair[0] != pair[1]])
    # File names are a convention with exceptions (a French text under a "JD" name exists).
    assert rate >= 0.98


def test_core_headings_present_are_found_as_sections(results) -> None:
    present = found = 0
    missed: list[tuple[str, str]] = []
    for path, raw, outcome in results:
        if not isinstance(outcome, ParsedJobDescription):
            continue
        keys = {section.key for section in outcome.sections}
        for key, pattern in _CORE_HEADINGS.items():
            in_text = _markdown_headings(raw, pattern) if path.suffix == ".md" else re.search(pattern, raw) is not None
            if in_text:
                present += 1
                found += key in keys
                if key not in keys:
                    missed.append((path.name, key))
    recall = found / present
    print(f"\nheading recall {recall:.1%} ({found}/{present}); missed {missed[:20]}")
    assert recall >= 0.95


def test_no_name_after_an_incumbent_label_survives(results) -> None:
    leaked = []
    for path, raw, outcome in results:
        if not isinstance(outcome, ParsedJobDescription):
            continue
        for match in _INCUMBENT_NAME.finditer(raw):
            name = match[1]
            if name.split()[0] not in _FORM_WORDS and name in outcome.text:
                leaked.append(path.name)
    redactions = sum(o.redactions for _, _, o in results if isinstance(o, ParsedJobDescription))
    print(f"\nredactions over the corpus: {redactions}; leaked incumbent names in {len(leaked)} files")
    assert leaked == []


def test_no_stamped_signer_name_survives(results) -> None:
    checked = 0
    leaked = []
    for path, raw, outcome in results:
        if not isinstance(outcome, ParsedJobDescription):
            continue
        for match in _STAMPED_NAME.finditer(raw):
            name = match[1] or match[2]
            if name.split(",")[0] in _ROLE_WORDS:
                continue
            checked += 1
            if name in outcome.text:
                leaked.append((path.name, name))
    print(f"\nstamped signer names: {checked} checked, leaked {leaked}")
    assert leaked == []
