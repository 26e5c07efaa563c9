"""Run a large case-insensitive alternation only where one of its anchor words occurs.

Python's regex engine tries a pattern that starts with a look-behind or a case-insensitive alternation
at every position of the text, which costs milliseconds on a 17 KB OCR page. Searching a lower-cased
copy for a few literal anchor words is a fast C scan; the full pattern is then tried only there.
"""

import re
from collections.abc import Iterator, Mapping


def anchored_finditer(pattern: re.Pattern[str], text: str, anchors: Mapping[str, int]) -> Iterator[re.Match[str]]:
    """Yield the same matches as ``pattern.finditer(text)``, provided every match of ``pattern`` contains
    one of the ``anchors`` (lower-case literals) starting at most ``anchors[anchor]`` characters after
    the beginning of the match."""
    lowered = text.lower()
    if len(lowered) != len(text):
        # A few characters lower-case to two ("İ"); offsets would drift, so search the slow way.
        yield from pattern.finditer(text)
        return
    end = 0
    for start in sorted(_candidate_starts(lowered, anchors)):
        if start < end:
            continue
        match = pattern.match(text, start)
        if match is not None:
            yield match
            end = max(match.end(), start + 1)


def _candidate_starts(lowered: str, anchors: Mapping[str, int]) -> set[int]:
    starts: set[int] = set()
    for anchor, lookback in anchors.items():
        position = lowered.find(anchor)
        while position >= 0:
            starts.update(range(max(position - lookback, 0), position + 1))
            position = lowered.find(anchor, position + 1)
    return starts
