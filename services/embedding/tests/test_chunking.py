import pytest

from jdi_contracts.events import Classification, Parsed
from jdi_embedder import OnnxEmbedder
from jdi_embedding.chunking import DocumentMeta, chunk_sections, split_into_windows

from .conftest import meta, section


class WordSpanner:
    """One token per whitespace-separated word, so expectations are easy to read."""

    def token_spans(self, text: str) -> list[tuple[int, int]]:
        spans, position = [], 0
        for word in text.split():
            start = text.index(word, position)
            spans.append((start, start + len(word)))
            position = start + len(word)
        return spans


def numbered_words(count: int) -> str:
    return " ".join(f"w{i}" for i in range(count))


def test_short_text_is_one_window() -> None:
    assert split_into_windows("  lead the team  ", WordSpanner(), max_tokens=10, overlap=2) == ["lead the team"]


def test_long_text_is_cut_into_overlapping_windows_that_cover_it() -> None:
    windows = split_into_windows(numbered_words(25), WordSpanner(), max_tokens=10, overlap=3)
    words = [window.split() for window in windows]
    assert all(len(w) <= 10 for w in words)
    assert words[0][-3:] == words[1][:3]
    assert words[0][0] == "w0" and words[-1][-1] == "w24"
    covered = {word for window in words for word in window}
    assert covered == {f"w{i}" for i in range(25)}


def test_windows_do_not_split_words_into_word_pieces(embedder: OnnxEmbedder) -> None:
    text = " ".join(["interdepartmental"] * 120)
    for window in split_into_windows(text, embedder, max_tokens=50, overlap=10):
        assert set(window.split()) == {"interdepartmental"}
        assert embedder.count_tokens(window) <= 50


def test_rejects_overlap_that_would_not_advance() -> None:
    with pytest.raises(ValueError):
        split_into_windows("a b c", WordSpanner(), max_tokens=10, overlap=5)


def test_chunks_stay_inside_sections_and_carry_document_fields(embedder: OnnxEmbedder) -> None:
    long_duties = " ".join(
        f"Direct the development of policy number {i} with provinces and stakeholders." for i in range(60)
    )
    sections = [
        section("general_accountability", "General Accountability", "Accountable for national program delivery."),
        section("empty", "Empty", "   "),
        section("specific_accountabilities", "Specific Accountabilities", long_duties),
    ]
    chunks = chunk_sections(meta("doc-1", version=3), sections, embedder, max_tokens=200, overlap=40)

    assert [chunk.chunk_index for chunk in chunks] == list(range(len(chunks)))
    assert chunks[0].section_key == "general_accountability"
    assert chunks[0].text == "Accountable for national program delivery."
    duties = [chunk for chunk in chunks if chunk.section_key == "specific_accountabilities"]
    assert len(duties) >= 4
    assert all(chunk.text in long_duties for chunk in duties)
    assert all(embedder.count_tokens(chunk.text) <= 200 for chunk in chunks)
    assert "empty" not in {chunk.section_key for chunk in chunks}
    for chunk in chunks:
        assert (chunk.document_id, chunk.version, chunk.language, chunk.classification) == ("doc-1", 3, "en", "EX-01")
        assert (chunk.job_number, chunk.title, chunk.level) == ("900001", "Director, Synthetic Programs", "01")
    assert chunks[0].embedding_text.startswith("Director, Synthetic Programs\nGeneral Accountability\n")


def test_document_meta_from_parsed_event() -> None:
    parsed = Parsed(
        document_id="doc-9",
        submission_id="sub-1",
        version=2,
        sha256="0" * 64,
        source_reference="ref",
        file_name="x.md",
        media_type="text/markdown",
        language="fr",
        job_number="123456",
        classification=Classification(group="EX", level="02", code="EX-02"),
        title="Directeur, Programmes",
        department="Ministère",
        sections=[],
        redactions=0,
    )
    assert DocumentMeta.from_parsed(parsed) == DocumentMeta(
        document_id="doc-9",
        version=2,
        language="fr",
        classification="EX-02",
        level="02",
        job_number="123456",
        title="Directeur, Programmes",
        department="Ministère",
    )
