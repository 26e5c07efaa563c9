"""Search and comparisons are answered by the embedding and analysis services; the gateway relays them."""

import json

import httpx

COMPARISON = {
    "left_id": "a",
    "right_id": "b",
    "method": "term-cosine",
    "overall_similarity": 0.5,
    "sections": [{"key": "general", "in_left": True, "in_right": True, "similarity": 0.5}],
    "shared_skills": [],
    "left_only_skills": [],
    "right_only_skills": [{"uri": "u", "label": "budgeting", "confidence": 0.9, "section": "general"}],
    "skill_overlap": 0.0,
}


RESULT = {
    "document_id": "d1",
    "version": 1,
    "title": "Director",
    "classification": "EX-01",
    "level": "01",
    "language": "fr",
    "department": None,
    "job_number": None,
    "score": 0.03,
    "highlights": [{"section_key": "general", "heading": "General", "text": "Leads.", "chunk_index": 0, "score": 0.03}],
}


def search_page(*results: dict[str, object]) -> dict[str, object]:
    page = {"model_id": "m", "collection": "c", "page": 1, "page_size": 5}
    return page | {"results": list(results), "has_more": False}


async def test_search_sends_the_filters_and_logs_the_query(api, fakes) -> None:
    fakes.embedding = lambda request: httpx.Response(200, json=search_page(RESULT))

    response = await api.get("/v1/search", params={"q": "budget", "language": "fr", "page_size": 5})

    assert response.json() == search_page(RESULT)
    [sent] = fakes.calls
    assert (sent.method, sent.url.path) == ("POST", "/internal/v1/search")
    assert json.loads(sent.content) == {"query": "budget", "filters": {"language": ["fr"]}, "page": 1, "page_size": 5}
    [(key_id, query, filters, results, latency_ms)] = fakes.search_log.recorded
    assert (key_id, query, filters, results) == ("admin-key", "budget", {"language": ["fr"]}, 1)
    assert latency_ms >= 0


async def test_similar_jobs_pass_the_limit_and_a_404_through(api, fakes) -> None:
    fakes.embedding = lambda request: httpx.Response(404, json={"detail": "No document d9."})

    response = await api.get("/v1/documents/d9/similar", params={"limit": 3})

    assert (response.status_code, response.json()["detail"]) == (404, "No document d9.")
    assert (fakes.calls[0].url.path, fakes.calls[0].url.params["limit"]) == ("/internal/v1/similar/d9", "3")


async def test_a_comparison_is_validated_and_returned(api, fakes) -> None:
    fakes.analysis = lambda request: httpx.Response(200, json=COMPARISON)

    response = await api.get("/v1/compare", params={"left": "a", "right": "b"})

    assert response.json() == COMPARISON
    assert dict(fakes.calls[0].url.params) == {"left": "a", "right": "b"}


async def test_skill_gap_and_career_paths_ask_the_analysis_service(api, fakes) -> None:
    fakes.analysis = lambda request: httpx.Response(200, json={"from_id": "a", "to_id": "b", "missing": []})
    assert (await api.get("/v1/documents/a/skill-gap", params={"to": "b"})).json()["missing"] == []
    fakes.analysis = lambda request: httpx.Response(200, json={"document_id": "a", "classification": None, "steps": []})
    assert (await api.get("/v1/documents/a/career-paths")).json()["steps"] == []
    assert [call.url.raw_path.decode() for call in fakes.calls] == [
        "/internal/v1/skill-gap?from=a&to=b",
        "/internal/v1/career-paths/a?limit=10",
    ]


async def test_an_answer_of_the_wrong_shape_is_502(api, fakes) -> None:
    fakes.analysis = lambda request: httpx.Response(200, json={"left_id": "a"})
    fakes.embedding = lambda request: httpx.Response(200, json={"results": [{"document_id": "d1"}]})
    compared = await api.get("/v1/compare", params={"left": "a", "right": "b"})
    searched = await api.get("/v1/search", params={"q": "budget"})
    assert [(r.status_code, r.json()["code"]) for r in (compared, searched)] == [
        (502, "analysis_failed"),
        (502, "search_failed"),
    ]


async def test_a_document_id_is_one_path_segment_of_the_internal_call(api, fakes) -> None:
    fakes.embedding = lambda request: httpx.Response(200, json=search_page())
    await api.get("/v1/documents/a%3Flimit=1%23/similar")
    assert fakes.calls[0].url.raw_path.decode() == "/internal/v1/similar/a%3Flimit%3D1%23?limit=10"
