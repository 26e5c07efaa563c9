"""Federal classification codes (group and level), tolerant of OCR damage such as ``EX-OI``."""

import re

from jdi_ingestion.parsing.models import Classification

# Occupational groups of the federal public service (current and legacy codes).
FEDERAL_GROUPS = (
    "AS", "AU", "BI", "CO", "CR", "CS", "CT", "DA", "DD", "DS", "EC", "ED", "EG", "EL", "EN", "ES",
    "EU", "FB", "FI", "FO", "FR", "FS", "GL", "GS", "GT", "HP", "HR", "IS", "IT", "LA", "LC", "LS",
    "MD", "MT", "NU", "OE", "OM", "PC", "PE", "PG", "PI", "PM", "PR", "PS", "PY", "RE", "RO", "SE",
    "SG", "SO", "SR", "ST", "SW", "TI", "TR", "UT", "VM", "WP",
)
_LEVEL = r"(?P<level>[0-9OIl]{1,2})(?![\w])"
# EX is matched loosely (``Ex-O2``, ``EXx-O2``, ``EX 01``); other groups need a hyphen to avoid prose.
CLASSIFICATION_CODE = re.compile(
    rf"(?<![\w-])(?:(?P<ex>E[Xx])x?[-‐–]?\s?{_LEVEL.replace('level', 'ex_level')}"
    rf"|(?P<group>{'|'.join(FEDERAL_GROUPS)})[-‐–]{_LEVEL})"
)
_DIGIT_LOOKALIKES = str.maketrans({"O": "0", "o": "0", "I": "1", "l": "1"})


def normalise_classification_code(match: re.Match[str]) -> Classification:
    group = "EX" if match["ex"] else match["group"]
    raw_level = match["ex_level"] if match["ex"] else match["level"]
    level = raw_level.translate(_DIGIT_LOOKALIKES).zfill(2)
    return Classification(group=group, level=level, code=f"{group}-{level}")


def find_classification(text: str) -> Classification | None:
    match = CLASSIFICATION_CODE.search(text)
    return normalise_classification_code(match) if match else None
