"""Regex helpers for text whose accented letters OCR may keep, flatten, replace by a space or drop."""

from itertools import product

_E_READINGS = ("é", "è", "ê", "ë", "e", " ")
# What OCR may print for each accented letter; the letter may also be missing.
_READINGS: dict[str, tuple[str, ...]] = {
    "é": _E_READINGS, "è": _E_READINGS, "ê": _E_READINGS, "à": ("à", "a", " "), "û": ("û", "u", " "),
}
_TOLERANT = {letter: f"(?:[{''.join(r for r in readings if r != ' ')}]| )?" for letter, readings in _READINGS.items()}
ANY_E = _TOLERANT["é"]


def tolerate_accents(pattern: str) -> str:
    return "".join(_TOLERANT.get(character, character) for character in pattern)


def accent_variants(word: str) -> list[str]:
    """Every spelling of ``word`` that ``tolerate_accents(word)`` matches, for literal searches."""
    choices = [(*_READINGS[character], "") if character in _READINGS else (character,) for character in word]
    return ["".join(letters) for letters in product(*choices)]
