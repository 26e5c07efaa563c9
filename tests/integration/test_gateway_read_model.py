"""The gateway's read model on the real PostgreSQL: events projected in any order and any number
of times give one consistent document, and the API lists, filters, pages and counts it."""

from datetime import timedelta
from typing import Any, get_args

import httpx
import pytest
from sqlalchemy import func

from jdi_contracts.events import (
    CloudEvent,
    Topic,
)
from jdi_gateway.api.models import Status
from jdi_gateway.handlers import ProjectionHandlers
from jdi_gateway.store.tables import search_log
from jdi_gateway.wiring import Wiring

from .gateway_events import analyzed, as_records, dead_lettered, deleted, embedded, filed, parsed, rejected

pytestmark = pytest.mark.integration


@pytest.fixture
def read_model(gateway: tuple[Wiring, httpx.AsyncClient]) -> tuple[ProjectionHandlers, httpx.AsyncClient]:
    wired, client = gateway
    return wired.projections, client


async def project(projections: ProjectionHandlers, *events: CloudEvent[Any]) -> None:
    """The events as one batch, in one transaction."""
    outcomes = await projections.project_batch(as_records(*events, topic_prefix=projections.topic_prefix))
    assert outcomes == [None] * len(events)


async def test_events_in_any_order_and_replayed_give_one_document(read_model) -> None:
    projections, client = read_model
    first, second = parsed("doc-1", 1), parsed("doc-1", 2)
    # The embedding of version 2 overtakes its parse; version 1's events arrive late; everything twice.
    events = [
        embedded("doc-1", 2),
        second,
        analyzed("doc-1", 2, 71.5),
        first,
        embedded("doc-1", 1),
        analyzed("doc-1", 1),
    ]
    await project(projections, *events, *events)

    document = (await client.get("/v1/documents/doc-1")).json()
    assert document["status"] == "complete"
    assert (document["version"], document["title"], document["quality_score"]) == (2, "Director doc-1 v2", 71.5)
    assert document["stages"]["embedded"]["version"] == 2 and document["stages"]["analyzed"]["version"] == 2
    assert (await client.get("/v1/stats")).json()["documents"] == 1


async def test_a_new_version_is_not_complete_until_it_is_embedded_and_analyzed(read_model) -> None:
    projections, client = read_model
    await project(projections, parsed("doc-2", 1), embedded("doc-2", 1), analyzed("doc-2", 1), parsed("doc-2", 2))
    assert (await client.get("/v1/documents/doc-2")).json()["status"] == "parsed"
    await project(projections, analyzed("doc-2", 2))
    assert (await client.get("/v1/documents/doc-2")).json()["status"] == "analyzed"
    await project(projections, embedded("doc-2", 2))
    assert (await client.get("/v1/documents/doc-2")).json()["status"] == "complete"


async def test_rejections_and_deletions_show_in_the_status(read_model) -> None:
    projections, client = read_model
    await project(projections, rejected("doc-bad"), parsed("doc-gone"), deleted("doc-gone"))

    bad = (await client.get("/v1/documents/doc-bad")).json()
    assert (bad["status"], bad["rejection"]["reason"], bad["file_name"]) == ("rejected", "no_text_layer", "scan.pdf")
    gone = (await client.get("/v1/documents/doc-gone")).json()
    assert (gone["status"], gone["title"], gone["record"]) == ("deleted", None, None)
    listed = [item["document_id"] for item in (await client.get("/v1/documents")).json()["items"]]
    assert listed == ["doc-bad"]
    with_deleted = (await client.get("/v1/documents", params={"include_deleted": "true"})).json()["items"]
    assert {item["document_id"] for item in with_deleted} == {"doc-bad", "doc-gone"}
    stats = (await client.get("/v1/stats")).json()
    assert (stats["rejected"], stats["deleted"], stats["documents"]) == (1, 1, 1)


