"""Decode plain-text bytes: BOM-marked UTF-8/UTF-16, then UTF-8, then cp1252, then latin-1."""

import codecs
import re

from jdi_parser.errors import RejectionError, RejectionReason

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Control characters other than tab, newline, carriage return and form feed mark binary content.
_CONTROL_CHARACTER = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")
_MAX_CONTROL_SHARE = 0.01


def decode_text(data: bytes) -> tuple[str, str]:
    """Return (text, encoding name); reject binary content that is not text in any encoding."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return _checked(data.decode(encoding)), encoding
            except UnicodeDecodeError as error:
                raise RejectionError(
                    RejectionReason.UNDECODABLE_TEXT, f"text marked as {encoding} is not valid {encoding}"
                ) from error
    if b"\x00" in data:
        raise RejectionError(RejectionReason.UNSUPPORTED_MEDIA_TYPE, "binary content of an unknown format")
    for encoding in ("utf-8", "cp1252"):
        try:
            return _checked(data.decode(encoding)), encoding
        except UnicodeDecodeError:
            continue
    return _checked(data.decode("latin-1")), "latin-1"


def _checked(text: str) -> str:
    control_count = len(_CONTROL_CHARACTER.findall(text))
    if text and control_count / len(text) > _MAX_CONTROL_SHARE:
        raise RejectionError(RejectionReason.UNSUPPORTED_MEDIA_TYPE, "binary content of an unknown format")
    return text
