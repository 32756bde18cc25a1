"""Paired conjunctions whose first half is written with the wrong character.

既……又…… / 既……也…… joins two parallel predicates that repeat their verb: 既要解决当前问题，又要着眼长远.
即 (that is; at once) reads the same (jí / jì differ only in tone) and an input method offers it first, so
即要……又要…… is a common slip of 既. The rule reads the construction itself: 即 followed by a character that
the same sentence repeats after 又, 也 or 还 (即要……又要, 即有……也有), the parallel that only 既 opens.
即使……也, 即便……也 (even if) and 即刻, 即将, 即时, 即日 (at once) are words of their own, never this.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from app.detection.hit import Finding
from app.detection.principles import sentence_bounds

RULE = "correlative_ji"
# The second half within this many characters of the first, in the same sentence.
REACH = 40
# 即 + these is another word (即使 even if, 即将 about to), never the first half of 既……又.
_WORDS_OF_JI = frozenset("使便刻将时日")
_HAN = re.compile("[\u4e00-\u9fff]")


@dataclass(frozen=True, slots=True)
class Correlative:
    """The anchor in the automaton, 即 itself: the rule looks around it."""


class CorrelativeRules:
    """The 既 of 既……又 written 即; its rule index comes from the lexicon's detectors."""

    def __init__(self, rules: dict[str, int]) -> None:
        self._rule = rules.get(RULE)
        self.keys: dict[str, list[object]] = {} if self._rule is None else {"即": [Correlative()]}

    def find(self, text: str, found: list[tuple[int, object]], date: dt.date) -> list[Finding]:
        results: list[Finding] = []
        for end, item in found:
            if item.__class__ is not Correlative:
                continue
            finding = self._ji(text, end - 1)
            if finding is not None:
                results.append(finding)
        return results

    def _ji(self, text: str, start: int) -> Finding | None:
        assert self._rule is not None
        repeated = text[start + 1 : start + 2]
        if not repeated or repeated in _WORDS_OF_JI or not _HAN.match(repeated):
            return None
        _left, right = sentence_bounds(text, start, start + 2)
        after = text[start + 2 : min(right, start + 2 + REACH)]
        partner = re.search(f"[又也还]{re.escape(repeated)}", after)
        if partner is None:
            return None
        second = text[start + 2 + partner.start() : start + 2 + partner.end()]
        message = (
            f"“即{repeated}……{second}……”应作“既{repeated}……{second}……”：连接两个并列成分的关联词是“既……又（也）……”；"
            f"“即”是“就是”“立即”的意思。"
        )
        return Finding(start, start + 2, self._rule, f"既{repeated}", message)
