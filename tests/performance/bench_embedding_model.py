"""Raw ONNX model throughput (chunks/s) on ~150-token chunks: the float model and its int8 variant,
at several padded-token budgets per model call, runs interleaved so all see the same machine load.

This is the physical limit of the embedding pipeline on this machine. Inference is compute-bound
(MatMul is ~80% of kernel time), so the figure scales with free cores: the JSON records the load
average; for a steadier relative comparison pin the process, e.g.
`taskset -c 1 uv run python tests/performance/bench_embedding_model.py`.

Run: uv run python tests/performance/bench_embedding_model.py
"""

import random
import statistics

from embedding_bench import chunks_per_second, load_average, write_result

from jdi_embedder import INT8_MODEL_ID, MODEL_ID, OnnxEmbedder
from jdi_embedder.embedder import cpu_threads

CHUNKS = 128
REPEATS = 3
BATCH_TOKENS = (512, 1024, 2048)
VOCABULARY = [
    "direct",
    "manage",
    "develop",
    "program",
    "policy",
    "budget",
    "strategic",
    "stakeholders",
    "provincial",
    "federal",
    "regional",
    "operations",
    "legislation",
    "delivery",
    "services",
    "analysis",
    "partnerships",
    "reporting",
    "governance",
    "accountability",
    "employees",
    "resources",
    "planning",
    "risk",
    "performance",
    "advice",
    "minister",
    "department",
    "branch",
    "initiatives",
]


def synthetic_chunk(rng: random.Random, embedder: OnnxEmbedder, tokens: int = 150) -> str:
    words: list[str] = []
    while embedder.count_tokens(" ".join(words)) < tokens:
        words.extend(rng.choice(VOCABULARY) for _ in range(10))
    return " ".join(words)


def main() -> None:
    embedders = {model_id: OnnxEmbedder.load(model_id=model_id) for model_id in (MODEL_ID, INT8_MODEL_ID)}
    rng = random.Random(7)  # noqa: S311 - seeded synthetic text, not security
    chunks = [synthetic_chunk(rng, embedders[MODEL_ID]) for _ in range(CHUNKS)]
    tokens = statistics.median(embedders[MODEL_ID].count_tokens(chunk) for chunk in chunks)
    for embedder in embedders.values():
        embedder.embed(chunks[:8])  # warm-up: the first run allocates buffers
    rates: dict[tuple[str, int], list[float]] = {
        (model_id, tokens): [] for model_id in embedders for tokens in BATCH_TOKENS
    }
    load_before = load_average()
    for _ in range(REPEATS):
        for (model_id, tokens), runs in rates.items():
            embedders[model_id].batch_tokens = tokens
            runs.extend(chunks_per_second(embedders[model_id], chunks, repeats=1))
    results = {
        model_id: {
            f"batch_tokens_{tokens}": {
                "median_chunks_per_second": round(statistics.median(rates[(model_id, tokens)]), 1),
                "runs_chunks_per_second": [round(rate, 1) for rate in rates[(model_id, tokens)]],
            }
            for tokens in BATCH_TOKENS
        }
        for model_id in embedders
    }
    best = {
        model_id: max(run["median_chunks_per_second"] for run in by_batch.values())
        for model_id, by_batch in results.items()
    }
    out = write_result(
        "embedding_model",
        {
            "chunks_per_run": CHUNKS,
            "median_tokens_per_chunk": tokens,
            "intra_op_threads": cpu_threads(),
            "load_average_before": load_before,
            "load_average_after": load_average(),
            "results": results,
            "best_median_chunks_per_second": best,
            "int8_speedup": round(best[INT8_MODEL_ID] / best[MODEL_ID], 2),
        },
    )
    print(results, best, f"wrote {out}")


if __name__ == "__main__":
    main()
