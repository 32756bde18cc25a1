"""The `cuomin` command line: check texts, lint and describe the lexicons, run the service."""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

import click

from app.cli_messages import ChineseGroup
from app.config import get_settings
from app.detection.detector import Detector
from app.detection.hit import Hit
from app.detection.lexicon import LexiconError, Severity, load_lexicon

if TYPE_CHECKING:
    from sqlalchemy import Engine


def _load_detector() -> Detector:
    settings = get_settings()
    try:
        return Detector.from_dir(settings.lexicon_dir, context_chars=settings.context_chars)
    except LexiconError as exc:
        raise click.ClickException(f"词库加载失败：{exc}") from exc


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
def check(files: tuple[Path, ...], as_json: bool, jsonl: bool, date: dt.date | None) -> None:
    """检查文件（不给文件则读标准输入）。存在严重表述错误时退出码为 1。"""
    detector = _load_detector()
    if jsonl:
        if files:
            raise click.UsageError("--jsonl 只从标准输入读取，不能同时给出文件。")
        sys.exit(_check_jsonl(detector, date))
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
        hits = detector.check(text, date=date)
        serious = serious or any(h.severity == Severity.serious for h in hits)
        if as_json:
            click.echo(json.dumps({"file": name, "hits": [h.as_dict() for h in hits]}, ensure_ascii=False))
        else:
            _human(name, text, hits, sys.stdout)
    sys.exit(1 if serious else 0)


def _check_jsonl(detector: Detector, default_date: dt.date | None) -> int:
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
        hits = detector.check(text, date=date)
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


@lexicon.command()
def stats() -> None:
    """按类别和严重程度统计词条数，并给出词库版本。"""
    try:
        lex = load_lexicon(get_settings().lexicon_dir)
    except LexiconError as exc:
        raise click.ClickException(f"词库加载失败：{exc}") from exc
    by_category = Counter(rule.category for rule in lex.rules)
    by_severity = Counter(rule.spec.severity for rule in lex.rules)
    terms = sum(len(getattr(rule.spec, "all_terms", [])) for rule in lex.rules)
    click.echo(f"词库版本：{lex.version}")
    click.echo(f"词条：{len(lex.rules)}（词形 {terms} 个）")
    click.echo("按类别：")
    for category, count in by_category.most_common():
        click.echo(f"  {category}\t{count}")
    click.echo("按严重程度：")
    for severity in Severity:
        click.echo(f"  {severity.label}（{severity.value}）\t{by_severity.get(severity, 0)}")


@main.command()
@click.option("--host", default=None, help="监听地址，默认 CUOMIN_HOST 或 127.0.0.1。")
@click.option("--port", default=None, type=int, help="监听端口，默认 CUOMIN_PORT 或 8000。")
def serve(host: str | None, port: int | None) -> None:
    """启动 HTTP 服务。"""
    import uvicorn

    settings = get_settings()
    engine = _open_database()  # a clear message, before uvicorn, when the database is behind
    try:
        _hint_first_token(engine, has_admin_token=settings.admin_token is not None)
    finally:
        engine.dispose()
    uvicorn.run(
        "app.api.main:create_app",
        factory=True,
        host=host or settings.host,
        port=port or settings.port,
        log_level=settings.log_level,
        access_log=False,  # the service logs one JSON line per request itself, without the query string
    )


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
    engine = _open_database(upgrade=True)
    try:
        after = current_revision(engine)
    finally:
        engine.dispose()
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


@main.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def ingest(file: Path) -> None:
    """逐行入库 JSONL 文件中的文章（每行与 POST /api/articles 的请求体相同），显示进度；有错误时退出码 1。"""
    from tqdm import tqdm

    from app.db import session_factory
    from app.services.ingestion import ingest_item

    settings = get_settings()
    detector = _load_detector()
    engine = _open_database()
    sessions = session_factory(engine)
    created = duplicates = 0
    errors: list[str] = []
    try:
        with file.open(encoding="utf-8-sig") as lines:
            total = sum(1 for line in lines if line.strip())
            lines.seek(0)
            with tqdm(total=total, unit="篇", desc="入库", file=sys.stderr, disable=None) as progress:
                for number, line in enumerate(lines, start=1):
                    if not line.strip():
                        continue
                    try:
                        item = json.loads(line)
                    except ValueError:
                        errors.append(f"第 {number} 行：不是有效的 JSON")
                        progress.update()
                        continue
                    outcome = ingest_item(
                        sessions=sessions, detector=detector, item=item, max_article_bytes=settings.max_article_bytes
                    )
                    if outcome.ingested is None:
                        errors.append(f"第 {number} 行：{outcome.error}")
                    elif outcome.ingested.created:
                        created += 1
                    else:
                        duplicates += 1
                    progress.update()
    except UnicodeDecodeError:
        raise click.ClickException(f"文件 {file} 不是 UTF-8 编码的文本") from None
    finally:
        engine.dispose()
    for error in errors:
        click.echo(error, err=True)
    click.echo(f"新入库 {created} 篇，已入库过 {duplicates} 篇，出错 {len(errors)} 篇。")
    sys.exit(1 if errors else 0)


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
    engine = _open_database()
    try:
        with session_factory(engine)() as session:
            report = import_accounts(session=session, rows=rows)
    finally:
        engine.dispose()
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
    from app.models import Role
    from app.services.errors import ServiceError
    from app.services.tokens import create_token

    engine = _open_database()
    try:
        with session_factory(engine)() as session:
            if create_org and organization and not organization.strip().isdigit():
                from app.services.accounts import organization_named

                organization_named(session=session, name=organization.strip())
                session.commit()
            token, clear = create_token(session=session, role=Role(role), name=name, organization=organization)
            where = f"，组织：{token.organization.name}" if token.organization else ""
            summary = f"已创建令牌 #{token.id}“{token.name}”（{Role(token.role).label}{where}）。"
    except ServiceError as exc:
        raise click.ClickException(exc.message) from None
    finally:
        engine.dispose()
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
    from app.models import Role
    from app.services.tokens import list_tokens

    def when(value: dt.datetime | None) -> str:
        return value.astimezone(CST).strftime("%Y-%m-%d %H:%M") if value else "—"

    engine = _open_database()
    try:
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
    finally:
        engine.dispose()
    if not rows and not as_json:
        click.echo("没有令牌。创建：cuomin tokens create --role admin --name 管理员", err=True)


