"""Labelled form fields ("Position Title: ...", "MINISTÈRE : ...") read from a document's front matter."""

import re

from jdi_ingestion.parsing.accents import ANY_E

_A = ANY_E

# (field, label pattern, needs_colon). Longer labels come first so "Supervisor Position Title" wins
# over "Position Title". Labels mapped to None only bound the value of the label before them.
_LABELS: tuple[tuple[str | None, str, bool], ...] = (
    ("reports_to", r"supervisor(?:['’]s)?\s+(?:position\s+)?title|reports?\s+to|superviseur|supervisor", False),
    ("reports_to", rf"titre\s+du\s+poste\s+du\s+superviseur|rel{_A}ve\s+de", False),
    ("job_number", r"job\s*(?:code|number|no\.?|#)|j?obbing\s+number|generic\s+(?:job\s+)?number", False),
    ("job_number", rf"num{_A}ro\s+(?:de\s+l['’ ]?|d['’ ]?)emploi|code\s+d['’ ]?emploi", False),
    ("position_number", rf"position\s*(?:number|no\.?|#)|num{_A}ro\s+du\s+poste|n[°ºo]?\s+du\s+poste", False),
    ("classification", r"position\s+classification|groupe?\s+(?:and|et|&)\s+(?:level|niveau)|classification", False),
    ("national_occupation_code", r"national\s+occupation(?:al)?\s+code", False),
    ("title", r"position\s+title|job\s+title|titre\s+du\s+poste", False),
    ("title", r"title|titre|position", True),
    ("department", rf"department\s*/\s*agency|department|minist{_A}re", False),
    ("branch", rf"organi[sz]ational\s+component|direction\s+g{_A}n{_A}rale(?:\s*/\s*r{_A}gion)?|branch", False),
    ("directorate", r"directorate|division", False),
    ("location", rf"geographic(?:al)?\s+location|emplacement\s+g{_A}ographique|location|lieu\s+de\s+travail", False),
    ("effective_date", rf"effective\s+date|date\s+effective|date\s+d['’ ]?entr{_A}e\s+en\s+vigueur", False),
    ("effective_date", r"date", True),
    (None, r"incumbent|titulaire|signature", False),
)
_GROUP_FIELDS = {f"f{index}": field for index, (field, _, _) in enumerate(_LABELS)}
_COLON_GROUPS = {f"f{index}" for index, (_, _, needs_colon) in enumerate(_LABELS) if needs_colon}
_LABEL = re.compile(
    r"(?<![\w])(?:" + "|".join(f"(?P<f{index}>{pattern})" for index, (_, pattern, _) in enumerate(_LABELS)) + r")"
    r"(?P<colon>\s*:)?(?![\w])",
    re.IGNORECASE,
)
_VALUE_EDGES = " \t:_|.;,-–*"
_MAX_VALUE_LENGTH = 150


def extract_labelled_fields(front_matter: str) -> dict[str, list[str]]:
    """Map each field to the non-empty values that follow its labels, in document order."""
    labels = [match for match in _LABEL.finditer(front_matter) if _is_label(match)]
    values: dict[str, list[str]] = {}
    for index, label in enumerate(labels):
        field = _GROUP_FIELDS[_label_group(label)]
        if field is None:
            continue
        end = labels[index + 1].start() if index + 1 < len(labels) else len(front_matter)
        value = front_matter[label.end() : end].split("\n", 1)[0].strip(_VALUE_EDGES)
        if value and len(value) <= _MAX_VALUE_LENGTH:
            values.setdefault(field, []).append(value)
    return values


def first_reports_to_label(front_matter: str) -> int:
    """Offset of the first supervisor label; what follows it describes another position."""
    for label in _LABEL.finditer(front_matter):
        if _is_label(label) and _GROUP_FIELDS[_label_group(label)] == "reports_to":
            return label.start()
    return len(front_matter)


def _label_group(label: re.Match[str]) -> str:
    return next(name for name, value in label.groupdict().items() if value and name != "colon")


def _is_label(label: re.Match[str]) -> bool:
    # Labels on forms are capitalised; a lowercase "branch" is part of a value or of prose.
    if not label[0][0].isupper():
        return False
    return label["colon"] is not None or _label_group(label) not in _COLON_GROUPS
