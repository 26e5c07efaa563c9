"""Analysis throughput (documents/s) over the corpus markdown files.

Run: uv run python tests/performance/bench_analysis.py  ->  bench-results/analysis.json

Measures phrase matching only, then (when jdi_embedder is importable) with
embedding similarity too; the one-off ESCO label embedding is timed separately
and cached under .work/analysis-cache, so a second run reports a warm cache.
"""

import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "corpus"))

# These imports follow the sys.path entry that makes tests/corpus importable.
from test_analysis_corpus import corpus_files, load_document  # noqa: E402

from jdi_analyzer.analyzer import AnalysisInput, AnalysisSettings, Analyzer  # noqa: E402
from jdi_analyzer.skills.matcher import SkillMatcherSettings  # noqa: E402
from jdi_analyzer.skills.taxonomy import SkillTaxonomy  # noqa: E402

PASSES = 3
CACHE_DIR = ROOT / ".work" / "analysis-cache"


def _measure(analyzer: Analyzer, documents: list[AnalysisInput], passes: int) -> dict[str, float]:
    pass_seconds: list[float] = []
    per_document_ms: list[float] = []
    for _ in range(passes):
        started = time.perf_counter()
        for doc in documents:
            document_started = time.perf_counter()
            analyzer.analyze(doc)
            per_document_ms.append((time.perf_counter() - document_started) * 1000)
        pass_seconds.append(time.perf_counter() - started)
    median_pass = statistics.median(pass_seconds)
    quantiles = statistics.quantiles(per_document_ms, n=100)
    return {
        "documents": len(documents),
        "passes": passes,
        "median_pass_seconds": round(median_pass, 3),
        "median_documents_per_second": round(len(documents) / median_pass, 2),
        "p50_ms": round(quantiles[49], 2),
        "p95_ms": round(quantiles[94], 2),
    }


def main() -> None:
    results: dict[str, object] = {
        "command": "uv run python tests/performance/bench_analysis.py",
        "machine": {
            "cpu_count": os.cpu_count(),
            "platform": platform.platform(),
            "python": sys.version.split()[0],
        },
    }
    documents = [load_document(path) for path in corpus_files()]
    if not documents:
        results["skipped"] = "corpus not present at ../shared/corpus/markdown"
    else:
        started = time.perf_counter()
        taxonomy = SkillTaxonomy.load()
        phrase_only = Analyzer(AnalysisSettings(), taxonomy)
        results["startup_seconds"] = round(time.perf_counter() - started, 3)
        results["taxonomy"] = {
            "version": taxonomy.version,
            "concepts": len(taxonomy.concepts),
        }
        results["phrase_matching"] = _measure(phrase_only, documents, PASSES)
        results["with_embedding"] = _with_embedding(taxonomy, documents)
    out = ROOT / "bench-results" / "analysis.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2))
    print(json.dumps(results, indent=2))


def _with_embedding(taxonomy: SkillTaxonomy, documents: list[AnalysisInput]) -> dict[str, object]:
    try:
        from jdi_embedder import OnnxEmbedder
    except ImportError as exc:
        return {"skipped": f"jdi_embedder not importable: {exc}"}
    embedder = OnnxEmbedder.load()
    analyzer = Analyzer(AnalysisSettings(skills=SkillMatcherSettings(cache_dir=CACHE_DIR)), taxonomy, embedder)
    cache_was_warm = any(CACHE_DIR.glob("esco-labels-*.npy"))
    started = time.perf_counter()
    analyzer.matcher.label_vectors()
    return {
        "model_id": embedder.model_id,
        "label_embedding_cache": "warm" if cache_was_warm else "cold",
        "label_embedding_seconds": round(time.perf_counter() - started, 2),
        **_measure(analyzer, documents, 1),
    }


if __name__ == "__main__":
    main()
