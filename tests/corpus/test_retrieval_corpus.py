"""Title queries find their document (or its translation) in the top 5 for >= 90% of ../shared/corpus."""

import importlib.util
from pathlib import Path

import pytest

from jdi_embedder import OnnxEmbedder
from jdi_embedding.search import HybridSearch
from jdi_embedding.vectors import EdgeVectorStore

pytestmark = pytest.mark.corpus

# The benchmark owns the corpus loader and the scoring; load it by path (tests/ is not a package).
_spec = importlib.util.spec_from_file_location(
    "embedding_bench", Path(__file__).resolve().parents[1] / "performance" / "embedding_bench.py"
)
assert _spec and _spec.loader
embedding_bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(embedding_bench)


async def test_titles_retrieve_their_documents(tmp_path: Path) -> None:
    if not embedding_bench.CORPUS_MARKDOWN.is_dir():
        pytest.skip(f"{embedding_bench.CORPUS_MARKDOWN} is absent")
    documents = embedding_bench.load_markdown_corpus()
    assert len(documents) > 50
    assert all(document.sections for document in documents)
    embedder = OnnxEmbedder.load()
    store = EdgeVectorStore(tmp_path / "qdrant")
    try:
        await embedding_bench.index_corpus(documents, embedder, store)
        report = await embedding_bench.title_retrieval(documents, HybridSearch(embedder, store))
    finally:
        await store.close()
    assert report.hit_rate >= 0.9, f"hit@5 {report.hit_rate:.3f}, misses: {report.misses}"
