"""deploy/k8s is valid Kubernetes and KEDA, and agrees with the services it deploys.

No cluster runs here, so the manifests are checked against the published schemas: core kinds with
kubernetes-validate (strict: unknown fields fail), ScaledObjects with cloudcoil's models generated from
KEDA's CRD, whose unknown fields are caught by a round trip (they are dropped on the way).
"""

from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml
from cloudcoil.models.keda.v1alpha1 import ScaledObject
from pydantic_settings import BaseSettings

from jdi_analysis.settings import AnalysisServiceSettings
from jdi_contracts.events import Topic
from jdi_embedding.reembedding import model_group_id
from jdi_embedding.settings import EmbeddingSettings
from jdi_gateway.settings import GatewaySettings
from jdi_ingestion.settings import IngestionSettings

K8S_DIR = Path(__file__).resolve().parents[2] / "deploy" / "k8s"
KUBERNETES_VERSION = "1.33.0"
PARTITIONS = 6


def default(settings: type[BaseSettings], field: str) -> Any:
    """The shipped default, not what this shell's environment overrides it with."""
    return settings.model_fields[field].default


# What each service listens on and consumes, from its own settings and subscriptions.
SERVICES: dict[str, tuple[int, str, set[Topic]]] = {
    "ingestion": (
        default(IngestionSettings, "port"),
        default(IngestionSettings, "group_id"),
        {Topic.SUBMITTED, Topic.DELETE_REQUESTED},
    ),
    "embedding": (
        default(EmbeddingSettings, "port"),
        model_group_id(default(EmbeddingSettings, "group_id"), default(EmbeddingSettings, "model_id")),
        {Topic.PARSED, Topic.DELETED},
    ),
    "analysis": (
        default(AnalysisServiceSettings, "port"),
        default(AnalysisServiceSettings, "group_id"),
        {Topic.PARSED, Topic.DELETED},
    ),
    "gateway": (
        default(GatewaySettings, "port"),
        default(GatewaySettings, "group_id"),
        {Topic.PARSED, Topic.EMBEDDED, Topic.ANALYZED, Topic.REJECTED, Topic.FILED, Topic.DELETED, Topic.DLQ},
    ),
}


def load(name: str) -> list[dict[str, Any]]:
    return [doc for doc in yaml.safe_load_all((K8S_DIR / name).read_text()) if doc]


def of_kind(kind: str, docs: list[dict[str, Any]]) -> dict[str, Any]:
    [doc] = [doc for doc in docs if doc["kind"] == kind]
    return doc


def validate_strictly(doc: dict[str, Any]) -> None:
    if doc["kind"] == "ScaledObject":
        round_trip = ScaledObject.model_validate(doc).model_dump(by_alias=True, exclude_unset=True, mode="json")
        if round_trip != doc:
            raise ValueError(f"ScaledObject {doc['metadata']['name']} has fields KEDA does not know")
    elif doc["kind"] != "Kustomization":
        kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)


MANIFESTS = sorted(path.name for path in K8S_DIR.glob("*.yaml"))


@pytest.mark.parametrize("name", MANIFESTS)
def test_every_resource_matches_its_schema(name: str) -> None:
    for doc in load(name):
        validate_strictly(doc)


def test_kustomization_lists_every_manifest() -> None:
    [kustomization] = load("kustomization.yaml")
    assert sorted(kustomization["resources"]) == sorted(set(MANIFESTS) - {"kustomization.yaml"})


@pytest.mark.parametrize(
    ("kind", "spoil"),
    [
        ("Deployment", lambda d: d["spec"]["template"]["spec"]["containers"][0].update(livenessprobe={})),
        ("PodDisruptionBudget", lambda d: d["spec"].update(maxUnavailabel=1)),
        ("ScaledObject", lambda d: d["spec"].update(maxReplicas=6)),
        ("ScaledObject", lambda d: d["spec"].pop("scaleTargetRef")),
    ],
    ids=["deployment-typo", "pdb-typo", "scaledobject-typo", "scaledobject-missing-target"],
)
def test_a_spoilt_manifest_is_refused(kind: str, spoil: Any) -> None:
    doc = of_kind(kind, load("gateway.yaml"))
    spoil(doc)
    with pytest.raises((kubernetes_validate.ValidationError, ValueError)):
        validate_strictly(doc)


@pytest.mark.parametrize("service", list(SERVICES))
def test_probes_point_at_health_and_readiness_on_the_service_port(service: str) -> None:
    port, _, _ = SERVICES[service]
    docs = load(f"{service}.yaml")
    [container] = of_kind("Deployment", docs)["spec"]["template"]["spec"]["containers"]
    assert container["ports"] == [{"name": "http", "containerPort": port}]
    assert container["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "http"}
    assert container["startupProbe"]["httpGet"] == {"path": "/healthz", "port": "http"}
    assert container["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "http"}
    assert set(container["resources"]["requests"]) == set(container["resources"]["limits"]) == {"cpu", "memory"}
    assert of_kind("Service", docs)["spec"]["ports"][0]["port"] == port


@pytest.mark.parametrize("service", list(SERVICES))
def test_disruption_budget_and_service_select_the_deployment_pods(service: str) -> None:
    docs = load(f"{service}.yaml")
    pod_labels = of_kind("Deployment", docs)["spec"]["template"]["metadata"]["labels"]
    for selector in (
        of_kind("PodDisruptionBudget", docs)["spec"]["selector"]["matchLabels"],
        of_kind("Service", docs)["spec"]["selector"],
    ):
        assert selector.items() <= pod_labels.items()


@pytest.mark.parametrize("service", list(SERVICES))
def test_scaled_object_follows_the_lag_of_the_service_consumer_group(service: str) -> None:
    _, group_id, topics = SERVICES[service]
    scaled = of_kind("ScaledObject", load(f"{service}.yaml"))["spec"]
    assert scaled["scaleTargetRef"]["name"] == service
    assert scaled["maxReplicaCount"] <= PARTITIONS
    lag_triggers = [trigger["metadata"] for trigger in scaled["triggers"] if trigger["type"] == "kafka"]
    assert {trigger["consumerGroup"] for trigger in lag_triggers} == {group_id}
    assert {trigger["topic"] for trigger in lag_triggers} == {topic.value for topic in topics}


def test_secrets_come_from_a_secret_never_from_the_config_map() -> None:
    config = of_kind("ConfigMap", load("config.yaml"))["data"]
    assert not {"DATABASE_URL", "QDRANT_API_KEY", "GATEWAY_BOOTSTRAP_API_KEY"} & set(config)
    for service in SERVICES:
        [container] = of_kind("Deployment", load(f"{service}.yaml"))["spec"]["template"]["spec"]["containers"]
        for variable in container.get("env", []):
            assert "secretKeyRef" in variable["valueFrom"], variable["name"]


@pytest.mark.parametrize("service", ["embedding", "analysis", "gateway"])
def test_the_internal_api_token_comes_from_the_secret(service: str) -> None:
    [container] = of_kind("Deployment", load(f"{service}.yaml"))["spec"]["template"]["spec"]["containers"]
    [token] = [variable for variable in container["env"] if variable["name"] == "INTERNAL_API_TOKEN"]
    assert token["valueFrom"]["secretKeyRef"] == {"name": "jdi-secrets", "key": "INTERNAL_API_TOKEN"}
