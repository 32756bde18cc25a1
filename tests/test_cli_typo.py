"""The typo layer from the command line: profiles, `cuomin eval csc`, and a missing model."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from app.config import DEFAULT_LEXICON_DIR
from tests.conftest import MINI_LEXICON

CUOMIN = [sys.executable, "-m", "app.cli"]
SLIP = "原则同意《示范区总休方案》，请认真组织实施。"


def run(args: list[str], stdin: str = "", **env: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "CUOMIN_LEXICON_DIR": str(DEFAULT_LEXICON_DIR), **env}
    return subprocess.run([*CUOMIN, *args], input=stdin, capture_output=True, text=True, env=environment, timeout=120)


def test_check_reports_typo_hits_with_confidence_at_both_profiles() -> None:
    for profile in ("draft", "inspection"):
        result = run(["check", "--json", "--profile", profile], stdin=SLIP)
        [hit] = [h for h in json.loads(result.stdout)["hits"] if h["rule_id"] == "typo.lm"]
        assert (hit["text"], hit["suggestions"]) == ("休", ["体"])
        assert 0.9 < hit["confidence"] <= 1
    assert run(["check", "--profile", "loose"], stdin=SLIP).returncode == 2


def test_eval_csc_scores_a_file(tmp_path: Path) -> None:
    data = tmp_path / "mini.test"
    data.write_text(
        f"1\t{SLIP}\t{SLIP.replace('休', '体')}\n"
        "1\t全面实行排舞许可制度。\t全面实行排污许可制度。\n"
        "0\t会议在北京召开。\t会议在北京召开。\n",
        encoding="utf-8",
    )
    result = run(["eval", "csc", "--json", str(data)])
    assert result.returncode == 0, result.stderr
    scores = json.loads(result.stdout)
    assert scores["sentences"] == 3 and scores["with_errors"] == 2
    assert scores["detection"]["recall"] == 1.0 and scores["correction"]["f1"] == 1.0
    assert scores["false_alarm_rate"] == 0.0
    human = run(["eval", "csc", str(data)]).stdout
    assert "检错（宽松）" in human and "F1 1.000" in human


def test_eval_csc_judges_date_bound_rules_as_of_the_date_given(tmp_path: Path) -> None:
    """A sentence written in 2017 naming 农业部 was right then: with its date it is no false alarm."""
    data = tmp_path / "dated.test"
    data.write_text("0\t农业部印发了秋冬种生产技术意见。\t农业部印发了秋冬种生产技术意见。\n", encoding="utf-8")
    today = json.loads(run(["eval", "csc", "--json", str(data)]).stdout)
    assert today["false_alarm_rate"] == 1.0 and today["date"] is None
    written = json.loads(run(["eval", "csc", "--json", "--date", "2017-06-01", str(data)]).stdout)
    assert written["false_alarm_rate"] == 0.0 and written["date"] == "2017-06-01"
    bad = run(["eval", "csc", "--date", "2017-13-01", str(data)])
    assert bad.returncode == 2 and "日期格式应为 YYYY-MM-DD" in bad.stderr


def test_eval_csc_refuses_a_malformed_file(tmp_path: Path) -> None:
    data = tmp_path / "bad.test"
    data.write_text("1\t错句\t长度不同的正句\n", encoding="utf-8")
    result = run(["eval", "csc", str(data)])
    assert result.returncode == 1
    assert "bad.test 第 1 行" in result.stderr


def test_missing_model_is_an_error_unless_the_layer_is_optional(tmp_path: Path) -> None:
    lexicons = tmp_path / "lexicons"
    shutil.copytree(MINI_LEXICON, lexicons)
    shutil.copy(DEFAULT_LEXICON_DIR / "typo-lm.yaml", lexicons / "typo-lm.yaml")
    env = {"CUOMIN_LEXICON_DIR": str(lexicons)}
    result = run(["check"], stdin="截止目前完成。", **env)
    assert result.returncode == 1
    assert "ngrams.npz" in result.stderr and "cuomin model build" in result.stderr
    optional = run(["check", "--json"], stdin="截止目前完成。", CUOMIN_TYPO_LAYER="optional", **env)
    assert optional.returncode == 0
    assert [h["rule_id"] for h in json.loads(optional.stdout)["hits"]] == ["test.jie-zhi"]
    off = run(["check"], stdin="截止目前完成。", CUOMIN_TYPO_LAYER="off", **env)
    assert off.returncode == 0 and "截止" in off.stdout
