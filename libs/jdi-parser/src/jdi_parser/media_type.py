"""Detect a document's media type from its bytes, using the file extension only as a tie-breaker."""

import codecs
import re
import zipfile
from io import BytesIO
from pathlib import PurePath

from jdi_parser.docx_text import DAMAGED_ARCHIVE
from jdi_parser.errors import RejectionError, RejectionReason

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
# What may come before the first tag of an HTML document: a byte-order mark, blank space, comments
# and an XML declaration.
_HTML_PREAMBLE = re.compile(r"\A(?:[\s\ufeff]+|<!--.*?-->|<\?xml[^>]*>)*", re.DOTALL)
_HTML_TAG = re.compile(
    r"<(?:!doctype\s+html|html|head|body|p|div|h[1-6]|table|tr|td|ul|ol|li|br|span|section|article|meta|title)\b[^<>]*>",
    re.IGNORECASE,
)
# An HTML fragment after a line of plain text still shows several tags in the first kilobyte.
_MIN_TAGS_OF_A_FRAGMENT = 3
_MARKDOWN_EXTENSIONS = {".md", ".markdown"}


def detect_media_type(data: bytes, file_name: str) -> str:
    head = data[:1024]
    if b"%PDF-" in head:
        return PDF
    if data.startswith(b"PK\x03\x04"):
        return _detect_zip_media_type(data)
    for signature, description in _UNSUPPORTED_SIGNATURES.items():
        if data.startswith(signature):
            raise RejectionError(RejectionReason.UNSUPPORTED_MEDIA_TYPE, f"{description} is not a supported format")
    return detect_text_media_type(_decode_head(head), file_name)


def detect_text_media_type(head: str, file_name: str) -> str:
    """Tell HTML, Markdown and plain text apart from the first characters of decoded text."""
    extension = PurePath(file_name).suffix.lower()
    content = _HTML_PREAMBLE.sub("", head, count=1)
    if extension in {".html", ".htm"} or _HTML_TAG.match(content):
        return HTML
    if extension in _MARKDOWN_EXTENSIONS or content.startswith("# ") or "\n## " in content:
        return MARKDOWN
    if len(_HTML_TAG.findall(head)) >= _MIN_TAGS_OF_A_FRAGMENT:
        return HTML
    return PLAIN_TEXT


def _decode_head(head: bytes) -> str:
    """Enough of the first bytes as text to recognise markup; a byte-order mark picks UTF-16."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return head.decode("utf-16", errors="ignore")
    return head.decode("utf-8", errors="ignore")


def _detect_zip_media_type(data: bytes) -> str:
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            names = set(archive.namelist())
    except DAMAGED_ARCHIVE:
        # zipfile's messages may quote member names, which are part of the document: not chained.
        raise RejectionError(RejectionReason.CORRUPT_DOCUMENT, "broken ZIP container") from None
    if "word/document.xml" in names:
        return DOCX
    raise RejectionError(RejectionReason.UNSUPPORTED_MEDIA_TYPE, "ZIP archive that is not a Word (.docx) document")
