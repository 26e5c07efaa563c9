"""Parse the effective dates found on forms (English and French, OCR-damaged accents) to ISO."""

import re
from datetime import date

from jdi_parser.accents import ANY_E

_A = ANY_E
_MONTHS: dict[str, int] = {
    "january": 1,
    "february": 2,
    "march": 3,
    "april": 4,
    "may": 5,
    "june": 6,
    "july": 7,
    "august": 8,
    "september": 9,
    "october": 10,
    "november": 11,
    "december": 12,
    "janvier": 1,
    "fevrier": 2,
    "mars": 3,
    "avril": 4,
    "mai": 5,
    "juin": 6,
    "juillet": 7,
    "aout": 8,
    "septembre": 9,
    "octobre": 10,
    "novembre": 11,
    "decembre": 12,
}
_MONTH = (
    r"(?P<month>january|february|march|april|may|june|july|august|september|october|november|december"
    rf"|janvier|f{_A}vrier|mars|avril|mai|juin|juillet|ao(?:û|u| )?t|septembre|octobre|novembre|d{_A}cembre)"
)
_ISO = re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<month>\d\d)-(?P<day>\d\d)\b")
_MONTH_FIRST = re.compile(
    rf"\b{_MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<year>(?:19|20)\d\d)\b", re.IGNORECASE
)
_DAY_FIRST = re.compile(rf"\b(?P<day>\d{{1,2}})(?:er)?\s+{_MONTH},?\s+(?P<year>(?:19|20)\d\d)\b", re.IGNORECASE)
_FOLDED = str.maketrans({"é": "e", "û": "u", " ": ""})


def parse_date(value: str) -> str | None:
    """Return the first recognisable date in ``value`` as YYYY-MM-DD, or None."""
    for pattern in (_ISO, _MONTH_FIRST, _DAY_FIRST):
        match = pattern.search(value)
        if match is None:
            continue
        month_text = match["month"].lower().translate(_FOLDED)
        month = int(month_text) if month_text.isdigit() else _MONTHS.get(month_text, 0)
        try:
            return date(int(match["year"]), month, int(match["day"])).isoformat()
        except ValueError:
            continue
    return None
