"""Raw ONNX model throughput: chunks per second at batch 32 and 64 on ~150-token chunks.

Run: uv run python tests/performance/bench_embedding_model.py
"""

import os
import random
import statistics
import time

from embedding_bench import write_result
from jdi_embedder import OnnxEmbedder

CHUNKS = 256
REPEATS = 3
VOCABULARY = ["direct", "manage", "develop", "program", "policy", "budget", "strategic", "stakeholders", "provincial", "federal", "regional", "operations", "legislation", "delivery", "services", "analysis", "partnerships", "reporting", "governance", "accountability", "employees", "resources", "planning", "risk", "performance", "advice", "minister", "department", "branch", "initiatives"]


def synthetic_chunk(rng: random.Random, embedder: OnnxEmbedder, tokens: int = 150) -> str:
    words: list[str] = []
    while embedder.count_tokens(" ".join(words)) < tokens:
        words.extend(rng.choice(VOCABULARY) for _ in range(10))
    return " ".join(words)


def main() -> None:
    embedder = OnnxEmbedder.load()
    rng = random.Random(7)
    chunks = [synthetic_chunk(rng, embedder) for _ in range(CHUNKS)]
    tokens = statistics.median(embedder.count_tokens(chunk) for chunk in chunks)
    embedder.embed(chunks[:8])  # warm-up: first run allocates buffers
    results = {}
    for batch_size in (32, 64):
        embedder.batch_size = batch_size
        rates = []
        for _ in range(REPEATS):
            started = time.perf_counter()
            embedder.embed(chunks)
            rates.append(CHUNKS / (time.perf_counter() - started))
        results[f"batch_{batch_size}"] = {
            "median_chunks_per_second": round(statistics.median(rates), 1),
            "runs_chunks_per_second": [round(rate, 1) for rate in rates],
        }
    out = write_result(
        "embedding_model",
        {
            "model_id": embedder.model_id,
            "chunks_per_run": CHUNKS,
            "median_tokens_per_chunk": tokens,
            "intra_op_threads": os.cpu_count(),
            "load_average_1m": round(os.getloadavg()[0], 2),
            "results": results,
        },
    )
    print(results, f"wrote {out}")


if __name__ == "__main__":
    main()
