"""The service shell's HTTP metrics and readiness, in memory (the broker is never started)."""

from fastapi import APIRouter
from fastapi.testclient import TestClient

from jdi_core.broker import make_broker
from jdi_core.health import ReadinessCheck
from jdi_core.service import create_service_app
from jdi_core.settings import KafkaSettings

router = APIRouter()


@router.get("/items/{item_id}")
async def item(item_id: str) -> dict[str, str]:
    return {"id": item_id}


@router.get("/broken")
async def broken() -> None:
    raise RuntimeError("a bug")


def client_of(readiness: dict[str, ReadinessCheck]) -> TestClient:
    """Used without `with`, so the lifespan (and the broker) never starts."""
    broker = make_broker(KafkaSettings(bootstrap_servers="127.0.0.1:9"))
    app = create_service_app("unit", broker=broker, readiness=readiness, routers=[router])
    return TestClient(app, raise_server_exceptions=False)


def test_requests_are_timed_by_route_template_method_and_status(increase) -> None:
    client = client_of({})
    for path in ("/items/a", "/items/b", "/nowhere", "/broken"):
        client.get(path)

    def requests(route: str, status: str) -> float:
        return increase(
            "http_server_request_duration_seconds_count",
            http_request_method="GET",
            http_route=route,
            http_response_status_code=status,
        )

    assert requests("/items/{item_id}", "200") == 2
    assert requests("", "404") == 1  # no route matched: no label value per unknown path
    assert requests("/broken", "500") == 1


def test_metrics_report_the_readiness_of_each_dependency() -> None:
    async def answers() -> None:
        return None

    async def refuses() -> None:
        raise ConnectionError("vector store down")

    body = client_of({"database": answers, "vector_store": refuses}).get("/metrics").text

    assert 'jdi_dependency_ready{dependency="database"} 1.0' in body
    assert 'jdi_dependency_ready{dependency="vector_store"} 0.0' in body
    assert 'jdi_dependency_ready{dependency="broker"} 0.0' in body
