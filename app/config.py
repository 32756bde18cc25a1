"""Settings, read from CUOMIN_* environment variables (and a .env file, when present)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

# The lexicons shipped beside the package: an editable install and the Docker image both have them.
DEFAULT_LEXICON_DIR = Path(__file__).resolve().parent.parent / "lexicons"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CUOMIN_", env_file=".env", env_ignore_empty=True, extra="ignore")

    lexicon_dir: Path = Field(DEFAULT_LEXICON_DIR, description="词库目录（YAML 文件）")
    host: str = Field("127.0.0.1", description="cuomin serve 监听地址")
    port: int = Field(8000, ge=1, le=65535, description="cuomin serve 监听端口")
    max_text_chars: int = Field(200_000, ge=1, description="单次检查文本的最大字符数")
    context_chars: int = Field(20, ge=0, le=200, description="命中上下文前后各取的字符数")
    log_level: str = Field("info", description="日志级别：debug、info、warning、error")


@lru_cache
def get_settings() -> Settings:
    return Settings()
