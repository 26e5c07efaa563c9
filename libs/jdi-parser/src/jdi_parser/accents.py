"""Regex helpers for text whose accented letters OCR may keep, flatten, replace by a space or drop."""

ANY_E = "(?:[éèêëe]| )?"
_TOLERANT = {"é": ANY_E, "è": ANY_E, "ê": ANY_E, "à": "(?:[àa]| )?", "û": "(?:[ûu]| )?"}


def tolerate_accents(pattern: str) -> str:
    return "".join(_TOLERANT.get(character, character) for character in pattern)
