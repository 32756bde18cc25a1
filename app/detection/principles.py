"""Precision principles: when a span that spells a listed term is nevertheless no error where it stands.

Each principle is a plain function over the (normalised) text and a span [start, end) of it, so that
every layer can ask it: the lexicon terms, the near misses, the leader, meeting and place rules, and
the statistical typo layer. None of them looks further than the sentence around the span.

- is_mention(text, start, end): the term is quoted in a sentence that talks about the wording itself
  (不能写成“X”, “X”属于蔑称, 不得使用“X”, “截止”与“截至”的区别).
- is_historical(text, start, end, since=None): the sentence is about the past: 原X, 时任X, 不再保留X (and
  every item of 不再保留A、X), X并入Y, X改为Y, or (given the date since which the term is wrong) it names only
  earlier years.
- is_whole_word(text, start, end): the span starts and ends on jieba word boundaries.
- splits_words(text, start, end): the span cuts through words (农村长期 holds 村长 across 农村|长期).
- needs_word_check(term): whether a term is a short word or found inside longer words, so that a
  match of it that splits words is no match.
- is_common_word(text): whether a string is itself a word of common prose (jieba's dictionary, built
  from a large corpus), so a near miss equal to it is no slip.
- in_identifier(text, start, end): a Latin term joined by . / _ - @ to letters or digits is part of an
  identifier (a ticker CCGM.PK, an address www.pk.com, a file name pk.zip), not a word of the prose.
- in_person_name(text, start, end): the span lies inside a person's name that its frame marks as one
  (区委书记雷政富, 王正府同志): a given name is chosen, not spelled, and reads like a slip of a word.

The detector applies is_mention to every candidate of every layer (privacy numbers aside), is_historical
to retired and dated entries, leader titles and meetings, and splits_words to short and contained terms.
A layer that proposes its own spans (the statistical typo layer) should ask the same functions.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

from app.detection.names import name_mask
from app.detection.segment import WINDOW, on_word_boundaries, tokenizer

# -- sentences ---------------------------------------------------------------------------------

_SENTENCE_BREAK = re.compile(r"[。！？!?\n；;]")


def sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence around text[start:end], as (left, right) offsets."""
    left = 0
    for match in _SENTENCE_BREAK.finditer(text, max(0, start - 200), start):
        left = match.end()
    found = _SENTENCE_BREAK.search(text, end, end + 200)
    return left, (found.start() if found else min(len(text), end + 200))


# -- mentions ----------------------------------------------------------------------------------

_QUOTES = {"“": "”", "‘": "’", "「": "」", "『": "』", '"': '"', "'": "'"}
# A quoted piece longer than this is a quotation of prose, not of a term.
MAX_QUOTED = 24
# Words that show a sentence is about wording: how to write it, what not to use, what it means.
_METALANGUAGE = re.compile(
    "写成|写作|写为|误写|误作|错写|错为|应为|应作|应写|应当写|应改|改为|改成|更正为|"
    "不能|不得|不应|不宜|不要|不可|禁止|禁用|慎用|避免使用|杜绝|停止使用|不再使用|"
    "属于|蔑称|贬称|歧视|侮辱|区别|区分|辨析|混用|误用|用法|用词|用语|说法|提法|称谓|称呼|"
    "一词|二字|字样|不规范|不准确|错误|错别字|规范写法|正确写法|而非|而不是|代替|取代|替代"
)


