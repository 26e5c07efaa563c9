"""OCR nonsense (a rotated scan read as letters): whole documents are rejected, single pages dropped."""

import random

import pytest

from jdi_parser import RejectionError, RejectionReason, parse_document, parse_text
from jdi_parser.readability import drop_unreadable_blocks

PAGE = (
    "GENERAL ACCOUNTABILITY The Director is accountable for the planning and the delivery of the programs of "
    "the branch, for the advice given to the senior management of the department and for the management of "
    "the resources of the division. NATURE AND SCOPE The Director leads a team of analysts and is responsible "
    "for the relations with the provinces, the territories and the other departments of the government."
)


def _letter_soup(tokens: int, seed: int) -> str:
    """What OCR makes of a page scanned sideways: short runs of letters, digits and marks."""
    generator = random.Random(seed)  # noqa: S311 - seeded synthetic text, not security
    alphabet = "aeioubcdfgSBEReszg235:;.#*|"
    return " ".join("".join(generator.choices(alphabet, k=generator.randint(1, 4))) for _ in range(tokens))


def test_a_document_of_nonsense_is_rejected_as_unreadable_text() -> None:
    pages = "\n".join(_letter_soup(120, seed) for seed in range(3))
    with pytest.raises(RejectionError) as caught:
        parse_document(pages.encode(), "rotated.txt")
    assert caught.value.reason is RejectionReason.UNREADABLE_TEXT


def test_nonsense_on_short_lines_is_judged_on_the_whole_text() -> None:
    # A PDF text layer of a rotated scan: many short lines, none long enough to judge alone.
    lines = "\n".join(_letter_soup(8, seed) for seed in range(40))
    with pytest.raises(RejectionError) as caught:
        parse_text(lines, "rotated.pdf.txt")
    assert caught.value.reason is RejectionReason.UNREADABLE_TEXT


def test_a_nonsense_page_is_dropped_from_a_readable_document() -> None:
    soup = _letter_soup(80, seed=5)
    parsed = parse_text(f"{PAGE}\n{PAGE}\n{soup}", "x.txt")
    assert soup not in parsed.text
    assert all(soup[:20] not in section.text for section in parsed.sections)
    assert parsed.warnings == ["unreadable_blocks_dropped: 1"]


def test_most_pages_of_nonsense_reject_the_document() -> None:
    pages = "\n".join([PAGE, *(_letter_soup(150, seed) for seed in range(3))])
    with pytest.raises(RejectionError) as caught:
        drop_unreadable_blocks(pages)
    assert caught.value.reason is RejectionReason.UNREADABLE_TEXT


def test_short_texts_and_tables_of_codes_are_kept() -> None:
    table = "Position number | 104213 | EX-01 | NCR | CBC | Secret | 2O24-O6-OI"
    assert drop_unreadable_blocks(table) == (table, 0)
    assert drop_unreadable_blocks(PAGE) == (PAGE, 0)
