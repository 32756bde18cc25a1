"""Broken lexicon files fail loudly, naming the file, the entry and the field; lint finds conflicts."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from app.detection.lexicon import LexiconError, lexicon_version, load_lexicon
from app.detection.lint import lint
from tests.conftest import MINI_LEXICON

BAD = Path(__file__).parent / "data" / "bad_lexicons"


# fmt: off
@pytest.mark.parametrize(("name", "expected"), [
    ("missing_source.yaml", ["missing_source.yaml", "bad.no-source", "source", "Field required"]),
    ("bad_severity.yaml", ["bad_severity.yaml", "bad.severity", "severity"]),
    ("unmarked_bad_example.yaml", ["bad.unmarked", "examples.bad", "[[ ]]"]),
    ("unknown_category.yaml", ["unknown_category.yaml", "category", "杂项"]),
    ("bad_regex.yaml", ["bad.regex", "only_before", "bad regular expression"]),
])
def test_broken_file_names_file_entry_and_field(tmp_path: Path, name: str, expected: list[str]) -> None:
    shutil.copy(BAD / name, tmp_path / name)
    with pytest.raises(LexiconError) as caught:
        load_lexicon(tmp_path)
    for part in expected:
        assert part in str(caught.value)


def test_duplicate_ids_across_files(tmp_path: Path) -> None:
    shutil.copy(MINI_LEXICON / "mini.yaml", tmp_path / "a.yaml")
    shutil.copy(MINI_LEXICON / "mini.yaml", tmp_path / "b.yaml")
    with pytest.raises(LexiconError, match=r"test\.zuo-wei.*duplicate"):
        load_lexicon(tmp_path)


def test_not_yaml_and_missing_directory(tmp_path: Path) -> None:
    (tmp_path / "x.yaml").write_text("category: [unclosed\n", encoding="utf-8")
    with pytest.raises(LexiconError, match="not valid YAML"):
        load_lexicon(tmp_path)
    with pytest.raises(LexiconError, match="not found"):
        load_lexicon(tmp_path / "nowhere")


def test_version_is_a_content_hash(tmp_path: Path) -> None:
    shutil.copy(MINI_LEXICON / "mini.yaml", tmp_path / "mini.yaml")
    first = lexicon_version(tmp_path)
    assert first == lexicon_version(tmp_path)
    path = tmp_path / "mini.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "\n# note\n", encoding="utf-8")
    assert lexicon_version(tmp_path) != first


def test_lint_passes_on_the_mini_lexicon() -> None:
    assert lint(MINI_LEXICON) == []


def _entry(entry_id: str, term: str, suggest: str, bad: str, good: str) -> str:
    return (
        f"  - id: {entry_id}\n    term: {term}\n    suggest: [{suggest}]\n    severity: warning\n"
        f"    message: 测试。\n    source: 测试\n"
        f"    examples:\n      bad: ['{bad}']\n      good: ['{good}']\n"
    )


def test_lint_reports_conflicts(tmp_path: Path) -> None:
    (tmp_path / "t.yaml").write_text(
        "category: 常见错别字\nentries:\n"
        # the same term with two different corrections
        + _entry("t.one", "按装", "安装", "[[按装]]空调。", "安装空调。")
        + _entry("t.two", "按装", "安放", "[[按装]]空调。", "安放空调。")
        # a suggestion that is itself flagged by another entry
        + _entry("t.three", "布署", "部暑", "[[布署]]工作。", "部署工作。")
        + _entry("t.four", "部暑", "部署", "[[部暑]]工作。", "部署工作。")
        # an entry that misses its own bad example
        + _entry("t.five", "既使", "即使", "[[即便]]如此。", "即使如此。"),
        encoding="utf-8",
    )
    report = "\n".join(str(p) for p in lint(tmp_path))
    assert "'按装' is listed in ['t.one', 't.two'] with two different corrections" in report
    assert "t.three: suggestion '部暑' itself gets ['t.four']" in report
    assert "t.five: bad example should give one hit at '即便'" in report


def test_every_rule_in_code_has_a_chinese_name_for_reviewers() -> None:
    from typing import get_args

    from app.detection.labels import DETECTOR_NAMES
    from app.detection.lexicon import CodeRule

    detectors = set(get_args(CodeRule.model_fields["detector"].annotation))
    assert detectors == set(DETECTOR_NAMES)
    assert all(any("\u4e00" <= c <= "\u9fff" for c in name) for name in DETECTOR_NAMES.values())
