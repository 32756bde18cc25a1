"""The `cuomin` command line: check texts, lint and describe the lexicons, run the service."""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

import click

from app.check_settings import CheckSettings, check_settings
from app.cli_messages import ChineseGroup
from app.detection.detector import Detector
from app.detection.hit import Hit
from app.detection.lexicon import LexiconError, load_lexicon
from app.services.errors import ServiceError
from app.vocabulary import Severity

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from app.config import Settings


def get_settings() -> Settings:
    """The settings (pydantic-settings loads with the first command that needs more than `check_settings`)."""
    from app.config import get_settings as settings

    return settings()


def _load_detector(settings: CheckSettings | None = None) -> Detector:
    from app.detection.cache import load_detector
    from app.detection.typo.model import ModelError

    settings = settings or check_settings()
    try:
        return load_detector(
            settings.lexicon_dir,
            cache_dir=settings.cache_dir,
            context_chars=settings.context_chars,
            typo=settings.typo_layer,
        )
    except LexiconError as exc:
        raise click.ClickException(f"词库加载失败：{exc}") from exc
    except ModelError as exc:
        raise click.ClickException(f"{exc}（或设置 CUOMIN_TYPO_LAYER=off 关闭统计错别字层）") from exc


def _parse_date(_ctx: click.Context, _param: click.Parameter, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise click.BadParameter(f"日期格式应为 YYYY-MM-DD，收到：{value}") from exc


def _line_col(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _human(name: str, text: str, hits: list[Hit], out: TextIO) -> None:
    for hit in hits:
        line, col = _line_col(text, hit.start)
        arrow = f" → {'／'.join(hit.suggestions)}" if hit.suggestions else ""
        label = Severity(hit.severity).label
        out.write(f"{name}:{line}:{col}: [{label}] {hit.text}{arrow}  {hit.message} ({hit.rule_id})\n")


@click.group(cls=ChineseGroup, context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """cuomin（错敏）：政务新媒体错敏信息检查。"""


@main.command()
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="每个输入输出一个 JSON 对象 {file, hits}。")
@click.option("--jsonl", is_flag=True, help="从标准输入逐行读 {id, text, date?}，逐行输出 {id, hits}。")
@click.option("--date", callback=_parse_date, help="发布日期 YYYY-MM-DD（时间相关规则用），默认今天。")
@click.option(
    "--profile",
    type=click.Choice(["draft", "inspection"]),
    default=None,
    help="错别字把握档：draft 报出一切可能的笔误（默认，CUOMIN_CHECK_PROFILE）；inspection 只报近乎确定的。",
)
def check(files: tuple[Path, ...], as_json: bool, jsonl: bool, date: dt.date | None, profile: str | None) -> None:
    """检查文件（不给文件则读标准输入）。存在严重表述错误时退出码为 1。"""
    settings = check_settings()
    detector = _load_detector(settings)
    profile = profile or settings.check_profile
    if jsonl:
        if files:
            raise click.UsageError("--jsonl 只从标准输入读取，不能同时给出文件。")
        sys.exit(_check_jsonl(detector, date, profile))
    inputs: list[tuple[str, str]] = []
    for path in files:
        try:
            inputs.append((str(path), path.read_text(encoding="utf-8-sig")))
        except OSError as exc:
            raise click.ClickException(f"无法读取文件 {path}：{exc.strerror}") from exc
        except UnicodeDecodeError as exc:
            raise click.ClickException(f"文件 {path} 不是 UTF-8 编码的文本") from exc
    if not files:
        inputs.append(("<stdin>", sys.stdin.read()))
    serious = False
    for name, text in inputs:
        hits = detector.check(text, date=date, profile=profile)
        serious = serious or any(h.severity == Severity.serious for h in hits)
        if as_json:
            click.echo(json.dumps({"file": name, "hits": [h.as_dict() for h in hits]}, ensure_ascii=False))
        else:
            _human(name, text, hits, sys.stdout)
    sys.exit(1 if serious else 0)


def _check_jsonl(detector: Detector, default_date: dt.date | None, profile: str) -> int:
    serious = False
    for number, line in enumerate(sys.stdin, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            text = item["text"]
            if not isinstance(text, str):
                raise TypeError
            date = dt.date.fromisoformat(item["date"]) if item.get("date") else default_date
        except (ValueError, KeyError, TypeError, AttributeError):
            raise click.ClickException(f'第 {number} 行不是有效的 JSON 对象 {{"id", "text", "date"?}}') from None
        hits = detector.check(text, date=date, profile=profile)
        serious = serious or any(h.severity == Severity.serious for h in hits)
        click.echo(json.dumps({"id": item.get("id"), "hits": [h.as_dict() for h in hits]}, ensure_ascii=False))
    return 1 if serious else 0


@main.group()
def lexicon() -> None:
    """词库维护。"""


@lexicon.command()
def lint() -> None:
    """校验全部词库文件、运行每个词条的例句并报告冲突；有问题时退出码非零。"""
    from app.detection.lint import lint as run_lint

    problems = run_lint(get_settings().lexicon_dir)
    for problem in problems:
        click.echo(str(problem))
    if problems:
        click.echo(f"共 {len(problems)} 个问题。", err=True)
        sys.exit(1)
    click.echo("词库检查通过。")


@lexicon.command("compile")
def compile_lexicon() -> None:
    """编译词库并写入缓存（CUOMIN_CACHE_DIR），之后的检查、服务和重新扫描直接载入；词库有错时退出码非零。"""
    from app.detection.cache import default_cache_dir
    from app.detection.segment import tokenizer

    settings = get_settings()
    detector = _load_detector()
    tokenizer()  # the word table beside it
    where = settings.cache_dir or default_cache_dir()
    click.echo(f"词库 {detector.version} 已编译，缓存在 {where}")


@lexicon.command()
@click.option("--check", is_flag=True, help="只检查 confusions.yaml 是否与表格一致，不写文件。")
def build(check: bool) -> None:
    """由 lexicons/data/confusions.csv 生成 lexicons/confusions.yaml（常见混淆词条）。"""
    from app.detection.confusions import OUTPUT, TableError, is_current
    from app.detection.confusions import build as build_table

    directory = get_settings().lexicon_dir
    try:
        if check:
            if not is_current(directory):
                raise click.ClickException(f"{OUTPUT} 与 data/confusions.csv 不一致，请运行 cuomin lexicon build。")
            click.echo(f"{OUTPUT} 与表格一致。")
            return
        path = build_table(directory)
    except (OSError, TableError) as exc:
        raise click.ClickException(f"生成失败：{exc}") from exc
    click.echo(f"已生成 {path}。")


@lexicon.command()
@click.option("--sources", "top", default=30, show_default=True, help="按出处列出的条数（0 为全部）。")
def stats(top: int) -> None:
    """按类别、严重程度和出处统计词条数（词形数），并给出词库版本。"""
    from app.detection.stats import lexicon_stats

    try:
        lex = load_lexicon(get_settings().lexicon_dir)
    except LexiconError as exc:
        raise click.ClickException(f"词库加载失败：{exc}") from exc
    figures = lexicon_stats(lex)
    click.echo(f"词库版本：{lex.version}")
    click.echo(f"词条：{figures.rules}（词形 {figures.terms} 个）")
    click.echo("按类别（词条／词形）：")
    for category, count in figures.by_category.most_common():
        click.echo(f"  {category}\t{count}\t{figures.terms_by_category[category]}")
    click.echo("按严重程度：")
    for severity in Severity:
        click.echo(f"  {severity.label}（{severity.value}）\t{figures.by_severity.get(severity.value, 0)}")
    sources = figures.by_source.most_common(top or None)
    click.echo(f"按出处（词条／词形，共 {len(figures.by_source)} 种出处）：")
    for source, count in sources:
        click.echo(f"  {source}\t{count}\t{figures.terms_by_source[source]}")
    if len(sources) < len(figures.by_source):
        rest = figures.by_source.most_common()[len(sources) :]
        click.echo(f"  其他 {len(rest)} 种出处\t{sum(c for _, c in rest)}")


WORKER_HEALTHCHECK_SECONDS = 60


@main.command()
@click.option("--host", default=None, help="监听地址，默认 CUOMIN_HOST 或 127.0.0.1。")
@click.option("--port", default=None, type=int, help="监听端口，默认 CUOMIN_PORT 或 8000。")
@click.option(
    "--workers", default=None, type=click.IntRange(0, 64), help="工作进程数，默认 CUOMIN_WORKERS；0 表示按 CPU 核数。"
)
def serve(host: str | None, port: int | None, workers: int | None) -> None:
    """启动 HTTP 服务（默认每个 CPU 核一个工作进程）。"""
    import shutil
    import tempfile

    import uvicorn

    from app.api.workers import STATE_ENV
    from app.services.rescan import default_workers

    settings = get_settings()
    with database() as engine:  # a clear message, before uvicorn, when the database is behind
        _hint_first_token(engine, has_admin_token=settings.admin_token is not None)
    count = workers if workers is not None else settings.workers
    count = count or default_workers()
    state = tempfile.mkdtemp(prefix="cuomin-serve-") if count > 1 else None
    if state is not None:
        _load_detector()  # compiled once here (when the cache is cold), then every worker loads it
        os.environ[STATE_ENV] = state  # the workers inherit it: one rate limit, one lexicon for all
    try:
        uvicorn.run(
            "app.main:create_app",
            factory=True,
            host=host or settings.host,
            port=port or settings.port,
            workers=count if count > 1 else None,
            # uvicorn replaces a worker whose health-check thread does not answer within this time; its
            # default of 5 s kills workers that are merely busy (every thread checking, the GIL held)
            # and drops the requests they were answering.
            timeout_worker_healthcheck=WORKER_HEALTHCHECK_SECONDS,
            log_level=settings.log_level,
            access_log=False,  # the service logs one JSON line per request itself, without the query string
            proxy_headers=False,  # the app honours them itself, from CUOMIN_FORWARDED_ALLOW_IPS only
        )
    finally:
        if state is not None:
            shutil.rmtree(state, ignore_errors=True)


def _hint_first_token(engine: Engine, *, has_admin_token: bool) -> None:
    """On a fresh install nobody can call the API yet: say how to get a token."""
    from app.db import session_factory
    from app.services.tokens import any_active

    with session_factory(engine, read_only=True)() as session:
        if has_admin_token or any_active(session=session):
            return
    click.echo(
        "还没有任何访问令牌，除 /healthz 和 /docs 外的接口都会回答 401。创建第一个管理员令牌：\n"
        "    .venv/bin/cuomin tokens create --role admin --name 管理员\n"
        "（令牌只显示一次；或者设置环境变量 CUOMIN_ADMIN_TOKEN 为至少 16 个字符的随机串）",
        err=True,
    )


# -- the stored side: database, ingestion, accounts -------------------------------------------------


@contextmanager
def database(*, upgrade: bool = False) -> Iterator[Engine]:
    """The command's database: an engine at the head revision, disposed of afterwards. A service's refusal
    (`ServiceError`) inside is the command's error: its Chinese message, exit code 1."""
    engine = _open_database(upgrade=upgrade)
    try:
        yield engine
    except ServiceError as exc:
        raise click.ClickException(exc.message) from None
    finally:
        engine.dispose()


def _open_database(*, upgrade: bool = False) -> Engine:
    """An engine on CUOMIN_DATABASE_URL at the head revision (the embedded default upgrades itself)."""
    from app.db import SchemaOutOfDate, create_db_engine, ensure_schema

    settings = get_settings()
    _say_which_database()
    engine = create_db_engine(settings.db_url)
    try:
        ensure_schema(engine, auto_upgrade=upgrade or settings.db_embedded)
    except SchemaOutOfDate as exc:
        engine.dispose()
        raise click.ClickException(str(exc)) from None
    except Exception as exc:
        engine.dispose()
        raise click.ClickException(f"无法连接数据库：{exc}") from None
    return engine


def _say_which_database() -> None:
    """On stderr: the database a command works on (a server may use another one)."""
    from sqlalchemy.engine import make_url

    settings = get_settings()
    shown = make_url(settings.db_url).render_as_string(hide_password=True)
    if settings.db_embedded:
        click.echo(f"数据库：{shown}（未设置 CUOMIN_DATABASE_URL，使用当前目录的内置 SQLite）", err=True)
    else:
        click.echo(f"数据库：{shown}（CUOMIN_DATABASE_URL）", err=True)


@main.group()
def db() -> None:
    """数据库（CUOMIN_DATABASE_URL，默认 var/cuomin.db）。"""


@db.command("upgrade")
def db_upgrade() -> None:
    """把数据库结构升级到本版程序的最新版本（空库则建表）。"""
    from app.db import create_db_engine, current_revision

    probe = create_db_engine(get_settings().db_url)
    try:
        before = current_revision(probe)
    except Exception as exc:
        raise click.ClickException(f"无法连接数据库：{exc}") from None
    finally:
        probe.dispose()
    with database(upgrade=True) as engine:
        after = current_revision(engine)
    if before is None:
        click.echo(f"已在空数据库中建表，结构版本 {after}")
    elif before != after:
        click.echo(f"已把数据库结构从 {before} 升级到 {after}")
    else:
        click.echo(f"数据库已是最新结构：{after}")


@db.command("current")
def db_current() -> None:
    """显示数据库当前的结构版本和本版程序需要的版本；不一致时退出码 1。"""
    from app.db import create_db_engine, current_revision, head_revision

    engine = create_db_engine(get_settings().db_url)
    try:
        current, head = current_revision(engine), head_revision()
    finally:
        engine.dispose()
    click.echo(f"当前：{current or '空'}\n需要：{head}")
    sys.exit(0 if current == head else 1)


INGEST_BATCH = 1000  # lines read, checked and written together (one batch of POST /api/articles/batch)


@main.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--workers", default=None, type=click.IntRange(0, 64), help="检查进程数，默认 CUOMIN_INGEST_WORKERS。")
@click.option("--queue", is_flag=True, help="PostgreSQL 上：整个文件分块放进任务队列，由 cuomin worker 进程入库。")
@click.option("--no-wait", is_flag=True, help="与 --queue 一起：放进队列后只显示任务编号，不等入库完成。")
def ingest(file: Path, workers: int | None, queue: bool, no_wait: bool) -> None:
    """入库 JSONL 文件中的文章（每行与 POST /api/articles 的请求体相同），显示进度；有错误时退出码 1。

    每 1,000 行一批：多进程检查，分块写入；中断后重新运行，已入库的文章不会重复。"""
    if no_wait and not queue:
        raise click.UsageError("--no-wait 只能与 --queue 一起使用")
    if queue:
        _ingest_on_queue(file, wait=not no_wait)
        return
    from tqdm import tqdm

    from app.db import session_factory
    from app.services.batch_ingestion import ingest_many
    from app.services.scanning import ScanPool, default_workers

    settings = get_settings()
    detector = _load_detector()
    with database() as engine:
        sessions = session_factory(engine)
        count = workers if workers is not None else settings.ingest_workers
        pool = ScanPool(detector, count or default_workers(), settings.cache_dir)
        created = duplicates = 0
        errors: list[tuple[int, str]] = []  # (line, message)

        def flush(batch: list[tuple[int, object]]) -> None:
            nonlocal created, duplicates
            items = [item for _, item in batch]
            result = ingest_many(
                sessions=sessions, pool=pool, items=items, max_article_bytes=settings.max_article_bytes
            )
            created += len(result.created)
            duplicates += len(result.duplicates)
            errors.extend((batch[e.index][0], e.error) for e in result.errors)
            progress.update(len(batch))
            batch.clear()

        try:
            with file.open(encoding="utf-8-sig") as lines:
                total = sum(1 for line in lines if line.strip())
                lines.seek(0)
                with tqdm(total=total, unit="篇", desc="入库", file=sys.stderr, disable=None) as progress:
                    batch: list[tuple[int, object]] = []
                    for number, line in enumerate(lines, start=1):
                        if not line.strip():
                            continue
                        try:
                            batch.append((number, json.loads(line)))
                        except ValueError:
                            errors.append((number, "不是有效的 JSON"))
                            progress.update()
                        if len(batch) >= INGEST_BATCH:
                            flush(batch)
                    if batch:
                        flush(batch)
        except UnicodeDecodeError:
            raise click.ClickException(f"文件 {file} 不是 UTF-8 编码的文本") from None
        finally:
            pool.close()
    for number, error in sorted(errors):
        click.echo(f"第 {number} 行：{error}", err=True)
    click.echo(f"新入库 {created} 篇，已入库过 {duplicates} 篇，出错 {len(errors)} 篇。")
    sys.exit(1 if errors else 0)


def _ingest_on_queue(file: Path, *, wait: bool) -> None:
    """`cuomin ingest FILE --queue`: the file stored as a job and its chunks, the chunks on the queue, then
    the job's progress (the sum of its chunks) until it is done."""
    import time

    from tqdm import tqdm

    from app.db import session_factory
    from app.services import queued_ingest
    from app.services.queue import live_workers, start_queued_ingest, uses_queue

    settings = get_settings()
    if not uses_queue(settings.db_url):
        raise click.UsageError(
            "--queue 需要 PostgreSQL（CUOMIN_DATABASE_URL）：任务队列在 PostgreSQL 上；内置 SQLite 上不加 --queue 即可"
        )
    with database() as engine:
        with file.open(encoding="utf-8-sig") as lines, session_factory(engine)() as session:
            job, ids = start_queued_ingest(
                session=session,
                lines=lines,
                label=file.name,
                size=settings.ingest_chunk_articles,
                database_url=settings.db_url,
            )
        click.echo(f"入库任务 #{job.id} 已放进任务队列：{job.total} 行，{len(ids)} 块。", err=True)
        if not wait:
            click.echo(job.id)
            return
        if ids and not live_workers(settings.db_url):
            click.echo("注意：现在没有运行中的 cuomin worker，任务要等它启动后才会进行。", err=True)
        reads = session_factory(engine, read_only=True)
        with tqdm(total=job.total, unit="篇", desc=f"入库 #{job.id}", file=sys.stderr, disable=None) as bar:
            while True:
                with reads() as session:
                    state = queued_ingest.progress(session=session, job_id=job.id, problems=0)
                bar.update(state.done - bar.n)
                if state.job.status != "running":
                    break
                time.sleep(1.0)
        with reads() as session:  # every failed line, to fix them and ingest them again
            state = queued_ingest.progress(session=session, job_id=job.id, problems=state.job.errors)
    for problem in state.problems:
        click.echo(f"第 {problem['line']} 行：{problem['error']}", err=True)
    done = state.job
    click.echo(f"新入库 {done.created} 篇，已入库过 {done.duplicates} 篇，出错 {done.errors} 篇。")
    sys.exit(1 if done.errors else 0)


@main.group()
def accounts() -> None:
    """账号管理。"""


@accounts.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def accounts_import(file: Path) -> None:
    """导入账号表（.csv 或 .xlsx，列：备案单号、政务新媒体名称、类型、所属组织）；按备案单号新增或更新。"""
    from app.db import session_factory
    from app.ingest.accounts_file import AccountRow, AccountsFileError, read_accounts_file
    from app.services.accounts import import_accounts

    try:
        parsed = read_accounts_file(file)
    except AccountsFileError as exc:
        raise click.ClickException(f"{file}：{exc}") from None
    rows = [row for row in parsed if isinstance(row, AccountRow)]
    problems = [row.message for row in parsed if not isinstance(row, AccountRow)]
    with database() as engine:
        with session_factory(engine)() as session:
            report = import_accounts(session=session, rows=rows)
    for message in problems + [e.message for e in report.errors]:
        click.echo(message, err=True)
    skipped = len(problems) + len(report.errors)
    click.echo(f"新增 {report.created} 个，更新 {report.updated} 个，未变 {report.unchanged} 个，跳过 {skipped} 行。")
    sys.exit(1 if skipped else 0)


# -- access tokens -----------------------------------------------------------------------------------


@main.group()
def tokens() -> None:
    """访问令牌：创建（只显示一次）、列出、吊销。"""


@tokens.command("create")
@click.option(
    "--role",
    required=True,
    type=click.Choice(["editor", "reviewer", "admin"]),
    help="editor 编辑（须 --org）/ reviewer 审核员 / admin 管理员。",
)
@click.option("--org", "organization", default=None, help="编辑所属组织：名称或编号（须已存在，或加 --create-org）。")
@click.option("--create-org", is_flag=True, help="--org 给出的组织名称还不存在时新建它（全新安装、尚未导入账号时用）。")
@click.option("--name", default=None, help="令牌名称（请求日志里记这个名字），默认 角色-编号。")
def tokens_create(role: str, organization: str | None, create_org: bool, name: str | None) -> None:
    """创建令牌：标准输出只打印令牌本身（只此一次），说明打印到标准错误。"""
    from app.db import session_factory
    from app.services.tokens import create_token
    from app.vocabulary import Role

    with database() as engine:
        with session_factory(engine)() as session:
            if create_org and organization and not organization.strip().isdigit():
                from app.services.accounts import organization_named

                organization_named(session=session, name=organization.strip())
                session.commit()
            token, clear = create_token(session=session, role=Role(role), name=name, organization=organization)
            where = f"，组织：{token.organization.name}" if token.organization else ""
            summary = f"已创建令牌 #{token.id}“{token.name}”（{Role(token.role).label}{where}）。"
    click.echo(summary + "令牌只显示这一次，请妥善保存：", err=True)
    click.echo(clear)
    click.echo("使用：请求头 Authorization: Bearer 令牌；LanguageTool 客户端把它填进“API 密钥”。", err=True)


@tokens.command("list")
@click.option("--active", is_flag=True, help="只列出未吊销的令牌。")
@click.option("--json", "as_json", is_flag=True, help="每个令牌一行 JSON。")
def tokens_list(active: bool, as_json: bool) -> None:
    """列出令牌（编号、前缀、名称、角色、组织、创建与最近使用时间、状态）；不含令牌本身。"""
    from app.clock import CST
    from app.db import session_factory
    from app.services.tokens import list_tokens
    from app.vocabulary import Role

    def when(value: dt.datetime | None) -> str:
        return value.astimezone(CST).strftime("%Y-%m-%d %H:%M") if value else "—"

    with database() as engine:
        with session_factory(engine, read_only=True)() as session:
            rows = list_tokens(session=session, include_revoked=not active)
            for token in rows:
                record = {
                    "id": token.id,
                    "prefix": token.prefix,
                    "name": token.name,
                    "role": token.role,
                    "organization": token.organization.name if token.organization else None,
                    "created_at": when(token.created_at),
                    "last_used_at": when(token.last_used_at),
                    "revoked": token.revoked,
                }
                if as_json:
                    click.echo(json.dumps(record, ensure_ascii=False))
                    continue
                status = f"已吊销 {when(token.revoked_at)}" if token.revoked else "有效"
                click.echo(
                    f"#{token.id}\t{token.prefix}…\t{token.name}\t{Role(token.role).label}\t"
                    f"{record['organization'] or '全部组织'}\t创建 {record['created_at']}\t"
                    f"最近使用 {record['last_used_at']}\t{status}"
                )
    if not rows and not as_json:
        click.echo("没有令牌。创建：cuomin tokens create --role admin --name 管理员", err=True)


@tokens.command("revoke")
@click.argument("token_id")
def tokens_revoke(token_id: str) -> None:
    """吊销令牌（编号，或 tokens list 显示的前缀）：立即失效，记录保留。"""
    from app.db import session_factory
    from app.services.tokens import revoke_token

    with database() as engine:
        with session_factory(engine)() as session:
            token = revoke_token(session=session, ident=token_id)
            click.echo(f"已吊销令牌 #{token.id}“{token.name}”。")


# -- quarter end: re-scan and report ---------------------------------------------------------------


@main.command()
@click.option("--quarter", help="季度，如 2023Q2。")
@click.option("--since", help="起始日期 YYYY-MM-DD（含）；与 --until 一起代替 --quarter。")
@click.option("--until", help="结束日期 YYYY-MM-DD（含）。")
@click.option("--workers", type=click.IntRange(1, 64), help="扫描进程数，默认 CUOMIN_RESCAN_WORKERS 或 CPU 核数。")
@click.option("--queue", is_flag=True, help="PostgreSQL 上：放进任务队列，由 cuomin worker 进程扫描，这里只显示进度。")
def rescan(quarter: str | None, since: str | None, until: str | None, workers: int | None, queue: bool) -> None:
    """用当前词库重新扫描一个季度的文章：审核结论保留，不再命中的标为过时，新命中待审核。
    中断后再次运行同一范围会从断点继续。"""
    if queue:
        _rescan_on_queue(quarter, since, until)
        return
    from tqdm import tqdm

    from app.db import session_factory
    from app.reports import parse_period
    from app.services import rescan as rescans

    try:
        period = parse_period(quarter, since, until)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    settings = get_settings()
    detector = _load_detector()
    with database() as engine:
        sessions = session_factory(engine)
        with sessions() as session:
            job = rescans.start_job(
                session=session,
                since=period.start,
                until=period.end,
                label=period.key,
                lexicon_version=detector.version,
            )
        if job.done:
            click.echo(f"继续上次中断的重新扫描 #{job.id}（已完成 {job.done}/{job.total} 篇）。", err=True)
        with tqdm(
            total=job.total, initial=job.done, unit="篇", desc=f"重新扫描 {period.key}", file=sys.stderr, disable=None
        ) as bar:
            job = rescans.run_job(
                sessions=sessions,
                job_id=job.id,
                detector=detector,
                workers=workers or settings.rescan_workers or rescans.default_workers(),
                progress=lambda j: bar.update(j.done - bar.n),
            )
    click.echo(
        f"重新扫描 #{job.id} 完成：{job.done} 篇，新增命中 {job.added}，保留 {job.kept}，标为过时 {job.obsolete}"
        f"（词库 {job.lexicon_version}）。"
    )


def _rescan_on_queue(quarter: str | None, since: str | None, until: str | None) -> None:
    """`cuomin rescan --queue`: the job on the queue, its progress (the sum of its chunks) on a bar."""
    import time

    from tqdm import tqdm

    from app.db import session_factory
    from app.reports import parse_period
    from app.services import rescan as rescans
    from app.services.errors import ServiceError
    from app.services.queue import live_workers, start_queued_rescan, uses_queue

    try:
        period = parse_period(quarter, since, until)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    settings = get_settings()
    if not uses_queue(settings.db_url):
        raise click.UsageError("--queue 需要 PostgreSQL（CUOMIN_DATABASE_URL）；内置 SQLite 上不加 --queue 即可")
    detector = _load_detector()
    engine = _open_database()
    sessions = session_factory(engine, read_only=True)
    try:
        with session_factory(engine)() as session:
            job, ids = start_queued_rescan(
                session=session,
                since=period.start,
                until=period.end,
                label=period.key,
                lexicon_version=detector.version,
                size=settings.rescan_chunk_articles,
                database_url=settings.db_url,
            )
        click.echo(f"重新扫描 #{job.id} 已放进任务队列：{job.total} 篇，{len(ids)} 块。", err=True)
        if not live_workers(settings.db_url):
            click.echo("注意：现在没有运行中的 cuomin worker，任务要等它启动后才会进行。", err=True)
        with tqdm(total=job.total, unit="篇", desc=f"重新扫描 {period.key}", file=sys.stderr, disable=None) as bar:
            while True:
                with sessions() as session:
                    job = rescans.get_job(session=session, job_id=job.id)
                bar.total = max(bar.total or 0, job.total)
                bar.update(job.done - bar.n)
                if job.status != "running":
                    break
                time.sleep(1.0)
    except ServiceError as exc:
        raise click.ClickException(exc.message) from None
    finally:
        engine.dispose()
    if job.status != "done":
        raise click.ClickException(f"重新扫描 #{job.id} 未完成：{job.error or job.status}")
    click.echo(
        f"重新扫描 #{job.id} 完成：{job.done} 篇，新增命中 {job.added}，保留 {job.kept}，标为过时 {job.obsolete}"
        f"（词库 {job.lexicon_version}）。"
    )


@main.command()
@click.option("--concurrency", type=click.IntRange(1, 64), default=1, show_default=True, help="本进程同时处理的块数。")
def worker(concurrency: int) -> None:
    """从 PostgreSQL 的任务队列取重新扫描和入库（cuomin ingest --queue）的块来处理（每个 CPU 核运行一个；
    多台机器共用同一个数据库）。内置 SQLite 上不需要：重新扫描在服务进程内进行。"""
    import logging

    from app import worker as queue_worker
    from app.services.queue import uses_queue

    settings = get_settings()
    if not uses_queue(settings.db_url):
        raise click.ClickException(
            "cuomin worker 需要 PostgreSQL：请把 CUOMIN_DATABASE_URL 设为 postgresql+psycopg://…"
            "（内置 SQLite 上重新扫描在服务进程内进行，不需要工作进程）"
        )
    _open_database().dispose()  # says which database, and refuses one that is not at the head revision
    logging.basicConfig(level=settings.log_level.upper(), format="%(asctime)s %(name)s %(levelname)s %(message)s")
    logging.getLogger("procrastinate").setLevel(logging.WARNING)  # a line per periodic job otherwise
    try:
        queue_worker.run(settings, concurrency=concurrency)
    except KeyboardInterrupt:
        pass


class _ExportFormats(click.Choice[str]):
    """click.Choice over the report's formats (app.reports.export.FORMATS), read when the option is parsed or
    described: importing app.reports when the CLI loads would slow every command down, `cuomin check` first."""

    def __init__(self) -> None:
        super().__init__(())

    @property
    def choices(self) -> tuple[str, ...]:
        from app.reports.export import FORMATS

        return tuple(FORMATS)

    @choices.setter
    def choices(self, _value: object) -> None:
        """click.Choice.__init__ sets the choices: they are the property's instead."""


@main.command()
@click.argument("quarter")
@click.option(
    "--format",
    "fmt",
    type=_ExportFormats(),
    default="text",
    show_default=True,
    help="text 打印通报正文和附件1～3；json；docx 整份通报；xlsx 每个附件一张表；csv 一个附件（--annex）。",
)
@click.option("--annex", type=click.IntRange(1, 3), default=1, show_default=True, help="csv 导出哪个附件。")
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="写入文件（xlsx/docx 必须给出）。"
)
@click.option("--inspection-date", callback=_parse_date, help="检查日期 YYYY-MM-DD，默认季度最后一天。")
@click.option("--stale-days", type=click.IntRange(1, 366), help="超过多少天未更新算未更新，默认 CUOMIN_STALE_DAYS。")
@click.option("--urged", is_flag=True, help="存在问题的平台单位已多次督促仍未整改（总体情况（四）照此写明）。")
def report(
    quarter: str,
    fmt: str,
    annex: int,
    output: Path | None,
    inspection_date: dt.date | None,
    stale_days: int | None,
    urged: bool,
) -> None:
    """季度通报：总体情况（一）～（四）、存在主要问题、附件1～3；需要注意的事项打印到标准错误。"""
    from app.db import session_factory
    from app.reports import Quarter
    from app.reports.export import BINARY, FORMATS
    from app.services.reports import circular_report, pending_in

    try:
        period = Quarter.parse(quarter)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    if fmt in BINARY and output is None:
        raise click.UsageError(f"{fmt} 是二进制文件，请用 -o 给出要写入的文件名。")
    settings = get_settings()
    with database() as engine:
        with session_factory(engine, read_only=True)() as session:
            result = circular_report(
                session=session,
                period=period,
                inspection_date=inspection_date,
                stale_after_days=stale_days or settings.stale_days,
                jurisdiction=settings.jurisdiction,
                urged=urged,
            )
            pending = pending_in(session=session, period=period)
    if pending.total:
        serious = f"（其中严重表述错误 {pending.serious} 条）" if pending.serious else ""
        click.echo(
            f"注意：{period.label}还有 {pending.total} 条命中待审核{serious}；"
            "报告只统计已确认的命中，审核完之前数字还会变化。",
            err=True,
        )
    data = FORMATS[fmt].render(result, annex)
    for note in result.notes:
        click.echo(f"注意：{note}", err=True)
    if output is None:
        sys.stdout.buffer.write(data)
        return
    try:
        output.write_bytes(data)
    except OSError as exc:
        raise click.ClickException(f"无法写入 {output}：{exc.strerror}") from None
    click.echo(f"已写入 {output}", err=True)


@main.group()
def model() -> None:
    """统计错别字模型（lexicons/data/typo/）。"""


def _sources(values: tuple[str, ...]) -> dict[str, list[Path]]:
    from app.detection.typo.corpus import READERS

    out: dict[str, list[Path]] = {}
    for value in values:
        kind, sep, path = value.partition("=")
        if not sep or kind not in READERS:
            raise click.BadParameter(
                f"应为 类型=目录，类型是 {'、'.join(READERS)} 之一：{value}", param_hint="--source"
            )
        if not Path(path).is_dir():
            raise click.BadParameter(f"目录不存在：{path}", param_hint="--source")
        out.setdefault(kind, []).append(Path(path))
    return out


@model.command("build")
@click.option(
    "--source",
    "sources",
    multiple=True,
    required=True,
    metavar="类型=目录",
    help="训练语料的检出目录：xwlb=china-data/xwlb、laws=LawRefBook/Laws、reports=chinese-political-corpora。",
)
@click.option(
    "--held-out",
    multiple=True,
    type=click.Path(exists=True, path_type=Path),
    help="留出文本（文件或目录）：与之共享 20 字片段的句子不进入训练。",
)
@click.option(
    "--same-stroke",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="pycorrector 的 same_stroke.txt（形近字组）。",
)
@click.option(
    "--stroke-order",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="char-similar 的 char_order.dict（笔顺，求形近字）。",
)
@click.option(
    "--four-corner",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="char-similar 的 char_fourangle.dict（四角号码，求形近字；与 --stroke-count 一起用）。",
)
@click.option(
    "--stroke-count",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="char-similar 的 char_number.dict（笔画数）。",
)
@click.option(
    "-o",
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="输出目录，默认 词库目录/data/typo。",
)
@click.option(
    "--dev-out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="把开发集句子（每 50 句一句，不进模型，用来注入错误、调阈值）写到这个文件。",
)
def model_build(
    sources: tuple[str, ...],
    held_out: tuple[Path, ...],
    same_stroke: Path | None,
    stroke_order: Path | None,
    four_corner: Path | None,
    stroke_count: Path | None,
    out: Path | None,
    dev_out: Path | None,
) -> None:
    """从公开语料重新生成错别字模型（步骤与出处见 lexicons/data/typo/SOURCES.md）。"""
    from app.detection.typo.build import build_all

    if (four_corner is None) != (stroke_count is None):
        raise click.UsageError("--four-corner 和 --stroke-count 要一起给出：四角号码相同、笔画数相近的字才算形近。")
    target = out or get_settings().lexicon_dir / "data" / "typo"
    meta = build_all(
        _sources(sources),
        list(held_out),
        target,
        same_stroke=same_stroke,
        stroke_orders=stroke_order,
        four_corners=four_corner,
        stroke_counts=stroke_count,
        dev_out=dev_out,
        progress=lambda message: click.echo(message, err=True),
    )
    click.echo(json.dumps(meta, ensure_ascii=False, indent=2))


@main.group("eval")
def evaluate() -> None:
    """评测。"""


@evaluate.command("csc")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--profile", type=click.Choice(["draft", "inspection"]), default="draft", help="错别字把握档。")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON。")
@click.option(
    "--date",
    callback=_parse_date,
    help="句子的成文日期 YYYY-MM-DD：旧机构名、纪念日、领导职务等时间相关规则按此日期判断，默认今天。",
)
def eval_csc(files: tuple[Path, ...], profile: str, as_json: bool, date: dt.date | None) -> None:
    """按 ECSpell／SIGHAN 格式（编号<TAB>错句<TAB>正句）的文件评测整个检查引擎。

    输出句级检错与纠错的 P/R/F1、正确句误报率、字级召回和速度（口径见 README）。评测集的句子写于过去：
    用 --date 给出它们的成文日期，否则时间相关规则按今天判断，把当年正确的说法（如旧机构名）算作误报。"""
    from dataclasses import asdict

    from app.detection.typo.evaluation import CscFormatError, read_pairs, score

    detector = _load_detector()
    for path in files:
        try:
            pairs = read_pairs(path)
        except CscFormatError as exc:
            raise click.ClickException(str(exc)) from exc
        result = score(pairs, lambda text: detector.check(text, date=date, profile=profile))
        if as_json:
            data = asdict(result)
            data["date"] = date.isoformat() if date else None
            for name in ("detection", "detection_strict", "correction"):
                data[name]["f1"] = getattr(result, name).f1
            click.echo(json.dumps({"file": path.name, "profile": profile, **data}, ensure_ascii=False))
            continue
        click.echo(f"{path.name}（{profile}）：{result.sentences} 句，其中有错 {result.with_errors} 句")
        for label, ratio in (
            ("检错（宽松）", result.detection),
            ("检错（严格）", result.detection_strict),
            ("纠错", result.correction),
        ):
            click.echo(f"  {label}  P {ratio.precision:.3f}  R {ratio.recall:.3f}  F1 {ratio.f1:.3f}")
        click.echo(
            f"  正确句误报率 {result.false_alarm_rate:.3f}  字级召回 {result.char_recall:.3f}  "
            f"{result.sentences_per_second:.0f} 句/秒"
        )


# -- disclosure platforms and the quarter's counts ---------------------------------------------------


@main.group()
def platforms() -> None:
    """政府信息公开平台：责任单位、栏目、更新周期和更新日期。"""


@platforms.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def platforms_import(file: Path) -> None:
    """导入平台栏目表（.csv 或 .xlsx），每行一个栏目。

    列：责任单位、平台类别（镇办／部门／村（居））、所属镇办、栏目、更新周期、最近更新日期；可选 所属组织、简称。
    """
    from app.db import session_factory
    from app.ingest.platforms_file import PlatformRow, PlatformsFileError, read_platforms_file
    from app.services.platforms import import_platforms

    try:
        parsed = read_platforms_file(file)
    except PlatformsFileError as exc:
        raise click.ClickException(f"{file}：{exc}") from None
    rows = [row for row in parsed if isinstance(row, PlatformRow)]
    problems = [row.message for row in parsed if not isinstance(row, PlatformRow)]
    with database() as engine:
        with session_factory(engine)() as session:
            result = import_platforms(session=session, rows=rows)
    for message in problems + result.errors:
        click.echo(message, err=True)
    for message in result.warnings:
        click.echo(f"注意：{message}", err=True)
    skipped = len(problems) + len(result.errors)
    click.echo(
        f"新增单位 {result.created} 个，更新 {result.updated} 个，新增栏目 {result.columns_created} 个，"
        f"记录更新日期 {result.updates_added} 次，跳过 {skipped} 行。"
    )
    sys.exit(1 if skipped else 0)


@platforms.command("cycle")
@click.argument("settings", nargs=-1, required=True)
def platforms_cycle(settings: tuple[str, ...]) -> None:
    """设置栏目名称的更新周期，每项写成 名称=周期（如 村简介=一年 财务公开=6个月）：同名且自己没有周期的栏目都用它。"""
    from app.db import session_factory
    from app.reports.cycles import parse_cycle
    from app.services.platforms import set_cycle

    pairs = []
    for setting in settings:
        name, _, cycle = setting.partition("=")
        name = name.strip()
        if not name or not cycle or len(name) > 200:
            raise click.UsageError(f"“{setting}”应写成 栏目名称=更新周期，如 村简介=一年")
        try:
            pairs.append((name, parse_cycle(cycle).label))
        except ValueError as exc:
            raise click.UsageError(f"{name}：{exc}") from None
    with database() as engine:
        with session_factory(engine)() as session:
            for name, label in pairs:
                set_cycle(session=session, name=name, cycle=label)
    for name, label in pairs:
        click.echo(f"“{name}”栏目的更新周期：{label}")


@main.group()
def disclosures() -> None:
    """季度的信息公开和问政数字（通报总体情况（一）（二））。"""


@disclosures.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--quarter", help="季度，如 2023Q2（文件中没有“季度”列时必须给出）。")
def disclosures_import(file: Path, quarter: str | None) -> None:
    """导入数字表（列：类别（主动公开／依申请公开／问政信件）、单位、渠道或类型、数量、办结数）；替换该季度同类别的数字。"""
    from app.db import session_factory
    from app.ingest.platforms_file import FigureRow, PlatformsFileError, read_figures_file
    from app.reports import Quarter
    from app.services.disclosures import import_figures

    try:
        period = Quarter.parse(quarter) if quarter else None
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    try:
        parsed = read_figures_file(file)
    except PlatformsFileError as exc:
        raise click.ClickException(f"{file}：{exc}") from None
    rows = [row for row in parsed if isinstance(row, FigureRow)]
    problems = [row.message for row in parsed if not isinstance(row, FigureRow)]
    with database() as engine:
        with session_factory(engine)() as session:
            counts, errors = import_figures(session=session, rows=rows, quarter=period)
    for message in problems + errors:
        click.echo(message, err=True)
    recorded = "，".join(f"{key} {n} 行" for key, n in sorted(counts.items())) or "无"
    skipped = len(problems) + len(errors)
    click.echo(f"已录入：{recorded}；跳过 {skipped} 行。")
    sys.exit(1 if skipped else 0)


if __name__ == "__main__":  # pragma: no cover
    main()
