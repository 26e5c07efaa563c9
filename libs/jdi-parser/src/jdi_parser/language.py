"""Decide en, fr or bilingual from the share of the text written in each language.

Function words (articles, prepositions, conjunctions) make up a steady part of running text in both
languages, so the proportion of each language's function words over the whole text is the proportion
of text written in it. Headings and table cells hold few of them, so headings in both languages do not
make a form bilingual; sentences in both languages, even mixed on one OCR line, do.
"""

from collections import Counter

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
FUNCTION_WORDS = _ENGLISH | _FRENCH
# Fewer function words than this (a title, a list of codes) say nothing reliable.
_MIN_FUNCTION_WORDS = 3
# A form is bilingual when its minority language holds at least this share of the function words.
_BILINGUAL_MIN_SHARE = 0.2
_BILINGUAL_MIN_FUNCTION_WORDS = 15


def split_elisions(text: str) -> str:
    """The text in lower case with elisions split ("l'équipe", "d'une"): a function word is then a whole
    space-separated token."""
    return text.lower().replace("'", " ").replace("’", " ")


def detect_language(text: str) -> str | None:
    counts = Counter(split_elisions(text).split())
    english = sum(counts[word] for word in _ENGLISH)
    french = sum(counts[word] for word in _FRENCH)
    total = english + french
    if total < _MIN_FUNCTION_WORDS:
        return None
    minority = min(english, french)
    if minority >= _BILINGUAL_MIN_FUNCTION_WORDS and minority / total >= _BILINGUAL_MIN_SHARE:
        return "bilingual"
    return "en" if english >= french else "fr"
