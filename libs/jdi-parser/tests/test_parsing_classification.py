"""Classification codes: OCR variants normalised only in classification contexts (no infrastructure)."""

import pytest

from jdi_parser import parse_text
from jdi_parser.classification import classification_from_value, find_classification
from jdi_parser.ocr_repair import repair_ocr_digits


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("Classification: EX-OL", "EX-01"),
        ("Classification: EX-0l", "EX-01"),
        ("Classification: EX 01", "EX-01"),
        ("Classification : EX-1", "EX-01"),
        ("GROUP AND LEVEL: EXx-O2", "EX-02"),
        ("Groupe et niveau : EX O3", "EX-03"),
        ("NIVEAU DU POSTE : EX-I", "EX-01"),
        ("Classification: AS02", "AS-02"),
        ("Group/Level: PM 04", "PM-04"),
    ],
)
def test_variants_after_a_classification_label_are_normalised(written: str, code: str) -> None:
    parsed = parse_text(f"Position Title: Director, Data\n{written}\nGENERAL ACCOUNTABILITY Leads the unit.", "x.txt")
    assert parsed.classification is not None and parsed.classification.code == code
    assert code in parsed.text


def test_dashed_and_glued_codes_are_codes_anywhere() -> None:
    repaired = repair_ocr_digits("Managers (EX-OL) and (AS-O6), the DG (EXO3), a manager (EC- 07) and EXxOI")
    assert repaired == "Managers (EX-01) and (AS-06), the DG (EX-03), a manager (EC-07) and EX-01"


@pytest.mark.parametrize(
    "prose",
    [
        "The Chief Ex 6 Officer signed.",
        "The AS02 form was filed.",
        "See EX 01 in the annex.",
        "An ANNEX-1 and a TYPE-1 report.",
        "ex-1 is lower case",
    ],
)
def test_loose_spellings_outside_a_classification_context_are_left_alone(prose: str) -> None:
    assert repair_ocr_digits(prose) == prose
    assert find_classification(prose) is None


def test_the_value_of_a_classification_field_is_a_context() -> None:
    value = classification_from_value("EX 02 (Proposed)")
    assert value is not None and value.code == "EX-02"
    assert classification_from_value("To be determined") is None


def test_labelled_loose_code_in_the_front_matter_is_the_classification() -> None:
    parsed = parse_text("WORK DESCRIPTION\nCLASSIFICATION: AS 07\nGENERAL ACCOUNTABILITY The manager leads.", "x.txt")
    assert parsed.classification is not None and parsed.classification.code == "AS-07"
    assert (parsed.classification.group, parsed.classification.level) == ("AS", "07")
