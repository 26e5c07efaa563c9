"""Reduce Markdown to plain lines: heading markers, emphasis and bullet markers removed."""

import re

_HEADING_MARKER = re.compile(r"^[ \t]{0,3}#{1,6}[ \t]+", re.MULTILINE)
_BULLET_MARKER = re.compile(r"^[ \t]*[*+-][ \t]+", re.MULTILINE)
_EMPHASIS = re.compile(r"(\*\*|__|(?<!\w)\*(?=\S)|(?<=\S)\*(?!\w))")


def markdown_to_text(markdown: str) -> str:
    text = _HEADING_MARKER.sub("", markdown)
    text = _BULLET_MARKER.sub("- ", text)
    return _EMPHASIS.sub("", text)
