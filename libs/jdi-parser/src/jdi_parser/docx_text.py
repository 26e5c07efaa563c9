"""Extract text from a .docx (paragraphs, tables, headers) with zip-bomb guards."""

import re
import zipfile
import zlib
from io import BytesIO
from xml.etree import ElementTree

from jdi_parser.errors import RejectionError, RejectionReason
from jdi_parser.limits import ParseLimits

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_HEADER_PART = re.compile(r"word/header\d*\.xml")
# What zipfile raises on a damaged archive besides BadZipFile: bad offsets, truncated or corrupt deflate
# streams, compression methods it lacks, encrypted members.
DAMAGED_ARCHIVE = (zipfile.BadZipFile, ValueError, EOFError, zlib.error, NotImplementedError, RuntimeError)


def extract_docx_text(data: bytes, limits: ParseLimits) -> str:
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            _check_archive_size(archive, len(data), limits)
            headers = sorted(name for name in archive.namelist() if _HEADER_PART.fullmatch(name))
            parts = [_read_part(archive, name, limits) for name in [*headers, "word/document.xml"]]
    except DAMAGED_ARCHIVE:
        # zipfile's messages may quote member names, which are part of the document: not chained.
        raise RejectionError(RejectionReason.CORRUPT_DOCUMENT, "broken .docx container") from None
    blocks: list[str] = []
    for part in parts:
        if b"<!DOCTYPE" in part:
            raise RejectionError(RejectionReason.CORRUPT_DOCUMENT, ".docx XML declares a DTD, which Word never writes")
        try:
            # Without a DTD there are no entities to expand, and ElementTree never fetches external resources.
            root = ElementTree.fromstring(part)  # noqa: S314
        except ElementTree.ParseError as error:
            line, column = error.position
            raise RejectionError(
                RejectionReason.CORRUPT_DOCUMENT, f"malformed .docx XML at line {line}, column {column}"
            ) from error
        body = root.find(f"{_W}body")
        blocks.extend(_block_texts(body if body is not None else root))
    return "\n".join(block for block in blocks if block.strip())


def _check_archive_size(archive: zipfile.ZipFile, compressed_size: int, limits: ParseLimits) -> None:
    uncompressed = sum(info.file_size for info in archive.infolist())
    if uncompressed > limits.max_docx_uncompressed_bytes:
        raise RejectionError(
            RejectionReason.ARCHIVE_BOMB,
            f".docx expands to {uncompressed} bytes, over the limit of {limits.max_docx_uncompressed_bytes}",
        )
    ratio = uncompressed / max(compressed_size, 1)
    if ratio > limits.max_docx_compression_ratio:
        raise RejectionError(
            RejectionReason.ARCHIVE_BOMB,
            f".docx compression ratio {ratio:.0f} is over the limit of {limits.max_docx_compression_ratio:.0f}",
        )


def _read_part(archive: zipfile.ZipFile, name: str, limits: ParseLimits) -> bytes:
    # Read at most the limit plus one byte: sizes declared in the ZIP directory can lie.
    with archive.open(name) as part:
        content = part.read(limits.max_docx_uncompressed_bytes + 1)
    if len(content) > limits.max_docx_uncompressed_bytes:
        raise RejectionError(RejectionReason.ARCHIVE_BOMB, f"{name} expands beyond the size limit")
    return content


def _block_texts(container: ElementTree.Element) -> list[str]:
    """Paragraphs as lines and table rows as ' | '-joined cells, in document order."""
    blocks: list[str] = []
    for child in container:
        if child.tag == f"{_W}p":
            blocks.append(_paragraph_text(child))
        elif child.tag == f"{_W}tbl":
            for row in child.iter(f"{_W}tr"):
                cells = [" ".join(_paragraph_text(p) for p in cell.iter(f"{_W}p")) for cell in row.iter(f"{_W}tc")]
                blocks.append(" | ".join(cell.strip() for cell in cells if cell.strip()))
        elif child.tag == f"{_W}sdt":
            content = child.find(f"{_W}sdtContent")
            if content is not None:
                blocks.extend(_block_texts(content))
    return blocks


def _paragraph_text(paragraph: ElementTree.Element) -> str:
    pieces: list[str] = []
    for node in paragraph.iter():
        if node.tag == f"{_W}t" and node.text:
            pieces.append(node.text)
        elif node.tag == f"{_W}tab":
            pieces.append("\t")
        elif node.tag in (f"{_W}br", f"{_W}cr"):
            pieces.append("\n")
    return "".join(pieces)
