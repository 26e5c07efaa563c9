"""Find ESCO skills in document sections: exact/alias phrase matching plus embedding similarity."""

import hashlib
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Protocol

import numpy as np

from jdi_analyzer.skills.phrases import Normaliser, Token, candidate_phrases
from jdi_analyzer.skills.taxonomy import SkillConcept, SkillTaxonomy

logger = logging.getLogger(__name__)

MatchMethod = Literal["exact", "alias", "similarity"]

WHOLE_TEXT = "whole_text"
"""The section key of a document without sections, analysed from its whole text."""

# Sections where a document says what the position does or requires.
SKILL_SECTIONS = (
    WHOLE_TEXT,
    "general_accountability",
    "nature_and_scope",
    "specific_accountabilities",
    "key_challenges",
    "knowledge",
    "education",
    "experience",
    "qualifications",
)
_EMBED_BATCH = 256
_CONNECTIVES = {"and", "or", "et", "ou"}


class Embedder(Protocol):
    """What the matcher needs from an embedding model: L2-normalised vectors."""

    model_id: str

    def embed(self, texts: list[str]) -> np.ndarray: ...


@dataclass(frozen=True)
class SkillMatcherSettings:
    exact_confidence: float = 0.95
    alias_confidence: float = 0.85
    # Cosine similarity a candidate phrase needs to an ESCO label to count as that skill.
    similarity_threshold: float = 0.80
    min_confidence: float = 0.5
    # One-word alternative labels ("try", "guide", "rights") match ordinary prose, so they are skipped.
    min_alias_words: int = 2
    # Single-word preferred labels that are everyday words in these documents.
    ignored_labels: frozenset[str] = frozenset({"guide", "interview", "rights", "confinement", "copying"})
    sections: tuple[str, ...] = SKILL_SECTIONS
    cache_dir: Path | None = None


@dataclass(frozen=True)
class SkillMatch:
    uri: str
    label: str
    confidence: float
    section: str
    evidence: str
    start: int
    end: int
    method: MatchMethod


@dataclass
class _PhraseIndex:
    entries: dict[tuple[str, ...], tuple[int, bool]] = field(default_factory=dict)
    longest: int = 0


