"""Why a document was rejected: a closed set of machine-readable reasons."""

from enum import StrEnum


class RejectionReason(StrEnum):
    EMPTY_DOCUMENT = "empty_document"
    UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type"
    TOO_LARGE = "too_large"
    ARCHIVE_BOMB = "archive_bomb"
    TOO_MANY_PAGES = "too_many_pages"
    NO_TEXT_LAYER = "no_text_layer"
    CORRUPT_DOCUMENT = "corrupt_document"
    UNDECODABLE_TEXT = "undecodable_text"


class DocumentRejected(Exception):
    """Raised when a document cannot be parsed; carries a reason code and a human message."""

    def __init__(self, reason: RejectionReason, message: str) -> None:
        super().__init__(f"{reason.value}: {message}")
        self.reason = reason
        self.message = message
