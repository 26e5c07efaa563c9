"""Parse the effective dates found on forms (English and French, OCR-damaged digits and accents) to ISO.

Shapes read: ``2023-06-01`` (also with ``.`` or ``/`` after a four-digit year), ``June 1, 2023``,
``June 1st, 2023``, ``June 1. 2023``, ``Dec. 20, 2018``, ``1er juin 2023``, ``1 juin 2023``, and month and
year alone (``June 2023``, ``juin 2023``). OCR's letters for digits (``O`` for 0, ``I`` and ``l`` for 1) are
read as digits inside these shapes: ``2O23-O6-OI``, ``December I. 1999``, ``April Ist, 2022``.
A month and year alone is recorded as the first of that month with precision ``month``.
"To be determined" (TBD, "à déterminer", a XXXX placeholder) is a date not set yet: precision
``undetermined`` and no date. Ambiguous shapes (``05/02/2019``, two-digit years) are not guessed.
"""

import re
from dataclasses import dataclass
from datetime import date

from jdi_parser.accents import ANY_E, tolerate_accents

DAY = "day"
MONTH = "month"
UNDETERMINED = "undetermined"

_A = ANY_E
# Month name prefixes (folded to ASCII, no dot) of full names and abbreviations, English and French.
_MONTHS: dict[str, int] = {
    "jan": 1,
    "feb": 2,
    "fev": 2,
    "mar": 3,
    "apr": 4,
    "avr": 4,
    "may": 5,
    "mai": 5,
    "jun": 6,
    "juin": 6,
    "jul": 7,
    "juil": 7,
    "aug": 8,
    "aou": 8,
    "aot": 8,
    "sep": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
    # OCR dropped the accented letter: "f vrier", "d cembre".
    "fv": 2,
    "dc": 12,
}
# Longest prefix first: "juil" (July) before "jul", "juin" before "jun".
_MONTH_PREFIXES = sorted(_MONTHS.items(), key=lambda item: -len(item[0]))
_MONTH_NAMES = (
    r"january|february|march|april|may|june|july|august|september|october|november|december"
    rf"|janvier|f{_A}vrier|mars|avril|mai|juin|juillet|ao(?:û|u| )?t|septembre|octobre|novembre|d{_A}cembre"
    rf"|(?:jan|feb|f{_A}vr?|mar|apr|avr|jun|jul|juil|aug|sept?|oct|nov|d{_A}c|janv)\."
    r"|jan|feb|apr|aug|sept?|oct|nov|dec"
)
_MONTH = rf"(?P<month>{_MONTH_NAMES})"
# OCR drops a leading J: "une 17, 2008", "uly 5, 2010" (read only with a day and a year).
_MONTH_OR_DAMAGED = rf"(?P<month>{_MONTH_NAMES}|une|uly)"
_OCR_DIGIT = "[0-9OIl]"
# A superscript ordinal may come out of OCR as a mark: "April 1*, 2021", "April I ", 2024".
_DAY = rf"(?P<day>{_OCR_DIGIT}{{1,2}})(?:st|nd|rd|th|er|\s?[*%\"'’°])?"
_YEAR = rf"(?P<year>[12I]{_OCR_DIGIT}{{3}})"
_NUMERIC = re.compile(
    rf"(?<![\w.]){_YEAR}(?P<separator>[-./])(?P<month>{_OCR_DIGIT}{{1,2}})(?P=separator)(?P<day>{_OCR_DIGIT}{{1,2}})(?![\w])"
)
_MONTH_FIRST = re.compile(
    rf"(?<![\w]){_MONTH_OR_DAMAGED},?\s+{_DAY}[.,]?\s*,?\s+{_YEAR}(?![\w])",
    re.IGNORECASE,
)
_DAY_FIRST = re.compile(rf"(?<![\w]){_DAY}\s+{_MONTH},?\s+{_YEAR}(?![\w])", re.IGNORECASE)
_MONTH_YEAR = re.compile(rf"(?<![\w]){_MONTH},?\s+{_YEAR}(?![\w])", re.IGNORECASE)
_TO_BE_DETERMINED = re.compile(
    r"(?<![\w])(?:TBD|TBO|to\s+be\s+determined|"
    + tolerate_accents(r"à\s+déterminer")
    + r"|[xX]{3,}(?:-[xX]{2}){0,2})(?![\w])",
    re.IGNORECASE,
)
_DIGITS = str.maketrans({"O": "0", "I": "1", "l": "1"})
_FOLDED = str.maketrans({"é": "e", "è": "e", "ê": "e", "ë": "e", "û": "u", " ": "", ".": ""})
_DAMAGED_MONTHS = {"une": 6, "uly": 7}
_YEARS = range(1900, 2100)


@dataclass(frozen=True)
class ParsedDate:
    iso: str | None
    precision: str


def parse_date(value: str) -> ParsedDate | None:
    """The first date in ``value`` (a labelled form value), or an undetermined one; None when neither."""
    for pattern, precision in ((_NUMERIC, DAY), (_MONTH_FIRST, DAY), (_DAY_FIRST, DAY), (_MONTH_YEAR, MONTH)):
        for match in pattern.finditer(value):
            iso = _iso(match, precision)
            if iso is not None:
                return ParsedDate(iso, precision)
    if _TO_BE_DETERMINED.search(value):
        return ParsedDate(None, UNDETERMINED)
    return None


def _iso(match: re.Match[str], precision: str) -> str | None:
    year = int(match["year"].translate(_DIGITS))
    month = _month_number(match["month"])
    day = int(match["day"].translate(_DIGITS)) if precision == DAY else 1
    if year not in _YEARS or month is None:
        return None
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def _month_number(month: str) -> int | None:
    translated = month.translate(_DIGITS)
    if translated.isdigit():
        return int(translated)
    folded = month.lower().translate(_FOLDED)
    if folded in _DAMAGED_MONTHS:
        return _DAMAGED_MONTHS[folded]
    return next((number for prefix, number in _MONTH_PREFIXES if folded.startswith(prefix)), None)
