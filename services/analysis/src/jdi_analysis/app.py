"""Composition root of the analysis service: analyzer (ESCO taxonomy, embedder), PostgreSQL, Kafka."""

import asyncio
from pathlib import Path

from fastapi import FastAPI

from jdi_analysis import api
from jdi_analysis.handlers import SOURCE, AnalysisHandlers
from jdi_analysis.settings import AnalysisServiceSettings
from jdi_analysis.store.postgres import PostgresAnalysisStore
from jdi_analysis.store.queries import PostgresAnalysisQueries
from jdi_analysis.store.tables import SCHEMA
from jdi_analyzer.analyzer import AnalysisSettings, Analyzer
from jdi_analyzer.skills.matcher import SkillMatcherSettings
from jdi_analyzer.skills.taxonomy import SkillTaxonomy
from jdi_contracts.events import Topic
from jdi_core.broker import event_publisher, make_broker, subscribe
from jdi_core.db import make_engine, ping
from jdi_core.migrations import migrate
from jdi_core.service import create_service_app
from jdi_core.telemetry import setup_telemetry
from jdi_embedder import OnnxEmbedder

MIGRATIONS = Path(__file__).parent / "migrations" / "versions"
SERVICE_NAME = "jdi-analysis"


def create_app(settings: AnalysisServiceSettings, *, analyzer: Analyzer | None = None) -> FastAPI:
    tracer_provider = setup_telemetry(SERVICE_NAME)
    broker = make_broker(settings.kafka, tracer_provider)
    engine = make_engine(settings.database, SCHEMA)
    analyzer = analyzer or Analyzer(
        AnalysisSettings(
            skills=SkillMatcherSettings(
                min_confidence=settings.skill_min_confidence,
                similarity_threshold=settings.similarity_threshold,
                cache_dir=settings.embedding_cache_dir,
            )
        ),
        SkillTaxonomy.load(),
        OnnxEmbedder.load() if settings.use_embeddings else None,
    )

    handlers = AnalysisHandlers(analyzer, PostgresAnalysisStore(engine), event_publisher(broker, settings.kafka))
    subscribe(
        broker,
        settings.kafka,
        settings.group_id,
        {Topic.PARSED: handlers.on_parsed, Topic.DELETED: handlers.on_deleted},
        source=SOURCE,
    )

    async def migrate_schema() -> None:
        await migrate(engine, SCHEMA, MIGRATIONS)

    async def embed_taxonomy() -> None:
        """Embed the ESCO labels before consuming, so the first document is not minutes late."""
        if analyzer.matcher.embedder is not None:
            await asyncio.to_thread(analyzer.matcher.label_vectors)

    app = create_service_app(
        "analysis",
        broker=broker,
        readiness={"database": lambda: ping(engine)},
        on_startup=[migrate_schema, embed_taxonomy],
        on_shutdown=[engine.dispose],
        routers=[api.router],
    )
    app.state.analysis_reader = PostgresAnalysisQueries(engine)
    app.state.embedder = analyzer.matcher.embedder
    return app
