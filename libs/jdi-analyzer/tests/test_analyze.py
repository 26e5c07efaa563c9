import json

import pytest

from jdi_analyzer.analyzer import (
    AnalysisInput,
    AnalysisInputError,
    AnalysisSettings,
    Analyzer,
)
from jdi_analyzer.skills.matcher import WHOLE_TEXT, SkillMatcherSettings
from jdi_contracts.events import Analyzed


def _input(sections, language="en", text=None):
    return AnalysisInput("doc-1", 3, language, "Director, Widgets", "EX", "01", "100001", sections, text)


def test_analysis_output_has_the_analyzed_event_shape(taxonomy, sections):
    result = Analyzer(AnalysisSettings(), taxonomy).analyze(_input(sections))
    payload = json.loads(json.dumps(result.to_dict()))
    assert {
        "skills",
        "quality",
        "findings",
        "findings_summary",
        "compliance",
    } <= payload.keys()
    assert {s["label"] for s in payload["skills"]} >= {
        "manage budgets",
        "develop policies",
        "negotiate agreements",
    }
    for skill in payload["skills"]:
        assert {"uri", "label", "confidence", "section", "evidence"} <= skill.keys()
    assert 0 <= payload["quality"]["score"] <= 100
    names = [c["name"] for c in payload["quality"]["components"]]
    assert names == ["completeness", "readability", "clarity"]
    assert {c["id"] for c in payload["compliance"]} >= {
        "official-language-requirement",
        "security-level-stated",
    }
    texts = {key: text for key, _heading, text in sections}
    for finding in payload["findings"]:
        assert texts[finding["section"]][finding["start"] : finding["end"]] == finding["term"]
    assert payload["findings_summary"]["total"] == len(payload["findings"])


def test_output_validates_against_the_analyzed_event_contract(taxonomy, sections):
    result = Analyzer(AnalysisSettings(), taxonomy).analyze(_input(sections))
    event = Analyzed.model_validate(result.to_dict())
    assert event.document_id == "doc-1"
    assert event.taxonomy_version == "test-1"


def test_skill_confidence_threshold_comes_from_settings(taxonomy, sections):
    result = Analyzer(AnalysisSettings(skills=SkillMatcherSettings(min_confidence=0.9)), taxonomy).analyze(
        _input(sections)
    )
    assert result.skills and all(s.confidence >= 0.9 for s in result.skills)


@pytest.mark.parametrize(
    ("doc", "code"),
    [
        (_input([("other", "x", "text")], language="de"), "unsupported_language"),
        (_input([("other", "x", "   ")]), "empty_document"),
        (_input([]), "empty_document"),
        (_input([], text=" \n "), "empty_document"),
        (_input([("other", "x")]), "malformed_section"),
        (_input([("other", "x", None)]), "malformed_section"),
    ],
)
def test_bad_input_raises_machine_readable_error(taxonomy, doc, code):
    with pytest.raises(AnalysisInputError) as raised:
        Analyzer(AnalysisSettings(), taxonomy).analyze(doc)
    assert raised.value.code == code


def test_a_document_without_sections_is_analysed_from_its_whole_text(taxonomy, sections):
    whole_text = "\n\n".join(f"{heading}\n{text}" for _key, heading, text in sections)
    result = Analyzer(AnalysisSettings(), taxonomy).analyze(_input([], text=whole_text))

    assert {s.label for s in result.skills} >= {"manage budgets", "negotiate agreements"}
    assert {s.section for s in result.skills} == {WHOLE_TEXT}
    assert result.findings
    for finding in result.findings:
        assert (finding.section, whole_text[finding.start : finding.end]) == (WHOLE_TEXT, finding.term)
    completeness = result.quality.component("completeness")
    assert (completeness.score, completeness.metrics["structure"]) == (0.0, "missing")
    assert "structure is missing" in completeness.explanation
    assert result.quality.component("readability").metrics["words"] > 100
    checks = {check.id: check.passed for check in result.compliance}
    assert checks["core-sections-present"] is False
    assert checks["security-level-stated"] is True


def test_sections_win_over_the_whole_text(taxonomy, sections):
    result = Analyzer(AnalysisSettings(), taxonomy).analyze(_input(sections, text="Ignored: the sections hold it."))

    assert WHOLE_TEXT not in {s.section for s in result.skills}
    assert result.quality.component("completeness").metrics["structure"] == "sections"
