"""Split cleaned text into canonical sections; signature and certification blocks are left out."""

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
    sections: list[Section] = []
    for index, heading in enumerate(headings):
        if heading.key == SIGNATURE_BLOCK:
            continue
        end = headings[index + 1].start if index + 1 < len(headings) else len(text)
        body = _LEADING_PUNCTUATION.sub("", text[heading.end : end]).strip()
        if body:
            sections.append(Section(key=heading.key, heading=heading.heading.strip(), text=body))
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
