"""First-line checks on uploads, so obvious mistakes get a 4xx at once; ingestion decides the rest."""

import hashlib
from dataclasses import dataclass
from pathlib import PurePath

from jdi_gateway.api.errors import ApiError

ACCEPTED_EXTENSIONS = {".txt", ".text", ".md", ".markdown", ".docx", ".pdf", ".html", ".htm"}
ACCEPTED_MEDIA_TYPES = (
    "text/plain",
    "text/markdown",
    "text/html",
    "application/pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
)


@dataclass(frozen=True)
class Upload:
    file_name: str
    content: bytes
    sha256: str


def check_upload(file_name: str, content: bytes, max_bytes: int, media_type: str | None = None) -> Upload:
    """`media_type` is the one the client declared: it vouches for a file name without a known extension."""
    name = PurePath(file_name.replace("\\", "/")).name.strip()
    if not name or len(name) > 255 or "\x00" in name:
        raise ApiError(422, "invalid_request", "A file name of 1 to 255 characters, without NUL, is required.")
    if not content.strip():
        raise ApiError(422, "empty_document", "The document is empty.")
    if len(content) > max_bytes:
        raise ApiError(413, "too_large", f"The document is {len(content)} bytes; the limit is {max_bytes}.")
    extension = PurePath(name).suffix.lower()
    looks_binary = b"\x00" in content[:8192] and not content.startswith((b"%PDF", b"PK\x03\x04"))
    declared = (media_type or "").split(";")[0].strip().lower()
    unknown_kind = extension and extension not in ACCEPTED_EXTENSIONS and declared not in ACCEPTED_MEDIA_TYPES
    if unknown_kind or looks_binary:
        raise ApiError(
            415,
            "unsupported_media_type",
            f"{name!r} is not a supported document; send .txt, .md, .docx, .pdf or .html.",
        )
    return Upload(name, content, hashlib.sha256(content).hexdigest())
