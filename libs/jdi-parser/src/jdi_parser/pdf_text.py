"""Extract the text layer of a PDF with pypdf; a PDF without one is rejected."""

from io import BytesIO

from pypdf import PdfReader

from jdi_parser.errors import RejectionError, RejectionReason
from jdi_parser.limits import ParseLimits

# Fewer visible characters per page than this means the pages are images (a scan).
_MIN_CHARACTERS_PER_PAGE = 20


def extract_pdf_text(data: bytes, limits: ParseLimits) -> str:
    try:
        reader = PdfReader(BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise RejectionError(RejectionReason.CORRUPT_DOCUMENT, "PDF is encrypted with a password")
        page_count = len(reader.pages)
        if page_count > limits.max_pdf_pages:
            raise RejectionError(
                RejectionReason.TOO_MANY_PAGES, f"PDF has {page_count} pages, over the limit of {limits.max_pdf_pages}"
            )
        pages = [page.extract_text() or "" for page in reader.pages]
    except RejectionError:
        raise
    except Exception as error:  # noqa: BLE001 - any failure of pypdf on the file means it cannot be read
        # pypdf fails on malformed files with errors of many types (its own, KeyError, IndexError, RecursionError
        # ...), whose messages quote bytes of the document: only the type is named, and the error is not
        # chained, so no log or dead-letter record carries its message either.
        raise RejectionError(RejectionReason.CORRUPT_DOCUMENT, f"unreadable PDF ({type(error).__name__})") from None
    visible = sum(len("".join(page.split())) for page in pages)
    if page_count == 0 or visible < _MIN_CHARACTERS_PER_PAGE * page_count:
        raise RejectionError(
            RejectionReason.NO_TEXT_LAYER, "PDF has no text layer (scanned image?); OCR it before submitting"
        )
    return "\n".join(pages)
