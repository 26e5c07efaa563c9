"""Support for the embedding benchmarks: machine facts, result files, the markdown corpus."""

import json
import os
import platform
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from jdi_contracts.events import DocumentParsed, Section
from jdi_embedder import Embedder
from jdi_embedding.chunking import DocumentMeta
from jdi_embedding.search import HybridSearch, SearchQuery
from jdi_embedding.vectors import VectorStore
from jdi_embedding.vectors.indexing import index_document
from jdi_samples import generate_job_description

REPO_ROOT = Path(__file__).resolve().parents[2]
CORPUS_MARKDOWN = REPO_ROOT.parent / "shared" / "corpus" / "markdown"


def machine_info() -> dict:
    return {
        "cpu_count": os.cpu_count(),
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "python": sys.version.split()[0],
    }


def write_result(name: str, result: dict, command: str | None = None) -> Path:
    out = REPO_ROOT / "bench-results" / f"{name}.json"
    out.parent.mkdir(exist_ok=True)
    payload = {
        "benchmark": name,
        "command": command or f"uv run python tests/performance/bench_{name}.py",
        "machine": machine_info(),
        "finished_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        **result,
    }
    out.write_text(json.dumps(payload, indent=2) + "\n")
    return out


def load_average() -> dict:
    """The machine is shared: every figure is read next to how busy it was."""
    one, five, fifteen = os.getloadavg()
    return {"1m": round(one, 2), "5m": round(five, 2), "15m": round(fifteen, 2)}


def chunks_per_second(embedder: Embedder, texts: list[str], repeats: int) -> list[float]:
    """Raw model throughput: embed the same texts `repeats` times, one rate per run."""
    rates = []
    for _ in range(repeats):
        started = time.perf_counter()
        embedder.embed(texts)
        rates.append(len(texts) / (time.perf_counter() - started))
    return rates


def percentiles_ms(seconds: list[float]) -> dict:
    values = np.array(seconds) * 1000
    return {
        "p50_ms": round(float(np.percentile(values, 50)), 2),
        "p95_ms": round(float(np.percentile(values, 95)), 2),
        "max_ms": round(float(values.max()), 2),
        "samples": len(values),
    }


@dataclass(frozen=True)
class CorpusDocument:
    document_id: str
    job_number: str | None
    title: str
    language: str
    sections: list[Section]


_TITLE_LINE = re.compile(r"\*\*\s*(?:Position Title|Titre du Poste)\s*:?\s*\*\*\s*:?\s*(.+)", re.IGNORECASE)
_JOB_NUMBER = re.compile(r"(?<![0-9])([0-9]{5,6})(?![0-9])")


def _title_from_file_name(stem: str) -> str:
    words = re.sub(r"EX-?[0-9O]{1,2}|[0-9]{5,6}", " ", stem)
    return " ".join(re.split(r"[-_\s]+", words)).strip()


def _slug(heading: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", heading.lower()).strip("_") or "section"


def load_markdown_corpus(folder: Path = CORPUS_MARKDOWN) -> list[CorpusDocument]:
    """Each `## ` heading opens a section; the title is the position-title field, else the file name."""
    documents = []
    for path in sorted(folder.glob("*.md")):
        text = path.read_text(encoding="utf-8")
        sections: list[Section] = []
        for block in re.split(r"^## ", text, flags=re.MULTILINE)[1:]:
            heading, _, body = block.partition("\n")
            sections.append(Section(key=_slug(heading), heading=heading.strip(), text=body.strip()))
        title_match = _TITLE_LINE.search(text)
        number_match = _JOB_NUMBER.search(path.stem)
        documents.append(
            CorpusDocument(
                document_id=path.stem,
                job_number=number_match.group(1) if number_match else None,
                title=title_match.group(1).strip() if title_match else _title_from_file_name(path.stem),
                language="fr" if "# Description de Travail" in text else "en",
                sections=sections,
            )
        )
    return documents


async def index_corpus(documents: list[CorpusDocument], embedder: Embedder, store: VectorStore) -> int:
    chunks = 0
    for document in documents:
        meta = DocumentMeta(
            document_id=document.document_id,
            version=1,
            language=document.language,
            classification="EX-01",
            level="01",
            job_number=document.job_number,
            title=document.title,
            department=None,
        )
        chunks += (await index_document(store, embedder, meta, document.sections)).chunk_count
    return chunks


@dataclass(frozen=True)
class TitleRetrieval:
    documents: int
    hits_at_5: int
    misses: list[str]

    @property
    def hit_rate(self) -> float:
        return self.hits_at_5 / self.documents if self.documents else 0.0


async def title_retrieval(documents: list[CorpusDocument], search: HybridSearch) -> TitleRetrieval:
    """A hit: the top 5 holds the document itself or another with its job number (its translation)."""
    job_numbers = {document.document_id: document.job_number for document in documents}
    hits, misses = 0, []
    for document in documents:
        page = await search.search(SearchQuery(query=document.title, page_size=5))
        found = [result.document_id for result in page.results]
        if document.document_id in found or (
            document.job_number and any(job_numbers.get(other) == document.job_number for other in found)
        ):
            hits += 1
        else:
            misses.append(document.document_id)
    return TitleRetrieval(documents=len(documents), hits_at_5=hits, misses=misses)


def synthetic_parsed_event(document_id: str, seed: int, version: int = 1) -> DocumentParsed:
    """A parsed event of the seeded synthetic generator (the load generator of these benchmarks)."""
    record = generate_job_description(seed).parsed_record(document_id, version)
    return DocumentParsed.wrap(record, source="/bench", subject=document_id)
