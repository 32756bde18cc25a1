"""The README documents every setting, every lexicon category and the two commands."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.config import DEFAULT_LEXICON_DIR, Settings
from app.vocabulary import CATEGORIES

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(Settings.model_fields))
def test_every_setting_is_documented(name: str) -> None:
    assert f"CUOMIN_{name.upper()}" in README


@pytest.mark.parametrize("category", CATEGORIES)
def test_every_category_is_documented(category: str) -> None:
    assert category in README


def test_the_two_commands_are_documented() -> None:
    assert "make run" in README and "make test" in README


def test_ci_runs_the_readme_test_command() -> None:
    ci = (Path(__file__).resolve().parent.parent / ".ci" / "run").read_text(encoding="utf-8")
    assert "make test" in ci


def test_every_lexicon_file_and_data_table_is_documented() -> None:
    lexicons = Path(DEFAULT_LEXICON_DIR)
    names = [p.name for p in lexicons.glob("*.yaml")] + [f"data/{p.name}" for p in (lexicons / "data").glob("*.*")]
    missing = [name for name in names if name != "data/SOURCES.md" and f"`{name}`" not in README]
    assert not missing, f"README's lexicon table lacks {missing}"


def test_every_data_table_names_its_source() -> None:
    data = Path(DEFAULT_LEXICON_DIR) / "data"
    sources = (data / "SOURCES.md").read_text(encoding="utf-8")
    missing = [p.name for p in data.glob("*.*") if p.name != "SOURCES.md" and f"`{p.name}`" not in sources]
    assert not missing, f"data/SOURCES.md lacks {missing}"
