from jdi_analyzer.quality.clarity import measure_clarity, undefined_acronyms
from jdi_analyzer.quality.readability import count_syllables, reading_ease
from jdi_analyzer.quality.score import CORE_SECTIONS, score_quality
from jdi_analyzer.quality.segmentation import MAX_SENTENCE_WORDS, sentences


def test_syllable_counts():
    assert count_syllables("cat") == 1
    assert count_syllables("make") == 1
    assert count_syllables("manage") == 2
    assert count_syllables("organization") == 5
    assert count_syllables("élaboration", "fr") == 5


def test_sentences_cut_ocr_run_on_text_without_full_stops():
    text = " ".join(["provide strategic advice to senior management on program matters"] * 20)
    spans = sentences(text)
    assert len(spans) == 5  # 180 words
    assert all(len(s.text.split()) <= MAX_SENTENCE_WORDS for s in spans)
    assert all(text[s.start : s.end] == s.text for s in spans)


def test_sentences_split_on_bullets_and_full_stops():
    text = "Leads the team. Plans work\n- Reviews files\n2. Reports results"
    assert [s.text for s in sentences(text)] == [
        "Leads the team.",
        "Plans work",
        "Reviews files",
        "Reports results",
    ]


def test_plain_text_reads_easier_than_dense_text():
    plain = "We help people find work. We run the office. We pay the bills on time."
    dense = (
        "The incumbent is accountable for the interdepartmental coordination of multidimensional "
        "organizational transformation initiatives and associated governance accountability frameworks."
    )
    assert reading_ease(plain).value > 60 > reading_ease(dense).value


def test_french_uses_kandel_moles():
    text = "Le directeur gère le budget. Il dirige une équipe de dix personnes."
    assert reading_ease(text, "fr").formula == "kandel-moles"
    assert reading_ease(text, "en").formula == "flesch"
    assert reading_ease(text, "fr").value != reading_ease(text, "en").value


def test_passive_voice_is_counted_in_english_and_french():
    assert measure_clarity("The budget was approved by the board. The Director leads.").passive_sentences == 1
    assert measure_clarity("Le budget est approuvé par le conseil.", "fr").passive_sentences == 1


def test_acronyms_defined_in_parentheses_or_spelled_out_are_not_flagged():
    text = "The Canada Pension Plan (CPP) pays benefits. CPP rules and OAS rules apply. Old Age Security OAS."
    assert undefined_acronyms("Reports to the ADM on WXYZ matters.") == ["WXYZ"]
    assert undefined_acronyms(text) == []


def test_complete_substantive_document_scores_full_completeness():
    sections = [(key, key, "word " * needed) for key, needed in CORE_SECTIONS.items()]
    report = score_quality(sections, "en")
    assert report.component("completeness").score == 100
    assert report.component("completeness").suggestions == []


def test_missing_and_thin_sections_lower_completeness_with_suggestions():
    report = score_quality([("general_accountability", "GA", "Leads the unit.")], "en")
    completeness = report.component("completeness")
    assert completeness.score < 10
    assert "Add a Nature and Scope section." in completeness.suggestions
    assert any(s.startswith("Expand General Accountability") for s in completeness.suggestions)


def test_score_is_weighted_mean_of_components_and_differs_between_documents(sections):
    good = score_quality(sections, "en")
    weighted = sum(c.score * c.weight for c in good.components) / sum(c.weight for c in good.components)
    assert abs(good.score - round(weighted, 1)) < 0.11
    poor = score_quality(
        [("other", "x", "The TLA and the FLA were reviewed by the XYZ committee.")],
        "en",
    )
    assert 0 <= poor.score < good.score <= 100
    assert poor.suggestions
