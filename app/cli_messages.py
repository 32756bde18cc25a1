"""Click in Chinese: its help option, its usage errors and the "Error:" prefix, for an otherwise Chinese CLI.

click's own words are English; the few a user meets are translated here (the rest of click's messages
are rare and still say which argument or option is wrong)."""

from __future__ import annotations

import re
import sys
from typing import Any

import click

HELP = "显示本帮助并退出。"
# click's usage errors, in the order tried: pattern → Chinese.
_USAGE = (
    (re.compile(r"Missing argument '(.+?)'\."), r"缺少参数 \1。"),
    (re.compile(r"Missing option '(.+?)'\."), r"缺少选项 \1。"),
    (re.compile(r"No such option: (\S+?)(?: Did you mean (\S+)\?)?$"), r"没有这个选项：\1。"),
    (re.compile(r"No such command '(.+?)'\."), r"没有这个命令：\1。"),
    (re.compile(r"Got unexpected extra arguments? \((.+)\)"), r"多余的参数：\1。"),
    (re.compile(r"Option '(.+?)' requires an argument\.?"), r"选项 \1 需要一个值。"),
    (re.compile(r"Invalid value for '(.+?)': '(.+?)' is not one of (.+)\."), r"选项 \1 的值“\2”无效，应为 \3 之一。"),
    (re.compile(r"Invalid value for '(.+?)': (.+)"), r"\1 的值无效：\2"),
)


def chinese(message: str) -> str:
    for pattern, replacement in _USAGE:
        if pattern.match(message):
            message = pattern.sub(replacement, message, count=1)
            break
    return message.replace("Choose from:", "可选：")


def show(exc: click.ClickException) -> None:
    """What click's standalone mode would print, in Chinese."""
    if isinstance(exc, click.UsageError) and exc.ctx is not None:
        click.echo(exc.ctx.get_usage().replace("Usage:", "用法：", 1), err=True)
        click.echo(f"用 {exc.ctx.command_path} -h 查看帮助。\n", err=True)
    click.echo(f"错误：{chinese(exc.format_message())}", err=True)


class ChineseCommand(click.Command):
    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = HELP
        return option

    def format_usage(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        formatter.write_usage(ctx.command_path, " ".join(self.collect_usage_pieces(ctx)), prefix="用法：")

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        records = [record for param in self.get_params(ctx) if (record := param.get_help_record(ctx)) is not None]
        if records:
            with formatter.section("选项"):
                formatter.write_dl(records)


class ChineseGroup(ChineseCommand, click.Group):
    command_class = ChineseCommand
    group_class = type  # subgroups are ChineseGroups too

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [
            (name, command.get_short_help_str(formatter.width))
            for name in self.list_commands(ctx)
            if (command := self.get_command(ctx, name)) is not None and not command.hidden
        ]
        if rows:
            with formatter.section("命令"):
                formatter.write_dl(rows)

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        ChineseCommand.format_options(self, ctx, formatter)
        self.format_commands(ctx, formatter)

    def main(self, *args: Any, **kwargs: Any) -> Any:
        """click's standalone mode, with its messages in Chinese."""
        kwargs["standalone_mode"] = False
        try:
            result = super().main(*args, **kwargs)
        except click.exceptions.Abort:
            click.echo("已中止。", err=True)
            sys.exit(1)
        except click.ClickException as exc:
            show(exc)
            sys.exit(exc.exit_code)
        # A command's sys.exit(n) arrives as its return value in non-standalone mode.
        sys.exit(result if isinstance(result, int) else 0)
