"""docker-compose.yml agrees with the services it runs: no Docker engine runs it here, so each service's environment
is checked against the settings classes the service reads (no unknown variable, every local-only default replaced,
every value valid), the addresses in it against the compose services, and Prometheus against deploy/prometheus."""

import json
import os
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml
from opentelemetry.sdk import environment_variables as otel_variables
from pydantic import ValidationError
from pydantic_settings import BaseSettings

from jdi_analysis.settings import AnalysisServiceSettings
from jdi_embedding.settings import EmbeddingSettings
from jdi_gateway.settings import GatewaySettings
from jdi_ingestion.settings import IngestionSettings

REPO = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((REPO / "docker-compose.yml").read_text())
SETTINGS: dict[str, type[BaseSettings]] = {
    "ingestion": IngestionSettings,
    "embedding": EmbeddingSettings,
    "analysis": AnalysisServiceSettings,
    "gateway": GatewaySettings,
}
# Read from the environment outside any settings class: OpenTelemetry's own variables, where spans go
# (jdi_core.telemetry) and the model cache (jdi_embedder).
OTEL_VARIABLES = {value for name, value in vars(otel_variables).items() if name.startswith("OTEL_")}
OTHER_VARIABLES = {"JDI_TRACES_DIR", "JDI_EMBEDDER_CACHE"}
# The image's own: where its Python is and which service it runs.
IMAGE_VARIABLES = {"PATH", "SERVICE"}
# A compose `${VARIABLE:?message}` is filled in by whoever starts it.
INTERPOLATION = re.compile(r"\$\{([A-Z_]+)(:?[?-][^}]*)?\}")


def variables(settings: type[BaseSettings]) -> dict[str, Any]:
    """Every environment variable `settings` reads, with its default; nested settings read their own prefix."""
    prefix = settings.model_config.get("env_prefix", "")
    found: dict[str, Any] = {}
    for name, field in settings.model_fields.items():
        nested = field.annotation
        if isinstance(nested, type) and issubclass(nested, BaseSettings):
            found.update(variables(nested))
        else:
            found[f"{prefix}{name}".upper()] = field.default
    return found


def dockerfile_environment() -> dict[str, str]:
    """The ENV of the image every service runs in (deploy/docker/Dockerfile's final stage)."""
    text = (REPO / "deploy" / "docker" / "Dockerfile").read_text().replace("\\\n", " ")
    final_stage = text.rsplit("\nFROM ", 1)[1]
    pairs: dict[str, str] = {}
    for line in final_stage.splitlines():
        if line.startswith("ENV "):
            pairs.update(pair.split("=", 1) for pair in line.removeprefix("ENV ").split() if "=" in pair)
    return pairs


def environment(service: str) -> dict[str, str]:
    return {name: str(value) for name, value in (COMPOSE["services"][service].get("environment") or {}).items()}


def loopback(value: Any) -> bool:
    return any(host in str(value) for host in ("127.0.0.1", "localhost"))


@pytest.mark.parametrize("service", SETTINGS)
def test_every_variable_is_one_the_service_reads(service: str) -> None:
    known = variables(SETTINGS[service])
    unknown = set(environment(service)) - known.keys() - OTEL_VARIABLES - OTHER_VARIABLES
    assert not unknown, f"{service} does not read {sorted(unknown)}"


def test_the_image_sets_only_variables_some_service_reads() -> None:
    known = set().union(*(variables(settings) for settings in SETTINGS.values())) | OTHER_VARIABLES
    assert set(dockerfile_environment()) - IMAGE_VARIABLES <= known


@pytest.mark.parametrize("service", SETTINGS)
def test_no_setting_keeps_a_default_that_only_works_on_one_machine(service: str) -> None:
    """A default on 127.0.0.1 (the broker, the database, another service, the address to listen on) reaches
    nothing from inside a container: compose or the image must set it."""
    configured = {**dockerfile_environment(), **environment(service)}
    local_only = {name for name, default in variables(SETTINGS[service]).items() if loopback(default)}
    assert local_only <= configured.keys(), f"{service} keeps {sorted(local_only - configured.keys())}"
    assert not [name for name in local_only if loopback(configured[name])]


@pytest.mark.parametrize("service", SETTINGS)
def test_the_settings_accept_the_values(service: str, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.split("_", 1)[0] in {"KAFKA", "DATABASE", "QDRANT", "INGESTION", "EMBEDDING", "ANALYSIS", "GATEWAY"}:
            monkeypatch.delenv(name)
    for name, value in {**dockerfile_environment(), **environment(service)}.items():
        monkeypatch.setenv(name, INTERPOLATION.sub(lambda match: f"set-by-operator-{match[1].lower()}", value))
    try:
        SETTINGS[service]()
    except ValidationError as error:
        pytest.fail(f"{service}'s environment is invalid: {error}")


def test_addresses_name_compose_services_and_the_ports_they_listen_on() -> None:
    ports = {service: variables(settings)[f"{service.upper()}_PORT"] for service, settings in SETTINGS.items()}
    for service in SETTINGS:
        for name, value in environment(service).items():
            if "://" not in value and name != "KAFKA_BOOTSTRAP_SERVERS":
                continue
            address = urlsplit(value if "://" in value else f"kafka://{value}")
            assert address.hostname in COMPOSE["services"], f"{service}: {name} points at {address.hostname}"
            if address.hostname in ports:
                assert address.port == ports[address.hostname], f"{service}: {name} misses {address.hostname}'s port"


def test_the_embedding_service_uses_the_qdrant_server_of_compose() -> None:
    assert urlsplit(environment("embedding")["QDRANT_URL"]).hostname == "qdrant"


def test_prometheus_runs_the_alert_rules_of_deploy_prometheus_on_every_service() -> None:
    prometheus = COMPOSE["services"]["prometheus"]
    mounts = dict(volume.rsplit(":", 1)[0].split(":", 1) for volume in prometheus["volumes"])
    assert mounts == {
        "./deploy/prometheus/prometheus.yml": "/etc/prometheus/prometheus.yml",
        "./deploy/prometheus/rules": "/etc/prometheus/rules",
        "./deploy/prometheus/compose-targets": "/etc/prometheus/targets",
    }
    assert all((REPO / source).exists() for source in mounts)
    config = yaml.safe_load((REPO / "deploy" / "prometheus" / "prometheus.yml").read_text())
    target_files = {file for job in config["scrape_configs"] for sd in job["file_sd_configs"] for file in sd["files"]}
    compose_targets = REPO / "deploy" / "prometheus" / "compose-targets"
    assert {f"targets/{path.name}" for path in compose_targets.glob("*.json")} == target_files
    scraped = {
        target: group["labels"]["service"]
        for group in json.loads((compose_targets / "jdi.json").read_text())
        for target in group["targets"]
    }
    assert scraped == {
        f"{service}:{variables(settings)[f'{service.upper()}_PORT']}": service for service, settings in SETTINGS.items()
    }


@pytest.mark.parametrize("service", ["embedding", "analysis", "gateway"])
def test_the_internal_routes_are_not_exposed_without_their_credential(service: str) -> None:
    """The image listens on 0.0.0.0, where embedding and analysis refuse to start without the token the gateway
    sends them (jdi_core.internal_api)."""
    assert dockerfile_environment()[f"{service.upper()}_HOST"] == "0.0.0.0"  # noqa: S104
    assert environment(service)["INTERNAL_API_TOKEN"].startswith("${JDI_INTERNAL_API_TOKEN:?")
