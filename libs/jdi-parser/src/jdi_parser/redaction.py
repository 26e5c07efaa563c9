"""Replace personal data with typed placeholders: e-mails, phones, names after form labels ("Incumbent:")
and signers' names around "Signature" and "Date" labels."""

import re

from jdi_parser.anchored_search import anchored_finditer

EMAIL_PLACEHOLDER = "[EMAIL]"
PHONE_PLACEHOLDER = "[PHONE]"
NAME_PLACEHOLDER = "[NAME]"

_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}\b")
_PHONE = re.compile(
    r"(?<![\w$])(?:\+?1[ .-]?)?(?:\([0-9]{3}\)\s?|[0-9]{3}[ .-])[0-9]{3}[ .-][0-9]{4}"
    r"(?:\s?(?:ext\.?|poste|x)\s?[0-9]{1,5})?(?![0-9])",
    re.IGNORECASE,
)
# Every phone number ends with three digits, a separator and four digits. With the digits of the UTF-8
# bytes turned into zeros (one table lookup per byte), three literal searches tell whether one may be there.
_DIGITS_TO_ZERO = bytes.maketrans(b"123456789", b"000000000")
_PHONE_ENDINGS = (b"000 0000", b"000-0000", b"000.0000")
_LABEL = re.compile(
    r"(?:(?<![\w])|(?<=[a-z]))(?P<label>incumbent(?:['’]s)?(?:\s+name)?|titulaire|nom\s+du\s+titulaire"
    r"|employee\s+name|name\s+of\s+(?:the\s+)?(?:incumbent|employee|supervisor|manager)|name|nom"
    r"|signature(?:\s+of\s+(?:the\s+)?incumbent|\s+du\s+titulaire)?"
    r"|(?:digitally\s+)?signed\s+by|sign(?:é|e)\s+par)"
    r"(?P<colon>\s*[:_]+)?[ \t_]*",
    re.IGNORECASE,
)
# Every label starts with one of these words.
_LABEL_ANCHORS = dict.fromkeys(("incumbent", "titulaire", "nom", "employee", "name", "sign", "digitally"), 0)
_NAME_TOKEN = re.compile(r"(?:[A-ZÀ-Ý][a-zà-ÿ'’]+(?:-[A-ZÀ-Ý][a-zà-ÿ'’]+)?|[A-ZÀ-Ý]{2,}(?:-[A-ZÀ-Ý]{2,})?|[A-Z]\.)")
_MAX_NAME_TOKENS = 4
# Capitalised labels only: "the national signature initiative" is prose.
_SIGNATURE_OR_DATE_LABEL = re.compile(r"Signature|SIGNATURE|Date|DATE")
# Inside signature blocks, what labels the lines around a signer's name.
_BLOCK_LABEL = re.compile(r"(?<![\w])(?:signature|date|incumbent|titulaire)(?![\w])", re.IGNORECASE)
_LABEL_SEPARATORS = " \t:_|"
# Characters of a name token ("O'Neil", "Mary-Ann", "J.").
_NAME_CHARACTERS = frozenset("'’-.")
_JOINER_WINDOW = 20
# A bare "Name"/"Nom" label also names units on forms, so there a person's name needs two tokens.
_GENERIC_LABELS = frozenset({"name", "nom"})
# Words of unit names: a signature line names a unit ("Digital Transformation Office") as often as a person.
_ORGANISATION_WORDS = frozenset(
    [
        "office",
        "service",
        "services",
        "canada",
        "canadian",
        "government",
        "gouvernement",
        "agency",
        "agence",
        "bureau",
        "centre",
        "center",
        "secretariat",
        "program",
        "programs",
        "programme",
        "unit",
        "team",
        "sector",
        "secteur",
        "commission",
        "council",
        "board",
    ]
)
# Provinces and territories: "Gatineau, Quebec" after a location label is a place, not "Last, First".
_PLACE_WORDS = frozenset(
    [
        "ontario",
        "quebec",
        "québec",
        "alberta",
        "manitoba",
        "saskatchewan",
        "nova",
        "scotia",
        "brunswick",
        "newfoundland",
        "labrador",
        "prince",
        "edward",
        "island",
        "british",
        "columbia",
        "yukon",
        "nunavut",
        "northwest",
        "territories",
        "ncr",
        "rcn",
    ]
)
# What joins the words of a title or unit name ("Director, Strategic Policy", "Policy and Research").
_TITLE_JOINERS = frozenset(["and", "of", "for", "et", "de", "du", "des", "la", "le", "pour", "&"])
# Capitalised words that follow labels on forms but are not names.
_FORM_WORDS = (
    frozenset(
        [
            "date",
            "signature",
            "name",
            "nom",
            "title",
            "titre",
            "position",
            "poste",
            "number",
            "numero",
            "department",
            "ministere",
            "branch",
            "direction",
            "directorate",
            "division",
            "location",
            "classification",
            "group",
            "groupe",
            "level",
            "niveau",
            "general",
            "accountability",
            "accountabilities",
            "responsabilite",
            "responsabilites",
            "the",
            "le",
            "la",
            "les",
            "of",
            "de",
            "du",
            "and",
            "et",
            "director",
            "directeur",
            "directrice",
            "manager",
            "supervisor",
            "superviseur",
            "officer",
            "authorized",
            "authorised",
            "fonctionnaire",
            "autorise",
            "deputy",
            "minister",
            "assistant",
            "vacant",
            "new",
            "nouveau",
            "n/a",
            "na",
            "tbd",
            "to",
            "be",
            "determined",
            "is",
            "was",
            "has",
            "will",
            "shall",
            "page",
            "incumbent",
            "titulaire",
            "employee",
            "employe",
            "code",
            "job",
            "effective",
            "organizational",
            "structure",
            "nature",
            "scope",
            "specific",
            "dimensions",
            "certification",
            "signed",
            "approved",
            "approval",
            "executive",
            "senior",
            "chief",
            "acting",
            "associate",
            "regional",
            "svp",
            "dir",
            "dg",
            "adm",
            "sadm",
            "dm",
        ]
    )
    | _ORGANISATION_WORDS
    | _PLACE_WORDS
)