@tokens.command("revoke")
@click.argument("token_id")
def tokens_revoke(token_id: str) -> None:
    """吊销令牌（编号，或 tokens list 显示的前缀）：立即失效，记录保留。"""
    from app.db import session_factory
    from app.services.errors import ServiceError
    from app.services.tokens import revoke_token

    engine = _open_database()
    try:
        with session_factory(engine)() as session:
            token = revoke_token(session=session, ident=token_id)
            click.echo(f"已吊销令牌 #{token.id}“{token.name}”。")
    except ServiceError as exc:
        raise click.ClickException(exc.message) from None
    finally:
        engine.dispose()


# -- quarter end: re-scan and report ---------------------------------------------------------------


@main.command()
@click.option("--quarter", help="季度，如 2023Q2。")
@click.option("--since", help="起始日期 YYYY-MM-DD（含）；与 --until 一起代替 --quarter。")
@click.option("--until", help="结束日期 YYYY-MM-DD（含）。")
@click.option("--workers", type=click.IntRange(1, 64), help="扫描进程数，默认 CUOMIN_RESCAN_WORKERS 或 CPU 核数。")
def rescan(quarter: str | None, since: str | None, until: str | None, workers: int | None) -> None:
    """用当前词库重新扫描一个季度的文章：审核结论保留，不再命中的标为过时，新命中待审核。
    中断后再次运行同一范围会从断点继续。"""
    from tqdm import tqdm

    from app.db import session_factory
    from app.reports import parse_period
    from app.services import rescan as rescans
    from app.services.errors import ServiceError

    try:
        period = parse_period(quarter, since, until)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    settings = get_settings()
    detector = _load_detector()
    engine = _open_database()
    sessions = session_factory(engine)
    try:
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
    except ServiceError as exc:
        raise click.ClickException(exc.message) from None
    finally:
        engine.dispose()
    click.echo(
        f"重新扫描 #{job.id} 完成：{job.done} 篇，新增命中 {job.added}，保留 {job.kept}，标为过时 {job.obsolete}"
        f"（词库 {job.lexicon_version}）。"
    )


@main.command()
@click.argument("quarter")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "xlsx", "docx", "csv"]),
    default="text",
    show_default=True,
    help="text 打印通报段落和附件1；json；或附件1的文件格式。",
)
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="写入文件（xlsx/docx 必须给出）。"
)
@click.option("--inspection-date", callback=_parse_date, help="检查日期 YYYY-MM-DD，默认季度最后一天。")
@click.option("--stale-days", type=click.IntRange(1, 366), help="超过多少天未更新算未更新，默认 CUOMIN_STALE_DAYS。")
def report(
    quarter: str, fmt: str, output: Path | None, inspection_date: dt.date | None, stale_days: int | None
) -> None:
    """季度通报：汇总数字、通报段落和附件1（问题清单）。"""
    from app.db import session_factory
    from app.reports import ANNEX_COLUMNS, FORMATS, Quarter
    from app.services.errors import ServiceError
    from app.services.reports import pending_in, quarter_report

    try:
        period = Quarter.parse(quarter)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    if fmt in ("xlsx", "docx") and output is None:
        raise click.UsageError(f"{fmt} 是二进制文件，请用 -o 给出要写入的文件名。")
    engine = _open_database()
    try:
        with session_factory(engine, read_only=True)() as session:
            result = quarter_report(
                session=session,
                period=period,
                inspection_date=inspection_date,
                stale_after_days=stale_days or get_settings().stale_days,
            )
            pending = pending_in(session=session, period=period)
    except ServiceError as exc:
        raise click.ClickException(exc.message) from None
    finally:
        engine.dispose()
    if pending.total:
        serious = f"（其中严重表述错误 {pending.serious} 条）" if pending.serious else ""
        click.echo(
            f"注意：{period.label}还有 {pending.total} 条命中待审核{serious}；"
            "报告只统计已确认的命中，审核完之前数字还会变化。",
            err=True,
        )
    if fmt == "text":
        lines = [f"{period.label}政务新媒体检查情况", "", result.text, "", result.annex_title, "\t".join(ANNEX_COLUMNS)]
        lines += ["\t".join(cell or "" for cell in row.cells()) for row in result.annex]
        data = ("\n".join(lines) + "\n").encode()
    elif fmt == "json":
        data = (json.dumps(result.as_dict(), ensure_ascii=False, indent=2) + "\n").encode()
    else:
        data = FORMATS[fmt].render(result)
    if output is None:
        sys.stdout.buffer.write(data)
        return
    try:
        output.write_bytes(data)
    except OSError as exc:
        raise click.ClickException(f"无法写入 {output}：{exc.strerror}") from None
    click.echo(f"已写入 {output}", err=True)


if __name__ == "__main__":  # pragma: no cover
    main()
