"""BM25-style sparse vectors: term-frequency saturation on the document side, IDF applied by
Qdrant (`Modifier.IDF`) over the collection at query time."""

import hashlib
import re
import unicodedata
from collections import Counter

from qdrant_client import models

K1 = 1.2
B = 0.75
# Typical chunk length in words (chunks hold <= 200 word pieces); fixed so a vector never
# depends on what else is in the collection.
AVERAGE_WORDS = 130

# Frequent English and French function words carry no topic.
STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "in",
        "into",
        "is",
        "it",
        "of",
        "on",
        "or",
        "that",
        "the",
        "this",
        "to",
        "with",
        "au",
        "aux",
        "avec",
        "ce",
        "ces",
        "dans",
        "de",
        "des",
        "du",
        "en",
        "et",
        "la",
        "le",
        "les",
        "leur",
        "ou",
        "par",
        "pour",
        "sa",
        "se",
        "son",
        "sur",
        "un",
        "une",
    ]
)
_WORD = re.compile(r"[a-z0-9]+")


def terms(text: str) -> list[str]:
    """Lower-case, accent-free words: OCR often drops French accents, so both spellings must meet."""
    folded = unicodedata.normalize("NFKD", text.lower())
    ascii_text = "".join(char for char in folded if not unicodedata.combining(char))
    return [word for word in _WORD.findall(ascii_text) if word not in STOPWORDS]


def term_index(term: str) -> int:
    return int.from_bytes(hashlib.blake2b(term.encode(), digest_size=4).digest(), "big")


def document_vector(text: str) -> models.SparseVector:
    words = terms(text)
    length_norm = 1 - B + B * len(words) / AVERAGE_WORDS
    weights: dict[int, float] = {}
    for term, count in Counter(words).items():
        weights[term_index(term)] = count * (K1 + 1) / (count + K1 * length_norm)
    return models.SparseVector(indices=list(weights), values=list(weights.values()))


def query_vector(text: str) -> models.SparseVector:
    indices = sorted({term_index(term) for term in terms(text)})
    return models.SparseVector(indices=indices, values=[1.0] * len(indices))
