"""Job number, classification and title read from a file name, used when the content lacks them."""

import re
from pathlib import PurePath

from jdi_parser.classification import (
    find_classification,
    replace_classification_codes,
)
from jdi_parser.models import Classification

_JOB_NUMBER = re.compile(r"(?<![\d])\d{4,7}(?![\d])")
# Underscores, and hyphens that glue a classification code to the word before it ("Director-EX-01").
_SEPARATORS = re.compile(r"_+|-(?=[A-Z]{2}-)")
_NOISE = re.compile(
    r"\((?:signed|revised|e|f|\d+)\)|\b(?:JD|DE|EN|FR|SJD|signed|extracted\s+from)\b|\d{4,7}|\s-\s|_\d+$",
    re.IGNORECASE,
)


def file_name_stem(file_name: str) -> str:
    return _SEPARATORS.sub(" ", PurePath(file_name).stem)


def job_number_from_file_name(file_name: str) -> str | None:
    match = _JOB_NUMBER.search(replace_classification_codes(file_name_stem(file_name), lambda _: " "))
    return match[0] if match else None


def classification_from_file_name(file_name: str) -> Classification | None:
    return find_classification(file_name_stem(file_name))


def title_from_file_name(file_name: str) -> str | None:
    title = _NOISE.sub(" ", replace_classification_codes(file_name_stem(file_name), lambda _: " "))
    title = " ".join(title.replace("-", " ").split()).strip(" ,-")
    return title or None