class SkillMatcher:
    def __init__(
        self,
        taxonomy: SkillTaxonomy,
        embedder: Embedder | None = None,
        settings: SkillMatcherSettings | None = None,
    ) -> None:
        self.taxonomy = taxonomy
        self.embedder = embedder
        self.settings = settings or SkillMatcherSettings()
        self._normalisers = {language: Normaliser(language) for language in ("en", "fr")}
        self._indexes = {language: self._build_phrase_index(language) for language in self._normalisers}
        self._label_vectors: np.ndarray | None = None

    def extract(self, sections: Sequence[tuple[str, str, str]], language: str | None = None) -> list[SkillMatch]:
        """The best match per ESCO concept over the skill-bearing sections, highest confidence first.

        ``language`` picks the labels ("en", "fr"); anything else (bilingual, unknown) tries both.
        Similarity runs only on English text: the embedding model is English-only, and on French
        text its best matches are noise.
        """
        languages = (language,) if language in self._indexes else tuple(self._indexes)
        matches: list[SkillMatch] = []
        for key, _heading, text in sections:
            if key not in self.settings.sections or not text.strip():
                continue
            for phrase_language in languages:
                matches.extend(self._phrase_matches(phrase_language, key, text))
            if self.embedder is not None and "en" in languages:
                matches.extend(self._embedding_matches(key, text))
        best: dict[str, SkillMatch] = {}
        for match in matches:
            if match.confidence < self.settings.min_confidence:
                continue
            if match.uri not in best or match.confidence > best[match.uri].confidence:
                best[match.uri] = match
        return sorted(best.values(), key=lambda m: (-m.confidence, m.label))

    def _build_phrase_index(self, language: str) -> _PhraseIndex:
        index = _PhraseIndex()
        normaliser = self._normalisers[language]
        for position, concept in enumerate(self.taxonomy.concepts):
            if language == "fr":
                # Curated wordings: one-word variants ("mentorat") are deliberate, so all are kept.
                for rank, label in enumerate(concept.french_labels):
                    self._add_label(index, normaliser, label, position, preferred=rank == 0)
                continue
            self._add_label(index, normaliser, concept.label, position, preferred=True)
            for alias in concept.alt_labels:
                if len(alias.split()) >= self.settings.min_alias_words:
                    self._add_label(index, normaliser, alias, position, preferred=False)
        return index

    def _add_label(
        self, index: _PhraseIndex, normaliser: Normaliser, label: str, position: int, preferred: bool
    ) -> None:
        if label.lower() in self.settings.ignored_labels:
            return
        key = normaliser.key(label)
        # A few ESCO alternative labels are fragments such as "and procedures".
        if not key or key[0] in _CONNECTIVES or key[-1] in _CONNECTIVES:
            return
        existing = index.entries.get(key)
        # A preferred label wins over another concept's alias with the same wording.
        if existing is None or (preferred and not existing[1]):
            index.entries[key] = (position, preferred)
            index.longest = max(index.longest, len(key))

    def _phrase_matches(self, language: str, section: str, text: str) -> list[SkillMatch]:
        tokens = self._normalisers[language].tokens(text)
        index = self._indexes[language]
        found = []
        position = 0
        while position < len(tokens):
            for length in range(min(index.longest, len(tokens) - position), 0, -1):
                window = tokens[position : position + length]
                if window[0].clause != window[-1].clause:
                    continue
                entry = self._lookup(index, window)
                if entry is None:
                    continue
                concept_position, preferred = entry
                first, last = window[0], window[-1]
                found.append(
                    SkillMatch(
                        uri=self.taxonomy.concepts[concept_position].uri,
                        label=self.taxonomy.concepts[concept_position].label,
                        confidence=self.settings.exact_confidence if preferred else self.settings.alias_confidence,
                        section=section,
                        evidence=text[first.start : last.end],
                        start=first.start,
                        end=last.end,
                        method="exact" if preferred else "alias",
                    )
                )
                position += length - 1
                break
            position += 1
        return found

    @staticmethod
    def _lookup(index: _PhraseIndex, window: list[Token]) -> tuple[int, bool] | None:
        if len(window) > 1:
            return index.entries.get(tuple(token.key for token in window))
        surface = window[0].surface
        entry = index.entries.get((surface,))
        if entry is None and surface.endswith("s"):
            entry = index.entries.get((surface[:-1],))
        return entry

    def _embedding_matches(self, section: str, text: str) -> list[SkillMatch]:
        candidates = candidate_phrases(text)
        if not candidates:
            return []
        vectors = np.asarray(self._require_embedder().embed([c.text for c in candidates]), dtype=np.float32)
        similarities = vectors @ self.label_vectors().T
        best = similarities.argmax(axis=1)
        found = []
        for candidate, concept_position, row in zip(candidates, best, similarities, strict=True):
            score = float(row[concept_position])
            if score < self.settings.similarity_threshold:
                continue
            concept: SkillConcept = self.taxonomy.concepts[int(concept_position)]
            found.append(
                SkillMatch(
                    uri=concept.uri,
                    label=concept.label,
                    confidence=round(min(score, 1.0), 4),
                    section=section,
                    evidence=candidate.text,
                    start=candidate.start,
                    end=candidate.end,
                    method="similarity",
                )
            )
        return found

    def label_vectors(self) -> np.ndarray:
        """Embeddings of every preferred label, computed once and cached on disk per model and taxonomy."""
        if self._label_vectors is not None:
            return self._label_vectors
        embedder = self._require_embedder()
        cache_file = self._cache_file()
        if cache_file is not None and cache_file.exists():
            cached: np.ndarray = np.load(cache_file)
            if cached.shape[0] == len(self.taxonomy.concepts):
                self._label_vectors = cached
                return cached
            logger.warning("ignoring stale label embedding cache %s", cache_file)
        labels = [concept.label for concept in self.taxonomy.concepts]
        batches = [embedder.embed(labels[i : i + _EMBED_BATCH]) for i in range(0, len(labels), _EMBED_BATCH)]
        vectors = np.vstack(batches).astype(np.float32)
        if cache_file is not None:
            cache_file.parent.mkdir(parents=True, exist_ok=True)
            # Write then rename, so a concurrent reader never sees half a file.
            partial = cache_file.with_suffix(".partial.npy")
            np.save(partial, vectors)
            partial.replace(cache_file)
        self._label_vectors = vectors
        return vectors

    def _require_embedder(self) -> Embedder:
        if self.embedder is None:
            raise RuntimeError("similarity matching needs an embedder")
        return self.embedder

    def _cache_file(self) -> Path | None:
        if self.settings.cache_dir is None or self.embedder is None:
            return None
        model = re.sub(r"[^A-Za-z0-9_.-]+", "_", self.embedder.model_id)
        digest = hashlib.sha256(f"{self.embedder.model_id}|{self.taxonomy.version}".encode()).hexdigest()[:12]
        return self.settings.cache_dir / f"esco-labels-{model}-{self.taxonomy.version}-{digest}.npy"
