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
    ("身份证号：110105194912310021。", []),                 # check digit wrong
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
