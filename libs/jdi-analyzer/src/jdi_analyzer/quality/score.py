"""Quality score 0-100: completeness, readability and clarity, each explained with suggestions."""

from collections.abc import Sequence
from dataclasses import dataclass

from pydantic import BaseModel

from jdi_analyzer.quality.clarity import LONG_SENTENCE_WORDS, measure_clarity
from jdi_analyzer.quality.readability import reading_ease

# Core sections of the Government of Canada executive work description form, and
# the word count at which each is substantive rather than a placeholder.
CORE_SECTIONS: dict[str, int] = {
    "general_accountability": 25,
    "organization_structure": 40,
    "nature_and_scope": 250,
    "specific_accountabilities": 60,
    "dimensions": 4,
}
_SECTION_NAMES = {
    "general_accountability": "General Accountability",
    "organization_structure": "Organization Structure",
    "nature_and_scope": "Nature and Scope",
    "specific_accountabilities": "Specific Accountabilities",
    "dimensions": "Dimensions",
}


@dataclass(frozen=True)
class QualitySettings:
    completeness: float = 0.4
    readability: float = 0.3
    clarity: float = 0.3
    # Reading ease at or above which readability scores 100 (60 is "plain language").
    target_reading_ease: float = 60.0
    undefined_acronym_penalty: float = 4.0


class QualityComponent(BaseModel):
    name: str
    score: float
    weight: float
    explanation: str
    metrics: dict[str, float | int | str | list[str]]
    suggestions: list[str]


class QualityReport(BaseModel):
    score: float
    components: list[QualityComponent]

    @property
    def suggestions(self) -> list[str]:
        return [s for component in self.components for s in component.suggestions]

    def component(self, name: str) -> QualityComponent:
        return next(c for c in self.components if c.name == name)


def score_quality(
    sections: Sequence[tuple[str, str, str]],
    language: str | None,
    settings: QualitySettings | None = None,
    *,
    structured: bool = True,
) -> QualityReport:
    """`structured` False: the document has no sections, `sections` holds its whole text under one key."""
    settings = settings or QualitySettings()
    lang = "fr" if language == "fr" else "en"
    body = "\n\n".join(text for _key, _heading, text in sections if text.strip())
    components = [
        _completeness(sections, settings.completeness) if structured else _no_structure(settings.completeness),
        _readability(body, lang, settings),
        _clarity(body, lang, settings),
    ]
    total_weight = sum(c.weight for c in components)
    score = sum(c.score * c.weight for c in components) / total_weight
    return QualityReport(score=round(score, 1), components=components)


def _completeness(sections: Sequence[tuple[str, str, str]], weight: float) -> QualityComponent:
    words_by_key: dict[str, int] = {}
    for key, _heading, text in sections:
        words_by_key[key] = words_by_key.get(key, 0) + len(text.split())
    ratios = {key: min(1.0, words_by_key.get(key, 0) / needed) for key, needed in CORE_SECTIONS.items()}
    suggestions = []
    for key, needed in CORE_SECTIONS.items():
        have = words_by_key.get(key, 0)
        if have == 0:
            suggestions.append(f"Add a {_SECTION_NAMES[key]} section.")
        elif have < needed:
            suggestions.append(f"Expand {_SECTION_NAMES[key]}: {have} words, a substantive one has about {needed}.")
    present = sum(1 for key in CORE_SECTIONS if words_by_key.get(key, 0) > 0)
    return QualityComponent(
        name="completeness",
        score=round(100 * sum(ratios.values()) / len(ratios), 1),
        weight=weight,
        explanation="Share of the five core form sections present, each credited up to its substantive length.",
        metrics={"core_sections_present": present, "core_sections": len(CORE_SECTIONS), "structure": "sections"},
        suggestions=suggestions,
    )


def _no_structure(weight: float) -> QualityComponent:
    names = list(_SECTION_NAMES.values())
    return QualityComponent(
        name="completeness",
        score=0.0,
        weight=weight,
        explanation="No sections were found: the structure is missing, so none of the five core form sections "
        "can be credited. Readability and clarity are measured on the whole text.",
        metrics={"core_sections_present": 0, "core_sections": len(CORE_SECTIONS), "structure": "missing"},
        suggestions=[f"Give the document the form's section headings: {', '.join(names[:-1])} and {names[-1]}."],
    )


def _readability(body: str, language: str, settings: QualitySettings) -> QualityComponent:
    ease = reading_ease(body, language)
    score = max(0.0, min(100.0, 100 * ease.value / settings.target_reading_ease))
    suggestions = []
    if score < 100 and ease.words:
        suggestions.append(
            f"Reading ease is {ease.value:.0f} ({ease.formula}); aim for {settings.target_reading_ease:.0f}: "
            f"shorter sentences (now {ease.words_per_sentence:.1f} words) and plainer, shorter words."
        )
    return QualityComponent(
        name="readability",
        score=round(score, 1),
        weight=settings.readability,
        explanation=(
            f"{ease.formula} reading ease scaled so that {settings.target_reading_ease:.0f} or more scores 100."
        ),
        metrics={
            "formula": ease.formula,
            "reading_ease": ease.value,
            "words": ease.words,
            "sentences": ease.sentences,
            "words_per_sentence": round(ease.words_per_sentence, 2),
        },
        suggestions=suggestions,
    )


def _clarity(body: str, language: str, settings: QualitySettings) -> QualityComponent:
    measures = measure_clarity(body, language)
    long_penalty = min(40.0, 100 * measures.long_ratio)
    passive_penalty = min(30.0, 100 * measures.passive_ratio)
    acronym_penalty = min(30.0, settings.undefined_acronym_penalty * len(measures.undefined_acronyms))
    suggestions = []
    if measures.long_sentences:
        suggestions.append(f"Split the {measures.long_sentences} sentences longer than {LONG_SENTENCE_WORDS} words.")
    if measures.passive_sentences:
        suggestions.append(
            f"Rewrite {measures.passive_sentences} passive sentences in the active voice (say who does what)."
        )
    if measures.undefined_acronyms:
        shown = ", ".join(measures.undefined_acronyms[:8])
        suggestions.append(f"Spell out these acronyms at first use: {shown}.")
    return QualityComponent(
        name="clarity",
        score=round(max(0.0, 100 - long_penalty - passive_penalty - acronym_penalty), 1),
        weight=settings.clarity,
        explanation="100 less penalties for long sentences (up to 40), passive voice (up to 30) "
        "and acronyms never spelled out (up to 30).",
        metrics={
            "sentences": measures.sentence_count,
            "long_sentences": measures.long_sentences,
            "passive_sentences": measures.passive_sentences,
            "undefined_acronyms": list(measures.undefined_acronyms),
        },
        suggestions=suggestions,
    )
