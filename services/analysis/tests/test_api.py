"""The internal comparison routes of the service (`create_app`, embeddings off) over an in-memory reader;
the PostgreSQL reader is covered in integration."""

from collections.abc import AsyncIterator, Collection

import httpx
import pytest

from jdi_analysis import api
from jdi_analysis.app import create_app
from jdi_analysis.settings import AnalysisServiceSettings
from jdi_analyzer.comparison import ComparableDocument, SkillRef

U = "http://data.europa.eu/esco/skill/"


def skill(name: str, confidence: float = 0.9, section: str = "specific_accountabilities") -> SkillRef:
    return SkillRef(uri=U + name, label=name, confidence=confidence, section=section)


def document(
    document_id: str, level: str | None, skills: list[SkillRef], group: str | None = "EX"
) -> ComparableDocument:
    return ComparableDocument(
        document_id=document_id,
        title=f"Position {document_id}",
        language="en",
        classification_group=group,
        classification_level=level,
        sections=[
            ("general_accountability", "General Accountability", f"Leads the widget programs of {document_id}."),
            ("specific_accountabilities", "Specific Accountabilities", "Manages budgets and negotiates agreements."),
        ],
        skills=skills,
    )


class InMemoryReader:
    def __init__(self, documents: list[ComparableDocument]) -> None:
        self.by_id = {doc.document_id: doc for doc in documents}
        self.candidate_queries: list[tuple[str, list[str]]] = []

    async def documents(self, document_ids: Collection[str]) -> dict[str, ComparableDocument]:
        return {i: self.by_id[i] for i in document_ids if i in self.by_id}

    async def career_candidates(self, group: str, levels: Collection[str]) -> list[ComparableDocument]:
        self.candidate_queries.append((group, sorted(levels)))
        return [
            doc
            for doc in self.by_id.values()
            if doc.classification_group == group and doc.classification_level in levels
        ]


READER = InMemoryReader(
    [
        document("dir", "01", [skill("budgets"), skill("policy")]),
        document("peer", "01", [skill("budgets")]),
        document("ed", "02", [skill("budgets"), skill("policy"), skill("negotiation", 0.8)]),
        document("dg", "03", [skill("budgets"), skill("strategy", 0.95), skill("media", 0.9, "other")]),
        document("adm", "04", [skill("budgets")]),
        document("other-group", "02", [skill("budgets")], group="PM"),
        document("unclassified", None, [skill("budgets")], group=None),
    ]
)


@pytest.fixture(scope="module")
async def client() -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(AnalysisServiceSettings(use_embeddings=False), reader=READER)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://analysis") as client:
        yield client


async def test_compare_puts_two_documents_side_by_side(client) -> None:
    response = await client.get("/internal/v1/compare", params={"left": "dir", "right": "ed"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["left_id"], body["right_id"], body["method"]) == ("dir", "ed", "term-cosine")
    assert [s["label"] for s in body["shared_skills"]] == ["budgets", "policy"]
    assert [s["label"] for s in body["right_only_skills"]] == ["negotiation"]
    assert body["left_only_skills"] == []
    by_key = {s["key"]: s["similarity"] for s in body["sections"]}
    assert by_key["specific_accountabilities"] == 1.0
    assert 0 < by_key["general_accountability"] < 1


async def test_skill_gap_ranks_what_the_target_asks_for(client) -> None:
    response = await client.get("/internal/v1/skill-gap", params={"from": "dir", "to": "dg"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["from_id"], body["to_id"]) == ("dir", "dg")
    # "media" is as confident as "strategy" but asked for in a less important section.
    assert [item["label"] for item in body["missing"]] == ["strategy", "media"]
    assert body["missing"][0]["importance"] > body["missing"][1]["importance"]


async def test_career_paths_are_one_and_two_levels_up_in_the_same_group(client) -> None:
    response = await client.get("/internal/v1/career-paths/dir")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["classification"] == "EX-01"
    assert [(step["document_id"], step["levels_up"]) for step in body["steps"]] == [("ed", 1), ("dg", 2)]
    assert [gap["label"] for gap in body["steps"][0]["gap"]] == ["negotiation"]
    assert READER.candidate_queries[-1] == ("EX", ["02", "03", "2", "3"])


async def test_career_paths_honour_the_limit(client) -> None:
    body = (await client.get("/internal/v1/career-paths/dir", params={"limit": 1})).json()
    assert [step["document_id"] for step in body["steps"]] == ["ed"]


async def test_an_unclassified_document_has_no_career_path(client) -> None:
    body = (await client.get("/internal/v1/career-paths/unclassified")).json()
    assert body == {"document_id": "unclassified", "classification": None, "steps": []}


@pytest.mark.parametrize(
    ("path", "params", "missing"),
    [
        ("/internal/v1/compare", {"left": "dir", "right": "nope"}, "'nope'"),
        ("/internal/v1/compare", {"left": "gone", "right": "nope"}, "'gone', 'nope'"),
        ("/internal/v1/skill-gap", {"from": "nope", "to": "dir"}, "'nope'"),
        ("/internal/v1/career-paths/nope", {}, "'nope'"),
    ],
)
async def test_unknown_documents_are_a_clear_404(client, path, params, missing) -> None:
    response = await client.get(path, params=params)
    assert response.status_code == 404
    assert response.json()["detail"] == f"No analysed document with id {missing}."


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/internal/v1/compare", {"left": "dir"}),
        ("/internal/v1/skill-gap", {"from": "dir", "to": ""}),
        ("/internal/v1/career-paths/dir", {"limit": 0}),
    ],
)
async def test_bad_parameters_are_rejected(client, path, params) -> None:
    assert (await client.get(path, params=params)).status_code == 422


def test_levels_above_are_written_both_ways() -> None:
    assert api.levels_above("05", 2) == ["06", "07", "6", "7"]
    assert api.levels_above("9", 1) == ["10"]
