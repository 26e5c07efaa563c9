"""Catalogue of section headings (English and French, OCR-tolerant) and the rules that tell a
heading from the same words used in prose."""

import re
from dataclasses import dataclass

from jdi_parser.accents import tolerate_accents
from jdi_parser.anchored_search import anchored_finditer

SIGNATURE_BLOCK = "signature_block"

_ACCOUNTABILITIES = r"acc?ount[aio]bilit(?:y|ies|e)"

# Where a heading is accepted: INLINE ones by the rules of _is_heading, LINE ones (common words) only on a
# line of their own, CAPITALISED ones (phrases no sentence uses) wherever they start with a capital.
INLINE = "inline"
LINE = "line"
CAPITALISED = "capitalised"

# (key, anchors, pattern, placement): every match of the pattern starts with one of its anchors
# (lower-case literals), or has the anchor at most n characters in when it is given as (anchor, n),
# which covers first syllables whose accent OCR keeps, flattens or drops ("défis", "dfis", "d fis").
_HEADINGS: tuple[tuple[str, tuple[str | tuple[str, int], ...], str, str], ...] = (
    (
        "key_challenges",
        ("major", "key"),
        r"(?:major|key)\s+challenges?(?:\s*,?\s*issues\s+(?:and|&)\s+initiatives)?",
        INLINE,
    ),
    (
        "key_challenges",
        ("principaux", ("fis", 2), "enjeux"),
        tolerate_accents(r"(?:principaux\s+)?défis(?:\s+principaux)?|enjeux\s+et\s+initiatives"),
        INLINE,
    ),
    (
        "general_accountability",
        ("general",),
        rf"general\s+{_ACCOUNTABILITIES}|general\s+responsibilit(?:y|ies)",
        INLINE,
    ),
    # The 2023 form's name for it on some positions.
    ("general_accountability", ("organi",), r"organi[sz]ational\s+context", INLINE),
    (
        "general_accountability",
        ("responsabilit", "reason", "client", "raison"),
        tolerate_accents(
            r"responsabilités?\s+générales?|reason\s+for\s+being|client\s+service\s+results|raison\s+d['’ ]?être"
        ),
        INLINE,
    ),
    (
        "organization_structure",
        ("organi", ("rarch", 3)),
        r"organi[sz]ation(?:al)?\s+structure|hierarchy|hi(?:é|e| )?rarchie",
        INLINE,
    ),
    (
        "organization_structure",
        ("structure",),
        tolerate_accents(r"structure\s+(?:organisationnelle|de\s+l['’ ]?organisation)"),
        INLINE,
    ),
    ("nature_and_scope", ("nature",), tolerate_accents(r"nature\s+(?:and|&)\s+scope|nature\s+et\s+portée"), INLINE),
    ("specific_accountabilities", ("specific", "key"), rf"specific\s+{_ACCOUNTABILITIES}|key\s+activities", INLINE),
    (
        "specific_accountabilities",
        ("responsabilit", "activit"),
        tolerate_accents(
            r"responsabilités\s+(?:spécifiques|particuli(?:è|e| )?res|principales)|activités\s+principales"
        ),
        INLINE,
    ),
    (
        "dimensions",
        ("dimensions", "donn", ("tendue", 1)),
        tolerate_accents(r"dimensions|données\s+chiffrées|étendue\s+des\s+responsabilités"),
        INLINE,
    ),
    ("knowledge", ("knowledge", "connaissances"), r"knowledge|connaissances", INLINE),
    ("working_conditions", ("working", "conditions"), r"working\s+conditions|conditions\s+de\s+travail", INLINE),
    ("education", ("education", ("tudes", 1), "scolarit"), tolerate_accents(r"education|études|scolarité"), INLINE),
    ("experience", ("exp",), tolerate_accents(r"expérience"), INLINE),
    ("qualifications", ("required", "qualifications"), r"(?:required\s+)?qualifications(?:\s+requises)?", INLINE),
    ("key_challenges", ("challenges",), r"challenges", INLINE),
    ("organization_structure", ("structure",), r"structure", LINE),
    (
        "other",
        ("other", "additional", "autres"),
        r"other(?:\s+information)?|additional\s+information|autres(?:\s+renseignements)?",
        LINE,
    ),
    (
        SIGNATURE_BLOCK,
        ("certification", "attestation", "signature", "approv"),
        tolerate_accents(r"certification|attestation|signatures?|approvals?|approved\s+by|approuvée?\s+par"),
        INLINE,
    ),
    # The statements signed on forms: "Employee's statement", "Supervisor statement", "Manager authorization".
    (
        SIGNATURE_BLOCK,
        ("employee", "supervisor", "manager", ("claration", 2), "autorisation"),
        tolerate_accents(
            r"(?:employee|supervisor)(?:['’ ]?s)?\s+statement|manager(?:['’ ]?s)?\s+authori[sz]ation"
            r"|déclaration\s+(?:de\s+[lI]{1,2}\s?['’ ]?\s?employé|du\s+superviseur)|autorisation\s+du\s+gestionnaire"
        ),
        CAPITALISED,
    ),
)

