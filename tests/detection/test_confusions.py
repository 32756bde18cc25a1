"""The confusions table, the YAML built from it, and the principles its entries keep."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from app.config import DEFAULT_LEXICON_DIR
from app.detection.confusions import COLUMNS, TABLE, TableError, build, is_current, read_table, render
from app.detection.detector import Detector
from app.detection.lexicon import load_lexicon
from app.detection.segment import tokenizer
from app.detection.stats import lexicon_stats, source_family


def test_shipped_yaml_is_built_from_the_shipped_table() -> None:
    assert is_current(DEFAULT_LEXICON_DIR), "run `cuomin lexicon build` after editing data/confusions.csv"


def test_every_row_names_a_source_and_both_kinds_of_example() -> None:
    rows = read_table(DEFAULT_LEXICON_DIR)
    assert len(rows) > 2000
    for row in rows:
        assert row["source"] and row["bad"] and row["good"], row["id"]
        assert row["wrong"] != row["right"]


def test_common_confusions_reach_three_thousand_sourced_pairs() -> None:
    lexicon = load_lexicon(DEFAULT_LEXICON_DIR)
    pairs = sum(len(getattr(r.spec, "all_terms", ())) for r in lexicon.rules if r.category == "常见错别字")
    assert pairs >= 3000


def _write(directory: Path, rows: list[dict[str, str]]) -> None:
    (directory / "data").mkdir(parents=True, exist_ok=True)
    with (directory / TABLE).open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


ROW = {
    "id": "typo.t-an-zhuang",
    "wrong": "按装",
    "right": "安装",
    "severity": "warning",
    "source": "《现代汉语词典》（第7版）“安装”条",
    "tags": "公文常见差错",
    "boundary": "word",
    "except": "",
    "message": "“按装”应作“安装”。",
    "bad": "工人正在[[按装]]路灯。",
    "good": "工人正在安装路灯。|按照装修标准验收。",
}


def test_build_writes_a_loadable_lexicon_and_check_tells_when_stale(tmp_path: Path) -> None:
    _write(tmp_path, [ROW])
    assert not is_current(tmp_path)
    build(tmp_path)
    assert is_current(tmp_path)
    detector = Detector.from_dir(tmp_path)
    [hit] = detector.check("工人正在按装路灯。")
    assert (hit.text, hit.suggestions, hit.source) == ("按装", ("安装",), ROW["source"])
    assert detector.check("按照装修标准验收。") == []
    _write(tmp_path, [ROW | {"message": "改了说明"}])
    assert not is_current(tmp_path)


@pytest.mark.parametrize("column", ["source", "good", "bad"])
def test_a_row_without_source_or_examples_is_refused(tmp_path: Path, column: str) -> None:
    _write(tmp_path, [ROW | {column: ""}])
    with pytest.raises(TableError, match=column):
        render(tmp_path)


def test_wrong_columns_are_refused(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / TABLE).write_text("wrong,right\n按装,安装\n", encoding="utf-8")
    with pytest.raises(TableError, match="columns"):
        read_table(tmp_path)


def test_short_wrong_forms_inside_dictionary_words_are_word_bounded() -> None:
    """A wrong form of one to three characters, or one a longer dictionary word contains, needs jieba's say."""
    freq = tokenizer().FREQ
    words = [w for w, f in freq.items() if f >= 3 and len(w) >= 3]
    rows = read_table(DEFAULT_LEXICON_DIR)
    unbounded = [r["wrong"] for r in rows if r["boundary"] != "word"]
    assert all(len(w) >= 4 for w in unbounded)
    wrong = set(unbounded)
    inside = {w for word in words for w in wrong if w in word and w != word}
    assert inside <= {r["wrong"] for r in rows if r["except"]}


@pytest.mark.parametrize(
    ("text", "rule", "suggestion", "severity"),
    [
        ("请在[[案语]]中说明修订理由。", "typo.yx-an-yu", "按语", "info"),
        ("县里的[[哈蜜瓜]]今年又获丰收。", "typo.ywjz-ha-mi-gua", "哈密瓜", "warning"),
        ("抢占产业发展[[至高点]]。", "typo.ywjz-zhi-gao-dian", "制高点", "warning"),
        ("[[神州十八号]]载人飞船发射成功。", "typo.ywjz-shen-zhou-shi-ba-hao", "神舟十八号", "warning"),
    ],
)
def test_examples_of_each_source(detector: Detector, text: str, rule: str, suggestion: str, severity: str) -> None:
    plain = text.replace("[[", "").replace("]]", "")
    hits = [h for h in detector.check(plain) if h.rule_id == rule]
    assert [(h.start, h.text, h.suggestions[0], h.severity) for h in hits] == [
        (text.index("[["), plain[text.index("[[") : text.index("]]") - 2], suggestion, severity)
    ]


@pytest.mark.parametrize(
    "text",
    [
        "神州大地处处涌动着发展的热潮。",  # 神州 is right where it is not a spacecraft
        "本届世界杯共有32支球队参赛。",
        "他笔划算得很清楚，一笔划拨到位。",  # 笔划 is common in correct prose: measured, not flagged
    ],
)
def test_correct_neighbours_stay_silent(detector: Detector, text: str) -> None:
    assert [h for h in detector.check(text) if h.category == "常见错别字"] == []


def test_source_family_groups_citations_by_publication() -> None:
    assert source_family("《第一批异形词整理表》（GF 1001—2001）“按语—案语”组") == "《第一批异形词整理表》"
    assert source_family("《现代汉语词典》（第7版）“安装”条；《咬文嚼字》") == "《现代汉语词典》"
    assert source_family("国家乡村振兴局挂牌（2021年2月25日）") == "国家乡村振兴局挂牌"
    assert source_family("《咬文嚼字》编辑部“2019年十大语文差错”") == "《咬文嚼字》"


def test_stats_count_rules_and_terms_per_source(tmp_path: Path) -> None:
    shutil.copytree(Path(__file__).parent / "data" / "mini", tmp_path / "mini")
    figures = lexicon_stats(load_lexicon(tmp_path / "mini"))
    assert sum(figures.by_source.values()) == figures.rules
    assert sum(figures.terms_by_source.values()) == figures.terms >= figures.rules
