"""Replace personal data with typed placeholders: names after form labels, e-mails, phones."""

import re

from jdi_ingestion.parsing.anchored_search import anchored_finditer

EMAIL_PLACEHOLDER = "[EMAIL]"
PHONE_PLACEHOLDER = "[PHONE]"
NAME_PLACEHOLDER = "[NAME]"

_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}\b")
_PHONE = re.compile(
    r"(?<![\w$])(?:\+?1[ .-]?)?(?:\(\d{3}\)\s?|\d{3}[ .-])\d{3}[ .-]\d{4}(?:\s?(?:ext\.?|poste|x)\s?\d{1,5})?(?!\d)",
    re.IGNORECASE,
)
# Every phone number holds this, and the pattern starts with a character class the engine scans fast.
_PHONE_DIGITS = re.compile(r"\d{3}[ .-]\d{4}")
_LABEL = re.compile(
    r"(?:(?<![\w])|(?<=[a-z]))(?P<label>incumbent(?:['’]s)?(?:\s+name)?|titulaire|nom\s+du\s+titulaire"
    r"|employee\s+name|name\s+of\s+(?:the\s+)?(?:incumbent|employee|supervisor|manager)|name|nom"
    r"|signature(?:\s+of\s+(?:the\s+)?incumbent|\s+du\s+titulaire)?)"
    r"(?P<colon>\s*[:_]+)?[ \t_]*",
    re.IGNORECASE,
)
# Every label starts with one of these words.
_LABEL_ANCHORS = dict.fromkeys(("incumbent", "titulaire", "nom", "employee", "name", "signature"), 0)
_NAME_TOKEN = re.compile(r"(?:[A-ZÀ-Ý][a-zà-ÿ'’]+(?:-[A-ZÀ-Ý][a-zà-ÿ'’]+)?|[A-ZÀ-Ý]{2,}(?:-[A-ZÀ-Ý]{2,})?|[A-Z]\.)")
_MAX_NAME_TOKENS = 4
# A bare "Name"/"Nom" label also names units on forms, so there a person's name needs two tokens.
_GENERIC_LABELS = frozenset({"name", "nom"})
# Capitalised words that follow labels on forms but are not names.
_FORM_WORDS = frozenset(
    ["date", "signature", "name", "nom", "title", "titre", "position", "poste", "number", "numero", "department", "ministere", "branch", "direction", "directorate", "division", "location", "classification", "group", "groupe", "level", "niveau", "general", "accountability", "accountabilities", "responsabilite", "responsabilites", "the", "le", "la", "les", "of", "de", "du", "and", "et", "director", "directeur", "directrice", "manager", "supervisor", "superviseur", "officer", "authorized", "authorised", "fonctionnaire", "autorise", "deputy", "minister", "assistant", "vacant", "new", "nouveau", "n/a", "na", "tbd", "to", "be", "determined", "is", "was", "has", "will", "shall", "page", "incumbent", "titulaire", "employee", "employe", "code", "job", "effective", "organizational", "structure", "nature", "scope", "specific", "dimensions", "certification", "signed", "approved", "approval", "executive", "senior", "chief", "acting", "associate", "regional"]
)


def redact_personal_data(text: str) -> tuple[str, int]:
    """Return the redacted text and how many items were replaced."""
    emails = phones = 0
    # Cheap literal checks first: the full patterns are slow to run over long OCR lines.
    if "@" in text:
        text, emails = _EMAIL.subn(EMAIL_PLACEHOLDER, text)
    if _PHONE_DIGITS.search(text):
        text, phones = _PHONE.subn(PHONE_PLACEHOLDER, text)
    text, names = _redact_labelled_names(text)
    return text, emails + phones + names


def _redact_labelled_names(text: str) -> tuple[str, int]:
    pieces: list[str] = []
    position = 0
    count = 0
    for label in anchored_finditer(_LABEL, text, _LABEL_ANCHORS):
        if label.start() < position:
            continue
        # Without a colon only a capitalised label counts: "the incumbent directs" is prose.
        if not label["colon"] and not label["label"][0].isupper():
            continue
        min_tokens = 2 if label["label"].lower() in _GENERIC_LABELS else 1
        name_end = _name_end(text, label.end(), min_tokens)
        if name_end is None:
            continue
        pieces.append(text[position : label.end()])
        pieces.append(NAME_PLACEHOLDER)
        position = name_end
        count += 1
    pieces.append(text[position:])
    return "".join(pieces), count


def _name_end(text: str, start: int, min_tokens: int) -> int | None:
    """End offset of a person's name starting at ``start`` (capitalised tokens), else None."""
    end = start
    tokens = 0
    cursor = start
    while tokens < _MAX_NAME_TOKENS:
        token = _NAME_TOKEN.match(text, cursor)
        if token is None or token[0].lower().strip(".") in _FORM_WORDS:
            break
        tokens += 1
        end = token.end()
        cursor = end
        while cursor < len(text) and text[cursor] in " \t":
            cursor += 1
    return end if tokens >= min_tokens else None
