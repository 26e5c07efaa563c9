"""Federal classification codes (group and level), tolerant of OCR damage such as ``EX-OI``.

A code written with a dash (``EX-OI``, ``EXx-O2``, ``Ex- O3``, ``AS-O6``) is a code wherever it stands,
and so is an upper-case EX glued to a two-character level starting with a zero (``EXO3``, ``EXxOI``):
OCR dropped the dash, and no word is spelled that way. Looser spellings (``EX 01``, ``EX 1``, ``AS02``)
are read as codes only in a classification context: right after a classification label
("Classification:", "Group and level", "Niveau") or as the value of a classification field.
Elsewhere such tokens are left alone ("Chief Ex 6 Officer").
"""

import re
from collections.abc import Callable
from dataclasses import dataclass

from jdi_parser.anchored_search import anchored_finditer
from jdi_parser.models import Classification

# Occupational groups of the federal public service (current and legacy codes).
FEDERAL_GROUPS = (
    "AS",
    "AU",
    "BI",
    "CO",
    "CR",
    "CS",
    "CT",
    "DA",
    "DD",
    "DS",
    "EC",
    "ED",
    "EG",
    "EL",
    "EN",
    "ES",
    "EU",
    "FB",
    "FI",
    "FO",
    "FR",
    "FS",
    "GL",
    "GS",
    "GT",
    "HP",
    "HR",
    "IS",
    "IT",
    "LA",
    "LC",
    "LS",
    "MD",
    "MT",
    "NU",
    "OE",
    "OM",
    "PC",
    "PE",
    "PG",
    "PI",
    "PM",
    "PR",
    "PS",
    "PY",
    "RE",
    "RO",
    "SE",
    "SG",
    "SO",
    "SR",
    "ST",
    "SW",
    "TI",
    "TR",
    "UT",
    "VM",
    "WP",
)
# Two letters; "Ex" is how OCR sometimes reads EX, and "EXx-O2" carries a stray x.
_GROUP = rf"(?P<group>{'|'.join(FEDERAL_GROUPS)}|E[Xx])"
_LEVEL = r"(?P<level>[0-9OIlL]{1,2})(?![\w])"
_DASH = "[-‐–]"
# Tried only around dashes, which stand two or three characters into a code ("EX-", "EXx-").
_DASHED_CODE = re.compile(rf"(?<![\w-]){_GROUP}x?{_DASH} ?{_LEVEL}")
_DASH_ANCHORS = {"-": 3, "‐": 3, "–": 3}
# Starts with the literal "EX", which the engine finds fast; the look-behind then checks what precedes it.
_GLUED_EX_CODE = re.compile(r"(?P<group>EX)(?<![\w-]EX)x?(?P<level>[0O][0-9OIlL])(?![\w])")
_LOOSE_CODE = re.compile(rf"(?<![\w-]){_GROUP}x?{_DASH}? ?{_LEVEL}")
_LABELLED_CODE = re.compile(
    r"(?<![\w])(?i:classification|groupe?\s*(?:and|et|&|/)\s*(?:level|niveau)|class\s*/\s*level|level"
    r"|niveau(?:\s+du\s+poste)?)\s*[:|]?\s*"
    rf"(?P<code>{_LOOSE_CODE.pattern})"
)
_LABEL_ANCHORS = dict.fromkeys(("classification", "group", "class", "level", "niveau"), 0)
_DIGIT_LOOKALIKES = str.maketrans({"O": "0", "o": "0", "I": "1", "l": "1", "L": "1"})


@dataclass(frozen=True)
class CodeOccurrence:
    start: int
    end: int
    classification: Classification


def find_classification_codes(text: str) -> list[CodeOccurrence]:
    """Every classification code in ``text``, in order, without overlaps."""
    labelled = anchored_finditer(_LABELLED_CODE, text, _LABEL_ANCHORS)
    by_start = {match.start("code"): _occurrence(match, "code") for match in labelled}
    dashed = anchored_finditer(_DASHED_CODE, text, _DASH_ANCHORS)
    for match in [*dashed, *_GLUED_EX_CODE.finditer(text)]:
        by_start.setdefault(match.start(), _occurrence(match, 0))
    occurrences: list[CodeOccurrence] = []
    for start in sorted(by_start):
        if not occurrences or start >= occurrences[-1].end:
            occurrences.append(by_start[start])
    return occurrences


def find_classification(text: str) -> Classification | None:
    occurrences = find_classification_codes(text)
    return occurrences[0].classification if occurrences else None


def classification_from_value(value: str) -> Classification | None:
    """The code in the value of a classification field, where loose spellings are expected too."""
    match = _LOOSE_CODE.search(value)
    return _occurrence(match, 0).classification if match else None


def replace_classification_codes(text: str, replacement: Callable[[Classification], str]) -> str:
    """Replace every code found by ``find_classification_codes`` with ``replacement(code)``."""
    pieces: list[str] = []
    position = 0
    for occurrence in find_classification_codes(text):
        pieces.append(text[position : occurrence.start])
        pieces.append(replacement(occurrence.classification))
        position = occurrence.end
    pieces.append(text[position:])
    return "".join(pieces)


def _occurrence(match: re.Match[str], code_group: str | int) -> CodeOccurrence:
    group = match["group"].upper()
    level = match["level"].translate(_DIGIT_LOOKALIKES).zfill(2)
    classification = Classification(group=group, level=level, code=f"{group}-{level}")
    return CodeOccurrence(match.start(code_group), match.end(code_group), classification)
