"""Retrieval quality on ../shared/corpus/markdown: does each document's title find it in the top 5?
Measured for every model id the embedder builds (the float model and its int8 variant).

Run: uv run python tests/performance/bench_embedding_retrieval.py
"""

import asyncio
import tempfile
import time
from pathlib import Path

from embedding_bench import (
    CORPUS_MARKDOWN,
    CorpusDocument,
    index_corpus,
    load_average,
    load_markdown_corpus,
    title_retrieval,
    write_result,
)

from jdi_embedder import MODEL_IDS, OnnxEmbedder
from jdi_embedding.search import HybridSearch
from jdi_embedding.vectors import EdgeVectorStore

TARGET_HIT_RATE = 0.9


async def measure(documents: list[CorpusDocument], model_id: str) -> dict:
    embedder = OnnxEmbedder.load(model_id=model_id)
    with tempfile.TemporaryDirectory() as folder:
        store = EdgeVectorStore(Path(folder))
        started = time.perf_counter()
        chunks = await index_corpus(documents, embedder, store)
        index_seconds = time.perf_counter() - started
        report = await title_retrieval(documents, HybridSearch(embedder, store))
        await store.close()
    print(f"{model_id}: title hit@5 {report.hit_rate:.3f} over {report.documents} documents ({chunks} chunks)")
    return {
        "documents": report.documents,
        "chunks": chunks,
        "index_seconds": round(index_seconds, 1),
        "title_hit_rate_at_5": round(report.hit_rate, 4),
        "misses": report.misses,
    }


async def main() -> None:
    if not CORPUS_MARKDOWN.is_dir():
        print(f"skipped: {CORPUS_MARKDOWN} is absent")
        return
    documents = load_markdown_corpus()
    models = {model_id: await measure(documents, model_id) for model_id in MODEL_IDS}
    out = write_result(
        "embedding_retrieval",
        {"target_hit_rate_at_5": TARGET_HIT_RATE, "load_average": load_average(), "models": models},
    )
    print(f"wrote {out}")


if __name__ == "__main__":
    asyncio.run(main())
