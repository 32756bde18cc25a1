"""The `cuomin` command line: check texts, lint and describe the lexicons, run the service."""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

import click

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


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
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
    _open_database().dispose()  # a clear message, before uvicorn, when the database is behind
    uvicorn.run(
        "app.api.main:create_app",
        factory=True,
        host=host or settings.host,
        port=port or settings.port,
        log_level=settings.log_level,
    )


# -- the stored side: database, ingestion, accounts -------------------------------------------------


def _open_database(*, upgrade: bool = False) -> Engine:
    """An engine on CUOMIN_DATABASE_URL at the head revision (the embedded default upgrades itself)."""
    from app.db import SchemaOutOfDate, create_db_engine, ensure_schema

    settings = get_settings()
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


@main.group()
def db() -> None:
    """数据库（CUOMIN_DATABASE_URL，默认 var/cuomin.db）。"""


@db.command("upgrade")
def db_upgrade() -> None:
    """把数据库结构升级到本版程序的最新版本（空库则建表）。"""
    from app.db import current_revision

    engine = _open_database(upgrade=True)
    try:
        click.echo(f"数据库已是最新结构：{current_revision(engine)}")
    finally:
        engine.dispose()


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
    for message in problems + report.errors:
        click.echo(message, err=True)
    skipped = len(problems) + len(report.errors)
    click.echo(f"新增 {report.created} 个，更新 {report.updated} 个，未变 {report.unchanged} 个，跳过 {skipped} 行。")
    sys.exit(1 if skipped else 0)

if __name__ == "__main__":  # pragma: no cover
    main()
