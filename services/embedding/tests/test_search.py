import pytest
from pydantic import ValidationError

from jdi_embedder import OnnxEmbedder
from jdi_embedding.search import HybridSearch, Pagination, SearchError, SearchQuery
from jdi_embedding.vectors import ChunkFilters, QdrantVectorStore
from jdi_embedding.vectors.indexing import index_document

from .conftest import meta, section

# Synthetic job descriptions: (id, title, language, classification, sections).
DOCUMENTS = [
    (
        "hr",
        "Director, Human Resources",
        "en",
        "EX-01",
        [
            (
                "general_accountability",
                "General Accountability",
                "Leads recruitment, staffing, labour relations and employee wellness.",
            ),
            ("dimensions", "Dimensions", "Salary budget of four million dollars for forty employees."),
        ],
    ),
    (
        "it",
        "Director, Information Technology",
        "en",
        "EX-01",
        [
            (
                "general_accountability",
                "General Accountability",
                "Leads software development, cloud infrastructure and cyber security.",
            ),
            ("dimensions", "Dimensions", "Operating budget of nine million dollars for network services."),
        ],
    ),
    (
        "fin",
        "Director, Financial Management",
        "en",
        "EX-02",
        [
            (
                "general_accountability",
                "General Accountability",
                "Directs budgeting, accounting, audit and financial reporting.",
            ),
        ],
    ),
    (
        "rh-fr",
        "Directeur, Ressources humaines",
        "fr",
        "EX-01",
        [
            (
                "general_accountability",
                "Responsabilité générale",
                "Dirige le recrutement, la dotation et les relations de travail.",
            ),
        ],
    ),
    (
        "talent",
        "Manager, Talent Acquisition",
        "en",
        "EX-01",
        [
            (
                "general_accountability",
                "General Accountability",
                "Manages hiring, staffing and employee relations programs.",
            ),
        ],
    ),
    (
        "comms",
        "Director, Communications",
        "en",
        "EX-01",
        [
            (
                "general_accountability",
                "General Accountability",
                "Directs media relations, public affairs and ministerial speeches.",
            ),
        ],
    ),
]


@pytest.fixture
async def search(store: QdrantVectorStore, embedder: OnnxEmbedder) -> HybridSearch:
    for document_id, title, language, classification, sections in DOCUMENTS:
        await index_document(
            store,
            embedder,
            meta(document_id, title=title, language=language, classification=classification),
            [section(*parts) for parts in sections],
        )
    return HybridSearch(embedder, store)


async def test_finds_the_matching_document_first_with_highlights(search: HybridSearch) -> None:
    page = await search.search(SearchQuery(query="cyber security and cloud infrastructure"))
    assert page.results[0].document_id == "it"
    assert page.results[0].highlights[0].section_key == "general_accountability"
    assert page.model_id == "sentence-transformers/all-MiniLM-L6-v2"


async def test_results_are_grouped_one_per_document(search: HybridSearch) -> None:
    page = await search.search(SearchQuery(query="budget", page_size=50, highlights=2))
    ids = [result.document_id for result in page.results]
    assert len(ids) == len(set(ids)) == len(DOCUMENTS)
    assert all(1 <= len(result.highlights) <= 2 for result in page.results)
    it = next(result for result in page.results if result.document_id == "it")
    assert len(it.highlights) == 2
    assert it.highlights[0].score >= it.highlights[1].score


async def test_keyword_match_in_french_ignores_accents(search: HybridSearch) -> None:
    page = await search.search(SearchQuery(query="recrutement dotation relations de travail"))
    assert page.results[0].document_id == "rh-fr"


async def test_filters_apply_to_search(search: HybridSearch) -> None:
    french = await search.search(SearchQuery(query="human resources", filters=ChunkFilters(language=["fr"])))
    assert [result.document_id for result in french.results] == ["rh-fr"]
    ex02 = await search.search(SearchQuery(query="human resources", filters=ChunkFilters(classification=["EX-02"])))
    assert [result.document_id for result in ex02.results] == ["fin"]
    dims = await search.search(SearchQuery(query="budget", filters=ChunkFilters(section=["dimensions"])))
    assert {result.document_id for result in dims.results} == {"hr", "it"}


async def test_pagination_splits_documents_without_overlap(search: HybridSearch) -> None:
    first = await search.search(SearchQuery(query="director", page=1, page_size=2))
    second = await search.search(SearchQuery(query="director", page=2, page_size=2))
    last = await search.search(SearchQuery(query="director", page=3, page_size=2))
    pages = [first, second, last]
    ids = [result.document_id for page in pages for result in page.results]
    assert len(ids) == len(set(ids)) == len(DOCUMENTS)
    assert [page.has_more for page in pages] == [True, True, False]


async def test_similar_excludes_the_document_itself(search: HybridSearch) -> None:
    page = await search.similar("hr", Pagination(page_size=3))
    ids = [result.document_id for result in page.results]
    assert "hr" not in ids
    assert ids[0] == "talent"


async def test_similar_unknown_document_is_a_coded_error(search: HybridSearch) -> None:
    with pytest.raises(SearchError) as error:
        await search.similar("missing")
    assert error.value.code == "document_not_found"


async def test_search_before_anything_is_indexed_is_empty(store: QdrantVectorStore, embedder: OnnxEmbedder) -> None:
    page = await HybridSearch(embedder, store).search(SearchQuery(query="anything"))
    assert page.results == [] and page.has_more is False


async def test_active_collection_of_another_model_is_refused(search: HybridSearch, store: QdrantVectorStore) -> None:
    await store.ensure_collection("another/model", 384)
    await store.set_active("another/model")
    with pytest.raises(SearchError) as error:
        await search.search(SearchQuery(query="budget"))
    assert error.value.code == "model_mismatch"


@pytest.mark.parametrize(
    "payload",
    [
        {"query": ""},
        {"query": "x", "page_size": 51},
        {"query": "x", "page": 0},
        {"query": "x", "filters": {"colour": ["red"]}},
        {"query": "x", "filters": {"language": "en"}},
    ],
)
def test_bad_queries_are_rejected(payload: dict) -> None:
    with pytest.raises(ValidationError):
        SearchQuery.model_validate(payload)
