"""/v1/suggestions on the fakes: titles and departments by word prefix, popular queries of several keys."""

from .conftest import T0


async def test_titles_and_departments_complete_a_word_prefix_those_starting_with_it_first(api, fakes) -> None:
    for n, (title, department) in enumerate(
        [
            ("Policy Director", "Service Canada"),
            ("Director, Business Analysis", "Public Works"),
            ("Director, Business Analysis", "Public Works"),
            ("Data Analyst", "Directorate of Statistics"),
        ]
    ):
        fakes.read_model.add(f"d{n}", title=title, department=department)
    fakes.read_model.add("gone", title="Director of Gone", deleted_at=T0)

    shown = (await api.get("/v1/suggestions", params={"prefix": "DIR"})).json()
    assert [(s["text"], s["count"]) for s in shown["titles"]] == [
        ("Director, Business Analysis", 2),
        ("Policy Director", 1),
    ]
    assert [s["text"] for s in shown["departments"]] == ["Directorate of Statistics"]
    assert (await api.get("/v1/suggestions", params={"prefix": "dir", "limit": 1})).json()["titles"][0]["count"] == 2


async def test_popular_queries_are_those_several_keys_asked_that_found_something(api, fakes) -> None:
    searches = [
        ("k1", "director policy", 3),
        ("k2", "Director Policy", 5),
        ("k1", "director policy", 5),
        ("k1", "director jane doe", 2),  # one key's words: not offered to others
        ("k1", "direction", 0),
        ("k2", "direction", 0),  # found nothing
    ]
    for key_id, query, results in searches:
        await fakes.search_log.record(key_id, query, {}, results, 12.0)
    queries = (await api.get("/v1/suggestions", params={"prefix": "dir"})).json()["queries"]
    assert queries == [{"text": "director policy", "count": 3}]
