from limits import parse
from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from jdi_contracts.events import MAX_DOCUMENT_BYTES
from jdi_core.internal_api import InternalApiSettings
from jdi_core.settings import DatabaseSettings, KafkaSettings


class GatewaySettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="GATEWAY_")

    host: str = "127.0.0.1"
    port: int = 8000
    # Processes serving the port (uvicorn workers), each with its own consumer and database pool: see the README.
    workers: int = Field(1, ge=1)
    # One JSON log line per request (uvicorn's access log); each request's span carries the same and more.
    access_log: bool = True
    group_id: str = "jdi-gateway"
    # The projection applies what one poll returns in one transaction: up to this many events, or what
    # arrived within the timeout (a poll returns at once when events are waiting).
    projection_batch_max_records: int = Field(500, ge=1, le=5000)
    projection_batch_timeout_ms: int = Field(50, ge=1)
    # Created (hashed) with every scope at start-up so a fresh deployment can mint further keys.
    bootstrap_api_key: SecretStr | None = None
    # A verified API key is trusted this long without asking the database again; a revocation through
    # another worker or instance takes effect within it (0: every request asks the database).
    api_key_cache_s: float = Field(10.0, ge=0)
    # Requests per API key, per worker process (see jdi_gateway.auth.rate_limits), as `limits` writes them.
    rate_limit: str = "6000/minute"
    # Failed authentications per client address, per worker: guessing keys is slow.
    auth_failure_rate_limit: str = "30/minute"
    cors_origins: list[str] = Field(default_factory=list)
    # /v1/stats counts every document: its answer is reused this long (the read model lags events anyway).
    stats_cache_s: float = Field(2.0, ge=0)
    max_upload_bytes: int = Field(MAX_DOCUMENT_BYTES, le=MAX_DOCUMENT_BYTES)
    embedding_url: str = "http://127.0.0.1:8002"
    search_timeout_s: float = 5.0
    analysis_url: str = "http://127.0.0.1:8003"
    # Comparisons embed section texts when the analysis service has embeddings on.
    analysis_timeout_s: float = 10.0

    kafka: KafkaSettings = Field(default_factory=KafkaSettings)
    # Sent to the embedding and analysis services' internal routes.
    internal_api: InternalApiSettings = Field(default_factory=InternalApiSettings)

    @field_validator("rate_limit", "auth_failure_rate_limit")
    @classmethod
    def _a_limit(cls, value: str) -> str:
        parse(value)  # raises ValueError for what is not a limit, e.g. "many"
        return value

    database: DatabaseSettings = Field(default_factory=DatabaseSettings)