def redact_personal_data(text: str) -> tuple[str, int]:
    """Return the redacted text and how many items were replaced."""
    emails = phones = 0
    # Cheap literal checks first: the full patterns are slow to run over long OCR lines.
    if "@" in text:
        text, emails = _EMAIL.subn(EMAIL_PLACEHOLDER, text)
    if _may_hold_phone_number(text):
        text, phones = _PHONE.subn(PHONE_PLACEHOLDER, text)
    name_spans = _names_after_labels(text) + _names_before_signature_labels(text)
    text, names = _replace_names(text, name_spans)
    return text, emails + phones + names


def redact_signature_block_names(text: str, blocks: list[tuple[int, int]]) -> tuple[str, int]:
    """Redact names standing right before or after a "Signature", "Date" or role label inside the
    signature and certification blocks spanning ``blocks`` (start, end offsets)."""
    spans: list[tuple[int, int]] = []
    for block_start, block_end in blocks:
        for label in _BLOCK_LABEL.finditer(text, block_start, block_end):
            before = _name_before(text, label.start(), block_start)
            if before is not None:
                spans.append(before)
            name_start = _skip(text, label.end(), _LABEL_SEPARATORS)
            name_end = _name_end(text, name_start, min_tokens=2)
            if name_end is not None and name_end <= block_end and not _continues_as_title(text, name_end):
                spans.append((name_start, name_end))
    return _replace_names(text, spans)


def _may_hold_phone_number(text: str) -> bool:
    zeroed = text.encode("utf-8", errors="replace").translate(_DIGITS_TO_ZERO)
    return any(ending in zeroed for ending in _PHONE_ENDINGS)


