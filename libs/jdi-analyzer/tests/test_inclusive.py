from jdi_analyzer.inclusive.scanner import scan_text, summarise


def _terms(text, language="en"):
    return [(f.category, f.term) for f in scan_text(text, "specific_accountabilities", language)]


def test_whole_words_only_never_bare_prefixes():
    assert _terms("Responsible for responsive service.") == [("gender-coded-feminine", "responsive")]
    assert _terms("A misleading report.") == []
    assert _terms("Provides leadership and leads the team.") == [
        ("gender-coded-masculine", "leadership"),
        ("gender-coded-masculine", "leads"),
    ]


def test_offsets_point_at_the_term_in_the_section_text():
    text = "We want an ambitious, young and energetic chairman."
    findings = scan_text(text, "qualifications", "en")
    assert [text[f.start : f.end] for f in findings] == [
        "ambitious",
        "young",
        "energetic",
        "chairman",
    ]
    assert {f.section for f in findings} == {"qualifications"}
    assert all(f.suggestion for f in findings)
    assert [f.category for f in findings] == [
        "gender-coded-masculine",
        "age",
        "age",
        "gendered-term",
    ]


def test_phrases_match_across_whitespace_and_case():
    assert _terms("Must be a Native  English\nspeaker and able-bodied.") == [
        ("cultural", "Native  English\nspeaker"),
        ("disability", "able-bodied"),
    ]


def test_young_naming_program_clients_is_not_flagged():
    assert _terms("Programs for young Canadians.") == []
    assert _terms("Programmes pour les jeunes.", "fr") == []


def test_french_terms():
    assert _terms("Une personne ambitieuse et empathique; personnes handicapées.", "fr") == [
        ("gender-coded-masculine", "ambitieuse"),
        ("gender-coded-feminine", "empathique"),
        ("disability", "handicapées"),
    ]


def test_bilingual_documents_are_scanned_in_both_languages():
    assert len(scan_text("An ambitious leader. Une personne ambitieuse.", "other", "bilingual")) == 3


def test_summary_counts_categories_and_gender_coding():
    findings = scan_text("Competitive, decisive, dominant leader who is also supportive.", "other", "en")
    summary = summarise(findings)
    assert summary.total == 5
    assert summary.by_category == {
        "gender-coded-feminine": 1,
        "gender-coded-masculine": 4,
    }
    assert summary.gender_coding == "masculine-coded"
    balanced = summarise(scan_text("Competitive and supportive.", "other", "en"))
    assert balanced.gender_coding == "neutral"
    assert summarise([]).total == 0
