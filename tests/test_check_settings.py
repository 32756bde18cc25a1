"""`cuomin check` reads its settings without pydantic-settings, and gets the values Settings would give."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from pydantic import ValidationError

from app import check_settings as quick
from app.config import Settings, get_settings
from tests.conftest import MINI_LEXICON

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> pytest.MonkeyPatch:
    """No CUOMIN_* variable and no .env file (the working directory is empty), unless the test sets them."""
    for name in list(os.environ):
        if name.upper().startswith("CUOMIN_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    get_settings.cache_clear()
    yield monkeypatch
    get_settings.cache_clear()


def from_settings() -> quick.CheckSettings:
    settings = Settings()
    return quick.CheckSettings(
        settings.lexicon_dir, settings.cache_dir, settings.context_chars, settings.typo_layer, settings.check_profile
    )


def without_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse() -> quick.CheckSettings:
        raise AssertionError("read by Settings, not by the quick reader")

    monkeypatch.setattr(quick, "_from_settings", refuse)


@pytest.mark.parametrize(
    "variables",
    [
        {},
        {"CUOMIN_LEXICON_DIR": "/srv/lexicons", "CUOMIN_CACHE_DIR": "/var/cache/cuomin"},
        {"cuomin_lexicon_dir": "relative/lexicons"},  # Settings takes the names in any case
        {"CUOMIN_CACHE_DIR": ""},  # an empty value is no value
        {"CUOMIN_PORT": "80", "CUOMIN_DATABASE_URL": "sqlite:///x.db"},  # what check does not read
    ],
)
def test_the_quick_reader_gives_the_values_of_settings(env: pytest.MonkeyPatch, variables: dict[str, str]) -> None:
    for name, value in variables.items():
        env.setenv(name, value)
    expected = from_settings()
    without_settings(env)
    assert quick.check_settings() == expected


@pytest.mark.parametrize(
    ("variables", "dotenv", "expected"),
    [
        ({"CUOMIN_TYPO_LAYER": "off"}, "", ("typo_layer", "off")),
        ({"CUOMIN_CHECK_PROFILE": "inspection"}, "", ("check_profile", "inspection")),
        ({"cuomin_context_chars": "5"}, "", ("context_chars", 5)),
        ({}, "CUOMIN_CONTEXT_CHARS=7\nCUOMIN_CACHE_DIR=/tmp/c\n", ("context_chars", 7)),
        ({"CUOMIN_LEXICON_DIR": "/a", "cuomin_lexicon_dir": "/b"}, "", None),  # twice: Settings decides
    ],
)
def test_what_needs_validation_or_a_dotenv_file_is_read_by_settings(
    env: pytest.MonkeyPatch, variables: dict[str, str], dotenv: str, expected: tuple[str, object] | None
) -> None:
    for name, value in variables.items():
        env.setenv(name, value)
    if dotenv:
        Path(".env").write_text(dotenv, encoding="utf-8")
    found = quick.check_settings()
    assert found == from_settings()
    if expected is not None:
        assert getattr(found, expected[0]) == expected[1]


def test_an_invalid_value_is_refused_as_settings_refuses_it(env: pytest.MonkeyPatch) -> None:
    env.setenv("CUOMIN_CONTEXT_CHARS", "500")
    with pytest.raises(ValidationError, match="context_chars"):
        quick.check_settings()


def test_cuomin_check_imports_neither_pydantic_settings_nor_the_web_and_database_stack(tmp_path: Path) -> None:
    draft = tmp_path / "draft.txt"
    draft.write_text("他做为一名党员。\n", encoding="utf-8")
    script = textwrap.dedent(
        f"""
        import sys
        sys.argv = ["cuomin", "check", {str(draft)!r}]
        import app.cli
        try:
            app.cli.main()
        except SystemExit:
            pass
        heavy = ("pydantic_settings", "fastapi", "starlette", "sqlalchemy", "uvicorn", "app.config", "app.reports")
        print("LOADED", sorted(m for m in heavy if m in sys.modules))
        """
    )
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith("CUOMIN_")}
    env["CUOMIN_LEXICON_DIR"] = str(MINI_LEXICON)
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=tmp_path,
        env={**env, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
    )
    assert "做为" in done.stdout, done.stderr  # it did check the draft
    assert "LOADED []" in done.stdout


def test_the_report_formats_are_still_offered_and_checked(tmp_path: Path) -> None:
    """The CLI reads them only when `report` parses its options (not when it loads): same help, same refusal."""
    from app.reports.export import FORMATS

    def cuomin(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "app.cli", *args],
            cwd=tmp_path,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            capture_output=True,
            text=True,
        )

    assert f"[{'|'.join(FORMATS)}]" in cuomin("report", "-h").stdout
    refused = cuomin("report", "2023Q2", "--format", "pdf")
    assert refused.returncode == 2
    assert f"“pdf”无效，应为 {', '.join(repr(name) for name in FORMATS)} 之一" in refused.stderr
