"""Clarity signals: long sentences, passive voice, acronyms never spelled out."""

import re
from dataclasses import dataclass

from jdi_analyzer.quality.segmentation import sentences

LONG_SENTENCE_WORDS = 30

_PASSIVE_RE = {
    # A form of "to be", up to two adverbs, then a past participle.
    "en": re.compile(
        r"\b(?:am|is|are|was|were|be|been|being)\s+(?:\w+ly\s+){0,2}"
        r"(?:\w+ed|made|done|given|taken|held|known|seen|shown|built|led|set|kept|met|brought|sought|paid)\b",
        re.IGNORECASE,
    ),
    "fr": re.compile(
        r"\b(?:est|sont|était|étaient|sera|seront|été|être|soit|soient)\s+(?:\w+ment\s+)?"
        r"\w+(?:é|ée|és|ées|is|ise|ises|it|ite|its|ites|u|ue|us|ues)\b",
        re.IGNORECASE,
    ),
}
_ACRONYM_RE = re.compile(r"\b[A-Z][A-Z&]{1,7}s?\b")
# Acronyms every reader of these forms knows, and Roman numerals.
_COMMON_ACRONYMS = {
    "EX",
    "CEO",
    "DG",
    "ADM",
    "DM",
    "HR",
    "IT",
    "FTE",
    "FTES",
    "ETP",
    "OK",
    "USA",
    "UK",
    "II",
    "III",
    "IV",
    "VI",
    "ET",
    "OU",
    "DE",
    "LA",
    "LE",
    "LES",
    "DES",
    "DU",
    "AND",
    "OR",
    "THE",
    "OF",
    "TO",
    "A",
    "I",
}


@dataclass(frozen=True)
class ClarityMeasures:
    sentence_count: int
    long_sentences: int
    passive_sentences: int
    undefined_acronyms: tuple[str, ...]

    @property
    def long_ratio(self) -> float:
        return self.long_sentences / self.sentence_count if self.sentence_count else 0.0

    @property
    def passive_ratio(self) -> float:
        return self.passive_sentences / self.sentence_count if self.sentence_count else 0.0


def undefined_acronyms(text: str) -> list[str]:
    """Acronyms used without ever being expanded: "Canada Pension Plan (CPP)" or "CPP (Canada Pension Plan)"."""
    found: dict[str, None] = {}
    for match in _ACRONYM_RE.finditer(text):
        acronym = match.group().rstrip("s") if match.group().endswith("s") else match.group()
        if acronym in _COMMON_ACRONYMS or acronym in found or _in_shouted_heading(text, match.start(), match.end()):
            continue
        if not _is_defined(acronym, text):
            found[acronym] = None
    return list(found)


def _in_shouted_heading(text: str, start: int, end: int) -> bool:
    """Capitals next to other capitals are a heading ("POSITION NUMBER"), not an acronym."""
    return bool(re.match(r"[ \t]+[A-Z]{2,}\b", text[end:]) or re.search(r"\b[A-Z]{2,}[ \t]+$", text[:start]))


def _is_defined(acronym: str, text: str) -> bool:
    escaped = re.escape(acronym)
    if re.search(rf"\(\s*{escaped}s?\s*\)", text) or re.search(rf"\b{escaped}s?\s*\(\s*[A-Za-zÀ-ÿ]", text):
        return True
    # Spelled out just before a use: "the Canada Pension Plan CPP" or "Labour Market / LM".
    for match in re.finditer(rf"\b{escaped}\b", text):
        before = re.findall(r"[A-Za-zÀ-ÿ]+", text[max(0, match.start() - 120) : match.start()])
        capitalised = [word for word in before if word[0].isupper()]
        if "".join(word[0] for word in capitalised[-len(acronym) :]).upper() == acronym:
            return True
    return False


def measure_clarity(text: str, language: str = "en") -> ClarityMeasures:
    spans = sentences(text)
    passive = _PASSIVE_RE["fr" if language == "fr" else "en"]
    return ClarityMeasures(
        sentence_count=len(spans),
        long_sentences=sum(1 for s in spans if len(s.text.split()) > LONG_SENTENCE_WORDS),
        passive_sentences=sum(1 for s in spans if passive.search(s.text)),
        undefined_acronyms=tuple(undefined_acronyms(text)),
    )
