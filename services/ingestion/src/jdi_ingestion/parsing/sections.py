"""Split cleaned text into canonical sections; signature and certification blocks are left out."""

import re

from jdi_ingestion.parsing.headings import SIGNATURE_BLOCK, HeadingMatch
from jdi_ingestion.parsing.models import Section

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
    """(start, end) of each signature or certification block: from its heading to the next other heading."""
    spans: list[tuple[int, int]] = []
    for index, heading in enumerate(headings):
        if heading.key != SIGNATURE_BLOCK:
            continue
        following = (h.start for h in headings[index + 1 :] if h.key != SIGNATURE_BLOCK)
        end = next(following, text_length)
        if spans and spans[-1][1] == end:
            continue
        spans.append((heading.start, end))
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
