from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from jdi_core.settings import KafkaSettings


class QdrantSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="QDRANT_")

    # Unset: embedded Qdrant owned by this process, stored under `path`.
    url: str | None = None
    api_key: SecretStr | None = None
    path: Path = Path(".work") / "qdrant"


class EmbeddingSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="EMBEDDING_")

    host: str = "127.0.0.1"
    port: int = 8002
    group_id: str = "jdi-embedding"
    model_cache_dir: Path | None = None

    kafka: KafkaSettings = Field(default_factory=KafkaSettings)
    qdrant: QdrantSettings = Field(default_factory=QdrantSettings)
