import gzip

import pytest

from jdi_analysis.skills.matcher import SkillMatcher, SkillMatcherSettings
from jdi_analysis.skills.taxonomy import SkillTaxonomy, TaxonomyError

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
