"""OCR repair, fields, sections, personal data and language on synthetic text (no infrastructure)."""

import io
import json
import re
from pathlib import Path

import pytest

from jdi_cli.parse_output import parse_paths_to_json, write_parse_output
from jdi_parser import ParseLimits, parse_text
from jdi_parser.anchored_search import anchored_finditer
from jdi_parser.dimensions import extract_budgets, extract_ftes
from jdi_parser.headings import find_headings
from jdi_parser.language import detect_language
from jdi_parser.ocr_repair import clean_text, repair_ocr_digits
from jdi_parser.redaction import redact_personal_data
from jdi_samples import generate_job_description, generate_job_descriptions

OCR_FORM = (
    "WORK DESCRIPTION POSITION TITLE: Director, Client Data DIRECTORATE: Data Services BRANCH: Digital "
    "CLASSIFICATION: EX-OI EFFECTIVE DATE: December I, 2OO5 Job Code IO3249 Incumbent : Jane Doe-Smith "
    "GENERAL ACCOUNTABILITY The Director is accountable for the general accountability framework of the "
    "unit and its organizational structure reviews. ORGANIZATIONAL STRUCTURE Four managers report to the "
    "Director. NATURE AND SCOPE The unit serves all regions. The work is com-\nplex. Page 2 of 4\n"
    "DIMENSIONS FTEs: 4O Budget: $675,OOO Grants: $I2 Billion SPECIFIC ACCOUNTIBILITIES I. Directs the "
    "unit. CERTIFICATION The foregoing is accurate. Signature: John Roe Date: 2OI2-O3-O7"
)


def test_ocr_digits_are_repaired_only_in_number_and_code_contexts() -> None:
    repaired = repair_ocr_digits("EX-OI IO3249 2OO7 $675,OOO Ottawa OIL Illinois Ontario I am Part I")
    assert repaired == "EX-01 103249 2007 $675,000 Ottawa OIL Illinois Ontario I am Part I"
    assert repair_ocr_digits("AS-O2, EC-5 and PM-04") == "AS-02, EC-05 and PM-04"


def test_page_joins_hyphenation_and_whitespace_are_cleaned() -> None:
    cleaned = clean_text(
        "--- Full Extracted Text ---\nThe decision-\nmaking and medium-  term   plans Page 3 of 4\ncontinue here."
    )
    assert cleaned == "The decisionmaking and medium-term plans continue here."


def test_ocr_form_fields_sections_and_redaction() -> None:
    parsed = parse_text(OCR_FORM, "EX-01 Dir, Client Data 103249 - JD.txt")
    assert parsed.job_number == "103249"
    assert parsed.classification is not None and parsed.classification.code == "EX-01"
    assert parsed.title == "Director, Client Data"
    assert parsed.fields["directorate"] == "Data Services"
    assert parsed.fields["branch"] == "Digital"
    assert parsed.fields["effective_date"] == "2005-12-01"
    assert parsed.fields["ftes"] == 40
    assert [budget["amount"] for budget in parsed.fields["budgets"]] == [675_000.0, 12e9]
    keys = [section.key for section in parsed.sections]
    assert keys == [
        "general_accountability",
        "organization_structure",
        "nature_and_scope",
        "dimensions",
        "specific_accountabilities",
    ]
    # Lower-case "general accountability" and "organizational structure" in prose do not cut a section.
    assert "organizational structure reviews" in parsed.sections[0].text
    assert "The work is complex." in parsed.sections[2].text
    assert parsed.sections[-1].text == "I. Directs the unit."
    assert "foregoing" not in " ".join(section.text for section in parsed.sections)
    assert "Jane" not in parsed.text and "Roe" not in parsed.text
    assert parsed.redactions == 2
    assert parsed.warnings == []


def test_conflict_between_content_and_file_name_is_a_warning() -> None:
    parsed = parse_text(
        "Job Code: 104000 CLASSIFICATION: AS-02\nGENERAL ACCOUNTABILITY Does things.", "EX-01 X 103111 - JD.txt"
    )
    assert parsed.job_number == "104000"
    assert parsed.classification is not None and parsed.classification.code == "AS-02"
    assert any(warning.startswith("job_number_conflict") for warning in parsed.warnings)
    assert any(warning.startswith("classification_conflict") for warning in parsed.warnings)


def test_file_name_is_the_fallback() -> None:
    parsed = parse_text("GENERAL ACCOUNTABILITY The Director leads the team.", "Director-Talent-EX-O2-104213.md")
    assert parsed.job_number == "104213"
    assert parsed.classification is not None and parsed.classification.code == "EX-02"


