"""Settings shared by every service. Each group reads its own environment prefix."""

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from jdi_contracts.events import Topic


class KafkaSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="KAFKA_")

    bootstrap_servers: str = "127.0.0.1:19092"
    # Lets tests and side-by-side environments use their own topics on one cluster.
    topic_prefix: str = ""
    # Documents travel base64-encoded inside the event, so requests must fit ~4/3 of the 10 MB limit.
    max_request_size: int = 16 * 1024 * 1024
    session_timeout_ms: int = 10_000
    heartbeat_interval_ms: int = 1_000
    max_attempts: int = Field(3, ge=1, description="attempts before a message goes to the DLQ")
    retry_backoff_s: float = Field(0.5, ge=0, description="first retry's delay; doubled each attempt, with jitter")
    retry_max_backoff_s: float = Field(30.0, ge=0, description="longest delay between two attempts")
    outage_max_pause_s: float = Field(
        3600.0, ge=0, description="longest a consumer waits for an unreachable dependency before dead-lettering again"
    )

    def topic(self, topic: Topic) -> str:
        return f"{self.topic_prefix}{topic.value}"


class DatabaseSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="DATABASE_")

    url: SecretStr = SecretStr("postgresql+asyncpg://jdi@127.0.0.1:55432/jdi")
    # Prefix for this deployment's schemas (tests use a unique one per run).
    schema_prefix: str = ""
    pool_size: int = Field(5, ge=1)
    # Connections beyond pool_size, closed again as soon as they are returned: under steady load that is a new
    # connection per query, so by default callers wait for a pooled one instead.
    pool_max_overflow: int = Field(0, ge=0)
