"""Detectors for personal information: resident ID numbers (and mistyped ones labelled as IDs), mobile
numbers, bank card numbers.

They run on the normalised text, where full-width digits are already half-width and spaces inside
a number are already removed. Masked numbers (138****6672) never match: a mask breaks the digits.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

# GB 11643-1999: weights 2^(17-i) mod 11, check code table indexed by the weighted sum mod 11.
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10x98765432"
# GB/T 2260 province-level codes (first two digits of the administrative division code).
_PROVINCE_CODES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65 71 81 82".split()
)
# A long run of digits starts every candidate: one scan finds them all.
_DIGITS = re.compile(r"[0-9][0-9xX-]{10,}")
_ID = re.compile(r"(?<![0-9])[1-9][0-9]{16}[0-9xX](?![0-9xX])")
_MOBILE = re.compile(r"(?<![0-9])1[3-9][0-9](-?)[0-9]{4}\1[0-9]{4}(?![0-9])")
_CARD = re.compile(r"(?<![0-9])[1-9][0-9]{15,18}(?![0-9])")
_CARD_CONTEXT = re.compile(r"(卡号|银行卡|储蓄卡|借记卡|信用卡|账号|帐号|账户|帐户|开户行|开户银行|收款|转账|汇款)")
CARD_CONTEXT_CHARS = 16


def resident_id_shaped(number: str) -> bool:
    """18 characters with a valid region and birth date, whatever the check digit."""
    if len(number) != 18 or not number[:17].isdigit():
        return False
    if number[:2] not in _PROVINCE_CODES:
        return False
    try:
        born = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    return 1900 <= born.year and born <= dt.date.today()


def resident_id_valid(number: str) -> bool:
    """An 18-character resident ID number with a valid region, birth date and check digit."""
    if not resident_id_shaped(number):
        return False
    total = sum(int(d) * w for d, w in zip(number[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11] == number[17].lower()


# "身份证号：", "公民身份号码为" … just before a number: it is meant as an ID, even with a wrong check digit.
_ID_LABEL = re.compile(r"(身份证|公民身份号码|身份号码|证件号)[号码]{0,2}[：:为是]?\s*[（(]?\s*$")
ID_LABEL_CHARS = 12


def _labelled_as_id(text: str, start: int) -> bool:
    return _ID_LABEL.search(text[max(0, start - ID_LABEL_CHARS) : start]) is not None


def luhn_valid(number: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(number)):
        digit = int(char)
        if index % 2 == 1:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


def find(text: str) -> Iterator[tuple[str, int, int]]:
    """(detector, start, end) for every personal number in the normalised text."""
    if _DIGITS.search(text) is None:
        return
    ids: list[tuple[int, int]] = []
    for match in _ID.finditer(text):
        if resident_id_valid(match.group()):
            ids.append(match.span())
            yield "resident_id", match.start(), match.end()
        elif resident_id_shaped(match.group()) and _labelled_as_id(text, match.start()):
            # A mistyped ID (wrong check digit) is still someone's personal data.
            ids.append(match.span())
            yield "resident_id_mistyped", match.start(), match.end()
    for match in _MOBILE.finditer(text):
        yield "mobile", match.start(), match.end()
    for match in _CARD.finditer(text):
        if match.span() in ids or not luhn_valid(match.group()):
            continue
        before = text[max(0, match.start() - CARD_CONTEXT_CHARS) : match.start()]
        if _CARD_CONTEXT.search(before):
            yield "bank_card", match.start(), match.end()
