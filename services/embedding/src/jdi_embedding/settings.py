from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from jdi_core.internal_api import InternalApiSettings
from jdi_core.settings import KafkaSettings
from jdi_embedder import MODEL_ID
from jdi_embedding.vectors.settings import QdrantSettings


class EmbeddingSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="EMBEDDING_")

    host: str = "127.0.0.1"
    port: int = 8002
    # Each model's collection is built by its own consumer group: `<group_id>.<collection>`.
    group_id: str = "jdi-embedding"
    model_cache_dir: Path | None = None
    model_id: str = MODEL_ID
    # Set while re-embedding: this model keeps serving (and indexing new documents) until
    # `model_id` has replayed `parsed` and caught up; then search switches to `model_id`.
    previous_model_id: str | None = None
    switch_check_interval_s: float = Field(5.0, gt=0)
    # A batch is what one poll returns: up to this many records or what arrived within the
    # timeout. Descriptions give ~5-6 chunks each, so 32 records make ~160 chunks: larger model
    # calls pack better (pipeline/raw 0.84-0.85 measured at 32 against 0.61-0.74 at 12).
    batch_max_records: int = Field(32, ge=1, le=1000)
    batch_timeout_ms: int = Field(50, ge=1)

    kafka: KafkaSettings = Field(default_factory=KafkaSettings)
    internal_api: InternalApiSettings = Field(default_factory=InternalApiSettings)
    qdrant: QdrantSettings = Field(default_factory=QdrantSettings)
