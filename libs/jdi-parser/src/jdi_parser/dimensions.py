"""FTEs and budgets from the Dimensions section: $, K, M, "million", and French forms."""

import re

_MULTIPLIERS = {
    "k": 1e3,
    "thousand": 1e3,
    "m": 1e6,
    "mm": 1e6,
    "million": 1e6,
    "millions": 1e6,
    "b": 1e9,
    "billion": 1e9,
    "billions": 1e9,
    "milliard": 1e9,
    "milliards": 1e9,
    "g": 1e9,
}
_NUMBER = r"\d{1,3}(?:[,\u00a0 ]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?"
_UNIT = r"(?P<unit>(?i:thousand|millions?|billions?|milliards?)|MM|[KkMBG])"
_MONEY = re.compile(
    rf"\$\s?(?P<before>{_NUMBER})(?:\s?{_UNIT}(?![\w]))?"
    rf"|(?P<after>{_NUMBER})\s?(?:{_UNIT.replace('unit', 'unit_after')}\s?)?(?:de\s+)?(?:\$|dollars)"
)
_FTES = re.compile(
    r"(?:\b(?:FTE|ETP)(?:['’]?s)?\b|full[- ]time\s+equivalents?|[ée]quivalents?\s+temps[- ]plein)"
    r"(?:\s*\([^)]{0,20}\))?\s*[:.=\-]?\s*(?P<after>\d[\d,]*)"
    r"|(?P<before>\d[\d,]*)\s*(?:FTE|ETP)(?:['’]?s)?\b",
    re.IGNORECASE,
)
_LABEL_BOUNDARY = re.compile(r"[.;:]\s|\n")
_MAX_LABEL_WORDS = 6


def extract_ftes(text: str) -> int | None:
    match = _FTES.search(text)
    if match is None:
        return None
    return int((match["after"] or match["before"]).replace(",", ""))


def extract_budgets(text: str) -> list[dict[str, object]]:
    budgets: list[dict[str, object]] = []
    label_start = 0
    for match in _MONEY.finditer(text):
        number = match["before"] or match["after"]
        unit = (match["unit"] or match["unit_after"] or "").lower()
        amount = _to_float(number) * _MULTIPLIERS.get(unit, 1.0)
        label = _label_before(text, label_start, match.start())
        budgets.append({"label": label, "amount": amount, "raw": match[0].strip()})
        label_start = match.end()
    return budgets


def _to_float(number: str) -> float:
    compact = number.replace("\u00a0", " ")
    if re.fullmatch(r"\d{1,3}(?:[, ]\d{3})+", compact):
        return float(re.sub(r"[, ]", "", compact))
    if re.fullmatch(r"\d{1,3}(?:[, ]\d{3})+[.,]\d+", compact):
        whole, fraction = re.split(r"[.,](?=\d+$)", compact)
        return float(re.sub(r"[, ]", "", whole) + "." + fraction)
    return float(compact.replace(",", "."))


def _label_before(text: str, start: int, end: int) -> str:
    window = text[start:end].rstrip(" \t:-–")
    boundaries = [match.end() for match in _LABEL_BOUNDARY.finditer(window)]
    clause = window[boundaries[-1] :] if boundaries and window[boundaries[-1] :].strip() else window
    words = clause.replace("(", " ").replace(")", " ").split()[-_MAX_LABEL_WORDS:]
    return " ".join(words).strip(" :-–,") or "amount"
