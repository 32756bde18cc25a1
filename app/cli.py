"""The `cuomin` command line: check texts, lint and describe the lexicons, run the service."""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections import Counter
from pathlib import Path
from typing import TextIO

import click

from app.config import get_settings
from app.detection.detector import Detector
from app.detection.hit import Hit
from app.detection.lexicon import LexiconError, Severity, load_lexicon


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
    uvicorn.run(
        "app.api.main:create_app",
        factory=True,
        host=host or settings.host,
        port=port or settings.port,
        log_level=settings.log_level,
    )


if __name__ == "__main__":  # pragma: no cover
    main()
