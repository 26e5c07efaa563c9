"""Latency of the analysis service's comparison API (compare, skill gap, career paths) over PostgreSQL
at catalogue scale.

Run: uv run python tests/performance/bench_analysis_comparisons.py [--documents 5000]
     ->  bench-results/analysis_comparisons.json

Needs the local PostgreSQL (`make infra-up`; DATABASE_URL overrides the address). Synthetic job
descriptions are parsed by the ingestion parser and analysed without embeddings (distinct texts are
analysed once and stored under several ids, so seeding stays fast); the benchmark seeds a schema of
its own and drops it at the end. Comparisons with embeddings use the service's ONNX embedder.
"""

import argparse
import asyncio
import hashlib
import json
import os
import platform
import statistics
import sys
import time
import uuid
from pathlib import Path

import httpx
from fastapi import FastAPI
from sqlalchemy import text

from jdi_analysis import api
from jdi_analysis.app import MIGRATIONS
from jdi_analysis.handlers import to_contract
from jdi_analysis.store.postgres import PostgresAnalysisReader, PostgresAnalysisStore
from jdi_analysis.store.tables import SCHEMA
from jdi_analyzer.analyzer import AnalysisInput, AnalysisSettings, Analyzer
from jdi_analyzer.skills.taxonomy import SkillTaxonomy
from jdi_contracts.events import Classification, Parsed, Section
from jdi_core.db import make_engine, schema_name
from jdi_core.migrations import migrate
from jdi_core.settings import DatabaseSettings
from jdi_embedder import OnnxEmbedder
from jdi_parser import ParseLimits, parse_text
from jdi_samples import generate_job_descriptions

ROOT = Path(__file__).resolve().parents[2]
DISTINCT_TEXTS = 300
REQUESTS = 50
EMBEDDING_REQUESTS = 10


def parsed_samples(count: int) -> list[Parsed]:
    records = []
    for sample in generate_job_descriptions(count, seed=7):
        result = parse_text(sample.text, "sample.txt", ParseLimits())
        classification = result.classification
        records.append(
            Parsed(
                document_id=f"sample-{sample.seed}",
                submission_id=f"bench-{sample.seed}",
                version=1,
                sha256=hashlib.sha256(sample.text.encode()).hexdigest(),
                source_reference=f"synthetic/{sample.seed}",
                file_name="sample.txt",
                media_type=result.media_type,
                language=result.language,  # type: ignore[arg-type]
                job_number=result.job_number,
                classification=(
                    Classification(group=classification.group, level=classification.level, code=classification.code)
                    if classification
                    else None
                ),
                title=result.title,
                department=result.department,
                sections=[Section(key=s.key, heading=s.heading, text=s.text) for s in result.sections],
                redactions=result.redactions,
            )
        )
    return records


async def seed(store: PostgresAnalysisStore, documents: int) -> tuple[list[Parsed], float]:
    analyzer = Analyzer(AnalysisSettings(), SkillTaxonomy.load(), None)
    samples = parsed_samples(DISTINCT_TEXTS)
    analysed = [
        to_contract(analyzer.analyze(AnalysisInput.from_record(parsed.document_id, parsed.version, parsed)))
        for parsed in samples
    ]
    started = time.perf_counter()
    stored = []
    for index in range(documents):
        parsed, result = samples[index % DISTINCT_TEXTS], analysed[index % DISTINCT_TEXTS]
        document_id = f"doc-{index:06d}"
        parsed = parsed.model_copy(update={"document_id": document_id})
        await store.save(parsed, result.model_copy(update={"document_id": document_id}))
        stored.append(parsed)
    return stored, time.perf_counter() - started


async def median_ms(client: httpx.AsyncClient, paths: list[tuple[str, dict[str, str]]]) -> dict[str, float]:
    timings = []
    for path, params in paths:
        started = time.perf_counter()
        response = await client.get(path, params=params)
        timings.append((time.perf_counter() - started) * 1000)
        response.raise_for_status()
    return {
        "requests": len(timings),
        "median_ms": round(statistics.median(timings), 2),
        "max_ms": round(max(timings), 2),
    }


async def run(documents: int) -> dict[str, object]:
    settings = DatabaseSettings(schema_prefix=f"bench{uuid.uuid4().hex[:8]}_")
    engine = make_engine(settings, SCHEMA)
    await migrate(engine, SCHEMA, MIGRATIONS)
    try:
        stored, seed_seconds = await seed(PostgresAnalysisStore(engine), documents)
        english = [p for p in stored if p.language == "en" and p.classification]
        directors = [p.document_id for p in english if p.classification and p.classification.level == "01"]
        pairs = [(english[i].document_id, english[-1 - i].document_id) for i in range(REQUESTS)]

        app = FastAPI()
        app.include_router(api.router)
        app.state.analysis_reader = PostgresAnalysisReader(engine)
        app.state.embedder = None
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://analysis", timeout=60) as client:
            compare_terms = await median_ms(
                client, [("/internal/v1/compare", {"left": a, "right": b}) for a, b in pairs]
            )
            gap = await median_ms(client, [("/internal/v1/skill-gap", {"from": a, "to": b}) for a, b in pairs])
            paths = await median_ms(client, [(f"/internal/v1/career-paths/{d}", {}) for d in directors[:REQUESTS]])
            load_started = time.perf_counter()
            embedder = OnnxEmbedder.load()
            embedder_load_seconds = time.perf_counter() - load_started
            app.state.embedder = embedder
            compare_embeddings = await median_ms(
                client, [("/internal/v1/compare", {"left": a, "right": b}) for a, b in pairs[:EMBEDDING_REQUESTS]]
            )
        return {
            "documents": documents,
            "distinct_texts": DISTINCT_TEXTS,
            "seed_seconds": round(seed_seconds, 2),
            # Career paths rank every EX-02 and EX-03 position for an EX-01 before keeping the best 10.
            "career_path_candidates_per_director": len(
                await PostgresAnalysisReader(engine).career_candidates("EX", api.levels_above("01", 2))
            ),
            "compare_term_cosine": compare_terms,
            "skill_gap": gap,
            "career_paths": paths,
            "compare_embedding_cosine": {
                "model_id": embedder.model_id,
                "load_seconds": round(embedder_load_seconds, 2),
                **compare_embeddings,
            },
        }
    finally:
        async with engine.begin() as connection:
            await connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema_name(settings, SCHEMA)}" CASCADE'))
        await engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=5000)
    arguments = parser.parse_args()
    results = {
        "command": " ".join(["uv run python tests/performance/bench_analysis_comparisons.py", *sys.argv[1:]]),
        "machine": {"cpu_count": os.cpu_count(), "platform": platform.platform(), "python": sys.version.split()[0]},
        **asyncio.run(run(arguments.documents)),
    }
    output = ROOT / "bench-results" / "analysis_comparisons.json"
    output.parent.mkdir(exist_ok=True)
    output.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
