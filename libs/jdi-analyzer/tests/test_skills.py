import gzip
import json

import pytest

from jdi_analyzer.skills.matcher import SkillMatcher, SkillMatcherSettings
from jdi_analyzer.skills.taxonomy import DEFAULT_FRENCH_LABELS_PATH, SkillConcept, SkillTaxonomy, TaxonomyError

PREFIX = "http://data.europa.eu/esco/skill/"


def _by_uri(matches):
    return {m.uri: m for m in matches}


def test_preferred_label_matches_inflected_text_with_exact_offsets(taxonomy):
    text = "Directs the development of policies on grants."
    matches = SkillMatcher(taxonomy).extract([("specific_accountabilities", "S", text)])
    policy = _by_uri(matches)[PREFIX + "policy"]
    assert policy.method == "exact"
    assert policy.confidence == 0.95
    assert policy.evidence == "development of policies"
    assert text[policy.start : policy.end] == policy.evidence
    assert policy.section == "specific_accountabilities"


def test_alias_match_reports_preferred_label_and_alias_confidence(taxonomy):
    matches = SkillMatcher(taxonomy).extract([("qualifications", "Q", "Able to negotiate contracts.")])
    negotiate = _by_uri(matches)[PREFIX + "negotiate"]
    assert (negotiate.label, negotiate.method, negotiate.confidence) == (
        "negotiate agreements",
        "alias",
        0.85,
    )


def test_one_word_labels_match_the_word_not_its_stem(taxonomy):
    matcher = SkillMatcher(taxonomy)
    assert PREFIX + "accounting" not in _by_uri(
        matcher.extract([("general_accountability", "G", "Accountability for results.")])
    )
    assert PREFIX + "accounting" in _by_uri(matcher.extract([("knowledge", "K", "Knowledge of accounting.")]))


def test_one_word_aliases_are_not_used(taxonomy):
    matches = SkillMatcher(taxonomy).extract([("knowledge", "K", "The budget is large.")])
    assert PREFIX + "budget" not in _by_uri(matches)


def test_phrase_does_not_span_punctuation(taxonomy):
    matches = SkillMatcher(taxonomy).extract([("knowledge", "K", "Develop, policies and rules.")])
    assert PREFIX + "policy" not in _by_uri(matches)


def test_sections_without_skills_are_ignored(taxonomy):
    matches = SkillMatcher(taxonomy).extract([("working_conditions", "W", "Manage budgets under pressure.")])
    assert matches == []


def test_min_confidence_drops_alias_matches(taxonomy):
    matcher = SkillMatcher(taxonomy, settings=SkillMatcherSettings(min_confidence=0.9))
    matches = matcher.extract([("knowledge", "K", "Negotiate contracts and manage budgets.")])
    assert set(_by_uri(matches)) == {PREFIX + "budget"}


def test_one_result_per_concept_keeps_highest_confidence(taxonomy):
    text = "Administer budgets. Manage budgets."
    matches = SkillMatcher(taxonomy).extract([("knowledge", "K", text)])
    assert [m.uri for m in matches].count(PREFIX + "budget") == 1
    assert _by_uri(matches)[PREFIX + "budget"].method == "exact"


def test_embedding_similarity_finds_paraphrase_above_threshold(taxonomy, tmp_path, FakeEmbedder):
    settings = SkillMatcherSettings(similarity_threshold=0.7, cache_dir=tmp_path)
    matcher = SkillMatcher(taxonomy, FakeEmbedder(), settings)
    text = "Oversee finances, and chair meetings"
    match = _by_uri(matcher.extract([("specific_accountabilities", "S", text)]))[PREFIX + "budget"]
    assert match.method == "similarity"
    assert match.evidence == "Oversee finances"
    assert text[match.start : match.end] == "Oversee finances"
    assert 0.7 <= match.confidence <= 1.0


def test_embedding_threshold_is_respected(taxonomy, FakeEmbedder):
    strict = SkillMatcher(taxonomy, FakeEmbedder(), SkillMatcherSettings(similarity_threshold=1.01))
    assert strict.extract([("specific_accountabilities", "S", "Oversee finances of the unit")]) == []


def test_label_embeddings_are_cached_per_model_and_taxonomy(taxonomy, tmp_path, FakeEmbedder):
    settings = SkillMatcherSettings(cache_dir=tmp_path)
    first = FakeEmbedder()
    SkillMatcher(taxonomy, first, settings).label_vectors()
    assert len(list(tmp_path.glob("*.npy"))) == 1

    second = FakeEmbedder()
    vectors = SkillMatcher(taxonomy, second, settings).label_vectors()
    assert second.calls == []
    assert vectors.shape == (len(taxonomy.concepts), 64)

    SkillMatcher(taxonomy, FakeEmbedder("other-model"), settings).label_vectors()
    assert len(list(tmp_path.glob("*.npy"))) == 2


