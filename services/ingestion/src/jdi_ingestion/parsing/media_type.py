"""Detect a document's media type from its bytes, using the file extension only as a tie-breaker."""

import zipfile
from io import BytesIO
from pathlib import PurePath

from jdi_ingestion.parsing.errors import DocumentRejected, RejectionReason

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
HTML = "text/html"
MARKDOWN = "text/markdown"
PLAIN_TEXT = "text/plain"

# Signatures of binary formats we recognise but do not accept.
_UNSUPPORTED_SIGNATURES: dict[bytes, str] = {
    b"\xd0\xcf\x11\xe0": "legacy Office (OLE) document",
    b"\x89PNG": "PNG image",
    b"\xff\xd8\xff": "JPEG image",
    b"GIF8": "GIF image",
    b"II*\x00": "TIFF image",
    b"MM\x00*": "TIFF image",
    b"\x1f\x8b": "gzip archive",
    b"{\\rtf": "RTF document",
}
_HTML_MARKERS = ("<!doctype html", "<html", "<body", "<head", "<p>", "<div", "<h1", "<table")
_MARKDOWN_EXTENSIONS = {".md", ".markdown"}


def detect_media_type(data: bytes, file_name: str) -> str:
    head = data[:1024]
    if b"%PDF-" in head:
        return PDF
    if data.startswith(b"PK\x03\x04"):
        return _detect_zip_media_type(data)
    for signature, description in _UNSUPPORTED_SIGNATURES.items():
        if data.startswith(signature):
            raise DocumentRejected(RejectionReason.UNSUPPORTED_MEDIA_TYPE, f"{description} is not a supported format")
    return detect_text_media_type(head.decode("latin-1"), file_name)


def detect_text_media_type(head: str, file_name: str) -> str:
    """Tell HTML, Markdown and plain text apart from the first characters of decoded text."""
    extension = PurePath(file_name).suffix.lower()
    lowered = head.lstrip("\ufeff \t\r\n").lower()
    if extension in {".html", ".htm"} or lowered.startswith(("<!doctype html", "<html")):
        return HTML
    if any(marker in lowered[:1024] for marker in _HTML_MARKERS) and lowered.startswith("<"):
        return HTML
    if extension in _MARKDOWN_EXTENSIONS or lowered.startswith("# ") or "\n## " in lowered:
        return MARKDOWN
    return PLAIN_TEXT


def _detect_zip_media_type(data: bytes) -> str:
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            names = set(archive.namelist())
    except zipfile.BadZipFile as error:
        raise DocumentRejected(RejectionReason.CORRUPT_DOCUMENT, f"broken ZIP container: {error}") from error
    if "word/document.xml" in names:
        return DOCX
    raise DocumentRejected(RejectionReason.UNSUPPORTED_MEDIA_TYPE, "ZIP archive that is not a Word (.docx) document")
