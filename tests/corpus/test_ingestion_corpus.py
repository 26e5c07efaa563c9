"""Parsing quality over the real corpus in ../shared/corpus (skipped when absent). Prints the figures."""

import re
from pathlib import Path

import pytest

from jdi_parser import ParsedJobDescription, RejectionError, RejectionReason, parse_document

from .corpus_files import corpus_files

pytestmark = pytest.mark.corpus

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
# Readable effective dates, independent of the parser: within the characters after an effective-date label,
# a month name (English or French, any case, accents lost) before a year, or a numeric date; OCR letters
# for digits allowed. "To be determined" and its forms are read as undetermined.
_EFFECTIVE_DATE_LABEL = re.compile(r"effective date|date d.?entr.?e en vigueur", re.IGNORECASE)
_LABEL_WINDOW = 45
_YEAR = re.compile(r"(?<![\w])[12I][90O][0-9OIl]{2}(?![\w])")
_MONTH_NAME = re.compile(
    r"(?<![\w])(?:jan|feb|f[ée ]?v|mar|apr|avr|ma[iy]|jun|jui|jul|aug|ao[uû ]?t|sep|oct|nov|dec|d[ée ]?c)",
    re.IGNORECASE,
)
_NUMERIC_DATE = re.compile(
    r"[12I][90O][0-9OIl]{2}[-./][0-9OIl]{1,2}[-./][0-9OIl]{1,2}|[0-9OIl]{1,2}[-./][0-9OIl]{1,2}[-./][12I][90O][0-9OIl]{2}"
)
_UNDETERMINED = re.compile(r"(?<![\w])(?:TBD|TBO|to be determined|[àa]? ?d.?terminer|XXXX)(?![\w])", re.IGNORECASE)
_OCR_DIGITS = str.maketrans("OIl", "011")
# What a warning may say after its name: the parser's own words, classification codes and numbers.
_WARNING = re.compile(r"[a-z_]+(?:: (?:content|file name|[A-Z]{2}-\d\d|\d+|,| )+)?")


def _files() -> list[Path]:
    return corpus_files() or pytest.skip("../shared/corpus is not present")


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


def _readable_effective_date(raw: str) -> tuple[str | None, str] | None:
    """(year, label window) of the first readable effective date, (None, window) for an undetermined one."""
    for label in _EFFECTIVE_DATE_LABEL.finditer(raw):
        window = raw[label.end() : label.end() + _LABEL_WINDOW]
        year = _YEAR.search(window)
        if year and (_MONTH_NAME.search(window, 0, year.start()) or _NUMERIC_DATE.search(window)):
            return year[0].translate(_OCR_DIGITS), window
        if _UNDETERMINED.search(window, 0, 25):
            return None, window
    return None


def test_every_file_is_parsed_or_rejected_with_a_reason(results) -> None:
    rejected = [(path.name, outcome.reason) for path, _, outcome in results if isinstance(outcome, RejectionError)]
    print(f"\ncorpus: {len(results)} files, {len(rejected)} rejected {rejected}")
    assert all(reason for _, reason in rejected)


def test_every_parsed_document_has_sections(results) -> None:
    parsed = [(path, outcome) for path, _, outcome in results if isinstance(outcome, ParsedJobDescription)]
    without = [path.name for path, outcome in parsed if not outcome.sections]
    print(f"\ndocuments without sections: {len(without)} of {len(parsed)} {without}")
    assert without == []


def test_readable_effective_dates_are_parsed(results) -> None:
    dated = undetermined = 0
    unparsed: list[tuple[str, str]] = []
    unrecorded: list[tuple[str, str]] = []
    for path, raw, outcome in results:
        if not isinstance(outcome, ParsedJobDescription) or (readable := _readable_effective_date(raw)) is None:
            continue
        year, window = readable
        if year is None:
            undetermined += 1
            if outcome.fields.get("effective_date_precision") != "undetermined":
                unrecorded.append((path.name, window))
        else:
            dated += 1
            if not str(outcome.fields.get("effective_date") or "").startswith(year):
                unparsed.append((path.name, window))
    rate = 1 - len(unparsed) / dated
    print(f"\nreadable effective dates parsed {rate:.1%} ({dated - len(unparsed)}/{dated}); unparsed {unparsed}")
    print(f"undetermined recorded {undetermined - len(unrecorded)}/{undetermined}; not recorded {unrecorded}")
    assert rate >= 0.95
    assert len(unrecorded) <= undetermined * 0.1


def test_no_real_document_is_unreadable_and_nonsense_pages_are_dropped(results) -> None:
    unreadable = [
        path.name
        for path, _, outcome in results
        if isinstance(outcome, RejectionError) and outcome.reason == RejectionReason.UNREADABLE_TEXT
    ]
    dropped = [
        (path.name, warning)
        for path, _, outcome in results
        if isinstance(outcome, ParsedJobDescription)
        for warning in outcome.warnings
        if warning.startswith("unreadable_blocks_dropped")
    ]
    print(f"\nrejected as unreadable_text: {unreadable}; nonsense pages dropped: {dropped}")
    assert unreadable == []


def test_warnings_never_quote_the_document(results) -> None:
    warnings = [
        (path.name, warning)
        for path, _, outcome in results
        if isinstance(outcome, ParsedJobDescription)
        for warning in outcome.warnings
    ]
    print(f"\nwarnings: {len(warnings)}")
    assert [pair for pair in warnings if not _WARNING.fullmatch(pair[1])] == []


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
    assert recall >= 0.99


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
