"""Normalise extracted text and repair OCR damage in code and number contexts only.

OCR reads the digits 0 and 1 as the letters O, I or l. Those are repaired only inside tokens
that already contain a digit (``IO3249``, ``2OO7``, ``$675,OOO``), inside classification codes
(``EX-OI``) and in the day of a date (``December I, 2005``). Ordinary words have no digit and are
never touched.
"""

import re
import unicodedata

from jdi_parser.anchored_search import anchored_finditer
from jdi_parser.classification import replace_classification_codes

_DIGIT_LOOKALIKES = str.maketrans({"O": "0", "o": "0", "I": "1", "l": "1", "|": "1"})

# Most patterns below start with a literal character or a small character class and check what precedes
# it with a look-behind afterwards: the regex engine then jumps between occurrences of those characters
# instead of trying every position of pages that OCR turned into single lines of several kilobytes.

# A token made of digits and look-alike letters with , or . groups, starting a run of such characters
# that holds a real digit (the first character is one, or one follows): "IO3249", "$I.5M".
_DAMAGED_NUMBER = re.compile(
    r"[0-9OIl](?<![\w].)(?:(?<=[0-9])|(?=[0-9OIl,.]{0,30}[0-9]))[0-9OIl]*(?:[,.][0-9OIl]+)*(?![\w])"
)
_MONTH_DAY = re.compile(
    r"(January|February|March|April|May|June|July|August|September|October|November|December)"
    r"\s+([0-9OIl]{1,2})(?=,?\s+[0-9OIl]{4}\b)"
)
_EXTRACTION_BANNER = re.compile(r"---(?<=^---)[^\n]*---[ \t]*$", re.MULTILINE)
# OCR output under this banner is the whole text; what an extraction tool put before it copies part of it.
_FULL_TEXT_BANNER = re.compile(r"^---[ \t]*Full Extracted Text[ \t]*---[ \t]*$", re.MULTILINE)
# Tried only where "page" occurs (see anchored_search).
_PAGE_MARKER = re.compile(
    r"(?<![\w])page\s+[0-9OIl]{1,3}\s+(?:of|de|of/de|de/of|/)\s*[0-9OIl]{1,3}\b\s*", re.IGNORECASE
)
_OTHER_HORIZONTAL_SPACE = re.compile(r"[\t\u00a0\u2000-\u200b\u202f\u3000]")
_SPACE_RUN = re.compile(r"  +")
_LINE_END_HYPHENATION = re.compile(r"-\n(?<=[a-zà-ÿ]-\n)(?=[a-zà-ÿ])")
_SPACED_HYPHEN = re.compile(r"- (?<=[a-zà-ÿ]- )(?=[a-zà-ÿ])")
_SOFT_LINE_BREAK = re.compile(r"\n(?<=[^\s.:;!?]\n)(?=[a-zà-ÿ(])")
_BLANK_LINES = re.compile(r"\n\n\n+")


def clean_text(text: str) -> str:
    """Normalise Unicode and whitespace, remove page artefacts, rejoin hyphenated and broken lines."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\f", "\n").replace("\u00ad", "").replace("\x00", "")
    full_text = _FULL_TEXT_BANNER.search(text)
    if full_text is not None:
        text = text[full_text.end() :]
    text = _EXTRACTION_BANNER.sub("", text)
    text = _remove_page_markers(text)
    text = _SPACE_RUN.sub(" ", _OTHER_HORIZONTAL_SPACE.sub(" ", text))
    # Spaces are single now, so these two replacements drop all spaces around line breaks.
    text = text.replace(" \n", "\n").replace("\n ", "\n")
    text = _LINE_END_HYPHENATION.sub("", text)
    text = _SPACED_HYPHEN.sub("-", text)
    text = _SOFT_LINE_BREAK.sub(" ", text)
    return _BLANK_LINES.sub("\n\n", text).strip()


def _remove_page_markers(text: str) -> str:
    """Replace each "Page 2 of 4" marker and the whitespace around it with one line break."""
    pieces: list[str] = []
    position = 0
    for marker in anchored_finditer(_PAGE_MARKER, text, {"page": 0}):
        start = marker.start()
        while start > position and text[start - 1].isspace():
            start -= 1
        pieces.append(text[position:start])
        pieces.append("\n")
        position = marker.end()
    pieces.append(text[position:])
    return "".join(pieces)


def repair_ocr_digits(text: str) -> str:
    text = replace_classification_codes(text, lambda classification: classification.code)
    text = _MONTH_DAY.sub(lambda match: f"{match[1]} {match[2].translate(_DIGIT_LOOKALIKES)}", text)
    return _DAMAGED_NUMBER.sub(_repair_number, text)


def _repair_number(match: re.Match[str]) -> str:
    return match[0].translate(_DIGIT_LOOKALIKES)
