"""The README documents every setting, every lexicon category and the two commands."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.config import Settings
from app.detection.lexicon import CATEGORIES

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
