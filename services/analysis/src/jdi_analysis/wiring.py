"""Analysis's one composition function: real adapters by default, any of them replaceable."""

from dataclasses import dataclass

from faststream.kafka import KafkaBroker
from sqlalchemy.ext.asyncio import AsyncEngine

from jdi_analysis.handlers import AnalysisHandlers
from jdi_analysis.settings import AnalysisServiceSettings
from jdi_analysis.store.port import AnalysisReader, AnalysisStore
from jdi_analysis.store.postgres import PostgresAnalysisReader, PostgresAnalysisStore
from jdi_analysis.store.tables import SCHEMA
from jdi_analyzer.analyzer import Analyzer
from jdi_analyzer.skills.taxonomy import SkillTaxonomy
from jdi_contracts.events import Topic
from jdi_core.broker import Handler, Publish, event_publisher, make_broker
from jdi_core.db import make_engine
from jdi_embedder import OnnxEmbedder


@dataclass(frozen=True)
class Wiring:
    engine: AsyncEngine
    analyzer: Analyzer
    reader: AnalysisReader
    handlers: AnalysisHandlers
    subscriptions: dict[Topic, Handler]


def load_analyzer(settings: AnalysisServiceSettings) -> Analyzer:
    """The packaged ESCO taxonomy and, unless embeddings are off, the ONNX embedder."""
    embedder = OnnxEmbedder.load() if settings.use_embeddings else None
    return Analyzer(settings.analysis_settings(), SkillTaxonomy.load(), embedder)


def wire(
    settings: AnalysisServiceSettings,
    *,
    engine: AsyncEngine | None = None,
    broker: KafkaBroker | None = None,
    analyzer: Analyzer | None = None,
    store: AnalysisStore | None = None,
    reader: AnalysisReader | None = None,
    publish: Publish | None = None,
) -> Wiring:
    """Nothing connects here: the engine and the broker open connections on first use."""
    if engine is None:
        engine = make_engine(settings.database, SCHEMA)
    if analyzer is None:
        analyzer = load_analyzer(settings)
    if publish is None:
        publish = event_publisher(broker or make_broker(settings.kafka), settings.kafka)
    handlers = AnalysisHandlers(analyzer, PostgresAnalysisStore(engine) if store is None else store, publish)
    return Wiring(
        engine=engine,
        analyzer=analyzer,
        reader=PostgresAnalysisReader(engine) if reader is None else reader,
        handlers=handlers,
        subscriptions={Topic.PARSED: handlers.on_parsed, Topic.DELETED: handlers.on_deleted},
    )
