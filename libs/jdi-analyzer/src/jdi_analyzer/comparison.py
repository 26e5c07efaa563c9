"""Comparisons over analysed documents: side by side, skill gap, career paths.

Pure functions: the caller loads the documents (sections from the parsed event,
skills from the analysed one) and serves the result.
"""

import math
from collections import Counter
from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict

from jdi_analyzer.skills.matcher import Embedder
from jdi_analyzer.skills.phrases import Normaliser

# How much a skill matters to a position, by where the position asks for it.
SECTION_IMPORTANCE: dict[str, float] = {
    "specific_accountabilities": 1.0,
    "qualifications": 1.0,
    "knowledge": 1.0,
    "experience": 0.9,
    "education": 0.9,
    "general_accountability": 0.8,
    "key_challenges": 0.8,
    "nature_and_scope": 0.7,
}
DEFAULT_IMPORTANCE = 0.5


class SkillRef(BaseModel):
    """A skill as carried by the analysed event; extra fields are ignored."""

    model_config = ConfigDict(extra="ignore")

    uri: str
    label: str
    confidence: float
    section: str


class ComparableDocument(BaseModel):
    document_id: str
    title: str | None = None
    language: str | None = None
    classification_group: str | None = None
    classification_level: str | None = None
    sections: list[tuple[str, str, str]]
    skills: list[SkillRef]


class SectionSimilarity(BaseModel):
    key: str
    in_left: bool
    in_right: bool
    similarity: float | None  # None when the section is missing on one side


class DocumentComparison(BaseModel):
    left_id: str
    right_id: str
    method: str
    overall_similarity: float
    sections: list[SectionSimilarity]
    shared_skills: list[SkillRef]
    left_only_skills: list[SkillRef]
    right_only_skills: list[SkillRef]
    skill_overlap: float


class SkillGapItem(BaseModel):
    uri: str
    label: str
    section: str
    importance: float


class CareerStep(BaseModel):
    document_id: str
    title: str | None
    classification: str
    levels_up: int
    similarity: float
    gap: list[SkillGapItem]


def compare_documents(
    left: ComparableDocument,
    right: ComparableDocument,
    embedder: Embedder | None = None,
) -> DocumentComparison:
    """Side by side: per-section text similarity, and shared and unique skills.

    Without an embedder, similarity is the cosine of stemmed word counts, which is
    only meaningful between documents in the same language.
    """
    left_text, right_text = _texts_by_key(left), _texts_by_key(right)
    keys = list(dict.fromkeys([*left_text, *right_text]))
    common = [k for k in keys if k in left_text and k in right_text]
    pairs = [(left_text[k], right_text[k]) for k in common]
    whole = ("\n".join(left_text.values()), "\n".join(right_text.values()))
    scores = _similarities([*pairs, whole], left.language, embedder)
    by_key = dict(zip(common, scores[:-1], strict=True))
    left_skills = {s.uri: s for s in left.skills}
    right_skills = {s.uri: s for s in right.skills}
    union = left_skills.keys() | right_skills.keys()
    shared = left_skills.keys() & right_skills.keys()
    return DocumentComparison(
        left_id=left.document_id,
        right_id=right.document_id,
        method="embedding-cosine" if embedder else "term-cosine",
        overall_similarity=scores[-1],
        sections=[
            SectionSimilarity(
                key=k,
                in_left=k in left_text,
                in_right=k in right_text,
                similarity=by_key.get(k),
            )
            for k in keys
        ],
        shared_skills=_by_label([left_skills[u] for u in shared]),
        left_only_skills=_by_label([left_skills[u] for u in left_skills.keys() - shared]),
        right_only_skills=_by_label([right_skills[u] for u in right_skills.keys() - shared]),
        skill_overlap=round(len(shared) / len(union), 4) if union else 0.0,
    )


def skill_gap(current: Sequence[SkillRef], target: Sequence[SkillRef]) -> list[SkillGapItem]:
    """Skills the target position asks for that the current one does not, most important first."""
    have = {skill.uri for skill in current}
    best: dict[str, SkillGapItem] = {}
    for skill in target:
        if skill.uri in have:
            continue
        importance = round(
            skill.confidence * SECTION_IMPORTANCE.get(skill.section, DEFAULT_IMPORTANCE),
            4,
        )
        if skill.uri not in best or importance > best[skill.uri].importance:
            best[skill.uri] = SkillGapItem(
                uri=skill.uri,
                label=skill.label,
                section=skill.section,
                importance=importance,
            )
    return sorted(best.values(), key=lambda item: (-item.importance, item.label))


def career_paths(
    current: ComparableDocument,
    candidates: Sequence[ComparableDocument],
    max_levels_up: int = 2,
) -> list[CareerStep]:
    """Positions one to ``max_levels_up`` levels above ``current`` in its group, each with its skill gap."""
    level = _level(current.classification_level)
    if current.classification_group is None or level is None:
        return []
    steps = []
    for candidate in candidates:
        candidate_level = _level(candidate.classification_level)
        if candidate.classification_group != current.classification_group or candidate_level is None:
            continue
        levels_up = candidate_level - level
        if not 1 <= levels_up <= max_levels_up:
            continue
        steps.append(
            CareerStep(
                document_id=candidate.document_id,
                title=candidate.title,
                classification=f"{candidate.classification_group}-{candidate.classification_level}",
                levels_up=levels_up,
                similarity=_skill_similarity(current.skills, candidate.skills),
                gap=skill_gap(current.skills, candidate.skills),
            )
        )
    return sorted(steps, key=lambda s: (s.levels_up, len(s.gap), -s.similarity, s.document_id))


def _texts_by_key(doc: ComparableDocument) -> dict[str, str]:
    texts: dict[str, list[str]] = {}
    for key, _heading, text in doc.sections:
        if text.strip():
            texts.setdefault(key, []).append(text)
    return {key: "\n".join(parts) for key, parts in texts.items()}


def _similarities(pairs: list[tuple[str, str]], language: str | None, embedder: Embedder | None) -> list[float]:
    if embedder is not None:
        vectors = embedder.embed([text for pair in pairs for text in pair])
        return [round(float(vectors[2 * i] @ vectors[2 * i + 1]), 4) for i in range(len(pairs))]
    normaliser = Normaliser("fr" if language == "fr" else "en")
    return [round(_term_cosine(normaliser, a, b), 4) for a, b in pairs]


def _term_cosine(normaliser: Normaliser, a: str, b: str) -> float:
    left = Counter(token.key for token in normaliser.tokens(a))
    right = Counter(token.key for token in normaliser.tokens(b))
    dot = sum(count * right[term] for term, count in left.items())
    norm = math.sqrt(sum(c * c for c in left.values())) * math.sqrt(sum(c * c for c in right.values()))
    return dot / norm if norm else 0.0


def _skill_similarity(a: Sequence[SkillRef], b: Sequence[SkillRef]) -> float:
    left, right = {s.uri for s in a}, {s.uri for s in b}
    return round(len(left & right) / len(left | right), 4) if left | right else 0.0


def _level(level: str | None) -> int | None:
    return int(level) if level is not None and level.isdigit() else None


def _by_label(skills: list[SkillRef]) -> list[SkillRef]:
    return sorted(skills, key=lambda s: s.label)
