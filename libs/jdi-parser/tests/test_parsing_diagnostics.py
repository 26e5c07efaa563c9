"""Warnings and rejection messages name the field or the problem, never the document's text (no infrastructure)."""

import io
import zipfile

import pytest

from jdi_parser import RejectionError, RejectionReason, parse_document, parse_text

# A person's name standing where each diagnostic could quote the document.
SENTINEL = "Janeth Doerksen"


def _rejection(data: bytes, file_name: str) -> RejectionError:
    with pytest.raises(RejectionError) as caught:
        parse_document(data, file_name)
    return caught.value


def test_warnings_do_not_quote_the_values_they_are_about() -> None:
    text = (
        f"Job Code: 104000 CLASSIFICATION: AS-02 EFFECTIVE DATE: {SENTINEL} Date: {SENTINEL}\n"
        f"GENERAL ACCOUNTABILITY The Director leads. Date: {SENTINEL.split()[0]}"
    )
    parsed = parse_text(text, "EX-01 X 103111 - JD.txt")
    assert parsed.warnings == [
        "classification_conflict: content AS-02, file name EX-01",
        "job_number_conflict: content 104000, file name 103111",
        "effective_date_unparsed",
    ]
    assert [warning for warning in parsed.warnings if SENTINEL.split()[0] in warning] == []


def test_a_corrupt_pdf_is_rejected_without_pypdf_quoting_its_bytes() -> None:
    # pypdf's own message for this file is "Trailer cannot be read: Unexpected type '/JanethDoerksen'".
    pdf = (
        b"%PDF-1.4\n1 0 obj\n<< /Type /JanethDoerksen /Pages 2 0 R >>\nendobj\nxref\n0 2\n"
        b"trailer\n<< /Root 1 0 R /Size 2 >>\nstartxref\n9\n%%EOF"
    )
    rejection = _rejection(pdf, "x.pdf")
    assert "Janeth" not in str(rejection)
    # Not chained either, so a logged traceback does not carry pypdf's message.
    assert rejection.__cause__ is None and rejection.__suppress_context__


def test_a_broken_docx_is_rejected_without_zipfile_quoting_member_names() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    # The local header names another member than the directory does: zipfile quotes both names.
    data = buffer.getvalue().replace(b"word/document.xml", b"word/Janeth_Doe.x", 1)
    rejection = _rejection(data, "x.docx")
    assert "Janeth" not in str(rejection)
    assert rejection.__cause__ is None and rejection.__suppress_context__


@pytest.mark.parametrize(
    ("data", "file_name"),
    [
        (b"PK\x03\x04" + SENTINEL.encode() * 20, "x.docx"),
        (b"%PDF-1.4\n" + SENTINEL.encode() * 20, "x.pdf"),
        (b"\xff\xfe" + SENTINEL.encode("utf-16-le") + b"\x00\xd8", "x.txt"),
        (b"\x00" + SENTINEL.encode(), "x.txt"),
        (" ".join([SENTINEL[:3]] * 200).encode(), "x.txt"),
    ],
)
def test_no_rejection_message_quotes_the_document(data: bytes, file_name: str) -> None:
    rejection = _rejection(data, file_name)
    assert "Janeth" not in str(rejection) and "Jan Jan" not in str(rejection)


def test_a_docx_with_damaged_offsets_is_a_corrupt_document() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    # A shorter name in the local header shifts every offset after it: zipfile fails with a ValueError.
    data = buffer.getvalue().replace(b"word/document.xml", b"word/x.xml", 1)
    assert _rejection(data, "x.docx").reason is RejectionReason.CORRUPT_DOCUMENT
