"""The ESCO skill taxonomy, held offline in a packaged file.

ESCO credit, as its licence asks: this service uses the ESCO classification of
the European Commission (https://esco.ec.europa.eu), data of ESCO v1.1.1.
French wordings of the skills common in these documents come from a separate,
curated file (data/skill_labels_fr.json), keyed by ESCO URI.
"""

import gzip
import json
from dataclasses import dataclass
from pathlib import Path

DEFAULT_TAXONOMY_PATH = Path(__file__).parent / "data" / "esco_skills_en.json.gz"
DEFAULT_FRENCH_LABELS_PATH = Path(__file__).parent / "data" / "skill_labels_fr.json"


class TaxonomyError(ValueError):
    """The taxonomy file is missing or not in the expected shape."""


@dataclass(frozen=True)
class SkillConcept:
    uri: str
    label: str
    alt_labels: tuple[str, ...] = ()
    # The first one renders the preferred label; the rest are variants.
    french_labels: tuple[str, ...] = ()

    @property
    def all_labels(self) -> tuple[str, ...]:
        return (self.label, *self.alt_labels)


@dataclass(frozen=True)
class SkillTaxonomy:
    version: str
    concepts: tuple[SkillConcept, ...]
    attribution: str = "This service uses the ESCO classification of the European Commission."

    @classmethod
    def load(
        cls, path: Path = DEFAULT_TAXONOMY_PATH, french_path: Path | None = DEFAULT_FRENCH_LABELS_PATH
    ) -> "SkillTaxonomy":
        try:
            with gzip.open(path, "rt", encoding="utf-8") as handle:
                payload = json.load(handle)
            prefix = payload["uri_prefix"]
            french = _french_labels(french_path) if french_path is not None else {}
            concepts = tuple(
                SkillConcept(
                    uri=prefix + row[0],
                    label=row[1],
                    alt_labels=tuple(row[2:]),
                    french_labels=french.pop(prefix + row[0], ()),
                )
                for row in payload["concepts"]
            )
        except (OSError, EOFError, json.JSONDecodeError, KeyError, IndexError, TypeError) as exc:
            raise TaxonomyError(f"cannot load skill taxonomy from {path} and {french_path}: {exc}") from exc
        if french:
            raise TaxonomyError(f"{french_path} names skills the taxonomy lacks: {sorted(french)[:5]}")
        return cls(version=payload["version"], concepts=concepts, attribution=payload["attribution"])

    def by_uri(self) -> dict[str, SkillConcept]:
        return {concept.uri: concept for concept in self.concepts}


def _french_labels(path: Path) -> dict[str, tuple[str, ...]]:
    payload = json.loads(path.read_text(encoding="utf-8"))
    prefix = payload["uri_prefix"]
    return {prefix + row["uri"]: tuple(row["fr"]) for row in payload["concepts"]}
