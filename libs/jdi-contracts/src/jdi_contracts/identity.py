"""Document identity shared by every producer of `submitted` (gateway, `jdi submit`, upstream)."""

import uuid

DOCUMENT_NAMESPACE = uuid.UUID("6f0e7a52-9a7c-4f3e-8a1f-3c5d2b1e0a99")


def document_id_for(source_system: str, source_reference: str) -> str:
    """The same source reference always names the same document, so re-sending is harmless."""
    return str(uuid.uuid5(DOCUMENT_NAMESPACE, f"{source_system}\x1f{source_reference}"))
