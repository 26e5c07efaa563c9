"""Kafka handlers: analyse each parsed version, store it, publish `analyzed`; honour deletes."""

import asyncio

from faststream.kafka import KafkaMessage

from jdi_analysis.store.port import AnalysisStore
from jdi_analyzer.analyzer import AnalysisInput, AnalysisInputError, AnalysisResult, Analyzer
from jdi_contracts.events import Analyzed, DocumentAnalyzed, DocumentDeleted, DocumentParsed
from jdi_core.broker import PermanentError, Publish

SOURCE = "/jdi/analysis"


class AnalysisHandlers:
    def __init__(self, analyzer: Analyzer, store: AnalysisStore, publish: Publish) -> None:
        self._analyzer = analyzer
        self._store = store
        self._publish = publish

    async def on_parsed(self, message: KafkaMessage) -> None:
        parsed = DocumentParsed.from_bytes(message.body).data
        stored = await self._store.stored_version(parsed.document_id)
        if stored is not None and stored > parsed.version:
            return  # a newer version was analysed already; a replay changes nothing
        # Analysis is CPU-bound; keep the event loop free for the consumer and HTTP.
        try:
            result = await asyncio.to_thread(
                self._analyzer.analyze, AnalysisInput.from_record(parsed.document_id, parsed.version, parsed)
            )
        except AnalysisInputError as error:
            raise PermanentError(f"{error.code}: {error}") from error
        analyzed = to_contract(result)
        await self._store.save(parsed, analyzed)
        await self._publish(DocumentAnalyzed.wrap(analyzed, source=SOURCE, subject=parsed.document_id))

    async def on_deleted(self, message: KafkaMessage) -> None:
        await self._store.delete(DocumentDeleted.from_bytes(message.body).data.document_id)


def to_contract(result: AnalysisResult) -> Analyzed:
    return Analyzed.model_validate(result.to_dict())
