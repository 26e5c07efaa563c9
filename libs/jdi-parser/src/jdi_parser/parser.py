"""Entry points: bytes or text in, a ParsedJobDescription out, or RejectionError with a reason."""

import re

from jdi_parser import media_type as media
from jdi_parser.classification import (
    classification_from_value,
    find_classification,
)
from jdi_parser.dates import parse_date
from jdi_parser.dimensions import extract_budgets, extract_ftes
from jdi_parser.docx_text import extract_docx_text
from jdi_parser.errors import RejectionError, RejectionReason
from jdi_parser.fields import extract_labelled_fields, first_reports_to_label
from jdi_parser.file_name_hints import (
    classification_from_file_name,
    job_number_from_file_name,
    title_from_file_name,
)
from jdi_parser.form_2023 import is_form_2023, separate_part_titles
from jdi_parser.headings import HeadingMatch, find_headings
from jdi_parser.html_text import extract_html_text
from jdi_parser.language import detect_language
from jdi_parser.limits import DEFAULT_LIMITS, ParseLimits
from jdi_parser.markdown_text import markdown_to_text
from jdi_parser.models import Classification, ParsedJobDescription
from jdi_parser.ocr_repair import clean_text, repair_ocr_digits
from jdi_parser.pdf_text import extract_pdf_text
from jdi_parser.readability import drop_unreadable_blocks
from jdi_parser.redaction import (
    redact_personal_data,
    redact_signature_block_names,
)
from jdi_parser.sections import signature_block_spans, split_sections
from jdi_parser.text_decoding import decode_text

# When the first heading comes this early, form fields are looked for in the opening characters.
_MIN_FRONT_MATTER = 40
_FALLBACK_FRONT_MATTER = 2000
_JOB_NUMBER_DIGITS = re.compile(r"(?<![\d,.$])\d{5,7}(?![\d,])")


def parse_document(data: bytes, file_name: str, limits: ParseLimits = DEFAULT_LIMITS) -> ParsedJobDescription:
    if not data.strip():
        raise RejectionError(RejectionReason.EMPTY_DOCUMENT, "the document is empty")
    if len(data) > limits.max_bytes:
        raise RejectionError(
            RejectionReason.TOO_LARGE, f"the document is {len(data)} bytes, over the limit of {limits.max_bytes}"
        )
    media_type = media.detect_media_type(data, file_name)
    if media_type == media.PDF:
        return _parse_extracted(extract_pdf_text(data, limits), file_name, media_type, limits)
    if media_type == media.DOCX:
        return _parse_extracted(extract_docx_text(data, limits), file_name, media_type, limits)
    text, _ = decode_text(data)
    return parse_text(text, file_name, limits)


def parse_text(text: str, file_name: str = "", limits: ParseLimits = DEFAULT_LIMITS) -> ParsedJobDescription:
    if len(text.encode("utf-8", errors="replace")) > limits.max_bytes:
        raise RejectionError(RejectionReason.TOO_LARGE, f"the text is over the limit of {limits.max_bytes} bytes")
    media_type = media.detect_text_media_type(text[:1024], file_name)
    if media_type == media.HTML:
        text = extract_html_text(text)
    elif media_type == media.MARKDOWN:
        text = markdown_to_text(text)
    return _parse_extracted(text, file_name, media_type, limits)


