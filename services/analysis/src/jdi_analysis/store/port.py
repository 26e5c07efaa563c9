"""What the handlers and the comparison API need from storage; PostgreSQL in production, in-memory
fakes in unit tests."""

from collections.abc import Collection
from typing import Protocol

from jdi_analyzer.comparison import ComparableDocument
from jdi_contracts.events import Analyzed, Parsed


class AnalysisStore(Protocol):
    async def stored_version(self, document_id: str) -> int | None: ...

    async def save(self, parsed: Parsed, analyzed: Analyzed) -> None:
        """Keep the analysis of this version unless a newer version is stored already."""

    async def delete(self, document_id: str) -> None: ...


class AnalysisReader(Protocol):
    async def documents(self, document_ids: Collection[str]) -> dict[str, ComparableDocument]: ...

    async def career_candidates(self, group: str, levels: Collection[str]) -> list[ComparableDocument]: ...
