"""The data tables under lexicons/data: administrative divisions (current and former) and look-alike characters."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

DIVISIONS_FILE = "data/divisions.csv"
FORMER_DIVISIONS_FILE = "data/former_divisions.csv"
LOOKALIKES_FILE = "data/lookalikes.txt"


@dataclass(frozen=True, slots=True)
class Division:
    code: str
    name: str
    level: str  # province | city (prefecture) | county
    parent: str  # the code of the division above, empty for a province


def table_rows(path: Path) -> list[dict[str, str]]:
    """The rows of a CSV table under lexicons/data, its # comment lines skipped; none when the file is absent."""
    if not path.is_file():
        return []
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    return list(csv.DictReader(lines))


def _comments(path: Path) -> list[str]:
    return [line[1:].strip() for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("#")]


def divisions_source(directory: Path) -> str:
    path = directory / DIVISIONS_FILE
    return next((c.removeprefix("来源：") for c in _comments(path) if c.startswith("来源")), str(path))


def load_divisions(directory: Path, table: str = DIVISIONS_FILE) -> tuple[Division, ...]:
    """The divisions of a table (the current ones by default; FORMER_DIVISIONS_FILE for those abolished,
    merged, renamed or recoded, with their parents at the time)."""
    return tuple(Division(r["code"], r["name"], r["level"], r["parent"]) for r in table_rows(directory / table))


def load_lookalikes(directory: Path) -> tuple[str, ...]:
    """Groups of look-alike characters, one group a line."""
    path = directory / LOOKALIKES_FILE
    if not path.is_file():
        return ()
    lines = path.read_text(encoding="utf-8").splitlines()
    return tuple(line.strip() for line in lines if line.strip() and not line.startswith("#"))
