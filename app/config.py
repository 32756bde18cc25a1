"""Settings, read from CUOMIN_* environment variables (and a .env file, when present)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# Shared with the reader `cuomin check` uses instead of this model (app/check_settings.py).
from app.check_settings import (
    DEFAULT_CHECK_PROFILE,
    DEFAULT_CONTEXT_CHARS,
    DEFAULT_LEXICON_DIR,
    DEFAULT_TYPO_LAYER,
    ENV_FILE,
    ENV_PREFIX,
    CheckProfile,
    TypoLayer,
)

__all__ = ["DEFAULT_LEXICON_DIR", "Settings", "get_settings"]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, env_file=ENV_FILE, env_ignore_empty=True, extra="ignore")

    lexicon_dir: Path = Field(DEFAULT_LEXICON_DIR, description="词库目录（YAML 文件）")
    host: str = Field("127.0.0.1", description="cuomin serve 监听地址")
    port: int = Field(8000, ge=1, le=65535, description="cuomin serve 监听端口")
    max_text_chars: int = Field(200_000, ge=1, description="单次检查文本的最大字符数")
    context_chars: int = Field(DEFAULT_CONTEXT_CHARS, ge=0, le=200, description="命中上下文前后各取的字符数")
    log_level: str = Field("info", description="日志级别：debug、info、warning、error")
    workers: int = Field(0, ge=0, le=64, description="cuomin serve 的工作进程数，每个进程一份检测器；0 表示按 CPU 核数")
    cache_dir: Path | None = Field(
        None,
        description="编译好的词库（检测器）缓存目录；不设时为 $XDG_CACHE_HOME/cuomin 或 ~/.cache/cuomin",
    )
    ingest_workers: int = Field(
        0, ge=0, le=64, description="批量入库（cuomin ingest、POST /api/articles/batch）的检查进程数；0 表示按核数"
    )
    ingest_chunk_articles: int = Field(
        500, ge=1, le=10_000, description="PostgreSQL 上 cuomin ingest --queue 把文件分块放进任务队列，每块的行数"
    )
    rescan_workers: int = Field(0, ge=0, le=64, description="重新扫描使用的进程数；0 表示按 CPU 核数")
    rescan_chunk_articles: int = Field(
        2000, ge=1, le=1_000_000, description="PostgreSQL 上重新扫描按文章编号分块，每块的文章数"
    )
    rescan_batch: int = Field(200, ge=1, le=10_000, description="重新扫描每批（一个事务）的文章数")
    rescan_stall_seconds: float = Field(
        120, gt=0, le=86_400, description="工作进程多少秒没有进展算停滞，它的块交给其他工作进程"
    )
    stale_days: int = Field(14, ge=1, le=366, description="季度报告中超过多少天未更新算“超期未更新”")
    jurisdiction: str = Field(
        "全区", min_length=1, max_length=20, description="通报对辖区的称呼：全区、全县、全市（标题和总体情况（一）用）"
    )
    cors_origins: str = Field(
        "",
        description="允许跨域调用的来源，逗号分隔（如 app://obsidian.md）；* 表示任意来源；空表示不发 CORS 头",
    )
    forwarded_allow_ips: str = Field(
        "127.0.0.1",
        description="反向代理的地址（逗号分隔，可写网段，* 表示任何地址）：只有它们发来的 X-Forwarded-For、"
        "X-Forwarded-Proto 才用作客户端地址和协议；空表示一概不信",
    )
    database_url: str | None = Field(
        None,
        description="数据库 URL（SQLAlchemy 格式）；不设时使用当前目录 var/cuomin.db 的内置 SQLite，启动时自动升级",
    )
    max_article_bytes: int = Field(2 * 1024 * 1024, ge=1, description="单篇文章请求体的最大字节数，超过返回 413")
    max_batch_bytes: int = Field(64 * 1024 * 1024, ge=1, description="批量入库请求体的最大字节数，超过返回 413")
    max_ingest_file_bytes: int = Field(
        512 * 1024 * 1024, ge=1, description="POST /api/ingests 上传的 JSONL 文件的最大字节数，超过返回 413"
    )
    max_body_bytes: int = Field(
        4 * 1024 * 1024, ge=1, description="其他请求（检查、审核、豁免……）请求体的最大字节数，超过返回 413"
    )
    admin_token: SecretStr | None = Field(
        None, description="设置后作为管理员令牌接受（首次部署、自动化用）；至少 16 个字符"
    )
    typo_layer: TypoLayer = Field(
        DEFAULT_TYPO_LAYER,
        description="统计错别字层：on 启用（模型文件缺失或损坏则报错、不启动）；off 关闭；"
        "optional 模型不可用时只记警告、其余照常检查",
    )
    check_profile: CheckProfile = Field(
        DEFAULT_CHECK_PROFILE,
        description="草稿检查（/api/check、/v2/check、cuomin check）默认的错别字把握档："
        "draft 报出一切可能的笔误；inspection 只报近乎确定的",
    )
    check_rate_limit: int = Field(
        600,
        ge=0,
        description="每个令牌每分钟最多检查几次（/api/check 与 /v2/check 合计，可瞬时用完一分钟的额度）；0 表示不限",
    )

    @field_validator("admin_token")
    @classmethod
    def _strong_admin_token(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(value.get_secret_value()) < 16:
            raise ValueError("CUOMIN_ADMIN_TOKEN 太短：至少 16 个字符（可用 `openssl rand -hex 32` 生成）")
        return value

    @property
    def cors_origin_list(self) -> list[str]:
        return [origin.strip() for origin in self.cors_origins.split(",") if origin.strip()]

    @property
    def db_url(self) -> str:
        """CUOMIN_DATABASE_URL, or the embedded SQLite file var/cuomin.db under the working directory."""
        return self.database_url or f"sqlite:///{Path.cwd() / 'var' / 'cuomin.db'}"

    @property
    def db_embedded(self) -> bool:
        """The embedded default database upgrades itself on start; any other must be upgraded by hand."""
        return self.database_url is None


@lru_cache
def get_settings() -> Settings:
    return Settings()
