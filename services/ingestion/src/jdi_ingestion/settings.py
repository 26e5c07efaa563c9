from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from jdi_contracts.events import MAX_DOCUMENT_BYTES
from jdi_core.settings import DatabaseSettings, KafkaSettings
from jdi_parser import ParseLimits


class IngestionSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="INGESTION_")

    host: str = "127.0.0.1"
    port: int = 8001
    group_id: str = "jdi-ingestion"
    max_bytes: int = Field(MAX_DOCUMENT_BYTES, le=MAX_DOCUMENT_BYTES)
    max_docx_uncompressed_bytes: int = 50_000_000
    max_docx_compression_ratio: float = 100.0
    max_pdf_pages: int = 200
    redact_personal_data: bool = True

    kafka: KafkaSettings = Field(default_factory=KafkaSettings)
    database: DatabaseSettings = Field(default_factory=DatabaseSettings)

    def parse_limits(self) -> ParseLimits:
        return ParseLimits(
            max_bytes=self.max_bytes,
            max_docx_uncompressed_bytes=self.max_docx_uncompressed_bytes,
            max_docx_compression_ratio=self.max_docx_compression_ratio,
            max_pdf_pages=self.max_pdf_pages,
            redact_personal_data=self.redact_personal_data,
        )
