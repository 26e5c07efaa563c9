"""Effective dates: the shapes found on forms, OCR's letters for digits, month-year and undetermined dates."""

import pytest

from jdi_parser import parse_text
from jdi_parser.dates import DAY, MONTH, UNDETERMINED, ParsedDate, parse_date


@pytest.mark.parametrize(
    ("value", "iso"),
    [
        ("2023-06-OI", "2023-06-01"),
        ("2007-IO-29", "2007-10-29"),
        ("2024.08.15 17:55:00", "2024-08-15"),
        ("December I. 1999", "1999-12-01"),
        ("March 24. 1998", "1998-03-24"),
        ("April Ist, 2022", "2022-04-01"),
        ("April, Ist 2011", "2011-04-01"),
        ("February, I, 2014", "2014-02-01"),
        ("April 1*, 2021", "2021-04-01"),
        ('April I ", 2024', "2024-04-01"),
        ("Dec. 20, 2018", "2018-12-20"),
        ("Service Canada une 17, 2008", "2008-06-17"),
        ("Service Canada uly 5, 2010", "2010-07-05"),
        ("I septembre 2021", "2021-09-01"),
        ("1er avril 2012", "2012-04-01"),
        ("23 f vrier 2004", "2004-02-23"),
        ("3 août 2010", "2010-08-03"),
        ("RHDCC I7 juin 2008 Secteur", "2008-06-17"),
    ],
)
def test_day_month_year_shapes(value: str, iso: str) -> None:
    assert parse_date(value) == ParsedDate(iso, DAY)


@pytest.mark.parametrize(
    ("value", "iso"),
    [
        ("January 2006", "2006-01-01"),
        ("Septembre 2004", "2004-09-01"),
        ("October 2005 (review & update)", "2005-10-01"),
        ("December 2OIO", "2010-12-01"),
        ("ao t 2010", "2010-08-01"),
    ],
)
def test_month_and_year_is_the_first_of_the_month(value: str, iso: str) -> None:
    assert parse_date(value) == ParsedDate(iso, MONTH)


@pytest.mark.parametrize("value", ["TBD", "TBO", "To Be Determined", "à déterminer", "A d terminer", "XXXX"])
def test_to_be_determined_is_undetermined(value: str) -> None:
    assert parse_date(value) == ParsedDate(None, UNDETERMINED)


@pytest.mark.parametrize(
    "value", ["05/02/2019", "OI-02-91", "Ne du poste", "May 32, 2011", "Il septembre", "1899-01-01"]
)
def test_ambiguous_impossible_and_missing_dates_are_not_guessed(value: str) -> None:
    assert parse_date(value) is None


def test_a_day_precise_date_wins_over_a_month_named_before_it() -> None:
    assert parse_date("May 2011, revised June 3, 2012") == ParsedDate("2012-06-03", DAY)


def test_parsed_fields_carry_the_date_and_its_precision() -> None:
    parsed = parse_text("EFFECTIVE DATE: May 2OII\nGENERAL ACCOUNTABILITY Leads the unit.", "x.txt")
    assert parsed.fields["effective_date"] == "2011-05-01"
    assert parsed.fields["effective_date_precision"] == MONTH
    assert parsed.warnings == []


def test_a_date_to_be_determined_is_recorded_and_not_warned_about() -> None:
    parsed = parse_text("Effective Date: To Be Determined\nGENERAL ACCOUNTABILITY Leads the unit.", "x.txt")
    assert parsed.fields["effective_date"] is None
    assert parsed.fields["effective_date_precision"] == UNDETERMINED
    assert parsed.warnings == []


def test_a_date_in_a_long_table_row_is_read() -> None:
    row = "Date d'entrée en vigueur RHDCC I avril 2OI2 Secteur d'activité " + "Services stratégiques " * 10
    parsed = parse_text(f"{row}\nRESPONSABILITÉS GÉNÉRALES Le directeur dirige.", "x.txt")
    assert parsed.fields["effective_date"] == "2012-04-01"


def test_an_unreadable_date_is_a_warning() -> None:
    parsed = parse_text("EFFECTIVE DATE: Deputy Chief Financial Officer\nGENERAL ACCOUNTABILITY Leads.", "x.txt")
    assert "effective_date" not in parsed.fields
    assert parsed.warnings == ["effective_date_unparsed"]
