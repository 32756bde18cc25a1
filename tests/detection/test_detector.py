"""The engine's rules, on a small lexicon made for them (tests/detection/data/mini)."""

from __future__ import annotations

import datetime as dt
import shutil
import threading
from pathlib import Path

import pytest

from app.detection.detector import Detector, DetectorHolder
from app.detection.lexicon import LexiconError
from tests.conftest import MINI_LEXICON

LATER = dt.date(2025, 6, 30)


def spans(detector: Detector, text: str, **kwargs) -> list[tuple[str, str]]:
    return [(h.rule_id, h.text) for h in detector.check(text, **kwargs)]


# fmt: off
@pytest.mark.parametrize(("text", "expected"), [
    ("他做为一名党员冲锋在前。", [("test.zuo-wei", "做为")]),   # a word of its own
    ("这就叫做为人民服务。", []),                               # 做为 straddles 叫做|为
    ("截止目前，全县已完成。", [("test.jie-zhi", "截止")]),     # before a time: wrong
    ("截止2024年底，共12个。", [("test.jie-zhi", "截止")]),
    ("报名于3月1日截止。", []),                                  # at the end: correct
    ("截止日期为3月1日。", []),                                  # inside an except phrase
])
def test_boundary_and_context_rules(mini: Detector, text: str, expected: list) -> None:
    assert spans(mini, text, date=LATER) == expected


def test_longer_entry_wins_an_overlap(mini: Detector) -> None:
    assert spans(mini, "推进一带一路战略。") == [("test.yi-dai-yi-lu-zhan-lue", "一带一路战略")]
    assert spans(mini, "这是一项战略。") == [("test.zhan-lue", "战略")]


@pytest.mark.parametrize(
    ("text", "date", "flagged"),
    [
        ("县国土资源局开展执法检查。", LATER, True),
        ("县国土资源局开展执法检查。", dt.date(2017, 5, 1), False),  # published before the reform
        ("2016年，县国土资源局完成了确权登记。", LATER, False),  # the sentence dates itself earlier
        ("二〇一六年，县国土资源局完成了确权登记。", LATER, False),
        ("2016年完成规划，2023年县国土资源局开展检查。", LATER, True),  # names a later year too
        ("原县国土资源局的档案已移交。", LATER, False),  # not_after 原
    ],
)
def test_time_aware_rules(mini: Detector, text: str, date: dt.date, flagged: bool) -> None:
    assert bool(spans(mini, text, date=date)) is flagged


@pytest.mark.parametrize(
    "text",
    [
        "习近 平同志指出",
        "习近\u200b平同志指出",
        "習近平同志指出",
        "习\u3000近平同志指出",
        "习\ufeff近\u00a0平同志指出",
    ],
)
def test_normalised_matches_map_back_to_the_original(mini: Detector, text: str) -> None:
    hits = mini.check(text)
    assert [h.rule_id for h in hits] == ["test.xi-jin-ping"]
    hit = hits[0]
    assert text[hit.start : hit.end] == hit.text
    assert hit.text[0] in "习習" and hit.text[-1] == "平"


def test_traditional_and_full_width_text_is_matched(mini: Detector) -> None:
    text = "縣國土資源局開展檢查"
    hits = mini.check(text, date=LATER)
    assert [(h.rule_id, h.text) for h in hits] == [("test.guo-tu", "縣國土資源局")]


def test_exemptions_by_rule_and_by_phrase(mini: Detector) -> None:
    text = "截止目前，他做为党员。"
    assert len(mini.check(text)) == 2
    assert spans(mini, text, exempt_rules=["test.jie-zhi"]) == [("test.zuo-wei", "做为")]
    assert spans(mini, text, exempt_phrases=["他做为党员"]) == [("test.jie-zhi", "截止")]
    assert spans(mini, text, exempt_phrases=["做为一"]) == spans(mini, text)  # must cover the hit


def test_hit_context_surrounds_the_hit(mini: Detector) -> None:
    text = "第一行。\n他做为一名党员冲锋在前，带领群众致富。"
    (hit,) = mini.check(text)
    assert hit.text in hit.context and "\n" not in hit.context
    assert hit.context.startswith("第一行。 他")


def test_empty_text_has_no_hits(mini: Detector) -> None:
    assert mini.check("") == []


def test_check_is_thread_safe(mini: Detector) -> None:
    text = "截止目前，他做为党员，推进一带一路战略。" * 50
    expected = mini.check(text)
    results: list[bool] = []

    def work() -> None:
        results.extend(mini.check(text) == expected for _ in range(20))

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 160 and all(results)


def test_holder_keeps_serving_the_old_detector_when_a_reload_fails(tmp_path: Path) -> None:
    directory = tmp_path / "lex"
    shutil.copytree(MINI_LEXICON, directory)
    holder = DetectorHolder(directory)
    old = holder.current
    (directory / "broken.yaml").write_text("category: 常见错别字\nentries: [{id: BAD}]\n", encoding="utf-8")
    with pytest.raises(LexiconError):
        holder.reload()
    assert holder.current is old
    (directory / "broken.yaml").unlink()
    text = (directory / "mini.yaml").read_text(encoding="utf-8")
    (directory / "mini.yaml").write_text(text.replace("term: 做为", "terms: [做为, 作为了]"), encoding="utf-8")
    fresh = holder.reload()
    assert fresh is holder.current and fresh.version != old.version


@pytest.mark.parametrize("prefix", ["", "😀", "😀👍🏻🇨🇳", "𠮷野家"])
def test_characters_beyond_the_bmp_do_not_shift_offsets(mini: Detector, prefix: str) -> None:
    text = f"{prefix}截止目前，{prefix}他做为党员。"
    hits = mini.check(text)
    assert [h.text for h in hits] == ["截止", "做为"]
    assert all(text[h.start : h.end] == h.text for h in hits)