_GROUP_KEYS = {f"h{index}": key for index, (key, _, _, _) in enumerate(_HEADINGS)}
_GROUP_PLACEMENTS = {f"h{index}": placement for index, (_, _, _, placement) in enumerate(_HEADINGS)}
_ANCHORS = dict(
    anchor if isinstance(anchor, tuple) else (anchor, 0) for _, anchors, _, _ in _HEADINGS for anchor in anchors
)
HEADING_CANDIDATE = re.compile(
    r"(?<![\w])(?:"
    + "|".join(f"(?P<h{index}>{pattern})" for index, (_, _, pattern, _) in enumerate(_HEADINGS))
    + r")(?![\w])",
    re.IGNORECASE,
)
# What may stand before a heading on its line: numbering, bullets, table bars, Markdown marks.
_LINE_PREFIX = re.compile(r"[\s#*|>\-–•]*(?:(?:[0-9]{1,2}|[IVX]{1,4}|[A-Za-z])[.)]\s*)?[\s*|]*")
_LINE_REST_IS_EMPTY = re.compile(r"[\s*:|.\-–]*(?:\n|$)")
_BULLET = re.compile(r"\s*[-*•]")
_MAX_HEADING_LINE_TAIL = 60
_SMALL_WORDS = {"and", "of", "et", "des", "de", "du", "la", "l", "&", "by", "par", "issues", "initiatives"}
_SENTENCE_END = set(".:;!?)|")


@dataclass(frozen=True)
class HeadingMatch:
    key: str
    heading: str
    start: int
    end: int


def find_headings(text: str, sentence_case: bool = False) -> list[HeadingMatch]:
    """Headings in ``text``; with ``sentence_case`` (the 2023 form) also sentence-case headings inline in
    running text ("... probity. Nature and scope ESDC is ...")."""
    found: list[HeadingMatch] = []
    line_start = searched_to = 0
    for match in anchored_finditer(HEADING_CANDIDATE, text, _ANCHORS):
        # Matches come in order, so each line break is searched for once (OCR lines are long).
        newline = text.rfind("\n", searched_to, match.start())
        if newline >= 0:
            line_start = newline + 1
        searched_to = match.start()
        group = match.lastgroup or ""
        if _is_heading(text, match, line_start, _GROUP_PLACEMENTS[group], sentence_case):
            found.append(HeadingMatch(_GROUP_KEYS[group], match[0], match.start(), match.end()))
    return found


def _is_heading(text: str, match: re.Match[str], line_start: int, placement: str, sentence_case: bool) -> bool:
    at_line_start = _LINE_PREFIX.fullmatch(text, line_start, match.start()) is not None
    alone_on_line = _LINE_REST_IS_EMPTY.match(text, match.end()) is not None
    if at_line_start and alone_on_line:
        return True
    if placement == LINE:
        return False
    if placement == CAPITALISED:
        return match[0][0].isupper()
    words = match[0].split()
    uppercase = match[0].isupper()
    title_case = all(word[0].isupper() for word in words if word.lower() not in _SMALL_WORDS)
    followed_by_colon = text.startswith(":", match.end()) or text[match.end() : match.end() + 2] == " :"
    if uppercase and (len(words) > 1 or len(match[0]) >= 5):
        return True
    if at_line_start and (uppercase or title_case) and _is_short_heading_line(text, line_start, match.end()):
        return True
    if title_case and followed_by_colon:
        return True
    if (title_case and len(words) > 1) or (sentence_case and match[0][0].isupper()):
        return _starts_a_sentence(text, match, at_line_start)
    return False


def _starts_a_sentence(text: str, match: re.Match[str], at_line_start: bool) -> bool:
    """A heading inline in running text: after a sentence's end, before a capitalised word or a number."""
    previous = text[max(0, match.start() - _MAX_HEADING_LINE_TAIL) : match.start()].rstrip()[-1:]
    next_word = text[match.end() : match.end() + 2].strip()[:1]
    return (at_line_start or previous in _SENTENCE_END) and (next_word.isupper() or next_word.isdigit())


def _is_short_heading_line(text: str, line_start: int, heading_end: int) -> bool:
    """A heading line of its own with a few more words ("Major Challenges for the Director")."""
    # Only the first characters of the rest of the line matter: a longer rest is no heading line.
    window = text[heading_end : heading_end + _MAX_HEADING_LINE_TAIL + 3]
    line_end = window.find("\n")
    tail = (window if line_end < 0 else window[:line_end]).strip()
    return len(tail) <= _MAX_HEADING_LINE_TAIL and not tail.endswith(".") and not _BULLET.match(text, line_start)
