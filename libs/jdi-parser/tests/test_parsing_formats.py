"""Format detection, extraction and rejection of hostile input (no infrastructure)."""

import io
import zipfile

import pytest
from pypdf import PdfWriter

from jdi_contracts import events
from jdi_parser import (
    ParseLimits,
    RejectionError,
    RejectionReason,
    parse_document,
)
from jdi_parser.limits import DEFAULT_LIMITS
from jdi_parser.media_type import detect_media_type
from jdi_samples import generate_job_description

_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _docx(body_xml: str, header_xml: str | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", f"<w:document {_W}><w:body>{body_xml}</w:body></w:document>")
        if header_xml is not None:
            archive.writestr("word/header1.xml", f"<w:hdr {_W}>{header_xml}</w:hdr>")
    return buffer.getvalue()


def _paragraph(text: str) -> str:
    return f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>"


def _rejection(data: bytes, name: str, limits: ParseLimits = DEFAULT_LIMITS) -> RejectionReason:
    with pytest.raises(RejectionError) as caught:
        parse_document(data, name, limits)
    assert caught.value.message
    return caught.value.reason


def test_docx_paragraphs_tables_and_headers_are_extracted() -> None:
    table = (
        "<w:tbl><w:tr><w:tc>"
        + _paragraph("Position Title")
        + "</w:tc><w:tc>"
        + _paragraph("Director, Data Strategy")
        + "</w:tc></w:tr></w:tbl>"
    )
    body = table + _paragraph("GENERAL ACCOUNTABILITY") + _paragraph("The Director is accountable for data.")
    parsed = parse_document(_docx(body, header_xml=_paragraph("Job Code: 104321")), "upload.docx")
    assert parsed.media_type.endswith("wordprocessingml.document")
    assert parsed.job_number == "104321"
    assert parsed.title == "Director, Data Strategy"
    assert parsed.sections[0].key == "general_accountability"
    assert parsed.sections[0].text == "The Director is accountable for data."


def test_docx_zip_bomb_is_rejected_by_compression_ratio() -> None:
    bomb = _docx(_paragraph("A" * 2_000_000))
    assert _rejection(bomb, "bomb.docx") == RejectionReason.ARCHIVE_BOMB


def test_docx_over_uncompressed_limit_is_rejected() -> None:
    limits = ParseLimits(max_docx_uncompressed_bytes=1_000, max_docx_compression_ratio=1e9)
    assert _rejection(_docx(_paragraph("word " * 500)), "big.docx", limits) == RejectionReason.ARCHIVE_BOMB


def test_pdf_without_text_layer_is_rejected() -> None:
    writer = PdfWriter()
    writer.add_blank_page(width=612, height=792)
    buffer = io.BytesIO()
    writer.write(buffer)
    assert _rejection(buffer.getvalue(), "scan.pdf") == RejectionReason.NO_TEXT_LAYER


def test_pdf_page_limit_is_enforced() -> None:
    writer = PdfWriter()
    for _ in range(3):
        writer.add_blank_page(width=612, height=792)
    buffer = io.BytesIO()
    writer.write(buffer)
    assert _rejection(buffer.getvalue(), "long.pdf", ParseLimits(max_pdf_pages=2)) == RejectionReason.TOO_MANY_PAGES


def test_truncated_pdf_is_corrupt() -> None:
    assert _rejection(b"%PDF-1.7\n1 0 obj << /Type /Catalog", "broken.pdf") == RejectionReason.CORRUPT_DOCUMENT


@pytest.mark.parametrize(
    ("data", "name", "reason"),
    [
        (b"", "empty.txt", RejectionReason.EMPTY_DOCUMENT),
        (b"  \n\t ", "blank.txt", RejectionReason.EMPTY_DOCUMENT),
        (bytes(range(256)) * 20, "garbage.txt", RejectionReason.UNSUPPORTED_MEDIA_TYPE),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 50, "photo.docx", RejectionReason.UNSUPPORTED_MEDIA_TYPE),
        (b"PK\x03\x04 not really a zip", "fake.docx", RejectionReason.CORRUPT_DOCUMENT),
        (b"\xff\xfe" + b"\x00\xd8", "odd.txt", RejectionReason.UNDECODABLE_TEXT),
    ],
)
def test_hostile_input_is_rejected_with_a_reason(data: bytes, name: str, reason: RejectionReason) -> None:
    assert _rejection(data, name) == reason


def test_size_limit_is_enforced() -> None:
    assert _rejection(b"x" * 101, "big.txt", ParseLimits(max_bytes=100)) == RejectionReason.TOO_LARGE


def test_plain_zip_is_not_a_docx() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "hello")
    assert _rejection(buffer.getvalue(), "notes.docx") == RejectionReason.UNSUPPORTED_MEDIA_TYPE


def test_type_comes_from_bytes_not_extension() -> None:
    sample = generate_job_description(3, "en")
    parsed = parse_document(sample.text.encode(), "misnamed.pdf")
    assert parsed.media_type == "text/plain"
    assert parsed.job_number == sample.job_number


