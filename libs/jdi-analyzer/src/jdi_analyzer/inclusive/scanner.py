"""Find exclusionary and gender-coded wording, as whole words or phrases, with offsets."""

import re
from collections import Counter
from collections.abc import Sequence
from functools import cache

from pydantic import BaseModel

from jdi_analyzer.inclusive.lexicon import (
    CLIENT_GROUP_NEXT_WORDS,
    CLIENT_GROUP_PREVIOUS_WORDS,
    ENGLISH,
    FRENCH,
    Category,
    LexiconEntry,
)

# Gaucher et al. call a text gender-coded when one list's words outnumber the other's;
# a difference below this share of coded words counts as balanced.
BALANCE_MARGIN = 0.2


class Finding(BaseModel):
    category: Category
    term: str
    start: int
    end: int
    section: str
    suggestion: str


class FindingsSummary(BaseModel):
    total: int
    by_category: dict[str, int]
    top_terms: list[tuple[str, int]]
    gender_coding: str
    masculine_count: int
    feminine_count: int


@cache
def _pattern(language: str) -> tuple[re.Pattern[str], dict[str, LexiconEntry]]:
    entries = FRENCH if language == "fr" else ENGLISH
    by_form = {form.lower(): entry for entry in entries for form in entry.forms}
    # Longest first so "jeune diplômé" wins over "jeune"; whitespace in a phrase matches any run of it.
    alternatives = [r"\s+".join(map(re.escape, form.split())) for form in sorted(by_form, key=len, reverse=True)]
    pattern = re.compile(rf"(?<![\w'’-])(?:{'|'.join(alternatives)})(?![\w-])", re.IGNORECASE)
    return pattern, by_form


def scan_text(text: str, section: str, language: str | None) -> list[Finding]:
    """Findings in one section; offsets index into ``text``."""
    languages = ["en", "fr"] if language == "bilingual" else ["fr" if language == "fr" else "en"]
    findings: dict[tuple[int, int], Finding] = {}
    for lang in languages:
        pattern, by_form = _pattern(lang)
        for match in pattern.finditer(text):
            entry = by_form[" ".join(match.group().lower().split())]
            if entry.category == "age" and _names_client_group(text, match.start(), match.end()):
                continue
            # A word in both languages' lists ("leader") is reported once.
            findings.setdefault(
                (match.start(), match.end()),
                Finding(
                    category=entry.category,
                    term=match.group(),
                    start=match.start(),
                    end=match.end(),
                    section=section,
                    suggestion=entry.suggestion,
                ),
            )
    return sorted(findings.values(), key=lambda f: f.start)


def scan_sections(sections: Sequence[tuple[str, str, str]], language: str | None) -> list[Finding]:
    return [finding for key, _heading, text in sections for finding in scan_text(text, key, language)]


def summarise(findings: Sequence[Finding]) -> FindingsSummary:
    by_category = Counter(f.category for f in findings)
    masculine = by_category["gender-coded-masculine"]
    feminine = by_category["gender-coded-feminine"]
    coded = masculine + feminine
    if coded == 0 or abs(masculine - feminine) <= BALANCE_MARGIN * coded:
        coding = "neutral"
    else:
        coding = "masculine-coded" if masculine > feminine else "feminine-coded"
    terms = Counter(f.term.lower() for f in findings)
    return FindingsSummary(
        total=len(findings),
        by_category=dict(sorted(by_category.items())),
        top_terms=terms.most_common(10),
        gender_coding=coding,
        masculine_count=masculine,
        feminine_count=feminine,
    )


def _names_client_group(text: str, start: int, end: int) -> bool:
    following = re.match(r"\s+([\w’']+)", text[end:])
    preceding = re.search(r"([\w’']+)\s+$", text[:start])
    return bool(
        (following and following.group(1).lower() in CLIENT_GROUP_NEXT_WORDS)
        or (preceding and preceding.group(1).lower() in CLIENT_GROUP_PREVIOUS_WORDS)
    )
