"""Names of signers on signature and certification blocks do not survive parsing (no infrastructure)."""

from jdi_parser import ParseLimits, parse_text

FORM = (
    "Position Title: Director, Data Services\n"
    "GENERAL ACCOUNTABILITY\nThe Director leads the data services of the branch.\n"
    "SPECIFIC ACCOUNTABILITIES\n1. Leads the unit.\n"
    "Jane Doe  Signature of Incumbent\n"
    "CERTIFICATION\nThe foregoing is an accurate description of the position.\n"
    "Mary-Ann Tremblay   Date: 2020-01-15\n"
    "Date Robert Brown Director General, Data Policy\n"
    "Approved by Hall, Karen Date: 2025-01-29\n"
    "Signature: Paul Lee\n"
)
NAMES = ("Jane", "Doe", "Mary-Ann", "Tremblay", "Robert", "Brown", "Hall", "Karen", "Paul", "Lee")


def test_names_before_and_after_signature_and_date_labels_are_redacted() -> None:
    parsed = parse_text(FORM, "x.txt")
    section_text = " ".join(section.text for section in parsed.sections)
    assert [name for name in NAMES if name in parsed.text or name in section_text] == []
    assert parsed.redactions == 5
    assert "[NAME] Signature of Incumbent" in parsed.text
    assert "Date [NAME] Director General, Data Policy" in parsed.text


def test_titles_and_units_in_signature_blocks_are_kept() -> None:
    block = (
        "GENERAL ACCOUNTABILITY\nThe Director leads the data services of the branch.\n"
        "SIGNATURES\nDirector, Strategic Compensation Date: 2021-09-01\n"
        "Assistant Deputy Minister Date Human Resources Council\n"
        "Senior Director, Poverty Reduction & Social Inclusion Date:\n"
    )
    parsed = parse_text(block, "x.txt")
    assert parsed.redactions == 0
    assert "Strategic Compensation" in parsed.text and "Human Resources Council" in parsed.text


def test_signature_word_in_prose_is_not_a_label() -> None:
    text = "GENERAL ACCOUNTABILITY\nLeads the Youth Service national signature initiative of Canada.\n"
    parsed = parse_text(text, "x.txt")
    assert parsed.redactions == 0 and "Youth Service" in parsed.text


def test_names_are_kept_when_redaction_is_off() -> None:
    parsed = parse_text(FORM, "x.txt", ParseLimits(redact_personal_data=False))
    assert all(name in parsed.text for name in NAMES) and parsed.redactions == 0


def test_digital_signature_stamps_in_last_first_form_are_redacted() -> None:
    stamp = (
        "GENERAL ACCOUNTABILITY\nThe Director leads the unit.\n"
        "Supervisor's name: Digitally signed by Brown, Debora Brown, Debora Date: 2024.08.15\n"
        "Manager signature: by Hall, Karen Date: Date: 2025.01.29\n"
    )
    parsed = parse_text(stamp, "x.txt")
    assert [name for name in ("Brown", "Debora", "Hall", "Karen") if name in parsed.text] == []


def test_a_city_and_province_before_a_date_label_is_a_place() -> None:
    parsed = parse_text("LOCATION: Gatineau, Quebec DATE: August 2006\nGENERAL ACCOUNTABILITY Leads.", "x.txt")
    assert parsed.fields["location"] == "Gatineau, Quebec"
    assert parsed.redactions == 0
