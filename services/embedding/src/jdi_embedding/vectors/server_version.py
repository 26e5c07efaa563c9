"""Which Qdrant server versions the installed qdrant-client supports.

qdrant-client's own rule (qdrant_client.common.version_check): the same major version and minor
versions at most one apart. The client only warns, from a background thread, so the service sets
`check_compatibility=False` and applies the rule itself, through readiness."""

import importlib.metadata

CLIENT_VERSION = importlib.metadata.version("qdrant-client")


class UnsupportedServerVersion(Exception):
    """The Qdrant server's version is outside the range the installed qdrant-client supports."""


def _major_minor(version: str) -> tuple[int, int] | None:
    parts = version.split(".")
    if len(parts) < 2 or not (parts[0].isdigit() and parts[1].isdigit()):
        return None
    return int(parts[0]), int(parts[1])


def supported_range(client_version: str = CLIENT_VERSION) -> str:
    """Human-readable range, e.g. `1.19.x-1.21.x` for client 1.20.0."""
    major, minor = _major_minor(client_version) or (0, 0)
    return f"{major}.{max(minor - 1, 0)}.x-{major}.{minor + 1}.x"


def check_server_version(server_version: str, client_version: str = CLIENT_VERSION) -> None:
    client, server = _major_minor(client_version), _major_minor(server_version)
    if client is not None and server is not None and server[0] == client[0] and abs(server[1] - client[1]) <= 1:
        return
    raise UnsupportedServerVersion(
        f"Qdrant server {server_version} is outside {supported_range(client_version)}, the versions "
        f"qdrant-client {client_version} supports; set QDRANT_CHECK_SERVER_VERSION=false to use it anyway"
    )
