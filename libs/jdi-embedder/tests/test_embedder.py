from pathlib import Path

import numpy as np
import pytest

from jdi_embedder import (
    INT8_MODEL_ID,
    MAX_TOKENS,
    MODEL_ID,
    ModelFilesMissing,
    OnnxEmbedder,
    UnknownModelId,
    mean_pool_normalise,
)
from jdi_embedder.embedder import length_batches


def cosine_matrix(vectors: np.ndarray) -> np.ndarray:
    return vectors @ vectors.T


def test_matches_published_sentence_transformers_similarities(embedder: OnnxEmbedder) -> None:
    # Figures printed by the sentence-transformers README quick start for all-MiniLM-L6-v2.
    vectors = embedder.embed(["The weather is lovely today.", "It's so sunny outside!", "He drove to the stadium."])
    expected = np.array([[1.0, 0.6660, 0.1046], [0.6660, 1.0, 0.1411], [0.1046, 0.1411, 1.0]])
    np.testing.assert_allclose(cosine_matrix(vectors), expected, atol=1e-3)


def test_related_job_phrases_are_closer_than_unrelated(embedder: OnnxEmbedder) -> None:
    anchor, related, unrelated = embedder.embed(
        [
            "Director of human resources and talent management",
            "Head of HR, recruitment and people management",
            "Chocolate cake recipe with fresh strawberries",
        ]
    )
    assert anchor @ related > 0.5
    assert anchor @ related > anchor @ unrelated + 0.3


def test_vectors_are_unit_length_with_model_dimension(embedder: OnnxEmbedder) -> None:
    vectors = embedder.embed(["short", "a somewhat longer sentence about budgets and policy"])
    assert vectors.shape == (2, embedder.dimension) == (2, 384)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert embedder.model_id == MODEL_ID


def test_batch_and_single_encodings_agree(embedder: OnnxEmbedder) -> None:
    texts = [
        "Manage the regional operations budget.",
        "Provide strategic advice to the Deputy Minister on labour policy and legislation.",
        "Lead.",
        "Negotiate agreements with provinces, territories and international partners on labour standards.",
    ]
    batched = embedder.embed(texts)
    singles = np.vstack([embedder.embed([text]) for text in texts])
    np.testing.assert_allclose(batched, singles, atol=1e-5)


def test_length_batches_sort_by_length_and_respect_both_limits() -> None:
    lengths = [50, 3, 200, 10, 12, 11, 190, 4]
    batches = length_batches(lengths, max_rows=3, max_tokens=300)
    assert sorted(index for batch in batches for index in batch) == list(range(len(lengths)))
    flat = [lengths[index] for batch in batches for index in batch]
    assert flat == sorted(lengths)
    for batch in batches:
        assert len(batch) <= 3
        assert len(batch) == 1 or len(batch) * max(lengths[index] for index in batch) <= 300
    assert [len(batch) for batch in batches] == [3, 3, 1, 1]  # the two long texts go alone


def test_results_keep_input_order_across_length_sorted_batches() -> None:
    small_batches = OnnxEmbedder.load(batch_size=2)
    texts = ["a much longer sentence about program delivery and budgets", "short", "medium length text here"]
    reversed_vectors = small_batches.embed(texts[::-1])
    np.testing.assert_allclose(small_batches.embed(texts), reversed_vectors[::-1], atol=1e-5)


def test_truncates_at_256_tokens_not_the_128_in_tokenizer_json(embedder: OnnxEmbedder) -> None:
    words = " ".join(f"policy{i % 7} budget" for i in range(60))
    assert 150 < embedder.count_tokens(words) < MAX_TOKENS - 20
    # A difference at token ~200 must change the embedding (it would not at 128).
    early_a, early_b = embedder.embed([words + " finance", words + " forestry"])
    assert early_a @ early_b < 0.9999
    long_words = " ".join(f"policy{i % 7} budget" for i in range(200))
    late_a, late_b = embedder.embed([long_words + " finance", long_words + " forestry"])
    np.testing.assert_allclose(late_a, late_b, atol=1e-6)


def test_mean_pooling_ignores_padding() -> None:
    hidden = np.array([[[1.0, 0.0], [0.0, 1.0], [100.0, 100.0]]], dtype=np.float32)
    mask = np.array([[1, 1, 0]])
    np.testing.assert_allclose(mean_pool_normalise(hidden, mask), [[2**-0.5, 2**-0.5]], atol=1e-6)


def test_token_spans_point_into_the_text(embedder: OnnxEmbedder) -> None:
    text = "Directeur régional, Programme du travail"
    spans = embedder.token_spans(text)
    assert len(spans) == embedder.count_tokens(text)
    assert spans[0][0] == 0
    assert text[spans[1][0] : spans[1][1]] == "eur"  # word piece "##eur" of "Directeur"
    assert spans[-1][1] == len(text)
    long_text = "word " * 600
    assert embedder.count_tokens(long_text) == 600


def test_empty_input_gives_empty_matrix(embedder: OnnxEmbedder) -> None:
    assert embedder.embed([]).shape == (0, 384)


def test_rejects_a_bare_string_and_non_strings(embedder: OnnxEmbedder) -> None:
    with pytest.raises(TypeError):
        embedder.embed("not a list")
    with pytest.raises(TypeError):
        embedder.embed(["ok", 3])  # type: ignore[list-item]


def test_missing_model_archive_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ModelFilesMissing) as error:
        OnnxEmbedder.load(cache_dir=tmp_path, model_zip=tmp_path / "absent.zip")
    assert error.value.code == "embedder_model_missing"


def test_unknown_model_id_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(UnknownModelId) as error:
        OnnxEmbedder.load(cache_dir=tmp_path, model_id="someone/else")
    assert error.value.code == "embedder_unknown_model"


JOB_TEXTS = [
    "Director of human resources and talent management",
    "Provide strategic advice to the Deputy Minister on labour policy and legislation.",
    "Directeur régional, Programme du travail, gestion des ressources financières",
    "Manage a team of 40 employees delivering inspection services across the region.",
]


def test_int8_variant_is_its_own_model_close_to_the_float_one(
    embedder: OnnxEmbedder, int8_embedder: OnnxEmbedder
) -> None:
    assert int8_embedder.model_id == INT8_MODEL_ID != embedder.model_id
    float_vectors, int8_vectors = embedder.embed(JOB_TEXTS), int8_embedder.embed(JOB_TEXTS)
    np.testing.assert_allclose(np.linalg.norm(int8_vectors, axis=1), 1.0, atol=1e-5)
    assert (float_vectors * int8_vectors).sum(axis=1).min() > 0.98
    assert not np.allclose(float_vectors, int8_vectors, atol=1e-3)  # really a different function


def test_int8_variant_keeps_published_similarities_within_tolerance(int8_embedder: OnnxEmbedder) -> None:
    vectors = int8_embedder.embed(
        ["The weather is lovely today.", "It's so sunny outside!", "He drove to the stadium."]
    )
    expected = np.array([[1.0, 0.6660, 0.1046], [0.6660, 1.0, 0.1411], [0.1046, 0.1411, 1.0]])
    np.testing.assert_allclose(cosine_matrix(vectors), expected, atol=0.03)
