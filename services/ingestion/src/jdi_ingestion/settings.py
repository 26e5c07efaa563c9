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
    # The parser's limits, one variable each (INGESTION_MAX_BYTES...); the defaults are the parser's own.
    max_bytes: int = Field(ParseLimits.max_bytes, le=MAX_DOCUMENT_BYTES)
    max_docx_uncompressed_bytes: int = ParseLimits.max_docx_uncompressed_bytes
    max_docx_compression_ratio: float = ParseLimits.max_docx_compression_ratio
    max_pdf_pages: int = ParseLimits.max_pdf_pages
    redact_personal_data: bool = ParseLimits.redact_personal_data

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
