"""Why a document was rejected: the reason codes of the ``rejected`` event contract, and the exception
that carries one out of the parser."""

from jdi_contracts.events import RejectionReason

__all__ = ["RejectionError", "RejectionReason"]


class RejectionError(Exception):
    """Raised when a document cannot be parsed; carries a reason code and a human message."""

    def __init__(self, reason: RejectionReason, message: str) -> None:
        super().__init__(f"{reason.value}: {message}")
        self.reason = reason
        self.message = message
