"""Section-aware, token-based chunking: windows of at most `max_tokens` word pieces with overlap,
never crossing a section boundary."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from jdi_contracts.events import Parsed, Section

DEFAULT_MAX_TOKENS = 200
DEFAULT_OVERLAP = 40


class TokenSpanner(Protocol):
    def token_spans(self, text: str) -> list[tuple[int, int]]: ...


@dataclass(frozen=True)
class DocumentMeta:
    document_id: str
    version: int
    language: str | None
    classification: str | None
    level: str | None
    job_number: str | None
    title: str | None
    department: str | None

    @classmethod
    def from_parsed(cls, parsed: Parsed) -> "DocumentMeta":
        return cls(
            document_id=parsed.document_id,
            version=parsed.version,
            language=parsed.language,
            classification=parsed.classification.code if parsed.classification else None,
            level=parsed.classification.level if parsed.classification else None,
            job_number=parsed.job_number,
            title=parsed.title,
            department=parsed.department,
        )


@dataclass(frozen=True)
class Chunk:
    document_id: str
    version: int
    chunk_index: int
    section_key: str
    heading: str
    text: str
    language: str | None
    classification: str | None
    level: str | None
    job_number: str | None
    title: str | None
    department: str | None

    @property
    def embedding_text(self) -> str:
        """Text that is embedded and indexed: title and heading give a short chunk its context."""
        return "\n".join(part for part in (self.title, self.heading, self.text) if part)


def _starts_word(spans: list[tuple[int, int]], index: int) -> bool:
    return index == 0 or index >= len(spans) or spans[index][0] > spans[index - 1][1]


def split_into_windows(
    text: str, spanner: TokenSpanner, max_tokens: int = DEFAULT_MAX_TOKENS, overlap: int = DEFAULT_OVERLAP
) -> list[str]:
    """Cut text into pieces of at most max_tokens tokens, consecutive pieces sharing ~overlap tokens.

    Cuts fall between words when a word start lies in the second half of the window.
    """
    if max_tokens < 2 or not 0 <= overlap < max_tokens // 2:
        raise ValueError("need max_tokens >= 2 and 0 <= overlap < max_tokens / 2")
    spans = spanner.token_spans(text)
    if not spans:
        return []
    if len(spans) <= max_tokens:
        return [text[spans[0][0] : spans[-1][1]]]
    windows = []
    start = 0
    while True:
        end = min(start + max_tokens, len(spans))
        if end < len(spans):
            cut = end
            while cut > start + max_tokens // 2 and not _starts_word(spans, cut):
                cut -= 1
            end = cut if _starts_word(spans, cut) else end
        windows.append(text[spans[start][0] : spans[end - 1][1]])
        if end == len(spans):
            return windows
        next_start = end - overlap
        while next_start < end and not _starts_word(spans, next_start):
            next_start += 1
        start = next_start


def chunk_sections(
    meta: DocumentMeta,
    sections: Sequence[Section],
    spanner: TokenSpanner,
    max_tokens: int = DEFAULT_MAX_TOKENS,
    overlap: int = DEFAULT_OVERLAP,
) -> list[Chunk]:
    """Chunk every section on its own; empty sections produce no chunk."""
    chunks: list[Chunk] = []
    for section in sections:
        for window in split_into_windows(section.text, spanner, max_tokens, overlap):
            chunks.append(
                Chunk(
                    document_id=meta.document_id,
                    version=meta.version,
                    chunk_index=len(chunks),
                    section_key=section.key,
                    heading=section.heading,
                    text=window,
                    language=meta.language,
                    classification=meta.classification,
                    level=meta.level,
                    job_number=meta.job_number,
                    title=meta.title,
                    department=meta.department,
                )
            )
    return chunks
