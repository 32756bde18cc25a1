"""The common-confusions lexicon is kept as a table (data/confusions.csv) and written out as YAML.

One row is one pair: a wrong form, its correct form, the source, the context rule and the examples.
A table is easier to review, sort and extend by the hundred than YAML; the YAML it becomes is what the
engine loads, like every other lexicon file. `cuomin lexicon build` writes it, `--check` tells whether
it is up to date (the tests run the check).
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import yaml

from app.vocabulary import TYPO_CATEGORY

TABLE = "data/confusions.csv"
OUTPUT = "confusions.yaml"
CATEGORY = TYPO_CATEGORY
COLUMNS = ("id", "wrong", "right", "severity", "source", "tags", "boundary", "except", "message", "bad", "good")
_HEADER = (
    "# 由 data/confusions.csv 生成，请勿手工修改：改表后运行 `cuomin lexicon build`。\n"
    "# 常见混淆：《第一批异形词整理表》（GF 1001—2001）的非推荐词形、《咬文嚼字》年度十大语文差错中的错误字形、\n"
    "# 公文常见差错和常见混淆词表中经语料核对的错别字。每条一对：错误词形 → 正确词形。\n"
)


class TableError(ValueError):
    """A row of the confusions table is malformed; the message names the line."""


def _split(cell: str) -> list[str]:
    return [part for part in cell.split("|") if part]


def _entry(row: dict[str, str]) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "id": row["id"],
        "term": row["wrong"],
        "suggest": [row["right"]],
        "severity": row["severity"],
        "message": row["message"],
        "source": row["source"],
    }
    if row["boundary"] == "word":
        entry["boundary"] = "word"
    if row["except"]:
        entry["except"] = _split(row["except"])
    if row["tags"]:
        entry["tags"] = _split(row["tags"])
    entry["examples"] = {"bad": _split(row["bad"]), "good": _split(row["good"])}
    return entry


def read_table(directory: Path | str) -> list[dict[str, str]]:
    path = Path(directory) / TABLE
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        if tuple(reader.fieldnames or ()) != COLUMNS:
            raise TableError(f"{path}: columns must be {', '.join(COLUMNS)}")
        rows = list(reader)
    for number, row in enumerate(rows, start=2):
        missing = [c for c in ("id", "wrong", "right", "severity", "source", "message", "bad", "good") if not row[c]]
        if missing:
            raise TableError(f"{path}:{number}: empty {', '.join(missing)}")
    return rows


def render(directory: Path | str) -> str:
    """The YAML text the table stands for."""
    entries = [_entry(row) for row in read_table(directory)]
    body = yaml.safe_dump({"category": CATEGORY, "entries": entries}, allow_unicode=True, sort_keys=False, width=120)
    return _HEADER + body


def build(directory: Path | str) -> Path:
    path = Path(directory) / OUTPUT
    path.write_text(render(directory), encoding="utf-8")
    return path


def is_current(directory: Path | str) -> bool:
    path = Path(directory) / OUTPUT
    return path.is_file() and path.read_text(encoding="utf-8") == render(directory)