async def test_listing_pages_through_every_document_once_with_filters(read_model) -> None:
    projections, client = read_model
    for number in range(23):
        code = "EX-02" if number % 3 == 0 else "EX-01"
        await project(projections, parsed(f"doc-{number:02}", code=code, language="fr" if number % 2 else "en"))

    seen: list[str] = []
    cursor = None
    while True:
        params = {"limit": "5", **({"cursor": cursor} if cursor else {})}
        page = (await client.get("/v1/documents", params=params)).json()
        seen += [item["document_id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert sorted(seen) == [f"doc-{number:02}" for number in range(23)] and len(seen) == 23

    ex02_fr = (await client.get("/v1/documents", params={"classification": "EX-02", "language": "fr"})).json()
    assert {item["document_id"] for item in ex02_fr["items"]} == {"doc-03", "doc-09", "doc-15", "doc-21"}
    titled = (await client.get("/v1/documents", params={"title": "doc-1"})).json()["items"]
    assert {item["document_id"] for item in titled} == {f"doc-{n}" for n in range(10, 20)}
    stats = (await client.get("/v1/stats")).json()
    assert stats["by_classification"] == {"EX-01": 15, "EX-02": 8}
    assert stats["by_language"] == {"en": 12, "fr": 11}

    invalid = await client.get("/v1/documents", params={"cursor": "not-a-cursor"})
    assert (invalid.status_code, invalid.json()["code"]) == (422, "invalid_request")
    missing = await client.get("/v1/documents/doc-nope")
    assert (missing.status_code, missing.json()["code"]) == (404, "not_found")


async def test_a_deletion_seen_before_the_parse_it_follows_still_wins(read_model) -> None:
    projections, client = read_model
    earlier_parse = parsed("doc-3")
    deletion = deleted("doc-3")
    # A rebuild reads the deleted topic ahead of the parsed one.
    await project(projections, deletion, earlier_parse)
    assert (await client.get("/v1/documents/doc-3")).json()["status"] == "deleted"

    resubmitted = parsed("doc-3", version=2)  # created after the deletion
    await project(projections, resubmitted)
    assert (await client.get("/v1/documents/doc-3")).json()["status"] == "parsed"


async def test_each_status_filter_lists_the_documents_shown_with_that_status(read_model) -> None:
    projections, client = read_model
    await project(
        projections,
        parsed("parsed"),
        parsed("embedded"),
        embedded("embedded"),
        parsed("analyzed"),
        analyzed("analyzed"),
        parsed("complete"),
        embedded("complete"),
        analyzed("complete"),
        rejected("rejected"),
        parsed("failed"),
        embedded("failed"),
        dead_lettered("failed", Topic.PARSED.value, "analysis"),
        parsed("deleted"),
        deleted("deleted"),
        filed("only-filed", "complete", alias=False),
        filed("alias", "complete"),
    )
    shown = {
        document_id: (await client.get(f"/v1/documents/{document_id}")).json()["status"]
        for document_id in ("parsed", "embedded", "analyzed", "complete", "rejected", "failed", "deleted", "only-filed")
    }
    assert shown == {
        "parsed": "parsed",
        "embedded": "embedded",
        "analyzed": "analyzed",
        "complete": "complete",
        "rejected": "rejected",
        "failed": "failed",
        "deleted": "deleted",
        "only-filed": "received",
    }
    for status in get_args(Status):
        listed = (await client.get("/v1/documents", params={"status": status})).json()["items"]
        expected = {document_id for document_id, shown_status in shown.items() if shown_status == status}
        assert {item["document_id"] for item in listed} == expected, status

    alias = (await client.get("/v1/documents/alias")).json()
    assert (alias["document_id"], alias["status"]) == ("complete", "complete")
    failure = (await client.get("/v1/documents/failed")).json()["stages"]["failed"]["detail"]
    assert (failure["stage"], failure["reason"]) == ("analysis", "PermanentError")
    stats = (await client.get("/v1/stats")).json()
    assert (stats["documents"], stats["deleted"]) == (7, 1)


async def test_stats_count_as_rejected_exactly_the_documents_shown_rejected(read_model) -> None:
    projections, client = read_model
    # Parsed, then a later submission of it rejected; and rejected, then a later submission parsed.
    events = [parsed("doc-then-bad"), rejected("doc-then-bad"), rejected("doc-fixed"), parsed("doc-fixed")]
    await project(projections, *events)

    shown = (await client.get("/v1/documents", params={"status": "rejected"})).json()["items"]
    assert [item["document_id"] for item in shown] == ["doc-then-bad"]
    assert (await client.get("/v1/stats")).json()["rejected"] == 1


async def test_the_audit_log_lists_what_keys_did_newest_first_by_pages(read_model) -> None:
    _, client = read_model
    created = [
        (await client.post("/v1/api-keys", json={"name": f"importer {n}", "scopes": ["documents:write"]})).json()
        for n in range(3)
    ]
    await client.delete(f"/v1/api-keys/{created[0]['key_id']}")

    first = (await client.get("/v1/audit", params={"limit": 2})).json()
    rest = (await client.get("/v1/audit", params={"limit": 2, "cursor": first["next_cursor"]})).json()
    revocations = (await client.get("/v1/audit", params={"action": "api_key.revoked"})).json()

    assert [(entry["action"], entry["detail"]["key_id"]) for entry in first["items"] + rest["items"]] == [
        ("api_key.revoked", created[0]["key_id"]),
        ("api_key.created", created[2]["key_id"]),
        ("api_key.created", created[1]["key_id"]),
        ("api_key.created", created[0]["key_id"]),
    ]
    assert rest["next_cursor"] is None
    assert {entry["key_id"] for entry in first["items"]} == {"bootstrap"}
    assert [entry["detail"]["key_id"] for entry in revocations["items"]] == [created[0]["key_id"]]


async def test_the_list_filters_by_level_and_quality_range_and_gives_the_rejection_reason(read_model) -> None:
    projections, client = read_model
    for document_id, code, score in (("strong", "EX-01", 82.0), ("weak", "EX-01", 41.5), ("senior", "EX-03", 77.0)):
        await project(projections, parsed(document_id, code=code), analyzed(document_id, score=score))
    await project(projections, rejected("scan"))

    async def listed(**params: object) -> set[str]:
        return {item["document_id"] for item in (await client.get("/v1/documents", params=params)).json()["items"]}

    assert await listed(level="01") == {"strong", "weak"}
    assert await listed(min_quality=70) == {"strong", "senior"}
    assert await listed(level="01", min_quality=40, max_quality=80) == {"weak"}
    [scan] = (await client.get("/v1/documents", params={"status": "rejected"})).json()["items"]
    assert (scan["document_id"], scan["status_reason"]) == ("scan", "no_text_layer")


async def test_each_parsed_version_is_kept_until_the_document_is_deleted(read_model) -> None:
    projections, client = read_model
    await project(projections, parsed("doc-v", 1), parsed("doc-v", 2), parsed("doc-v", 2), parsed("doc-v", 3))

    first = (await client.get("/v1/documents/doc-v/versions", params={"limit": 2})).json()
    rest = (await client.get("/v1/documents/doc-v/versions", params={"before": first["next_before"]})).json()
    assert [(v["version"], v["record"]["title"]) for v in first["versions"] + rest["versions"]] == [
        (3, "Director doc-v v3"),
        (2, "Director doc-v v2"),
        (1, "Director doc-v v1"),
    ]
    assert rest["next_before"] is None

    await project(projections, deleted("doc-v"))
    assert (await client.get("/v1/documents/doc-v/versions")).json()["versions"] == []


async def test_the_translation_link_is_shown_from_both_sides(read_model) -> None:
    projections, client = read_model
    await project(
        projections, parsed("pos-en"), parsed("pos-fr", language="fr", translation_of="pos-en"), parsed("alone")
    )
    links = {
        document_id: (document["translation_of"], document["translation"])
        for document_id in ("pos-en", "pos-fr", "alone")
        if (document := (await client.get(f"/v1/documents/{document_id}")).json())
    }
    assert links == {"pos-en": (None, "pos-fr"), "pos-fr": ("pos-en", "pos-en"), "alone": (None, None)}

    await project(projections, deleted("pos-fr"))
    assert (await client.get("/v1/documents/pos-en")).json()["translation"] is None


SORTS = ["created", "-created", "updated", "-updated", "title", "-title", "job_number", "-job_number"]


@pytest.mark.parametrize("sort", [*SORTS, "quality", "-quality"])
async def test_pages_in_every_order_list_each_document_once_in_that_order(read_model, sort) -> None:
    projections, client = read_model
    # Ties, documents without the key, and texts that need more than ASCII.
    titles = ["Zeta", "alpha", "Alpha", "Émile", None, "beta", None, "zeta"]
    for n, title in enumerate(titles):
        event = parsed(f"doc-{n}")
        record = event.data.model_copy(update={"title": title, "job_number": None if n % 3 else f"J{n % 2}"})
        await project(projections, event.model_copy(update={"data": record}))
        if n % 4:
            await project(projections, analyzed(f"doc-{n}", score=[55.5, 70.0, 55.5][n % 3]))

    whole = (await client.get("/v1/documents", params={"sort": sort, "limit": 200})).json()["items"]
    paged, cursor = [], None
    while True:
        params = {"sort": sort, "limit": 3} | ({"cursor": cursor} if cursor else {})
        page = (await client.get("/v1/documents", params=params)).json()
        paged += page["items"]
        if (cursor := page["next_cursor"]) is None:
            break
    assert [item["document_id"] for item in paged] == [item["document_id"] for item in whole]
    assert len(whole) == len(titles)

    field = {"created": "created_at", "updated": "updated_at", "quality": "quality_score"}.get(
        sort.removeprefix("-"), sort.removeprefix("-")
    )
    values = [item[field] for item in whole]
    present = [value for value in values if value is not None]
    assert values[len(present) :] == [None] * (len(values) - len(present))  # without the key: last
    if field in ("title", "job_number"):  # in lower case, an accented letter beside its letter
        present = [value.lower().replace("é", "e") for value in present]
    assert present == sorted(present, reverse=sort.startswith("-"))


async def test_facets_count_each_choice_under_the_other_filters(read_model) -> None:
    projections, client = read_model
    for document_id, code, language in (("a", "EX-01", "en"), ("b", "EX-01", "fr"), ("c", "EX-02", "en")):
        await project(projections, parsed(document_id, code=code, language=language))
    await project(projections, analyzed("a"), embedded("a"), rejected("scan"))

    everything = (await client.get("/v1/documents", params={"facets": "true"})).json()["facets"]
    assert everything["status"] == {"parsed": 2, "complete": 1, "rejected": 1}
    assert everything["classification"] == {"EX-01": 2, "EX-02": 1}
    english = (await client.get("/v1/documents", params={"facets": "true", "language": "en"})).json()
    # The language facet leaves out the language filter: it still offers French; the others count English only.
    assert english["facets"]["language"] == {"en": 2, "fr": 1}
    assert english["facets"]["classification"] == {"EX-01": 1, "EX-02": 1}
    assert english["facets"]["level"] == {"01": 1, "02": 1} and english["facets"]["group"] == {"EX": 2}
    assert {item["document_id"] for item in english["items"]} == {"a", "c"}
    assert (await client.get("/v1/documents")).json().get("facets") is None


async def test_suggestions_complete_words_and_offer_recent_queries_several_keys_asked(gateway) -> None:
    wired, client = gateway
    for document_id, title in (("a", "Director, Policy"), ("b", "Policy Director"), ("c", "100% Director_X")):
        event = parsed(document_id)
        await project(
            wired.projections, event.model_copy(update={"data": event.data.model_copy(update={"title": title})})
        )
    for key_id, query in (("k1", "Director policy"), ("k2", "director policy"), ("k1", "director jane")):
        await wired.search_log.record(key_id, query, {}, 3, 10.0)
    await wired.search_log.record("k1", "director old", {}, 3, 10.0)
    await wired.search_log.record("k2", "director old", {}, 3, 10.0)
    async with wired.engine.begin() as connection:  # a month and more ago
        await connection.execute(
            search_log.update().where(search_log.c.query == "director old").values(at=func.now() - timedelta(days=40))
        )

    shown = (await client.get("/v1/suggestions", params={"prefix": "dir"})).json()
    assert [s["text"] for s in shown["titles"]] == ["Director, Policy", "100% Director_X", "Policy Director"]
    assert shown["queries"] == [{"text": "director policy", "count": 2}]
    # LIKE's wildcards are plain characters in a prefix.
    assert [s["text"] for s in (await client.get("/v1/suggestions", params={"prefix": "100%"})).json()["titles"]] == [
        "100% Director_X"
    ]
    assert (await client.get("/v1/suggestions", params={"prefix": "_"})).json()["titles"] == []
    assert shown["departments"] == []
    departments = (await client.get("/v1/suggestions", params={"prefix": "canada"})).json()["departments"]
    assert departments == [{"text": "Service Canada", "count": 3}]