def test_packaged_esco_taxonomy_loads():
    taxonomy = SkillTaxonomy.load()
    assert len(taxonomy.concepts) > 13000
    assert all(c.uri.startswith("http://data.europa.eu/esco/skill/") for c in taxonomy.concepts)
    assert "ESCO" in taxonomy.attribution
    labels = {c.label for c in taxonomy.concepts}
    assert {"manage budgets", "risk management", "strategic planning"} <= labels


def test_corrupt_taxonomy_file_raises_taxonomy_error(tmp_path):
    broken = tmp_path / "broken.json.gz"
    with gzip.open(broken, "wt") as handle:
        handle.write('{"version": "x"}')
    with pytest.raises(TaxonomyError):
        SkillTaxonomy.load(broken)
    with pytest.raises(TaxonomyError):
        SkillTaxonomy.load(tmp_path / "missing.json.gz")


def test_french_wordings_match_french_text_whatever_ocr_did_to_accents(taxonomy):
    matcher = SkillMatcher(taxonomy)
    for text in (
        "Élaboration de politiques sur les subventions.",
        "Elaboration de politiques sur les subventions.",  # OCR dropped the accents
        "Il élabore des politiques.",
    ):
        match = _by_uri(matcher.extract([("specific_accountabilities", "S", text)], "fr"))[PREFIX + "policy"]
        assert (match.label, match.method, match.confidence) == ("develop policies", "exact", 0.95)
        assert text[match.start : match.end] == match.evidence


def test_french_variants_count_as_aliases_and_one_word_wordings_match_the_word(taxonomy):
    matches = _by_uri(SkillMatcher(taxonomy).extract([("knowledge", "K", "Gestion budgétaire et comptabilité.")], "fr"))
    assert matches[PREFIX + "budget"].method == "alias"
    assert matches[PREFIX + "accounting"].evidence == "comptabilité"


def test_elided_articles_and_ocr_oe_do_not_break_french_phrases():
    concept = SkillConcept(PREFIX + "implement", "government policy implementation", (), ("mise en œuvre de l'équipe",))
    matcher = SkillMatcher(SkillTaxonomy(version="t", concepts=(concept,)))
    # OCR reads "œ" as "ce" and loses apostrophes; "d'" and "de l'" are both articles.
    for text in ("Assure la mise en ceuvre de l equipe", "Assure la mise en œuvre d’équipe"):
        assert PREFIX + "implement" in _by_uri(matcher.extract([("knowledge", "K", text)], "fr")), text
    assert matcher.extract([("knowledge", "K", "Assure la mise en place de l'équipe")], "fr") == []


def test_document_language_picks_the_labels(taxonomy):
    matcher = SkillMatcher(taxonomy)
    french = [("knowledge", "K", "Négocier des ententes avec les provinces.")]
    english = [("knowledge", "K", "Negotiate agreements with provinces.")]
    assert PREFIX + "negotiate" in _by_uri(matcher.extract(french, "fr"))
    assert matcher.extract(french, "en") == []
    assert matcher.extract(english, "fr") == []
    # Bilingual or unknown: both label sets, so each half of the form finds its skill.
    both = [("knowledge", "K", "Gérer les budgets."), *english]
    assert set(_by_uri(matcher.extract(both, "bilingual"))) == {PREFIX + "budget", PREFIX + "negotiate"}
    assert set(_by_uri(matcher.extract(both))) == {PREFIX + "budget", PREFIX + "negotiate"}


def test_similarity_is_not_run_on_french_text(taxonomy, FakeEmbedder):
    embedder = FakeEmbedder()
    matcher = SkillMatcher(taxonomy, embedder, SkillMatcherSettings(similarity_threshold=0.1))
    matcher.extract([("specific_accountabilities", "S", "Surveille les finances de la direction")], "fr")
    assert embedder.calls == []


def test_shipped_french_wordings_name_the_concepts_they_claim():
    taxonomy = SkillTaxonomy.load()
    labels = {concept.uri: concept.label for concept in taxonomy.concepts}
    shipped = json.loads(DEFAULT_FRENCH_LABELS_PATH.read_text(encoding="utf-8"))
    assert len(shipped["concepts"]) >= 100
    for row in shipped["concepts"]:
        assert labels[shipped["uri_prefix"] + row["uri"]] == row["esco_label"]
        assert row["fr"], row


def test_french_wordings_for_an_unknown_skill_are_refused(tmp_path):
    french = tmp_path / "fr.json"
    french.write_text(json.dumps({"uri_prefix": PREFIX, "concepts": [{"uri": "nope", "fr": ["gérer"]}]}))
    with pytest.raises(TaxonomyError, match="nope"):
        SkillTaxonomy.load(french_path=french)
