"""Checks that apply to Government of Canada executive (EX) work description forms.

Each check says why it exists, so a reader can judge a failure. They test what
the document states, not whether the statement is right.
"""

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from pydantic import BaseModel

from jdi_analyzer.quality.score import CORE_SECTIONS


class ComplianceCheck(BaseModel):
    id: str
    passed: bool
    why: str
    detail: str


@dataclass(frozen=True)
class ComplianceInput:
    language: str | None
    classification_group: str | None
    classification_level: str | None
    job_number: str | None
    sections: Sequence[tuple[str, str, str]]

    @property
    def full_text(self) -> str:
        return "\n".join(f"{heading}\n{text}" for _key, heading, text in self.sections)

    def text_of(self, key: str) -> str:
        return "\n".join(text for section_key, _heading, text in self.sections if section_key == key)


_LANGUAGE_REQUIREMENT_RE = re.compile(
    r"\b(?:bilingual|bilingue|linguistic profile|profil linguistique|language requirements?|exigences? linguistiques?"
    r"|english essential|french essential|anglais essentiel|français essentiel|(?:[ABCEPX]){3}/(?:[ABCEPX]){3}"
    r"|CBC|CCC|BBB|imperative|imp[ée]ratif|non-imperative|non imp[ée]ratif)\b",
    re.IGNORECASE,
)
_SECURITY_RE = re.compile(
    r"\b(?:security (?:level|clearance|screening)|reliability status|cote de s[ée]curit[ée]|cote de fiabilit[ée]"
    r"|habilitation de s[ée]curit[ée]|top secret|tr[èe]s secret|secret level|niveau secret|enhanced reliability)\b",
    re.IGNORECASE,
)
_EQUITY_RE = re.compile(
    r"\b(?:employment equity|[ée]quit[ée] en mati[èe]re d'emploi|designated groups?|groupes? d[ée]sign[ée]s"
    r"|diversity and inclusion|diversit[ée] et (?:l')?inclusion)\b",
    re.IGNORECASE,
)
_INCUMBENT_RE = re.compile(
    r"\b(?i:incumbent|titulaire)\s*(?i:name|nom)?\s*:\s*([A-ZÀ-Ý][a-zà-ÿ'-]+(?:\s+[A-ZÀ-Ý][a-zà-ÿ'-]+)+)",
)
_FTE_RE = re.compile(
    r"\b(?:FTEs?|ETP|full[- ]time equivalents?|[ée]quivalents? temps plein|employees|employ[ée]s)\b",
    re.IGNORECASE,
)
_MONEY_RE = re.compile(r"\$\s?\d|\d[\d\s.,]*\s?(?:\$|M\$|million|billion|milliard|k\$)", re.IGNORECASE)
_EX_LEVELS = {"01", "02", "03", "04", "05"}


def _classification(doc: ComplianceInput) -> ComplianceCheck:
    group, level = doc.classification_group, doc.classification_level
    valid = group == "EX" and level in _EX_LEVELS
    if group is None or level is None:
        detail = "no classification group and level found"
    elif not valid:
        detail = f"classification {group}-{level} is not an EX-01 to EX-05 level"
    else:
        detail = f"classified {group}-{level}"
    return ComplianceCheck(
        id="classification-stated",
        passed=valid,
        why="An EX work description is evaluated against the Executive Group job evaluation standard, "
        "so it must state its group and level (EX-01 to EX-05).",
        detail=detail,
    )


def _position_number(doc: ComplianceInput) -> ComplianceCheck:
    return ComplianceCheck(
        id="position-number-stated",
        passed=bool(doc.job_number),
        why="The position number ties the work description to the position in the department's "
        "position management and pay systems.",
        detail=f"position number {doc.job_number}" if doc.job_number else "no position number found",
    )


def _core_sections(doc: ComplianceInput) -> ComplianceCheck:
    present = {key for key, _heading, text in doc.sections if text.strip()}
    missing = [key for key in CORE_SECTIONS if key not in present]
    return ComplianceCheck(
        id="core-sections-present",
        passed=not missing,
        why="The EX work description form has five mandatory parts (general accountability, organization "
        "structure, nature and scope, specific accountabilities, dimensions) that evaluators rate.",
        detail="all core sections present" if not missing else "missing: " + ", ".join(missing),
    )


def _dimensions_quantified(doc: ComplianceInput) -> ComplianceCheck:
    text = doc.text_of("dimensions")
    has_money = bool(_MONEY_RE.search(text))
    has_staff = bool(_FTE_RE.search(text))
    found = [name for name, ok in (("a budget figure", has_money), ("a staff count", has_staff)) if ok]
    return ComplianceCheck(
        id="dimensions-quantified",
        passed=has_money and has_staff,
        why="Dimensions (budget and staff managed) measure the position's scope in its evaluation.",
        detail=("found " + " and ".join(found)) if found else "no budget figure or staff count in Dimensions",
    )


def _statement_check(
    doc: ComplianceInput, pattern: re.Pattern[str], check_id: str, why: str, verb: str, missing: str
) -> ComplianceCheck:
    """Passes when the document states something `pattern` recognises; the detail quotes it."""
    match = pattern.search(doc.full_text)
    return ComplianceCheck(
        id=check_id,
        passed=match is not None,
        why=why,
        detail=f"{verb}: '{match.group()}'" if match else missing,
    )


def _official_languages(doc: ComplianceInput) -> ComplianceCheck:
    return _statement_check(
        doc,
        _LANGUAGE_REQUIREMENT_RE,
        "official-language-requirement",
        "Under the Official Languages Act (Part V) and the Treasury Board policy on official languages "
        "for people management, every position's language requirements must be identified objectively.",
        "states",
        "no official-language requirement stated",
    )


def _security_level(doc: ComplianceInput) -> ComplianceCheck:
    return _statement_check(
        doc,
        _SECURITY_RE,
        "security-level-stated",
        "The Policy on Government Security requires each position's security screening level "
        "(reliability, secret, top secret) to be set before appointment.",
        "states",
        "no security screening level stated",
    )


def _employment_equity(doc: ComplianceInput) -> ComplianceCheck:
    return _statement_check(
        doc,
        _EQUITY_RE,
        "employment-equity-statement",
        "The Employment Equity Act obliges federal employers to remove barriers for the four designated "
        "groups; documents used to staff a position should carry the employment-equity statement.",
        "mentions",
        "no employment-equity statement",
    )


def _no_incumbent_name(doc: ComplianceInput) -> ComplianceCheck:
    match = _INCUMBENT_RE.search(doc.full_text)
    return ComplianceCheck(
        id="no-personal-information",
        passed=match is None,
        why="A work description describes a position, not a person; an incumbent's name is personal "
        "information under the Privacy Act and must not be stored or shared with the description.",
        detail="an incumbent's name appears" if match else "no incumbent name found",
    )


CHECKS: tuple[Callable[[ComplianceInput], ComplianceCheck], ...] = (
    _classification,
    _position_number,
    _core_sections,
    _dimensions_quantified,
    _official_languages,
    _security_level,
    _employment_equity,
    _no_incumbent_name,
)


def check_compliance(doc: ComplianceInput) -> list[ComplianceCheck]:
    return [check(doc) for check in CHECKS]