def _parse_extracted(raw_text: str, file_name: str, media_type: str, limits: ParseLimits) -> ParsedJobDescription:
    text = repair_ocr_digits(clean_text(raw_text))
    if not text:
        raise RejectionError(RejectionReason.EMPTY_DOCUMENT, "the document contains no text")
    text, unreadable_blocks = drop_unreadable_blocks(text)
    # The 2023 form writes its headings in sentence case.
    form_2023 = is_form_2023(text)
    if form_2023:
        text = separate_part_titles(text)
    if limits.redact_personal_data:
        text, redactions, headings = _redact_personal_data(text, sentence_case_headings=form_2023)
    else:
        redactions, headings = 0, find_headings(text, sentence_case=form_2023)
    sections, front_matter_end = split_sections(text, headings)
    front_matter = text[: max(front_matter_end, _MIN_FRONT_MATTER)]
    if front_matter_end < _MIN_FRONT_MATTER:
        front_matter = text[:_FALLBACK_FRONT_MATTER]
    labelled = extract_labelled_fields(front_matter)
    warnings: list[str] = [f"unreadable_blocks_dropped: {unreadable_blocks}"] if unreadable_blocks else []

    classification = _classification(front_matter, file_name, warnings)
    job_number = _job_number(labelled, file_name, warnings)
    position_number = _first_number(labelled.get("position_number", []))
    title = _first(labelled, "title") or title_from_file_name(file_name)

    fields: dict[str, object] = {
        name: labelled[name][0] for name in ("branch", "directorate", "reports_to", "location") if name in labelled
    }
    fields.update(_supervisor_fields(labelled))
    fields.update(_effective_date_fields(labelled, warnings))
    dimensions_text = "\n".join(section.text for section in sections if section.key == "dimensions")
    ftes = extract_ftes(dimensions_text)
    if ftes is not None:
        fields["ftes"] = ftes
    budgets = extract_budgets(dimensions_text)
    if budgets:
        fields["budgets"] = budgets
    if not sections:
        warnings.append("no_sections_found")

    return ParsedJobDescription(
        media_type=media_type,
        language=detect_language(text),
        job_number=job_number,
        position_number=position_number,
        classification=classification,
        title=title,
        department=_first(labelled, "department"),
        fields=fields,
        sections=sections,
        redactions=redactions,
        warnings=warnings,
        text=text,
    )


def _redact_personal_data(text: str, sentence_case_headings: bool) -> tuple[str, int, list[HeadingMatch]]:
    """Redact personal data, then signers' names in the signature blocks that the headings delimit;
    return the text, the number of redactions and the headings of the final text."""
    text, redactions = redact_personal_data(text)
    headings = find_headings(text, sentence_case_headings)
    text, signers = redact_signature_block_names(text, signature_block_spans(headings, len(text)))
    if signers:
        headings = find_headings(text, sentence_case_headings)
    return text, redactions + signers, headings


def _supervisor_fields(labelled: dict[str, list[str]]) -> dict[str, object]:
    fields: dict[str, object] = {}
    position_number = _first_number(labelled.get("supervisor_position_number", []))
    if position_number:
        fields["supervisor_position_number"] = position_number
    codes = map(classification_from_value, labelled.get("supervisor_classification", []))
    classification = next(filter(None, codes), None)
    if classification:
        fields["supervisor_classification"] = classification.code
    return fields


def _effective_date_fields(labelled: dict[str, list[str]], warnings: list[str]) -> dict[str, object]:
    """The date (YYYY-MM-DD, None while undetermined) and its precision: day, month or undetermined."""
    if "effective_date" not in labelled:
        return {}
    effective_date = next(filter(None, map(parse_date, labelled["effective_date"])), None)
    if effective_date is None:
        # Warnings name the field and the problem, never the document's text.
        warnings.append("effective_date_unparsed")
        return {}
    return {"effective_date": effective_date.iso, "effective_date_precision": effective_date.precision}


def _first(labelled: dict[str, list[str]], field: str) -> str | None:
    return labelled[field][0] if field in labelled else None


def _first_number(values: list[str]) -> str | None:
    return next((match[0] for value in values if (match := _JOB_NUMBER_DIGITS.search(value))), None)


def _classification(front_matter: str, file_name: str, warnings: list[str]) -> Classification | None:
    own_part = front_matter[: first_reports_to_label(front_matter)]
    own_labels = extract_labelled_fields(own_part)
    labelled_codes = (classification_from_value(value) for value in own_labels.get("classification", []))
    from_content = next(filter(None, labelled_codes), None) or find_classification(own_part)
    from_name = classification_from_file_name(file_name)
    if from_content and from_name and from_content.code != from_name.code:
        warnings.append(f"classification_conflict: content {from_content.code}, file name {from_name.code}")
    return from_content or from_name


def _job_number(labelled: dict[str, list[str]], file_name: str, warnings: list[str]) -> str | None:
    from_content = _first_number(labelled.get("job_number", []))
    from_name = job_number_from_file_name(file_name)
    if from_content and from_name and from_content != from_name:
        warnings.append(f"job_number_conflict: content {from_content}, file name {from_name}")
    return from_content or from_name
