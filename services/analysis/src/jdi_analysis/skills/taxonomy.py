"""The ESCO skill taxonomy, held offline in a packaged file.

ESCO credit, as its licence asks: this service uses the ESCO classification of
the European Commission (https://esco.ec.europa.eu), data of ESCO v1.1.1.
"""

import gzip
import json
from dataclasses import dataclass
from pathlib import Path

DEFAULT_TAXONOMY_PATH = Path(__file__).parent / "data" / "esco_skills_en.json.gz"


class TaxonomyError(ValueError):
    """The taxonomy file is missing or not in the expected shape."""


@dataclass(frozen=True)
class SkillConcept:
    uri: str
    label: str
    alt_labels: tuple[str, ...] = ()

    @property
    def all_labels(self) -> tuple[str, ...]:
        return (self.label, *self.alt_labels)


@dataclass(frozen=True)
class SkillTaxonomy:
    version: str
    concepts: tuple[SkillConcept, ...]
    attribution: str = "This service uses the ESCO classification of the European Commission."

    @classmethod
    def load(cls, path: Path = DEFAULT_TAXONOMY_PATH) -> "SkillTaxonomy":
        try:
            with gzip.open(path, "rt", encoding="utf-8") as handle:
                payload = json.load(handle)
            prefix = payload["uri_prefix"]
            concepts = tuple(
                SkillConcept(uri=prefix + row[0], label=row[1], alt_labels=tuple(row[2:]))
                for row in payload["concepts"]
            )
            return cls(
                version=payload["version"],
                concepts=concepts,
                attribution=payload["attribution"],
            )
        except (
            OSError,
            EOFError,
            json.JSONDecodeError,
            KeyError,
            IndexError,
            TypeError,
        ) as exc:
            raise TaxonomyError(f"cannot load skill taxonomy from {path}: {exc}") from exc

    def by_uri(self) -> dict[str, SkillConcept]:
        return {concept.uri: concept for concept in self.concepts}
