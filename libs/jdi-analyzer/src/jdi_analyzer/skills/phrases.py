"""Normalised word sequences for phrase matching, and candidate phrases for embedding.

Both the ESCO labels and the document text go through the same normaliser
(lower case, Snowball stem, articles and "of" dropped), so "Direct the
development of policies" contains the key of the ESCO label "develop policies".
A one-word phrase is keyed by its surface form instead (a text word may add a
plural "s"): stems alone would make "Accountability" the skill "accounting".

French words are also folded to plain letters before stemming (OCR often drops
accents and reads "œ" as "ce") and lose an elided article ("l'équipe" is
"équipe"), so "mise en ceuvre de l'equipe" keys like "mise en œuvre de l'équipe".
"""

import re
import unicodedata
from dataclasses import dataclass

import snowballstemmer

from jdi_analyzer.quality.segmentation import WORD_RE, Span, sentences, words

# Words that never change which skill a phrase names.
_IGNORED = {
    "en": {
        "a",
        "an",
        "the",
        "of",
        "its",
        "their",
        "his",
        "her",
        "our",
        "all",
        "any",
        "various",
    },
    "fr": {
        "le",
        "la",
        "les",
        "l",
        "de",
        "du",
        "des",
        "d",
        "un",
        "une",
        "sa",
        "son",
        "ses",
        "leur",
        "leurs",
    },
}
_STEMMERS = {"en": "english", "fr": "french"}
_CLAUSE_BREAK_RE = re.compile(r"[,;:()]|\s(?:and|as well as|including|et|ainsi que|notamment)\s", re.IGNORECASE)
MIN_CANDIDATE_WORDS = 2
MAX_CANDIDATE_WORDS = 12


_PUNCTUATION_RE = re.compile(r"[,;:.!?()\[\]\n/]")
_FRENCH_ELISION_RE = re.compile(r"^(?:[cdjlmnst]|qu)'")
# OCR misreadings of "œ" in French forms: "ceuvre", "cceur".
_FRENCH_OCR_WORDS = {"ceuvre": "oeuvre", "ceuvres": "oeuvres", "cceur": "coeur"}


@dataclass(frozen=True)
class Token:
    key: str
    surface: str
    start: int
    end: int
    # Tokens in different clauses (split by punctuation) never form one phrase.
    clause: int


class Normaliser:
    def __init__(self, language: str = "en") -> None:
        self.language = language if language in _STEMMERS else "en"
        self._stemmer = snowballstemmer.stemmer(_STEMMERS[self.language])
        self._ignored = _IGNORED[self.language]
        # Stemming is the cost of indexing ~97k ESCO labels; their vocabulary is small.
        self._stems: dict[str, str] = {}

    def tokens(self, text: str) -> list[Token]:
        result = []
        clause = 0
        previous_end = 0
        for word in words(text):
            clause += len(_PUNCTUATION_RE.findall(text, previous_end, word.start))
            previous_end = word.end
            lowered = self._plain(word.text)
            if lowered in self._ignored:
                continue
            result.append(Token(self._stem(lowered), "=" + lowered, word.start, word.end, clause))
        return result

    def key(self, phrase: str) -> tuple[str, ...]:
        """Index key of a label; empty for a one-word label that is not a plain word of 3+ letters."""
        found = WORD_RE.findall(phrase)
        lowered = [self._plain(w) for w in found]
        kept = [w for w in lowered if w not in self._ignored]
        if len(kept) == 1:
            plain = len(found) == 1 and found[0] == phrase.strip() and len(kept[0]) >= 3
            return ("=" + kept[0],) if plain else ()
        return tuple(self._stem(word) for word in kept)

    def _plain(self, word: str) -> str:
        lowered = word.lower().replace("’", "'")
        if self.language != "fr":
            return lowered
        lowered = _FRENCH_ELISION_RE.sub("", lowered).replace("œ", "oe")
        folded = "".join(c for c in unicodedata.normalize("NFD", lowered) if not unicodedata.combining(c))
        return _FRENCH_OCR_WORDS.get(folded, folded)

    def _stem(self, lowered: str) -> str:
        stem = self._stems.get(lowered)
        if stem is None:
            stem = self._stems[lowered] = self._stemmer.stemWord(lowered)
        return stem


def candidate_phrases(text: str) -> list[Span]:
    """Clauses of each sentence, short enough to name one skill."""
    candidates = []
    for sentence in sentences(text):
        position = 0
        for cut in [*_CLAUSE_BREAK_RE.finditer(sentence.text), None]:
            end = cut.start() if cut else len(sentence.text)
            clause = sentence.text[position:end]
            stripped = clause.strip(" \t\n.-*")
            if MIN_CANDIDATE_WORDS <= len(words(stripped)) <= MAX_CANDIDATE_WORDS:
                start = sentence.start + position + clause.index(stripped)
                candidates.append(Span(stripped, start, start + len(stripped)))
            if cut:
                position = cut.end()
    return candidates
