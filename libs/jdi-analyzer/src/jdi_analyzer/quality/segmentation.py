"""Sentences and words with character offsets, robust to OCR prose.

OCR'd forms often lose bullets and full stops, so a "sentence" is cut at
terminal punctuation, at line breaks that start a list item, and, failing both,
every MAX_SENTENCE_WORDS words; otherwise one run-on page would read as a
single 400-word sentence.
"""

import re
from dataclasses import dataclass

MAX_SENTENCE_WORDS = 40

WORD_RE = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*")
_BOUNDARY_RE = re.compile(
    r"(?<=[.!?;])\s+"  # terminal punctuation (and ';' which separates list items)
    r"|\n\s*(?:[-*•]|\d+[.)])\s+"  # a new bullet or numbered item
    r"|\n\s*\n"  # a blank line
    r"|\n(?=\s*[A-ZÀ-Ý])"  # a line break before a capital: a new line item
)


@dataclass(frozen=True)
class Span:
    text: str
    start: int
    end: int


def words(text: str, offset: int = 0) -> list[Span]:
    return [Span(m.group(), m.start() + offset, m.end() + offset) for m in WORD_RE.finditer(text)]


def sentences(text: str) -> list[Span]:
    """Sentence spans of ``text``; offsets index into ``text``."""
    result: list[Span] = []
    position = 0
    for boundary in [*_BOUNDARY_RE.finditer(text), None]:
        end = boundary.start() if boundary else len(text)
        result.extend(_cut_long(text, position, end))
        if boundary:
            position = boundary.end()
    return result


def _cut_long(text: str, start: int, end: int) -> list[Span]:
    chunk = text[start:end]
    stripped = chunk.strip()
    if not WORD_RE.search(stripped):
        return []
    start += chunk.index(stripped)
    tokens = words(stripped, start)
    pieces: list[Span] = []
    for first in range(0, len(tokens), MAX_SENTENCE_WORDS):
        group = tokens[first : first + MAX_SENTENCE_WORDS]
        piece_start = group[0].start if first else start
        piece_end = group[-1].end if first + MAX_SENTENCE_WORDS < len(tokens) else start + len(stripped)
        pieces.append(Span(text[piece_start:piece_end], piece_start, piece_end))
    return pieces