def test_cp1252_text_is_decoded() -> None:
    text = (
        "TITRE DU POSTE : Directrice, Stratégie des données\nRESPONSABILITÉS GÉNÉRALES\n"
        "La directrice est responsable de la stratégie et des données."
    )
    parsed = parse_document(text.encode("cp1252"), "poste.txt")
    assert parsed.title == "Directrice, Stratégie des données"
    assert parsed.sections[0].key == "general_accountability"
    assert "stratégie" in parsed.sections[0].text


def test_html_is_reduced_to_text() -> None:
    html = (
        "<html><head><style>p {color: red}</style></head><body><h1>Job Description</h1>"
        "<p>Classification: EC-05</p><h2>Nature and Scope</h2><p>The analyst works on &amp; leads research.</p>"
        "<script>alert('x')</script></body></html>"
    )
    parsed = parse_document(html.encode(), "page.html")
    assert parsed.media_type == "text/html"
    assert parsed.classification is not None and parsed.classification.code == "EC-05"
    assert parsed.sections[0].key == "nature_and_scope"
    assert parsed.sections[0].text == "The analyst works on & leads research."
    assert "alert" not in parsed.text and "color" not in parsed.text


def test_markdown_sample_round_trip() -> None:
    sample = generate_job_description(11, "fr")
    parsed = parse_document(sample.markdown.encode(), "poste.md")
    assert parsed.media_type == "text/markdown"
    assert parsed.language == "fr"
    assert parsed.job_number == sample.job_number
    assert parsed.department == sample.department
    assert [section.key for section in parsed.sections] == [
        "general_accountability",
        "organization_structure",
        "nature_and_scope",
        "dimensions",
        "specific_accountabilities",
    ]


def _pdf_with_text(lines: list[str]) -> bytes:
    """A one-page PDF whose content stream draws ``lines`` in Helvetica: a real text layer, written by hand."""
    escaped = (line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") for line in lines)
    fonts = "<< /Font << /F1 4 0 R >> >>"
    stream = "BT /F1 11 Tf 72 740 Td 14 TL " + " ".join(f"({line}) Tj T*" for line in escaped) + " ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources {fonts} /Contents 5 0 R >>",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        f"<< /Length {len(stream.encode('cp1252'))} >>\nstream\n{stream}\nendstream",
    ]
    pdf = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(pdf))
        pdf += f"{number} 0 obj\n{body}\nendobj\n".encode("cp1252")
    xref = len(pdf)
    pdf += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    pdf += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    pdf += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return pdf


def test_pdf_with_a_text_layer_is_parsed() -> None:
    pdf = _pdf_with_text(
        [
            "Position Title: Director, Data Strategy (Ottawa)",
            "Job Code: 104321",
            "Classification: EX-01",
            "GENERAL ACCOUNTABILITY",
            "The Director is accountable for the data strategy of the department.",
            "SPECIFIC ACCOUNTABILITIES",
            "Leads the data governance board and reports on results.",
        ]
    )
    parsed = parse_document(pdf, "upload.bin")
    assert parsed.media_type == "application/pdf"
    assert (parsed.job_number, parsed.title) == ("104321", "Director, Data Strategy (Ottawa)")
    assert parsed.classification is not None and parsed.classification.code == "EX-01"
    assert [section.key for section in parsed.sections] == ["general_accountability", "specific_accountabilities"]
    assert parsed.sections[0].text == "The Director is accountable for the data strategy of the department."
    assert parsed.language == "en"


_HTML = (
    "<html><body><h1>Job Description</h1><p>Classification: EC-05</p><h2>Nature and Scope</h2>"
    "<p>The analyst works on research &amp; policy.</p></body></html>"
)


@pytest.mark.parametrize(
    "data",
    [
        b"\xef\xbb\xbf" + _HTML.encode(),
        _HTML.encode("utf-16"),
        ("\n\n   <!-- exported by the HR system -->\n" + _HTML).encode(),
        ('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0//EN">' + _HTML).encode(),
        ("Exported job description\n" + _HTML).encode(),
    ],
    ids=["utf8-bom", "utf16-bom", "whitespace-comment", "xml-declaration", "text-before-fragment"],
)
def test_html_is_recognised_from_content_whatever_comes_first(data: bytes) -> None:
    assert detect_media_type(data, "upload.txt") == "text/html"
    parsed = parse_document(data, "upload.txt")
    assert parsed.media_type == "text/html"
    assert parsed.sections[0].key == "nature_and_scope"
    assert parsed.sections[0].text == "The analyst works on research & policy."
    assert "<" not in parsed.text


def test_text_mentioning_a_tag_stays_plain_text() -> None:
    assert detect_media_type(b"Budget < 100 and the <p> tag once", "notes.txt") == "text/plain"


def test_rejection_reasons_are_the_event_contract_codes() -> None:
    assert RejectionReason is events.RejectionReason
    with pytest.raises(RejectionError) as caught:
        parse_document(b"", "empty.txt")
    assert caught.value.reason is events.RejectionReason.EMPTY_DOCUMENT


@pytest.mark.parametrize("unit", ["Signature ", "Name: ", "I.", "Page ", "EX-", "SIGNATURES Jane Doe Date "])
def test_long_single_line_repetitions_parse(unit: str) -> None:
    # Function words after the repetition keep the line readable text, so every pass of the parser runs over it.
    parsed = parse_document((unit * 3000 + " of the" * 1000).encode(), "one-line.txt")
    assert parsed.text
    assert parsed.classification is None