def _names_after_labels(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for label in anchored_finditer(_LABEL, text, _LABEL_ANCHORS):
        # Without a colon only a capitalised label counts: "the incumbent directs" is prose.
        if not label["colon"] and not label["label"][0].isupper():
            continue
        min_tokens = 2 if label["label"].lower() in _GENERIC_LABELS else 1
        name_end = _name_end(text, label.end(), min_tokens)
        if name_end is not None:
            spans.append((label.end(), name_end))
    return spans


def _names_before_signature_labels(text: str) -> list[tuple[int, int]]:
    """Names written in front of a "Signature" label ("Jane Doe  Signature of Incumbent"), and names in
    "Last, First" form in front of a "Date" label ("Digitally signed by Hall, Karen Date: ...")."""
    spans: list[tuple[int, int]] = []
    for label in anchored_finditer(_SIGNATURE_OR_DATE_LABEL, text, {"signature": 0, "date": 0}):
        if label.start() > 0 and text[label.start() - 1].isalnum():
            continue
        span = _name_before(text, label.start(), 0)
        if span is not None and (label[0][0] == "S" or "," in text[span[0] : span[1]]):
            spans.append(span)
    return spans


def _replace_names(text: str, spans: list[tuple[int, int]]) -> tuple[str, int]:
    pieces: list[str] = []
    position = 0
    count = 0
    for start, end in sorted(spans):
        if start < position:
            continue
        pieces.append(text[position:start])
        pieces.append(NAME_PLACEHOLDER)
        position = end
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
        if token is None or _is_form_word(token[0]):
            break
        tokens += 1
        end = token.end()
        # A last name may be followed by a comma ("Hall, Karen").
        cursor = _skip(text, end + 1 if text.startswith(",", end) else end, " \t")
    return end if tokens >= min_tokens else None


def _name_before(text: str, label_start: int, floor: int) -> tuple[int, int] | None:
    """Span of a name of two or more tokens ending right before a label ("Doe, Jane  Date"), else None.
    Form words in front of it ("Incumbent Jane Doe Signature") are not part of it. Walks back token by
    token, so the work is bounded by the name's length whatever the text around it."""
    tokens: list[tuple[int, int]] = []
    end = _skip_back(text, label_start, floor, _LABEL_SEPARATORS)
    while len(tokens) < _MAX_NAME_TOKENS:
        start = end
        while start > floor and (text[start - 1].isalpha() or text[start - 1] in _NAME_CHARACTERS):
            start -= 1
        if start == end or _NAME_TOKEN.fullmatch(text, start, end) is None or _is_form_word(text[start:end]):
            break
        tokens.append((start, end))
        # Tokens are separated by spaces, after an optional comma ("Hall, Karen").
        gap = _skip_back(text, start, floor, " \t")
        if gap == start:
            break
        end = gap - 1 if gap > floor and text[gap - 1] == "," else gap
    if len(tokens) < 2 or _ends_title(text, tokens[-1][0]):
        return None
    return tokens[-1][0], tokens[0][1]


def _ends_title(text: str, start: int) -> bool:
    """Whether the words at ``start`` end a title or unit name ("Director, Strategic Compensation")."""
    before = text[max(0, start - _JOINER_WINDOW) : start].split()
    return bool(before) and (before[-1][-1] in ",&/" or before[-1].lower() in _TITLE_JOINERS)


def _continues_as_title(text: str, end: int) -> bool:
    """Whether the words ending at ``end`` go on as a unit name ("Human Resources Council", "... and ...")."""
    after = text[end : end + _JOINER_WINDOW].split()
    if not after:
        return False
    word = after[0].lower().strip(".,;:")
    return after[0][0] in "&/" or word in _TITLE_JOINERS or word in _ORGANISATION_WORDS


def _is_form_word(token: str) -> bool:
    word = token.lower().strip(".")
    return word.removesuffix("'s").removesuffix("’s") in _FORM_WORDS


def _skip_back(text: str, position: int, floor: int, characters: str) -> int:
    while position > floor and text[position - 1] in characters:
        position -= 1
    return position


def _skip(text: str, position: int, characters: str) -> int:
    while position < len(text) and text[position] in characters:
        position += 1
    return position
