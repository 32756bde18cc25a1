"""Paired punctuation and number forms that GB/T 15834 and GB/T 15835 fix, where a slip is certain.

- Quotation marks (GB/T 15834—2011 4.1): an opening “ written where the closing ” belongs (“天王“之战), and a
  closing ” written where the opening belongs (直指”嫖宿幼女罪”). Judged only inside a paragraph and only
  where the next quotation mark proves it: a second “ that no ” follows before the next “ is a closing mark
  miswritten; an “ followed by its ” is a quotation inside a quotation (wrongly double, but its pairs hold),
  and is left alone. A quotation that runs over several paragraphs opens each of them and closes only the
  last, so a paragraph that ends inside a quotation is not judged. A straight quote " closing a “ is the
  same slip from a half-width keyboard.
- Book-title marks (4.15): 《 that no 》 closes, and 》 that closes none. Pairs are counted over the whole
  text, not per paragraph: text pasted from a PDF or a page breaks lines inside titles.
- Numbers (GB/T 15835—2011): a percentage half in words and half in digits (百分之6.5 is 6.5% or 百分之六点五),
  and a year in Chinese numerals with a digit zero or a letter O for 〇 (二0二四年).

Runs on the normalised text, like the privacy detectors; a few regex scans, no loop over characters.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

QUOTE_RULE = "quote_pairing"
BOOK_RULE = "book_title_pairing"
PERCENT_RULE = "percent_mixed"
YEAR_ZERO_RULE = "year_zero"
# Rules about how a number is worded: quoted in a sentence about wording, such a number is mentioned, not used.
WORDED = frozenset({PERCENT_RULE, YEAR_ZERO_RULE})
MAX_QUOTED = 20  # a miswritten mark is judged only around a short quoted word, where the pair is certain

_QUOTE_MARKS = re.compile(r'[“”"\n]')
_BOOK_MARKS = re.compile(r"[《》]")
_SENTENCE_END = re.compile(r"[。！？!?；;]")
_PERCENT = re.compile(r"百分之(?P<number>[0-9]+(?:\.[0-9]+)?)(?![0-9.])")
_YEAR_CHARS = frozenset("〇○0oOＯ零一二三四五六七八九")
_YEAR_CHARS_AND_DIGITS = _YEAR_CHARS | frozenset("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ十")
# A digit zero or a letter O is a slip of the keyboard; ○ looks the same as 〇 (the 19th congress report's web
# text has it) and 零 is a reading, not a slip: neither is judged.
_WRONG_ZEROS = frozenset("0oOＯ")
_NUMERALS = set("一二三四五六七八九")


@dataclass(frozen=True, slots=True)
class Mark:
    """A slip of punctuation or number form: the rule's detector name, the span, the fix and why."""

    detector: str
    start: int
    end: int
    suggestion: str
    message: str


def find(text: str) -> Iterator[Mark]:
    if "“" in text or "”" in text:
        yield from _quotes(text)
    if "《" in text or "》" in text:
        yield from _book_titles(text)
    if "百分之" in text:
        yield from _percentages(text)
    if "年" in text:
        yield from _years(text)


def _quotes(text: str) -> Iterator[Mark]:
    marks = [(m.start(), m.group()) for m in _QUOTE_MARKS.finditer(text)]
    opened: list[int] = []  # positions of the quotations open, innermost last
    for index, (position, mark) in enumerate(marks):
        if mark == "\n":
            opened = []  # a quotation may run over paragraphs: what is still open is not judged
            continue
        following = marks[index + 1][1] if index + 1 < len(marks) else "\n"
        if mark == "“":
            if opened and following != "”" and _short(text, opened[-1] + 1, position):
                word = text[opened.pop() + 1 : position]
                yield Mark(QUOTE_RULE, position, position + 1, "”", f"引号用错：“{word}”的后引号误作前引号“。")
            else:
                opened.append(position)  # a quotation, or one inside a quotation closed by the ” that follows
        elif mark == "”":
            if opened:
                opened.pop()
            elif following == "”" and _short(text, position + 1, marks[index + 1][0]):
                word = text[position + 1 : marks[index + 1][0]]
                yield Mark(QUOTE_RULE, position, position + 1, "“", f"引号用错：“{word}”的前引号误作后引号”。")
        elif opened and _short(text, opened[-1] + 1, position):
            word = text[opened.pop() + 1 : position]
            yield Mark(QUOTE_RULE, position, position + 1, "”", f'引号用错：“{word}”的后引号写成了半角引号"。')


def _short(text: str, start: int, end: int) -> bool:
    return 0 < end - start <= MAX_QUOTED and _SENTENCE_END.search(text, start, end) is None


def _book_titles(text: str) -> Iterator[Mark]:
    opened: list[int] = []  # titles open, innermost last (a title inside a title is a pair of its own)
    for match in _BOOK_MARKS.finditer(text):
        position = match.start()
        if match.group() == "《":
            opened.append(position)
        elif opened:
            opened.pop()
        else:
            yield Mark(BOOK_RULE, position, position + 1, "", "书名号不成对：这个后书名号》前面没有对应的前书名号《。")
    for position in opened:
        yield Mark(BOOK_RULE, position, position + 1, "", "书名号不成对：这个前书名号《后面没有对应的后书名号》。")


def _percentages(text: str) -> Iterator[Mark]:
    for match in _PERCENT.finditer(text):
        number = match.group("number")
        yield Mark(
            PERCENT_RULE,
            match.start(),
            match.end(),
            f"{number}%",
            f"数字用法：百分数不能汉字和阿拉伯数字混用，应作“{number}%”或全用汉字。",
        )


def _years(text: str) -> Iterator[Mark]:
    # Looks only before each 年 (a few dozen in an article): a regex over the whole text costs ten times more.
    at = text.find("年", 4)
    while at != -1:
        year = text[at - 4 : at]
        if (
            _YEAR_CHARS.issuperset(year)
            and not _NUMERALS.isdisjoint(year)
            and not _WRONG_ZEROS.isdisjoint(year)
            and (at == 4 or text[at - 5] not in _YEAR_CHARS_AND_DIGITS)
        ):
            right = "".join("〇" if c in _WRONG_ZEROS else c for c in year)
            yield Mark(
                YEAR_ZERO_RULE,
                at - 4,
                at,
                right,
                f"数字用法：汉字数字的年份中不能夹阿拉伯数字“0”或字母“O”，零写作“〇”，应作“{right}年”。",
            )
        at = text.find("年", at + 1)
