"""Decide en, fr or bilingual from the share of the text written in each language.

Each sentence's words are credited to English and French in proportion to the function words of each
language it holds, so a form with both languages in one OCR line still counts both. A form whose
minority language carries a substantial share of the words is bilingual; headings in both languages
alone are not enough.
"""

import re

_ENGLISH = frozenset(
    [
        "the",
        "and",
        "of",
        "to",
        "is",
        "for",
        "with",
        "are",
        "by",
        "this",
        "that",
        "which",
        "from",
        "will",
        "be",
        "its",
        "all",
        "has",
    ]
)
_FRENCH = frozenset(
    [
        "le",
        "la",
        "les",
        "des",
        "et",
        "du",
        "de",
        "pour",
        "est",
        "avec",
        "dans",
        "sur",
        "par",
        "une",
        "qui",
        "aux",
        "au",
        "ce",
        "cette",
        "sont",
        "leur",
    ]
)
_SENTENCE_BREAK = re.compile(r"[.!?;]\s|\n")
_WORD = re.compile(r"[a-zà-ÿ]+")
# A sentence with fewer function words than this (a heading, a table cell) says nothing reliable.
_MIN_FUNCTION_WORDS = 3
# A form is bilingual when its minority language carries at least this share of the words.
_BILINGUAL_MIN_SHARE = 0.2
_BILINGUAL_MIN_WORDS = 40


def detect_language(text: str) -> str | None:
    english_words, french_words = _word_counts(text)
    total = english_words + french_words
    if total == 0:
        return None
    minority = min(english_words, french_words)
    if minority >= _BILINGUAL_MIN_WORDS and minority / total >= _BILINGUAL_MIN_SHARE:
        return "bilingual"
    return "en" if english_words >= french_words else "fr"


def _word_counts(text: str) -> tuple[float, float]:
    """How many words of ``text`` are English and how many French (sentences without enough function
    words are left out)."""
    english_words = french_words = 0.0
    for sentence in _SENTENCE_BREAK.split(text.lower()):
        words = _WORD.findall(sentence)
        english = sum(map(_ENGLISH.__contains__, words))
        french = sum(map(_FRENCH.__contains__, words))
        if english + french >= _MIN_FUNCTION_WORDS:
            english_words += len(words) * english / (english + french)
            french_words += len(words) * french / (english + french)
    return english_words, french_words
