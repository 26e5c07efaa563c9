"""Reading ease: Flesch (1948) for English, Kandel & Moles (1958) for French.

Both formulas divide by the number of sentences, which OCR text without full
stops would make tiny; sentences come from ``segmentation.sentences`` which
caps a run-on at MAX_SENTENCE_WORDS words.
"""

import re
from dataclasses import dataclass

from jdi_analyzer.quality.segmentation import sentences, words

_VOWEL_GROUPS = {
    "en": re.compile(r"[aeiouy]+"),
    "fr": re.compile(r"[aeiouyàâäéèêëîïôöùûüœæ]+"),
}


@dataclass(frozen=True)
class ReadingEase:
    formula: str
    value: float
    words: int
    sentences: int
    syllables: int

    @property
    def words_per_sentence(self) -> float:
        return self.words / self.sentences if self.sentences else 0.0


def count_syllables(word: str, language: str = "en") -> int:
    lowered = word.lower()
    groups = len(_VOWEL_GROUPS["fr" if language == "fr" else "en"].findall(lowered))
    # A final mute "e" ("make", "politique") adds a vowel group but no syllable.
    if len(lowered) > 2 and lowered.endswith("e") and not lowered.endswith(("le", "ée")) and groups > 1:
        groups -= 1
    return max(groups, 1)


def reading_ease(text: str, language: str = "en") -> ReadingEase:
    french = language == "fr"
    tokens = [w.text for w in words(text) if any(ch.isalpha() for ch in w.text)]
    sentence_count = len(sentences(text))
    if not tokens or not sentence_count:
        return ReadingEase("kandel-moles" if french else "flesch", 0.0, 0, 0, 0)
    syllables = sum(count_syllables(token, language) for token in tokens)
    per_sentence = len(tokens) / sentence_count
    per_word = syllables / len(tokens)
    if french:
        value = 207.0 - 1.015 * per_sentence - 73.6 * per_word
    else:
        value = 206.835 - 1.015 * per_sentence - 84.6 * per_word
    return ReadingEase(
        "kandel-moles" if french else "flesch",
        round(value, 2),
        len(tokens),
        sentence_count,
        syllables,
    )
