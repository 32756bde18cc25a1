"""The cuomin command line, run as a real process."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import MINI_LEXICON

CUOMIN = [sys.executable, "-m", "app.cli"]


def run(args: list[str], stdin: str = "", lexicon: Path = MINI_LEXICON) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CUOMIN_LEXICON_DIR": str(lexicon)}
    return subprocess.run([*CUOMIN, *args], input=stdin, capture_output=True, text=True, env=env, timeout=60)


def test_check_stdin_human_output_and_exit_codes() -> None:
    result = run(["check"], stdin="第一行\n他做为党员，推进一带一路战略。\n")
    assert result.returncode == 1  # a serious hit
    lines = result.stdout.splitlines()
    assert lines[0].startswith("<stdin>:2:2: [一般差错] 做为 → 作为")
    assert "<stdin>:2:9: [严重表述错误] 一带一路战略 → 一带一路倡议" in lines[1]
    assert run(["check"], stdin="他做为党员。").returncode == 0  # only a warning
    assert run(["check"], stdin="一切正常。").stdout == ""


def test_check_files_as_json(tmp_path: Path) -> None:
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("截止目前完成。", encoding="utf-8")
    b.write_text("\ufeff没有问题。", encoding="utf-8")
    result = run(["check", "--json", str(a), str(b)])
    first, second = (json.loads(line) for line in result.stdout.splitlines())
    assert first["file"] == str(a) and [h["rule_id"] for h in first["hits"]] == ["test.jie-zhi"]
    hit = first["hits"][0]
    assert set(hit) >= {
        "start",
        "end",
        "text",
        "rule_id",
        "category",
        "severity",
        "message",
        "suggestions",
        "source",
        "context",
    }
    assert (hit["start"], hit["end"], hit["suggestions"]) == (0, 2, ["截至"])
    assert second == {"file": str(b), "hits": []}


def test_check_jsonl_batch_with_dates() -> None:
    lines = [
        {"id": 1, "text": "县国土资源局开展检查。", "date": "2017-05-01"},
        {"id": "b", "text": "县国土资源局开展检查。", "date": "2024-05-01"},
        {"id": 3, "text": "县国土资源局开展检查。"},
    ]
    result = run(["check", "--jsonl", "--date", "2016-01-01"], stdin="\n".join(json.dumps(x) for x in lines))
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["id"] for o in out] == [1, "b", 3]
    assert [len(o["hits"]) for o in out] == [0, 1, 0]  # the third takes --date


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["check", "--date", "2024-13-01"], "", "日期格式应为 YYYY-MM-DD"),
        (["check", "/no/such/file.txt"], "", "无法读取文件"),
        (["check", "--jsonl"], "not json\n", "第 1 行不是有效的 JSON 对象"),
    ],
)
def test_check_errors_are_clear(args: list[str], stdin: str, message: str) -> None:
    result = run(args, stdin=stdin)
    assert result.returncode == 2 if "--date" in args else result.returncode != 0
    assert message in result.stderr


def test_non_utf8_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "gbk.txt"
    path.write_bytes("截止目前".encode("gbk"))
    result = run(["check", str(path)])
    assert result.returncode == 1 and "不是 UTF-8" in result.stderr


def test_lexicon_lint_and_stats() -> None:
    assert run(["lexicon", "lint"]).returncode == 0
    stats = run(["lexicon", "stats"])
    assert stats.returncode == 0
    assert "词条：6" in stats.stdout and "常见错别字\t6" in stats.stdout and "词库版本：" in stats.stdout


def test_lint_fails_on_a_broken_lexicon(tmp_path: Path) -> None:
    (tmp_path / "x.yaml").write_text("category: 常见错别字\nentries: [{id: X}]\n", encoding="utf-8")
    result = run(["lexicon", "lint"], lexicon=tmp_path)
    assert result.returncode == 1 and "x.yaml" in result.stdout
    result = run(["check"], stdin="x", lexicon=tmp_path)
    assert result.returncode == 1 and "词库加载失败" in result.stderr


def test_shipped_lexicon_lints_clean() -> None:
    result = subprocess.run([*CUOMIN, "lexicon", "lint"], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-3000:]


ENTRY = """category: 常见错别字
entries:
  - id: t.an-zhuang
    term: 按装
    suggest: [安装]
    severity: warning
    message: “按装”应作“安装”。
{source}{examples}"""
SOURCE = "    source: 《现代汉语词典》（第7版）“安装”条\n"
EXAMPLES = "    examples:\n      bad: ['工人正在[[按装]]路灯。']\n      good: {good}\n"


@pytest.mark.parametrize(
    ("source", "examples", "field"),
    [
        ("", EXAMPLES.format(good="['工人正在安装路灯。']"), "source"),
        (SOURCE, "", "examples"),
        (SOURCE, EXAMPLES.format(good="[]"), "examples.good"),
    ],
)
def test_lint_fails_on_an_entry_without_source_or_examples(
    tmp_path: Path, source: str, examples: str, field: str
) -> None:
    (tmp_path / "t.yaml").write_text(ENTRY.format(source=source, examples=examples), encoding="utf-8")
    result = run(["lexicon", "lint"], lexicon=tmp_path)
    assert result.returncode == 1
    assert "t.an-zhuang" in result.stdout and f"field {field}" in result.stdout
    (tmp_path / "t.yaml").write_text(
        ENTRY.format(source=SOURCE, examples=EXAMPLES.format(good="['工人正在安装路灯。']")), encoding="utf-8"
    )
    assert run(["lexicon", "lint"], lexicon=tmp_path).returncode == 0


def test_stats_report_each_source() -> None:
    result = run(["lexicon", "stats", "--sources", "0"])
    assert result.returncode == 0
    assert "按出处（词条／词形，共" in result.stdout
    sources = result.stdout.split("按出处", 1)[1]
    assert "  测试\t6\t" in sources


def test_build_check_fails_when_the_yaml_is_stale(tmp_path: Path) -> None:
    shutil.copytree(MINI_LEXICON, tmp_path / "lex")
    lex = tmp_path / "lex"
    (lex / "data").mkdir(exist_ok=True)
    (lex / "data" / "confusions.csv").write_text(
        "id,wrong,right,severity,source,tags,boundary,except,message,bad,good\n"
        "typo.t-pei-chang,陪偿,赔偿,warning,《现代汉语词典》（第7版）“赔偿”条,,word,,“陪偿”应作“赔偿”。,"
        "依法[[陪偿]]损失。,依法赔偿损失。\n",
        encoding="utf-8",
    )
    result = run(["lexicon", "build", "--check"], lexicon=lex)
    assert result.returncode == 1 and "cuomin lexicon build" in result.stderr
    assert run(["lexicon", "build"], lexicon=lex).returncode == 0
    assert run(["lexicon", "build", "--check"], lexicon=lex).returncode == 0
    assert "陪偿" in run(["check"], stdin="依法陪偿损失。", lexicon=lex).stdout


def test_lexicon_compile_fills_the_cache_that_check_then_uses(tmp_path: Path) -> None:
    lexicon = tmp_path / "lex"
    shutil.copytree(MINI_LEXICON, lexicon)
    cache = tmp_path / "cache"
    env = {**os.environ, "CUOMIN_LEXICON_DIR": str(lexicon), "CUOMIN_CACHE_DIR": str(cache)}
    done = subprocess.run([*CUOMIN, "lexicon", "compile"], capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "已编译" in done.stdout and str(cache) in done.stdout
    [compiled] = cache.glob("detector-*.bin")
    assert len(list(cache.glob("jieba-words-*.bin"))) == 1
    written = compiled.stat().st_mtime_ns
    checked = subprocess.run(
        [*CUOMIN, "check"], input="他做为党员。", capture_output=True, text=True, env=env, timeout=60
    )
    assert "做为 → 作为" in checked.stdout and compiled.stat().st_mtime_ns == written  # loaded, not rebuilt
    (lexicon / "broken.yaml").write_text("category: 常见错别字\nentries: [{id: BAD}]\n", encoding="utf-8")
    refused = subprocess.run([*CUOMIN, "lexicon", "compile"], capture_output=True, text=True, env=env, timeout=300)
    assert refused.returncode != 0 and "词库加载失败" in refused.stderr
