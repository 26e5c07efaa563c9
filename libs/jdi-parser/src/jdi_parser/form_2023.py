"""The Government of Canada's job-description template of 2023 on.

It opens with "Part I: Position information and signatures" (the form fields, then the employee's,
supervisor's and manager's signed statements) and goes on with "Part 2: Job description", whose headings
are sentence case ("Organization structure", "Nature and scope"); in OCR text they stand inline in the
running text ("... Part 2: Job description General Accountability The Director is accountable for: ...").
"""

import re

from jdi_parser.anchored_search import anchored_finditer

_PART_ONE_TITLE = r"position\s+information\s+and\s+signatures|renseignements\s+sur\s+le\s+poste\s+et\s+signatures"
_PART_TWO_TITLE = r"job\s+description|description\s+de\s+travail"
# Tried only where "part" occurs (see anchored_search); "Partie" is the French form's.
_PART_TITLE = re.compile(
    rf"(?<![\w])part(?:ie)?\s*(?:(?:1|I)\s*[:.\-–]\s*(?:{_PART_ONE_TITLE})|(?:2|II)\s*[:.\-–]\s*(?P<two>{_PART_TWO_TITLE}))"
    r"(?![\w])",
    re.IGNORECASE,
)
_ANCHORS = {"part": 0}


def is_form_2023(text: str) -> bool:
    """Whether the text holds the form's "Part 2: Job description" title."""
    return any(title["two"] for title in anchored_finditer(_PART_TITLE, text, _ANCHORS))


def separate_part_titles(text: str) -> str:
    """Put each part's title on a line of its own, as on the printed form, so that what follows it starts a
    line."""
    pieces: list[str] = []
    position = 0
    for title in anchored_finditer(_PART_TITLE, text, _ANCHORS):
        pieces.extend((text[position : title.start()].rstrip(" "), "\n", title[0], "\n"))
        position = title.end()
        while text.startswith(" ", position):
            position += 1
    pieces.append(text[position:])
    return "".join(pieces).strip("\n")