@pytest.mark.parametrize(
    "heading",
    [
        "2. SPECIFIC ACCOUNTABILITIES",
        "Specific accountabilities:",
        "RESPONSABILITES SPECIFIQUES",
        "SPECIFIC ACCOUNTABILITIES / RESPONSABILITÉS SPÉCIFIQUES",
        "## Specific Accountabilities",
    ],
)
def test_heading_variants_are_recognised(heading: str) -> None:
    parsed = parse_text(f"Intro line.\n{heading}\nLeads the team.", "x.txt")
    assert [(section.key, section.text) for section in parsed.sections] == [
        ("specific_accountabilities", "Leads the team.")
    ]


def test_french_ocr_heading_without_accents() -> None:
    parsed = parse_text("RESPONSABILITES G N RALES Le directeur dirige l'equipe et la strategie du secteur.", "x.txt")
    assert parsed.sections[0].key == "general_accountability"


def test_personal_data_is_replaced_with_typed_placeholders() -> None:
    text, count = redact_personal_data(
        "Contact jane.doe@example.org or (613) 555-0199. Titulaire : Marie Tremblay. The incumbent Leads teams. "
        "Name of supervisor: Paul Smith. Budget: $1,200,000"
    )
    assert text == (
        "Contact [EMAIL] or [PHONE]. Titulaire : [NAME]. The incumbent Leads teams. "
        "Name of supervisor: [NAME]. Budget: $1,200,000"
    )
    assert count == 4


def test_redaction_can_be_switched_off() -> None:
    parsed = parse_text(
        "Incumbent: Jane Doe\nGENERAL ACCOUNTABILITY Leads.", "x.txt", ParseLimits(redact_personal_data=False)
    )
    assert "Jane Doe" in parsed.text and parsed.redactions == 0


def test_language_en_fr_and_bilingual() -> None:
    english = generate_job_description(1, "en").text
    french = generate_job_description(1, "fr").text
    assert detect_language(english) == "en"
    assert detect_language(french) == "fr"
    assert detect_language(english + "\n" + french) == "bilingual"
    assert detect_language("12345 ---") is None


def test_dimensions_money_forms() -> None:
    amounts = [
        b["amount"]
        for b in extract_budgets("Salary: $4.5M; O&M: $171K; Grants: 2,5 millions de dollars; Capital: 1 200 000 $")
    ]
    assert amounts == [4.5e6, 171e3, 2.5e6, 1.2e6]
    assert extract_ftes("ETP : 23") == 23
    assert extract_ftes("there are 87 FTEs") == 87


def test_samples_are_deterministic_and_parse_back() -> None:
    first = [sample.text for sample in generate_job_descriptions(20, seed=7)]
    assert first == [sample.text for sample in generate_job_descriptions(20, seed=7)]
    assert first != [sample.text for sample in generate_job_descriptions(20, seed=8)]
    for sample in generate_job_descriptions(20, seed=7):
        parsed = parse_text(sample.text, "sample.txt")
        assert (parsed.job_number, parsed.language, parsed.title) == (sample.job_number, sample.language, sample.title)
        assert parsed.classification is not None and parsed.classification.code == sample.classification


def test_cli_output_objects(tmp_path: Path) -> None:
    good = tmp_path / "EX-01 Dir 103249 - JD.txt"
    good.write_text(OCR_FORM)
    (tmp_path / "empty.txt").write_bytes(b"")
    results = {Path(result["source"]).name: result for result in parse_paths_to_json([tmp_path])}
    assert results["empty.txt"] == {
        "source": str(tmp_path / "empty.txt"),
        "rejected": {"reason": "empty_document", "message": "the document is empty"},
    }
    parsed = results[good.name]
    assert set(parsed) == {
        "source",
        "job_number",
        "classification",
        "title",
        "language",
        "department",
        "sections",
        "fields",
        "redactions",
        "warnings",
    }
    assert parsed["classification"] == "EX-01" and parsed["redactions"] == 2
    assert set(parsed["sections"][0]) == {"key", "heading", "text"}


