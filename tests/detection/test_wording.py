"""Hong Kong, Macao and Taiwan wording, ethnic and religious wording, and agencies renamed in 2020–2023."""

from __future__ import annotations

import datetime as dt

import pytest

from app.detection.detector import Detector

LATER = dt.date(2024, 6, 12)


def rules(detector: Detector, text: str, date: dt.date = LATER) -> list[tuple[str, str]]:
    return [(h.rule_id, h.text) for h in detector.check(text, date=date)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("按照台湾有关规定办理。", [("sovereignty.taiwan-youguan-guiding", "台湾有关规定")]),
        ("按照台湾地区有关规定办理。", []),
        ("香港特区政府行政长官出席。", [("sovereignty.tequ-zhengfu-xingzheng-zhangguan", "香港特区政府行政长官")]),
        ("香港特区政府财政司司长出席。", []),
        ("就福克兰群岛问题交涉。", [("sovereignty.falkland", "福克兰群岛")]),
        ("就马尔维纳斯群岛（英称福克兰群岛）问题交涉。", []),
        ("寺院是喇嘛教活动场所。", [("xinhua.lama-jiao", "喇嘛教")]),
        ("寺院是藏传佛教活动场所。", []),
        ("当地猺族群众。", [("xinhua.yao-zu-mie-cheng", "猺族")]),
    ],
)
def test_wording(detector: Detector, text: str, expected: list[tuple[str, str]]) -> None:
    assert rules(detector, text) == expected


def test_agency_of_the_2023_reform_is_history_before_its_date_or_after_yuan(detector: Detector) -> None:
    text = "国务院金融稳定发展委员会召开会议。"
    assert rules(detector, text) == [("outdated.national-fsdc", "国务院金融稳定发展委员会")]
    assert rules(detector, text, dt.date(2022, 6, 1)) == []
    assert rules(detector, "2021年，国务院金融稳定发展委员会召开会议。") == []
    assert rules(detector, "原国务院金融稳定发展委员会办公室的职责已划入中央金融委员会办公室。") == []


def test_renamed_mine_safety_administration(detector: Detector) -> None:
    assert rules(detector, "国家煤监局派出工作组。") == [("outdated.national-coal-mine-safety", "国家煤监局")]
    assert rules(detector, "国家煤监局派出工作组。", dt.date(2019, 5, 1)) == []
