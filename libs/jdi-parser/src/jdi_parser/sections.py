"""Split cleaned text into canonical sections; signature and certification blocks are left out.

Headings set side by side, as the columns of a table ("ORGANIZATIONAL STRUCTURE: DIMENSIONS: Reports to: ...
Number of FTEs: ..."), come out of OCR one after the other on the same line, with the columns' text
interleaved after them. No split of that text is reliable, so each of these headings gets all of it.
"""

import re

from jdi_parser.headings import SIGNATURE_BLOCK, HeadingMatch
from jdi_parser.models import Section

# Between two headings of a bilingual form ("GENERAL ACCOUNTABILITY / RESPONSABILITÉ GÉNÉRALE").
_HEADING_JOINER = re.compile(r"[\s/|:\-–—_.()]*")
_LEADING_PUNCTUATION = re.compile(r"^[\s:|.\-–—_)]+")


def split_sections(text: str, headings: list[HeadingMatch]) -> tuple[list[Section], int]:
    """Return the sections under ``headings`` (``find_headings(text)``) and the offset where the first
    heading starts (end of the front matter)."""
    headings = _merge_bilingual(text, headings)
    bodies = []
    for index, heading in enumerate(headings):
        end = headings[index + 1].start if index + 1 < len(headings) else len(text)
        bodies.append(_LEADING_PUNCTUATION.sub("", text[heading.end : end]).strip())
    for index in reversed(range(len(headings) - 1)):
        if not bodies[index] and _side_by_side(text, headings[index], headings[index + 1]):
            bodies[index] = bodies[index + 1]
    sections = [
        Section(key=heading.key, heading=heading.heading.strip(), text=body)
        for heading, body in zip(headings, bodies, strict=True)
        if body and heading.key != SIGNATURE_BLOCK
    ]
    front_matter_end = headings[0].start if headings else len(text)
    return sections, front_matter_end


def signature_block_spans(headings: list[HeadingMatch], text_length: int) -> list[tuple[int, int]]:
    """(start, end) of each signature or certification block: from its heading to the next other heading.
    Consecutive signature headings form one block."""
    spans: list[tuple[int, int]] = []
    block_start: int | None = None
    for heading in headings:
        if heading.key == SIGNATURE_BLOCK:
            block_start = heading.start if block_start is None else block_start
        elif block_start is not None:
            spans.append((block_start, heading.start))
            block_start = None
    if block_start is not None:
        spans.append((block_start, text_length))
    return spans


def _side_by_side(text: str, heading: HeadingMatch, following: HeadingMatch) -> bool:
    """Whether two headings stand next to each other on one line, as column headings do."""
    between = text[heading.end : following.start]
    return following.key != SIGNATURE_BLOCK and "\n" not in between and _HEADING_JOINER.fullmatch(between) is not None


def _merge_bilingual(text: str, headings: list[HeadingMatch]) -> list[HeadingMatch]:
    merged: list[HeadingMatch] = []
    for heading in headings:
        previous = merged[-1] if merged else None
        if (
            previous is not None
            and previous.key == heading.key
            and _HEADING_JOINER.fullmatch(text, previous.end, heading.start)
        ):
            merged[-1] = HeadingMatch(previous.key, text[previous.start : heading.end], previous.start, heading.end)
        else:
            merged.append(heading)
    return merged
