"""Labelled form fields ("Position Title: ...", "MINISTÈRE : ...") read from a document's front matter."""

import re

from jdi_parser.accents import ANY_E
from jdi_parser.anchored_search import anchored_finditer

_A = ANY_E

# (field, anchors, label pattern, needs_colon). Every match of a pattern starts with one of its anchors
# (lower-case literals; after clean_text a space is " " or a line break). Longer labels come first so
# "Supervisor Position Title" wins over "Position Title". Labels mapped to None only bound the value of
# the label before them.
_LABELS: tuple[tuple[str | None, tuple[str, ...], str, bool], ...] = (
    # The signed statements and the requirements of the 2023 form.
    (
        None,
        ("employee", "supervis", "manager"),
        (
            r"(?:employee|supervisor|manager)(?:['’ ]?s)?\s+(?:name|signature|statement)"
            r"|manager(?:['’ ]?s)?\s+authori[sz]ation"
        ),
        False,
    ),
    (
        None,
        ("office", "language", "linguistic", "communication", "security", "position"),
        (
            r"office\s+code|language\s+requirements|linguistic\s+profile|(?:communications?|security)\s+requirements"
            r"|position\s+effective\s*/\s*classification\s+decision\s+effective\s+date"
        ),
        False,
    ),
    (
        "supervisor_position_number",
        ("supervis",),
        r"supervisor(?:['’]s)?\s+position\s*(?:number|no\.?|#)",
        False,
    ),
    (
        "supervisor_classification",
        ("supervis",),
        r"supervisor(?:['’]s)?\s+(?:position\s+)?classification",
        False,
    ),
    (
        "reports_to",
        ("supervis", "report"),
        r"supervisor(?:['’]s)?\s+(?:position\s+)?title|reports?\s+to|superviseur|supervisor",
        False,
    ),
    ("reports_to", ("titre", "rel"), rf"titre\s+du\s+poste\s+du\s+superviseur|rel{_A}ve\s+de", False),
    (
        "job_number",
        ("job", "obbing", "generic"),
        r"job\s*(?:code|number|no\.?|#)|j?obbing\s+number|generic\s+(?:job\s+)?number",
        False,
    ),
    ("job_number", ("num", "code"), rf"num{_A}ro\s+(?:de\s+l['’ ]?|d['’ ]?)emploi|code\s+d['’ ]?emploi", False),
    (
        "position_number",
        ("position", "num", "n°", "nº", "no", "n ", "n\n"),
        rf"position\s*(?:number|no\.?|#)|num{_A}ro\s+du\s+poste|n[°ºo]?\s+du\s+poste",
        False,
    ),
    (
        "classification",
        ("position", "group", "classification"),
        r"position\s+classification|groupe?\s+(?:and|et|&)\s+(?:level|niveau)|classification",
        False,
    ),
    ("national_occupation_code", ("national",), r"national\s+occupation(?:al)?\s+(?:code|classification)", False),
    ("title", ("position", "job", "titre"), r"position\s+title|job\s+title|titre\s+du\s+poste", False),
    ("title", ("title", "titre", "position"), r"title|titre|position", True),
    ("department", ("department", "minist"), rf"department\s*/\s*agency(?:\s+name)?|department|minist{_A}re", False),
    (
        "branch",
        ("organi", "direction", "branch"),
        rf"organi[sz]ational\s+component(?:\s*\(branch\s*/\s*division\))?|direction\s+g{_A}n{_A}rale(?:\s*/\s*r{_A}gion)?|branch",
        False,
    ),
    ("directorate", ("directorate", "division"), r"directorate|division", False),
    (
        "location",
        ("geographic", "emplacement", "location", "lieu"),
        rf"geographic(?:al)?\s+location|emplacement\s+g{_A}ographique|location|lieu\s+de\s+travail",
        False,
    ),
    (
        "effective_date",
        ("job", "effective", "date"),
        (
            r"(?:job\s+description(?:\s*/\s*job\s+code)?\s+)?effective\s+date|date\s+effective"
            rf"|date\s+d['’ ]?entr{_A}e\s+en\s+vigueur"
        ),
        False,
    ),
    ("effective_date", ("date",), r"date", True),
    (None, ("incumbent", "titulaire", "signature"), r"incumbent|titulaire|signature", False),
)
_GROUP_FIELDS = {f"f{index}": field for index, (field, _, _, _) in enumerate(_LABELS)}
_COLON_GROUPS = {f"f{index}" for index, (_, _, _, needs_colon) in enumerate(_LABELS) if needs_colon}
_ANCHORS = dict.fromkeys((anchor for _, anchors, _, _ in _LABELS for anchor in anchors), 0)
_LABEL = re.compile(
    r"(?<![\w])(?:" + "|".join(f"(?P<f{index}>{pattern})" for index, (_, _, pattern, _) in enumerate(_LABELS)) + r")"
    r"(?:\s*:)?(?![\w])",
    re.IGNORECASE,
)
_SUPERVISOR_FIELDS = {"reports_to", "supervisor_position_number", "supervisor_classification"}
_VALUE_EDGES = " \t:_|.;,-–*"
_MAX_VALUE_LENGTH = 150
# A date comes first in its value, so a value running on (a table row read across) is cut, not dropped.
_CUT_FIELDS = {"effective_date"}


def extract_labelled_fields(front_matter: str) -> dict[str, list[str]]:
    """Map each field to the non-empty values that follow its labels, in document order."""
    labels = [match for match in anchored_finditer(_LABEL, front_matter, _ANCHORS) if _is_label(match)]
    values: dict[str, list[str]] = {}
    for index, label in enumerate(labels):
        field = _GROUP_FIELDS[label.lastgroup or ""]
        if field is None:
            continue
        end = labels[index + 1].start() if index + 1 < len(labels) else len(front_matter)
        value = front_matter[label.end() : end].split("\n", 1)[0].strip(_VALUE_EDGES)
        if field in _CUT_FIELDS:
            value = value[:_MAX_VALUE_LENGTH]
        if value and len(value) <= _MAX_VALUE_LENGTH:
            values.setdefault(field, []).append(value)
    return values


def first_reports_to_label(front_matter: str) -> int:
    """Offset of the first supervisor label; what follows it describes another position."""
    for label in anchored_finditer(_LABEL, front_matter, _ANCHORS):
        if _is_label(label) and _GROUP_FIELDS[label.lastgroup or ""] in _SUPERVISOR_FIELDS:
            return label.start()
    return len(front_matter)


def _is_label(label: re.Match[str]) -> bool:
    # Labels on forms are capitalised; a lowercase "branch" is part of a value or of prose.
    if not label[0][0].isupper():
        return False
    # The patterns hold no capturing group of their own, so the last group is the field's.
    return label[0].endswith(":") or label.lastgroup not in _COLON_GROUPS