def test_cli_jsonl_output_is_one_object_per_line(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(OCR_FORM)
    (tmp_path / "b.txt").write_bytes(b"")
    out = io.StringIO()
    assert write_parse_output([tmp_path], out, jsonl=True) == 0
    lines = out.getvalue().splitlines()
    sources = [json.loads(line)["source"] for line in lines]
    assert [source.endswith(name) for source, name in zip(sources, ("a.txt", "b.txt"), strict=True)] == [True, True]


def _bilingual_form(seed: int) -> str:
    """A synthetic bilingual form: each section's English text followed by its French text."""
    english = parse_text(generate_job_description(seed, "en").text, "en.txt").sections
    french = parse_text(generate_job_description(seed, "fr").text, "fr.txt").sections
    blocks = [f"{en.heading} / {fr.heading}\n{en.text}\n{fr.text}" for en, fr in zip(english, french, strict=True)]
    return "WORK DESCRIPTION / DESCRIPTION DE TRAVAIL\n" + "\n".join(blocks)


def test_bilingual_form_is_bilingual() -> None:
    parsed = parse_text(_bilingual_form(5), "form.txt")
    assert parsed.language == "bilingual"
    assert parsed.sections[0].key == "general_accountability"


def test_english_form_with_bilingual_headings_is_english() -> None:
    english = generate_job_description(5, "en").text
    with_french_headings = english.replace(
        "GENERAL ACCOUNTABILITY", "GENERAL ACCOUNTABILITY / RESPONSABILITÉS GÉNÉRALES"
    )
    assert parse_text(with_french_headings, "form.txt").language == "en"


def test_both_languages_on_one_ocr_line_count_in_proportion() -> None:
    english = "the director is responsible for the planning of the programs and the advice to the minister"
    french = "le directeur est responsable de la planification des programmes et des conseils au ministre"
    assert detect_language(" ".join([english, french] * 10)) == "bilingual"
    assert detect_language(" ".join([english] * 9 + [french])) == "en"


@pytest.mark.parametrize(
    ("heading", "key"),
    [
        ("DÉFIS", "key_challenges"),
        ("D FIS", "key_challenges"),
        ("Principaux défis", "key_challenges"),
        ("HIÉRARCHIE", "organization_structure"),
        ("HI RARCHIE", "organization_structure"),
        ("ÉTENDUE DES RESPONSABILITÉS", "dimensions"),
        ("TENDUE DES RESPONSABILITES", "dimensions"),
        ("ÉTUDES", "education"),
        ("EXP RIENCE", "experience"),
        ("Raison d'être", "general_accountability"),
        ("Key Activities", "specific_accountabilities"),
        ("Données chiffrées", "dimensions"),
        ("Conditions de travail", "working_conditions"),
        ("Autres renseignements", "other"),
    ],
)
def test_accented_and_ocr_damaged_headings_are_found(heading: str, key: str) -> None:
    assert [(found.key, found.heading) for found in find_headings(f"Intro line.\n{heading}\nBody text.")] == [
        (key, heading)
    ]


def test_anchored_search_finds_what_a_full_scan_finds() -> None:
    pattern = re.compile(r"(?<![\w])(?:director(?:\s+general)?|manager)\b", re.IGNORECASE)
    texts = [OCR_FORM, generate_job_description(2, "en").text, "DIRECTOR GENERAL and the İstanbul manager Director"]
    for text in texts:
        anchored = [match.span() for match in anchored_finditer(pattern, text, {"director": 0, "manager": 0})]
        assert anchored == [match.span() for match in pattern.finditer(text)]
        assert anchored


def test_headings_side_by_side_share_the_columns_text() -> None:
    # A two-column table read row by row: both columns' text follows both headings.
    parsed = parse_text(
        "GENERAL ACCOUNTABILITY Leads the unit. ORGANIZATIONAL STRUCTURE: DIMENSIONS: Reports to: the Director "
        "General. FTEs: 12 SPECIFIC ACCOUNTABILITIES 1. Directs the unit.",
        "x.txt",
    )
    assert [(section.key, section.text) for section in parsed.sections] == [
        ("general_accountability", "Leads the unit."),
        ("organization_structure", "Reports to: the Director General. FTEs: 12"),
        ("dimensions", "Reports to: the Director General. FTEs: 12"),
        ("specific_accountabilities", "1. Directs the unit."),
    ]
    assert parsed.fields["ftes"] == 12


def test_an_empty_heading_on_its_own_line_gets_no_text() -> None:
    parsed = parse_text("DIMENSIONS\nSPECIFIC ACCOUNTABILITIES\n1. Directs the unit.", "x.txt")
    assert [section.key for section in parsed.sections] == ["specific_accountabilities"]


def test_an_extraction_tools_partial_copy_before_the_full_text_is_dropped() -> None:
    text = (
        "--- Structured Job Description ---\nSPECIFIC ACCOUNTABILITIES: 1. Directs the unit.\n\n"
        "--- Full Extracted Text ---\nPOSITION TITLE: Director, Data EFFECTIVE DATE: June 3, 2OO6 "
        "GENERAL ACCOUNTABILITY Leads the unit. SPECIFIC ACCOUNTABILITIES: 1. Directs the unit."
    )
    parsed = parse_text(text, "x.txt")
    assert [section.key for section in parsed.sections] == ["general_accountability", "specific_accountabilities"]
    assert parsed.title == "Director, Data"
    assert parsed.fields["effective_date"] == "2006-06-03"
