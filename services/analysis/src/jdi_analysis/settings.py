from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from jdi_analyzer.analyzer import AnalysisSettings
from jdi_analyzer.skills.matcher import SkillMatcherSettings
from jdi_core.internal_api import InternalApiSettings
from jdi_core.settings import DatabaseSettings, KafkaSettings


class AnalysisServiceSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ANALYSIS_")

    host: str = "127.0.0.1"
    port: int = 8003
    group_id: str = "jdi-analysis"
    # Skill matching thresholds; the defaults are the matcher's own.
    skill_min_confidence: float = SkillMatcherSettings.min_confidence
    similarity_threshold: float = SkillMatcherSettings.similarity_threshold
    # Embedding similarity over candidate phrases; off means exact and alias matches only.
    use_embeddings: bool = True
    # ESCO label embeddings are computed once per model and taxonomy release, then read from here.
    embedding_cache_dir: Path = Path(".work") / "cache"

    kafka: KafkaSettings = Field(default_factory=KafkaSettings)
    internal_api: InternalApiSettings = Field(default_factory=InternalApiSettings)
    database: DatabaseSettings = Field(default_factory=DatabaseSettings)

    def analysis_settings(self) -> AnalysisSettings:
        """The analyzer's settings: its own defaults but for what this service configures."""
        return AnalysisSettings(
            skills=SkillMatcherSettings(
                min_confidence=self.skill_min_confidence,
                similarity_threshold=self.similarity_threshold,
                cache_dir=self.embedding_cache_dir,
            )
        )