def quoted_span(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The inside of the short quotation that holds text[start:end], if any."""
    left = max(0, start - MAX_QUOTED)
    for at in range(start - 1, left - 1, -1):
        char = text[at]
        if char in _QUOTES:
            close = text.find(_QUOTES[char], end, end + MAX_QUOTED + 1)
            if close == -1 or close - at - 1 > MAX_QUOTED:
                return None
            inner = text[at + 1 : close]
            if any(c in inner for c in "“”「」『』\n。"):
                return None
            return at + 1, close
        if char in "”」』。\n":
            return None
    return None


# Right before the opening quote: the sentence says how (not) to write or use the word.
_CUE_BEFORE = re.compile(
    "(?:写成|写作|写为|误写为?|误作|错写为?|错为|应为|应作|应写为?|应当写为?|改为|改成|更正为|"
    "不使用|使用|不用|禁用|慎用|不说|不称|避免|杜绝|出现|而非|而不是|不是|"
    "一词|词语|字样|提法|说法|用语)$"
)
# Weak cues before the quote (与“X”, 把“X”): a mention only if the sentence also talks about wording.
_WEAK_BEFORE = re.compile("(?:与|和|同|或|及|把|将|如|像|例如|比如|、)$")
# Right after the closing quote: what the sentence says about the word.
_CUE_AFTER = re.compile(
    "(?:一词|二字|三字|这个词|这一|的说法|的提法|的写法|的用法|的区别|的差别|的不同|的含义|的意思|的误用|的混用|属于|是|系|为|与|和|同|或|及|应|不|等|一语|"
    "写成|误作|改为|已经|已|均|都|作为)"
)


def is_mention(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] is quoted as a word in a sentence that discusses the word itself.

    不能写成“X”, 不得使用“X”, “X”属于蔑称 and “截止”与“截至”的区别 mention X. A quotation used as part of
    the sentence is no mention: 坚持“X”方针, 不要让“X”审美影响青少年 (the quote runs on into a noun).
    The quotation must be short: a term, not a quoted passage.
    """
    inner = quoted_span(text, start, end)
    if inner is None:
        return False
    open_at, close_at = inner[0] - 1, inner[1]
    after = text[close_at + 1 : close_at + 6]
    cue_after = bool(_CUE_AFTER.match(after))
    if after and _is_han(after[0]) and not cue_after:
        return False  # the quotation runs on into the sentence's own words
    before = text[max(0, open_at - 8) : open_at]
    if _CUE_BEFORE.search(before) or (cue_after and _talks_about_wording(text, start, end)):
        return True
    return bool(_WEAK_BEFORE.search(before)) and _talks_about_wording(text, start, end)


def _is_han(char: str) -> bool:
    return "\u3400" <= char <= "\u9fff"


def _talks_about_wording(text: str, start: int, end: int) -> bool:
    left, right = sentence_bounds(text, start, end)
    return bool(_METALANGUAGE.search(_strip_quotes(text[left:right])))


def _strip_quotes(sentence: str) -> str:
    return re.sub(r"“[^”]*”|「[^」]*」|『[^』]*』|\"[^\"]*\"", "“”", sentence)


# -- history -----------------------------------------------------------------------------------

# Before the term, in its clause: it names a former office holder (时任中共中央政治局常委、国务院总理X).
_FORMER_TITLE = re.compile(r"(?:时任|曾任|历任|原任|前任|先后任|时为)[^，。；！？,;!?\n]{0,24}$")
# Right before the term, with at most a few characters between (原省农业厅, 不再保留县工商局).
_ABOLITION = "撤销|撤并|不再保留|取消"
_FORMER_BEFORE = re.compile(rf"(?:原|旧称|{_ABOLITION})([^，。；！？,;!?\n、“”]{{0,6}})$")
# A list after a verb of abolition: the verb governs each item (不再保留文化部、国家旅游局).
_FORMER_LIST = re.compile(
    rf"(?:{_ABOLITION}|不再设立)(?:[^，。；！？,;!?\n、“”]{{1,16}}、)+(?:[^，。；！？,;!?\n、“”]{{0,6}})$"
)
# Immediately after the term: the sentence tells what became of it.
_FORMER_AFTER = re.compile(
    r"^(?:[^，。；！？]{0,6}?)(?:并入|划入|改为|改名为|更名为|调整为|整合为|整合组建|合并|不再保留|的职责整合|职责划入|划归)"
)
_CN_DIGITS = str.maketrans("〇零一二三四五六七八九", "00123456789")
_YEAR = re.compile(r"((?:19|20)\d{2}|[一二][〇零一二三四五六七八九]{3})(?=年|\s*[-—–~～至到])")
_RANGE = re.compile(r"((?:19|20)\d{2})\s*年?\s*(?:[-—–~～]|至|到)\s*((?:19|20)\d{2})年?")


def _year(value: str) -> int:
    return int(value.translate(_CN_DIGITS))


def sentence_years(text: str, start: int, end: int) -> list[int]:
    """The years the sentence around a span names explicitly (2016年, 二〇一六年, 2013—2017年)."""
    left, right = sentence_bounds(text, start, end)
    return [_year(m.group(1)) for m in _YEAR.finditer(text, left, right)]


def is_former_form(text: str, start: int) -> bool:
    """Whether the words before start mark what follows as former (原, 时任…、, 不再保留)."""
    if _FORMER_TITLE.search(text, max(0, start - 30), start):
        return True
    match = _FORMER_BEFORE.search(text, max(0, start - 10), start)
    if match is None:
        return _FORMER_LIST.search(text, max(0, start - 80), start) is not None
    if match.group(0).startswith("原"):
        # 平原县, 原则上: 原 is part of another word, not "former".
        return _standalone(text, match.start(), match.start() + 1)
    return True


def _standalone(text: str, start: int, end: int) -> bool:
    return on_word_boundaries(text, start, end)


def is_historical(text: str, start: int, end: int, since: dt.date | None = None) -> bool:
    """Whether text[start:end] names something of the past, correctly for the time it speaks of.

    True for 原X, 时任X, 不再保留X, 撤销X, X并入Y, X改为Y, X更名为Y; and, when since (the date from
    which the term is wrong) is given, for a sentence whose explicit years, or date ranges, all fall
    before since's year.
    """
    if is_former_form(text, start):
        return True
    after = text[end : end + 24]
    if _FORMER_AFTER.match(after):
        return True
    if since is not None:
        years = sentence_years(text, start, end)
        if years and max(years) < since.year:
            return True
    return False


_JOINERS = frozenset("./_-@:#")


def in_identifier(text: str, start: int, end: int) -> bool:
    """Whether a Latin term is part of an identifier: joined by a punctuation mark of addresses, codes and
    file names to a letter or digit on either side (CCGM.PK, www.pk.com, pk.zip)."""
    if not text[start:end].isascii():
        return False
    before, after = text[max(0, start - 2) : start], text[end : end + 2]
    joined_before = len(before) == 2 and before[1] in _JOINERS and before[0].isascii() and before[0].isalnum()
    joined_after = len(after) == 2 and after[0] in _JOINERS and after[1].isascii() and after[1].isalnum()
    return joined_before or joined_after


def in_person_name(text: str, start: int, end: int) -> bool:
    """Whether a framed person's name (a title after it, a role before it, or an enumeration such a name
    opens) covers all of text[start:end]. Judged in its sentence, which holds the frame."""
    left, right = sentence_bounds(text, start, end)
    return bool(name_mask(text[left:right])[start - left : end - left].all())


# -- word boundaries ---------------------------------------------------------------------------


def is_whole_word(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] starts and ends on jieba word boundaries (not 农村|长期 for 村长)."""
    return on_word_boundaries(text, start, end)


def splits_words(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] cuts through jieba words: a word overlaps it without containing it or lying in it.

    农村长期 holds 村长 across 农村|长期: the span splits both words. A word that contains the whole span
    (省农业厅 for 农业厅, 支那人 for 支那) does not split it: the term is really there.
    """
    left = max(0, start - WINDOW)
    window = text[left : end + WINDOW]
    s, e = start - left, end - left
    for _word, a, b in tokenizer().tokenize(window, HMM=False):
        if b <= s or a >= e:
            continue
        inside = s <= a and b <= e
        contains = a <= s and e <= b
        if not (inside or contains):
            return True
    return False


# Terms this short always need a check of their word boundaries.
SHORT_TERM = 2


def needs_word_check(term: str) -> bool:
    """Whether a term's matches must not split words: short dictionary words, or terms found inside longer words.

    A misspelling that is no word (元霄, 通谍) cannot be split out of real words by chance, and jieba
    segments it unpredictably: it needs no check.
    """
    if len(term) <= SHORT_TERM:
        return len(term) == 1 or is_common_word(term)
    return contained_in_words(term)


@lru_cache(maxsize=2)
def _longer_words(longer_than: int) -> str:
    """Every dictionary word longer than longer_than characters, joined by a separator: one substring
    search over it tells whether any of them contains a term."""
    freq = tokenizer().FREQ
    return "|".join(word for word, count in freq.items() if count and len(word) > longer_than)


def contained_in_words(term: str) -> bool:
    """Whether a longer word of the dictionary (a proper name, a compound) contains the term."""
    if len(term) > 4:
        return False
    if len(term) <= SHORT_TERM:
        return True
    return term in _longer_words(len(term))


# -- common words ------------------------------------------------------------------------------


def is_common_word(text: str) -> bool:
    """Whether a string is a word of jieba's dictionary (frequencies counted on a large corpus of prose)."""
    return bool(tokenizer().FREQ.get(text))


__all__ = [
    "is_common_word",
    "is_former_form",
    "is_historical",
    "is_mention",
    "is_whole_word",
    "needs_word_check",
    "sentence_years",
    "splits_words",
]
