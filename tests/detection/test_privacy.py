"""Personal-number detectors: valid numbers flagged, invalid and masked ones not."""

from __future__ import annotations

import pytest

from app.detection.detector import Detector
from app.detection.privacy import luhn_valid, resident_id_valid


def kinds(detector: Detector, text: str) -> list[tuple[str, str]]:
    return [(h.rule_id, h.text) for h in detector.check(text) if h.category == "隐私信息"]


# fmt: off
@pytest.mark.parametrize(("number", "valid"), [
    ("11010519491231002X", True),    # the example of GB 11643-1999
    ("11010519491231002x", True),
    ("110105194912310021", False),   # wrong check digit
    ("11010519491331002X", False),   # month 13
    ("11010519490230002X", False),   # 30 February
    ("99010519491231002X", False),   # no such province code
    ("1101051949123100", False),     # too short
])
def test_resident_id_validation(number: str, valid: bool) -> None:
    assert resident_id_valid(number) is valid


def test_luhn() -> None:
    assert luhn_valid("6222020200112233446")
    assert not luhn_valid("6222020200112233445")
    assert luhn_valid("4111111111111111")


# fmt: off
@pytest.mark.parametrize(("text", "expected"), [
    ("身份证号：11010519491231002X。", [("privacy.resident-id", "11010519491231002X")]),
    ("身份证号：１１０１０５１９４９１２３１００２Ｘ。", [("privacy.resident-id", "１１０１０５１９４９１２３１００２Ｘ")]),
    # A wrong check digit right after 身份证号: a mistyped ID, still personal data.
    ("身份证号：110105194912310021。", [("privacy.resident-id-mistyped", "110105194912310021")]),
    ("公民身份号码为（110105194912310021）", [("privacy.resident-id-mistyped", "110105194912310021")]),
    ("订单号110105194912310021。", []),                     # wrong check digit, not labelled as an ID
    ("身份证号：110105194913310021。", []),                 # month 13: not an ID at all
    ("身份证号：110105********002X。", []),                 # masked
    ("联系电话13812345678。", [("privacy.mobile", "13812345678")]),
    ("联系电话138-1234-5678。", [("privacy.mobile", "138-1234-5678")]),
    ("联系电话138 1234 5678。", [("privacy.mobile", "138 1234 5678")]),
    ("联系电话138****5678。", []),                          # masked
    ("联系电话12812345678。", []),                          # no 12x mobile prefix
    ("编号213812345678901。", []),                          # inside a longer number
    ("卡号6222020200112233446。", [("privacy.bank-card", "6222020200112233446")]),
    ("银行卡：6222 0202 0011 2233 446", [("privacy.bank-card", "6222 0202 0011 2233 446")]),
    ("卡号6222020200112233445。", []),                      # fails Luhn
    ("项目编号6222020200112233446。", []),                  # no card context
    ("卡号6222********3446。", []),                         # masked
])
def test_privacy_detectors(detector: Detector, text: str, expected: list) -> None:
    assert kinds(detector, text) == expected


def test_a_mistyped_id_says_why(detector: Detector) -> None:
    (hit,) = [h for h in detector.check("身份证号：110105194912310021") if h.category == "隐私信息"]
    assert hit.severity == "serious" and "校验码不符" in hit.message and "个人信息" in hit.message


# fmt: off
@pytest.mark.parametrize(("text", "listed"), [
    ("来自中国、日本、台湾等国家和地区的游客", "中国、日本、台湾"),
    ("参展企业来自中国、香港、澳门和台湾。", "中国、香港、澳门和台湾"),
    ("与会代表来自美国、日本、香港和中国。", "香港和中国"),
    ("台湾、中国两地的学者", "台湾、中国"),
    ("中国、台湾地区", "中国、台湾地区"),
    ("中国、澳门特别行政区", "中国、澳门特别行政区"),
    ("参展企业来自中国内地、香港、澳门和台湾。", None),   # 内地 is what 香港 and 澳门 pair with
    ("来自中国香港、中国台湾的选手", None),
    ("祖国大陆和香港、澳门、台湾", None),
    ("来自中国、美国、日本等国家的游客", None),             # no region in the list
    ("北京、上海、香港三地", None),                          # no 中国 in the list
    ("中国，香港警方表示", None),                            # a comma between clauses is not a list
])
def test_regions_listed_beside_china(detector: Detector, text: str, listed: str | None) -> None:
    found = [h.text for h in detector.check(text) if h.rule_id == "sovereignty.china-beside-regions"]
    assert found == ([listed] if listed else [])
