"""Decide en, fr or bilingual from function words, sentence by sentence."""

import re

_ENGLISH = frozenset(
    ["the", "and", "of", "to", "is", "for", "with", "are", "by", "this", "that", "which", "from", "will", "be", "its", "all", "has"]
)
_FRENCH = frozenset(
    ["le", "la", "les", "des", "et", "du", "de", "pour", "est", "avec", "dans", "sur", "par", "une", "qui", "aux", "au", "ce", "cette", "sont", "leur"]
)
_SENTENCE_BREAK = re.compile(r"(?<=[.!?;])\s+|\n+")
_WORD = re.compile(r"[a-zà-ÿ]+")
_MIN_FUNCTION_WORDS = 3
# A form is bilingual when its minority language carries at least this share of the words.
_BILINGUAL_MIN_SHARE = 0.2
_BILINGUAL_MIN_WORDS = 40


def detect_language(text: str) -> str | None:
    words_by_language = {"en": 0, "fr": 0}
    for sentence in _SENTENCE_BREAK.split(text.lower()):
        words = _WORD.findall(sentence)
        english = sum(1 for word in words if word in _ENGLISH)
        french = sum(1 for word in words if word in _FRENCH)
        if max(english, french) >= _MIN_FUNCTION_WORDS and english != french:
            words_by_language["en" if english > french else "fr"] += len(words)
    total = words_by_language["en"] + words_by_language["fr"]
    if total == 0:
        return None
    minority = min(words_by_language.values())
    if minority >= _BILINGUAL_MIN_WORDS and minority / total >= _BILINGUAL_MIN_SHARE:
        return "bilingual"
    return max(words_by_language, key=lambda language: words_by_language[language])
