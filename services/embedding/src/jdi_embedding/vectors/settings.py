from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

MIB = 1024 * 1024
# Well below the server's default request limit of 32 MiB; about 700 chunk points of 384 dimensions.
DEFAULT_MAX_REQUEST_BYTES = 8 * MIB


class QdrantSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="QDRANT_")

    # Unset: embedded Qdrant (Edge) owned by this process, stored under `path`.
    url: str | None = None
    api_key: SecretStr | None = None
    path: Path = Path(".work") / "qdrant"

    # The rest applies to a server only.
    # Every write request's body stays under this many bytes; the server refuses bodies over its
    # `service.max_request_size_mb` (32 MiB by default).
    max_request_bytes: int = Field(DEFAULT_MAX_REQUEST_BYTES, ge=64 * 1024)
    # gRPC (the server's port 6334) instead of REST for every call.
    prefer_grpc: bool = False
    # Put before every collection and alias name, so several users can share one server.
    collection_prefix: str = Field("", pattern=r"^[A-Za-z0-9_.-]*$", max_length=64)
    # Readiness fails for a server outside the versions the installed qdrant-client supports.
    check_server_version: bool = True
