"""Another country's ministry or founding is that country's: China's reforms and formulations do not apply."""

from __future__ import annotations

import datetime as dt

import pytest

from app.detection.countries import after_a_country
from app.detection.detector import Detector

DATE = dt.date(2025, 6, 1)


@pytest.mark.parametrize(
    "text",
    [
        "日本国土交通部当天宣布，将对相关航线开展检查。",
        "据黎巴嫩公共卫生部发布的数字，伤亡人数继续上升。",
        "美国交通部长表示，将暂停部分航班。",
        "俄交通部说，港口运营已恢复正常。",
        "欧盟成员国文化部长举行会议，讨论文物保护。",
        "今年是该国建国80周年。",
    ],
)
def test_another_countrys_office_is_not_an_outdated_chinese_name(detector: Detector, text: str) -> None:
    assert [h.text for h in detector.check(text, date=DATE) if h.category in ("过时表述", "政治表述")] == []


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ("近日卫生部印发通知，部署夏季卫生工作。", "卫生部"),  # 近日 ends with 日, not Japan
        ("我市干部参加交通部组织的培训。", "交通部"),  # 参加 ends with 加, not Canada
        ("内蒙古文化部门与文化部联合开展调研。", "文化部"),
        ("热烈庆祝建国76周年。", "建国"),
    ],
)
def test_chinas_own_outdated_names_are_still_flagged(detector: Detector, text: str, term: str) -> None:
    assert term in [h.text for h in detector.check(text, date=DATE)]


def test_after_a_country() -> None:
    assert after_a_country("韩国国土")
    assert after_a_country("俄")
    assert not after_a_country("近日")
    assert not after_a_country("内蒙古")
    assert not after_a_country("中国")
