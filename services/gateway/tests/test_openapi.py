"""The OpenAPI document a client generates its code from: typed answers, declared problems, how to authenticate."""

from typing import Any

from .conftest import Fakes

OPERATIONS = ("get", "post", "put", "patch", "delete")


def v1_operations(fakes: Fakes) -> list[tuple[str, str, dict[str, Any]]]:
    document = fakes.app().openapi()
    return [
        (method, path, operation)
        for path, item in document["paths"].items()
        if path.startswith("/v1/")
        for method, operation in item.items()
        if method in OPERATIONS
    ]


def test_every_v1_answer_is_typed_and_every_problem_declared_as_problem_json(fakes) -> None:
    operations = v1_operations(fakes)
    assert len(operations) >= 14
    for method, path, operation in operations:
        where = f"{method.upper()} {path}"
        success = [status for status in operation["responses"] if status.startswith("2")]
        assert len(success) == 1, where
        content = operation["responses"][success[0]].get("content", {})
        if success[0] != "204":
            schema = content["application/json"]["schema"]
            assert "$ref" in schema or schema.get("type") == "array", (where, schema)
        for status in ("401", "403", "422", "500", "503"):
            problem = operation["responses"][status]["content"]["application/problem+json"]
            assert problem["schema"] == {"$ref": "#/components/schemas/Problem"}, (where, status)
            assert problem["example"]["status"] == int(status), (where, status)
        assert operation["summary"], where


def test_the_document_says_how_to_authenticate_on_every_v1_route(fakes) -> None:
    schemes = fakes.app().openapi()["components"]["securitySchemes"]
    assert schemes["APIKeyHeader"] == {
        "type": "apiKey",
        "in": "header",
        "name": "X-API-Key",
        "description": "an API key's secret",
    }
    assert schemes["HTTPBearer"]["scheme"] == "bearer"
    for method, path, operation in v1_operations(fakes):
        assert {"APIKeyHeader": []} in operation["security"], f"{method} {path}"


def test_the_request_and_response_bodies_carry_examples(fakes) -> None:
    document = fakes.app().openapi()
    submit = document["paths"]["/v1/documents"]["post"]["requestBody"]["content"]
    assert submit["application/json"]["schema"]["examples"]
    assert submit["multipart/form-data"]["schema"]["additionalProperties"] is False
    schemas = document["components"]["schemas"]
    for name in ("Accepted", "DocumentView", "DocumentPage", "SearchPage", "Stats", "Problem"):
        assert schemas[name]["examples"], name
