"""Find slips no list names: where a confusable character makes the local n-grams far more probable.

1. Every n-gram of the text is looked up at once (vectorised hash probes), giving each position the
   stupid-backoff log-probability of its character under the model.
2. A position is suspicious only where a trigram covering it was never seen in official prose.
3. Its confusable characters are proposed only where the trigram they make with their neighbours was seen.
4. Each surviving candidate is scored by the change in log-probability of the characters it influences,
   plus the prior of its kind of slip and a bonus for completing a dictionary word; one per slip is kept.
No step loops over the characters of the text in Python."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

import numpy as np

from app.detection.names import name_mask
from app.detection.typo.confusion import KIND_LABELS, KINDS, ConfusionTable, HomophoneWords
from app.detection.typo.model import (
    BITS,
    BOUNDARY,
    ORDER,
    RESERVED,
    TAG_SHIFT,
    WORD_TAG,
    ModelError,
    NgramModel,
    pack,
    pack_windows,
)

# Stupid backoff's penalty per order backed off. Chosen on the development curve (bench/typo_dev.py): at equal
# hits in unseen prose, 0.1 finds more slips than the customary 0.4 (strict F1 0.862 against 0.852 near 16 per
# 100,000 characters, 0.634 against 0.586 near 1): an n-gram official prose never wrote is stronger evidence
# in a corpus of 50 million characters of one register than in the web text the 0.4 was chosen for.
ALPHA = np.log(0.1)
HALF = ORDER - 1  # characters of context on each side of a candidate
MIN_CANDIDATE_COUNT = 20  # a character seen fewer times is never proposed as the correction
WORD_WEIGHT = 0.3
MAX_CANDIDATES = 128  # per character: the likeliest confusions by kind, then by frequency
MIN_UNSEEN = 2
CALIBRATION_SLOPE, CALIBRATION_INTERCEPT = 0.268, -4.134  # bench/typo_dev.py --calibrate 17
PAIR_PRIOR = -4.0  # two characters changed at once: rarer than one
SWAP_PRIOR = -6.0  # the same characters either way: the context alone must decide, and decisively
REAL_WORD_PAIR_PENALTY = 8.0
DECODING_ROUNDS = 3
SEED_SLACK = 4.0  # a first-round finding this far below the threshold seeds the decoding (_confirmed)
NEIGHBOURHOOD = 3  # characters on each side of a chosen correction judged again in the next round

# Province-level abbreviations: 驻港, 在沪召开, 京字号 — a frame the model has seen too rarely to trust
_ABBREVIATIONS = set("京津沪渝冀晋辽吉黑苏浙皖闽赣鲁豫鄂湘粤琼川蜀黔贵云滇陕秦甘陇青宁新港澳台藏桂蒙")
_NUMERALS = set("一二三四五六七八九十两百千万")
# One-character country names beside 中 (中加两国, 中芬合作, 美中关系): abbreviations in a set frame,
_COUNTRIES = set(
    "美英法德俄日韩朝加澳新印巴意西葡荷比瑞挪芬丹希土埃伊沙越老柬泰缅菲马蒙古墨智秘阿南非以约叙苏捷匈波罗保塞克斯爱黎"
    "喀坦肯赞津莫纳乌哈吉塔孟卡科也奥冰卢白格斐汤萨委哥玻厄尼"  # 中喀建交, 中坦, 中乌, 中哈, 中孟, 中委……
)
# Continents listed beside them in an order the writer chooses (美欧日, 亚欧, 中非).
_CONTINENTS = set("欧亚非拉")
# ... and in the frames of travel and of sides: 访美, 赴爱投资, 驻日使馆, 爱方表示.
_COUNTRY_BEFORE = set("中赴访驻抵离")
_COUNTRY_AFTER = set("中方")
# Sets whose members stand in for each other by choice, never by a slip: one for another of the same set is
# never judged. Grammatical alternatives: one function word for another (或／和, 及／与) is a choice of style.
# Choices of a fact outside any window the model reads: third-person pronouns share one reading and differ in
# their referent (她 for a woman named sentences earlier); the levels of a division differ in the place
# (代县长 is not 代省长 misspelt).
_INTERCHANGEABLE = ("或和与及跟同并且而以之其的地得了着过也又都就才把被将从向对于在为", "他她它祂", "省市县区乡镇村")
# The characters Xinhua's transliteration tables use most for foreign names (《世界人名翻译大辞典》): a run of
# four or more of them is a name (恰哈尔马哈勒, 梅金斯基) whose characters the corpus has rarely seen together.
_TRANSLITERATION = set(
    "阿埃艾爱安昂奥巴拜班邦贝本比彼毕波伯博布查达戴丹道德迪蒂丁东杜多厄恩法菲费芬弗福伏盖甘冈戈格贡古圭哈海汉豪"
    "赫亨洪胡华霍基吉加贾杰捷金卡凯坎康柯科克肯库奎拉莱兰朗劳勒雷里利莉列林琳留卢鲁伦罗洛玛马迈麦曼梅门蒙米密明"
    "姆穆纳娜奈南内尼妮努诺欧帕佩彭皮珀普奇齐契乔切琴丘萨塞桑瑟森沙莎尚舍什施斯松苏索塔泰坦汤特提图托瓦万旺威韦"
    "维温沃乌西希夏谢辛休雅亚扬耶伊因英尤约扎泽詹兹卓佐尔夫丽娃"
)
TRANSLITERATION_RUN = 4
PRODUCTIVE = 3  # fillers official prose writes in one slot of a construction that make it a pattern
RECURRENCE_MIN_TEXT = 200  # a document, not a sentence
_QUOTES = (("“", "”"), ("「", "」"), ("‘", "’"), ('"', '"'))


@dataclass(frozen=True, slots=True)
class TypoFinding:
    start: int
    end: int
    wrong: str
    right: str
    kind: str
    gain: float
    confidence: float

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]


@dataclass(frozen=True)
class OperatingPoint:
    name: str
    margin: float  # minimum gain (natural log) for a finding


PROFILES = {
    "draft": OperatingPoint("draft", 17.0),
    "inspection": OperatingPoint("inspection", 28.0),
}


class TypoLayer:
    def __init__(self, model: NgramModel, confusions: ConfusionTable, homophones: HomophoneWords | None = None) -> None:
        self.model = model
        self.confusions = confusions
        self.homophones = homophones
        size = len(model.unigram)
        self._is_han = np.zeros(size, dtype=bool)
        for index, char in enumerate(model.vocab.chars):
            self._is_han[RESERVED + index] = "\u4e00" <= char <= "\u9fff"
        self._skip_ids = self._mask(model, _ABBREVIATIONS)
        self._numeral = self._mask(model, _NUMERALS)
        self._country = self._mask(model, _COUNTRIES)
        self._listed = self._mask(model, _COUNTRIES | _CONTINENTS)
        self._transliteration = self._mask(model, _TRANSLITERATION)
        self._separator = self._mask(model, set("、，；"))  # ASCII punctuation is outside the vocabulary
        self._choice = np.zeros(size, dtype=np.int8)  # 1 + the index of a character's set in _INTERCHANGEABLE
        for number, choices in enumerate(_INTERCHANGEABLE, start=1):
            self._choice[self._mask(model, set(choices))] = number
        self._country_before = self._mask(model, _COUNTRY_BEFORE)
        self._country_after = self._mask(model, _COUNTRY_AFTER)
        self._log_total = float(np.log(model.total))
        # A slip usually leaves every trigram through it unseen; a rare but correct junction leaves one.
        self.min_unseen = MIN_UNSEEN
        self.seed_slack = SEED_SLACK

    @staticmethod
    def _mask(model: NgramModel, chars: set[str]) -> np.ndarray:
        mask = np.zeros(len(model.unigram), dtype=bool)
        for char in chars:
            ident = model.vocab.id(char)
            if ident >= RESERVED:
                mask[ident] = True
        return mask

    @classmethod
    def load(cls, directory: Path, cache_dir: Path | None = None) -> TypoLayer:
        model = NgramModel.load(directory / "ngrams.npz", cache_dir)
        path = directory / "confusion.tsv"
        if not path.is_file():
            raise ModelError(
                f"找不到混淆字集 {path.name}：请用 `cuomin model build` 生成（见 lexicons/data/typo/SOURCES.md）"
            )
        homophones = HomophoneWords.load(directory / "homophones.tsv", model.vocab, model.cache)
        return cls(
            model,
            ConfusionTable.load(
                path, model.vocab, model.unigram, model.cache, min_count=MIN_CANDIDATE_COUNT, limit=MAX_CANDIDATES
            ),
            homophones,
        )

    def attested(self, text: str, position: int) -> bool:
        """Whether every trigram of text through position was seen in official prose."""
        ids = self.model.vocab.encode(text)
        first, last = max(0, position - 2), min(position, len(ids) - 3)
        if last < first:
            return False
        keys = pack(ids, 3)[first : last + 1]
        return bool(np.isfinite(self.model.log_counts(keys)).all())

    # -- scoring --

    def _trigrams(self, seq: np.ndarray, seen: np.ndarray | None = None) -> np.ndarray:
        """ln count of the trigram starting at each column of each row of ids (rows, width - 2), -inf where
        unseen; a trigram is probed only where both its bigrams were seen (`seen`, if known), if the model
        allows it."""
        counts = np.full((seq.shape[0], seq.shape[1] - 2), -np.inf, dtype=np.float32)
        if self.model.closed:
            if seen is None:
                seen = self.model.bigram_seen(seq[:, :-1], seq[:, 1:])
            probe = seen[:, :-1] & seen[:, 1:]
        else:
            probe = np.ones(counts.shape, dtype=bool)
        counts[probe] = self.model.log_counts(pack_windows(seq, 0, 3, counts.shape[1])[probe])
        return counts

    def _evidence(self, windows: np.ndarray, trigrams: np.ndarray) -> _Evidence:
        """For each row of ids (rows share a length; the candidate's column is HALF), given the counts of its
        trigrams: the stupid-backoff ln P of each of its characters from the candidate on, the ln frequency of
        the most frequent dictionary word (2–4 characters) covering the candidate, and the length of the
        longest such word (0 where none); and the ln frequency of each word span (_word_spans). The 4-grams and
        the words are looked up together, in one probe."""
        width = windows.shape[1]
        quads = pack_windows(windows, 0, 4, width - 3)
        if self.model.closed:
            known = np.isfinite(trigrams)
            probe = known[:, :-1] & known[:, 1:]
        else:
            probe = np.ones(quads.shape, dtype=bool)
        spans = _word_spans(width)
        heads, tails = spans.heads, spans.heads + spans.lengths - 2
        first = windows[:, heads]
        words = self.model.may_be_word((first, windows[:, heads + 1]), (windows[:, tails], windows[:, tails + 1]))
        # leading BOUNDARY ids add nothing to a key: such a span is looked up as the shorter word after them
        words |= first == BOUNDARY
        found = self.model.log_counts(np.concatenate([quads[probe], spans.keys(windows)[words]]))
        split = int(probe.sum())
        four = np.full(quads.shape, -np.inf, dtype=np.float32)
        four[probe] = found[:split]
        word = np.full(words.shape, -np.inf, dtype=np.float32)
        word[words] = found[split:]
        lp = self._backoff(windows, self.model.bigram_log_counts(windows[:, :-1], windows[:, 1:]), trigrams, four)
        present = np.isfinite(word)
        best = np.where(present, word, 0.0).max(axis=1)
        longest = np.where(present, spans.lengths[None, :], 0).max(axis=1)
        return _Evidence(lp, best.astype(np.float32), longest, word)

    def _backoff(self, windows: np.ndarray, *counts: np.ndarray) -> np.ndarray:
        """Stupid-backoff ln P of each character of each row from column ORDER - 1 on, given the ln counts of
        the bigrams, trigrams and 4-grams of the rows (each n-gram predicts the character it ends at)."""
        width = windows.shape[1]
        first = ORDER - 1  # the leading characters are context only
        counts = (self.model.unigram[windows], *counts)  # counts[k - 1]: k-grams ending at columns k - 1 …
        unseen = np.float32(np.log(0.5) - self._log_total + (ORDER - 1) * ALPHA)
        result = np.full((len(windows), width - first), unseen, dtype=np.float32)
        # lowest order first: the highest usable order is the last written
        for order in range(1, ORDER + 1):
            num = counts[order - 1][:, first - order + 1 :]
            if order == 1:
                usable = np.isfinite(num)
                ratio = num - np.float32(self._log_total)
            else:
                den = counts[order - 2][:, first - order + 1 : width - order + 1]
                usable = np.isfinite(num) & np.isfinite(den)
                with np.errstate(invalid="ignore"):
                    ratio = num - den
            result = np.where(usable, ratio + (ORDER - order) * ALPHA, result)
        return result.astype(np.float32)

    def find(self, text: str, profile: str = "draft", margin: float | None = None) -> list[TypoFinding]:
        if not text:
            return []
        point = PROFILES[profile]
        threshold = point.margin if margin is None else margin
        ids = self.model.vocab.encode(text)
        if len(ids) < 3:
            return []
        # A whole two-character word rests on the word lists and the n-gram context alone, and a correct word
        # the corpus never saw (晚会献唱 → 现场) looks the same: an editor may weigh it, a stored finding may not.
        words = profile == "draft"
        unnamed = ~name_mask(text)
        chosen = _one_per_slip(self._round(ids, unnamed, threshold - self.seed_slack, words))
        seeded = any(f[0] < threshold for f in chosen)
        # A second slip beside the first spoils the context the first was judged in (and the gate of its
        # own candidates). Judged again with the chosen corrections in place, a real neighbour still stands
        # out while a phantom made only by the first slip falls away.
        for _ in range(DECODING_ROUNDS - 1):
            if not chosen:
                break
            fixed = self._corrected(ids, chosen)
            taken = np.zeros(len(ids), dtype=bool)
            for _gain, start, end, _right, _kind in chosen:
                taken[start:end] = True
            near = np.zeros(len(ids), dtype=bool)
            for _gain, start, end, _right, _kind in chosen:
                near[max(0, start - NEIGHBOURHOOD) : end + NEIGHBOURHOOD] = True
            more = _one_per_slip(
                [
                    f
                    for f in self._round(fixed, near & ~taken & unnamed, threshold, words)
                    if not taken[f[1] : f[2]].any()
                ]
            )
            if not more:
                break
            chosen = sorted(chosen + more, key=lambda f: f[1])
        if seeded:
            chosen = self._confirmed(ids, chosen, unnamed, threshold, words)
        findings = [
            TypoFinding(start, end, text[start:end], right, kind, gain, confidence(gain))
            for gain, start, end, right, kind in chosen
        ]
        return [f for f in findings if not (_quoted_and_recurring(text, f.start, f.end) or self._recurring(text, f))]

    def _corrected(self, ids: np.ndarray, findings: list[tuple[float, int, int, str, str]]) -> np.ndarray:
        """The ids with each finding's correction in place."""
        fixed = ids.copy()
        for _gain, start, end, right, _kind in findings:
            fixed[start:end] = self.model.vocab.encode(right)
        return fixed

    def _confirmed(
        self,
        ids: np.ndarray,
        chosen: list[tuple[float, int, int, str, str]],
        unnamed: np.ndarray,
        threshold: float,
        words: bool,
    ) -> list[tuple[float, int, int, str, str]]:
        """Two slips side by side (保账休系) spoil each other's context: neither may reach the threshold
        alone, though each does once the other is corrected. A finding below the threshold was a seed: it
        stands only if, judged again with every other finding's correction in place, it reaches it."""
        kept = []
        for item in chosen:
            gain, start, end, right, _kind = item
            if gain >= threshold:
                kept.append(item)
                continue
            # with no other correction close enough to change its context, it would be judged as before
            if not any(o[1] != start and o[1] - NEIGHBOURHOOD <= end and start <= o[2] + NEIGHBOURHOOD for o in chosen):
                continue
            fixed = self._corrected(ids, [other for other in chosen if other[1] != start])
            here = np.zeros(len(ids), dtype=bool)
            here[start:end] = True
            again = [
                f
                for f in self._round(fixed, here & unnamed, threshold, words)
                if (f[1], f[2], f[3]) == (start, end, right)
            ]
            kept += again
        return kept

    def _recurring(self, text: str, finding: TypoFinding) -> bool:
        """The same unusual characters written again in the document (万笛 … 万笛) are the author's own
        name or term: a slip of the hand does not repeat itself. Judged on a bigram through the flagged
        character that official prose never writes, found twice; only in a document, not a sentence."""
        if len(text) < RECURRENCE_MIN_TEXT:
            return False
        start, end = finding.start, finding.end
        for a, b in [(start, end)] if end - start == 2 else [(start - 1, end), (start, end + 1)]:
            if a < 0 or b > len(text):
                continue
            ids = self.model.vocab.encode(text[a:b])
            if not self._is_han[ids].all() or self.model.bigram_seen(ids[:1], ids[1:])[0]:
                continue
            if text.count(text[a:b]) >= 2:
                return True
        return False

    def _round(
        self, ids: np.ndarray, within: np.ndarray | None, threshold: float, words: bool
    ) -> list[tuple[float, int, int, str, str]]:
        """Every finding above the threshold at the suspicious positions (only those in `within`, if given)."""
        length = len(ids)
        padded = np.concatenate([np.full(HALF, BOUNDARY), ids, np.full(HALF, BOUNDARY)])
        # trigram counts of the text, each covering three positions
        written = self.model.bigram_seen(padded[:-1], padded[1:])  # written[s]: padded[s:s+2] was seen
        tri = self._trigrams(padded[None, :], written[None, :])[0]  # tri[s] covers padded[s:s+3]
        unseen = ~np.isfinite(tri)
        # position p (padded index p+HALF) is covered by trigrams starting at p+HALF-2 .. p+HALF
        base = np.arange(length) + HALF
        covering_unseen = unseen[base - 2].astype(np.int8) + unseen[base - 1] + unseen[base]
        candidates = (covering_unseen >= self.min_unseen) & self._is_han[ids] & ~self._skip_ids[ids]
        if within is not None:
            candidates &= within
        positions = np.flatnonzero(candidates)
        if not len(positions):
            return []
        framed = (
            self._before_formula(ids, positions)
            | self._country_frame(ids, positions)
            | self._enumerated(ids, positions)
            | self._transliterated(ids, positions)
        )
        positions = positions[~framed]
        # A numbered formula, a parallel slogan or a doubled character is written on purpose: the model cannot
        # judge what it holds. Unless the correction makes the construction one official prose writes (四梁八柱,
        # 举一反三, 自始至终, 安全生产): then the written one is a slip of it.
        reach = self._construction(ids, positions)
        constructed = reach[0] < reach[1]
        singles = self._singles(padded, tri, written, ids, positions, reach)
        pairs = self._pairs(padded, tri, ids, positions[~constructed], covering_unseen) if words else None
        batches = [batch for batch in (singles, pairs) if batch is not None]
        if not batches:
            return []
        # the windows of both kinds are scored in one go: one probe of their 4-grams and words
        scored = self._score([batch.windows for batch in batches])
        found = self._single_findings(singles, scored[0], threshold) if singles is not None else []
        if pairs is not None:
            found += self._pair_findings(pairs, scored[-1], threshold)
        return found

    def _score(self, batches: list[_Windows]) -> list[tuple[_Evidence, _Evidence]]:
        """The evidence of the written windows and of the corrected ones of each batch, in one call."""
        parts = [(batch.originals, batch.was) for batch in batches] + [(b.windows, b.now) for b in batches]
        evidence = self._evidence(np.concatenate([w for w, _ in parts]), np.concatenate([t for _, t in parts]))
        bounds = np.cumsum([0] + [len(w) for w, _ in parts])
        pieces = [_Evidence(*(field[a:b] for field in evidence)) for a, b in itertools.pairwise(bounds)]
        return list(zip(pieces[: len(batches)], pieces[len(batches) :], strict=True))

    def _singles(
        self,
        padded: np.ndarray,
        tri: np.ndarray,
        written: np.ndarray,
        ids: np.ndarray,
        positions: np.ndarray,
        reach: tuple[np.ndarray, np.ndarray],
    ) -> _Singles | None:
        """The one-character substitutions at the positions that pass the gate, with their windows; inside a
        construction (reach: its first and last offset from the position) only a correction that makes a
        four-character sequence through the whole construction that official prose has seen."""
        # Every test below keeps or drops a candidate on its own (or all of a position's), so the cheapest
        # come first and the rest meet only the survivors. Candidates are rows of the confusion table
        # (`index`) owned by a position (`owner`, its slot in positions) until the end.
        owner, index = self.confusions.expand_index(positions, ids)
        cand = self.confusions.cand[index]
        p = positions + HALF
        # gate: the candidate must make a trigram with its neighbours that official prose has seen (any of
        # the three through it: a neighbour may be a slip too, or the right trigram rare). The bigrams
        # inside each trigram are checked first, by plain indexing, to spare most hash probes.
        left = self.model.bigram_seen(padded[p - 1][owner], cand)
        right = self.model.bigram_seen(cand, padded[p + 1][owner])
        choice = self._choice[ids[positions]][owner]  # the set of the written character, if any
        chosen = (choice > 0) & (choice == self._choice[cand])
        rows = np.flatnonzero((left | right) & ~chosen)
        owner, index, cand, left, right = owner[rows], index[rows], cand[rows], left[rows], right[rows]
        first, last = reach
        if (first < last).any():
            keep = first[owner] == last[owner]
            rest = np.flatnonzero(~keep)
            if len(rest):
                at = owner[rest]
                keep[rest] = self._seen_four(padded, positions[at], cand[rest], first[at], last[at])
                for slot in np.unique(at[keep[rest]]):
                    if self._productive(padded, int(positions[slot]), int(first[slot]), int(last[slot])):
                        keep[owner == slot] = False
            rows = np.flatnonzero(keep)
            owner, index, cand, left, right = owner[rows], index[rows], cand[rows], left[rows], right[rows]
        pos = positions[owner]
        through = self._through(padded, written, pos, cand, left, right)
        rows = np.flatnonzero(np.isfinite(through).any(axis=1))
        if not len(rows):
            return None
        pos, cand, index, through = pos[rows], cand[rows], index[rows], through[rows]
        # Many candidates share a position: its written window is scored once. A window holds one character
        # more than a substitution influences (the width of a pair's): it is never scored.
        where, inverse = np.unique(pos, return_inverse=True)
        originals = np.full((len(where), _WIDTH), BOUNDARY, dtype=padded.dtype)
        originals[:, :-1] = padded[where[:, None] + np.arange(_WIDTH - 1)]
        windows = originals[inverse]
        windows[:, HALF] = cand
        # the trigrams of a window that do not hold the candidate are the written ones (tri[s] starts at
        # padded[s], as the window does), those that do the gate has probed
        was = np.full((len(where), _WIDTH - 2), -np.inf, dtype=np.float32)
        was[:, :-1] = tri[where[:, None] + np.arange(_WIDTH - 3)]
        now = was[inverse]
        now[:, 1 : HALF + 1] = through if self.model.closed else self._trigrams(windows)[:, 1 : HALF + 1]
        kind = self.confusions.kind[index]
        return _Singles(_Windows(originals, was, windows, now), inverse, pos, cand, self.confusions.prior[index], kind)

    def _single_findings(
        self, singles: _Singles, scored: tuple[_Evidence, _Evidence], threshold: float
    ) -> list[tuple[float, int, int, str, str]]:
        """(gain, start, end, right, kind) of the best one-character substitution at each position."""
        gains = self._gains(singles.inverse, *scored) + singles.prior
        order = np.lexsort((-gains, singles.pos))
        pos, cand, gains, kind = singles.pos[order], singles.cand[order], gains[order], singles.kind[order]
        first = np.concatenate([[True], pos[1:] != pos[:-1]]) & (gains >= threshold)
        char = self.model.vocab.char
        return [
            (float(g), int(s), int(s) + 1, char(int(c)), KINDS[int(k)])
            for g, s, c, k in zip(gains[first], pos[first], cand[first], kind[first], strict=True)
        ]

    def _through(
        self,
        padded: np.ndarray,
        written: np.ndarray,
        pos: np.ndarray,
        cand: np.ndarray,
        left: np.ndarray,
        right: np.ndarray,
    ) -> np.ndarray:
        """ln counts of the three trigrams through each candidate, -inf for one whose bigram through the
        candidate (left, right: seen) is unseen: the gate does not count it. Where the model allows, a trigram
        is probed only if its written bigram (`written`, by start in padded) was seen too: the counts are then
        exact."""
        p = pos + HALF
        l2, l1, r1, r2 = padded[p - 2], padded[p - 1], padded[p + 1], padded[p + 2]
        masks = [left, left & right, right]
        if self.model.closed:
            masks[0], masks[2] = left & written[p - 2], right & written[p + 1]
        rows = [np.flatnonzero(mask) for mask in masks]
        groups = ((l2, l1, cand), (l1, cand, r1), (cand, r1, r2))
        # the three groups' trigrams as the columns of one table, looked up at once
        trigrams = np.stack([np.concatenate([g[k][r] for g, r in zip(groups, rows, strict=True)]) for k in range(3)])
        found = self.model.log_counts(pack_rows(trigrams.T))
        through = np.full((len(pos), 3), -np.inf, dtype=np.float32)
        bounds = np.cumsum([0] + [len(r) for r in rows])
        for slot, r in enumerate(rows):
            through[r, slot] = found[bounds[slot] : bounds[slot + 1]]
        return through

    def _seen_four(
        self, padded: np.ndarray, pos: np.ndarray, cand: np.ndarray, first: np.ndarray, last: np.ndarray
    ) -> np.ndarray:
        """Whether the candidate makes, with its neighbours, a four-character sequence official prose has seen
        that covers the offsets first…last around it."""
        windows = padded[pos[:, None] + np.arange(2 * HALF + 1)]
        windows[:, HALF] = cand
        # every four-character sequence through the candidate that covers the construction, in one probe
        starts = range(-3, 1)
        rows = [np.flatnonzero((start <= first) & (start + 3 >= last)) for start in starts]
        quads = np.concatenate([windows[r, HALF + s : HALF + s + 4] for s, r in zip(starts, rows, strict=True)])
        seen = np.zeros(len(pos), dtype=bool)
        seen[np.concatenate(rows)[self._seen_quads(quads)]] = True
        return seen

    def _productive(self, padded: np.ndarray, position: int, first: int, last: int) -> bool:
        """Whether official prose fills the slot of this construction with several characters (一户一策, 一企一策,
        一校一策…): a productive pattern, where the written filler is another variant, not a slip of one."""
        p = position + HALF
        fillers = np.arange(RESERVED, len(self.model.unigram))
        for start in range(max(-3, last - 3), min(0, first) + 1):
            columns = [fillers if start + k == 0 else np.full(len(fillers), padded[p + start + k]) for k in range(4)]
            if self._seen_quads(np.stack(columns, axis=1)).sum() >= PRODUCTIVE:
                return True
        return False

    def _seen_quads(self, quads: np.ndarray) -> np.ndarray:
        """Whether each row of four ids is a 4-gram official prose has seen; probed only where its three
        bigrams were seen, if the model allows it."""
        seen = np.zeros(len(quads), dtype=bool)
        if self.model.closed:
            pairs = self.model.bigram_seen(quads[:, :-1], quads[:, 1:])
            rows = np.flatnonzero(pairs.all(axis=1))
        else:
            rows = np.arange(len(quads))
        seen[rows] = np.isfinite(self.model.log_counts(pack_rows(quads[rows])))
        return seen

    def _pairs(
        self,
        padded: np.ndarray,
        tri: np.ndarray,
        ids: np.ndarray,
        positions: np.ndarray,
        covering_unseen: np.ndarray,
    ) -> _Pairs | None:
        """Whole-word homophone slips (温补→稳步, 毛衣港→贸易港): two neighbouring suspicious characters whose
        reading is that of a dictionary word differing in both. The candidates that pass the gate, with their
        windows."""
        if self.homophones is None or len(positions) < 2:
            return None
        starts = positions[:-1][np.diff(positions) == 1]
        starts = starts[(covering_unseen[starts] >= 2) & (covering_unseen[starts + 1] >= 2)]
        rows = [
            (int(i), a, b, "same") for i in starts for a, b in self.homophones.candidates(int(ids[i]), int(ids[i + 1]))
        ]
        # Two characters typed in the wrong order (家户喻晓, 民事讼诉法, 基础施设): the same pair, swapped.
        rows += [(int(i), int(ids[i + 1]), int(ids[i]), "swap") for i in starts if ids[i] != ids[i + 1]]
        if not rows:
            return None
        pos = np.array([r[0] for r in rows])
        first = np.array([r[1] for r in rows])
        second = np.array([r[2] for r in rows])
        kinds = np.array([r[3] for r in rows])
        cols = np.arange(_WIDTH)
        originals = padded[pos[:, None] + cols[None, :]]
        windows = originals.copy()
        windows[:, HALF] = first
        windows[:, HALF + 1] = second
        # every trigram through the pair; the two that hold it whole are the gate
        through = self._trigrams(windows[:, 1:-1])
        seen = np.isfinite(through[:, 1:3]).any(axis=1)
        # Two characters changed at once need context that holds both: official prose must have written the
        # homophone word with two characters around it (稳步下降, 自由贸易港), not only beside one neighbour,
        # which a piece of a longer word supplies (各式竹艺 → 各式主义, from 形式主义). A swap meets its own
        # test: it must make a dictionary word.
        homophones = np.flatnonzero(seen & (kinds == "same"))
        if len(homophones):
            # the three 4-grams holding the pair, of every candidate, in one probe
            quads = np.concatenate([windows[homophones, start : start + 4] for start in (HALF - 2, HALF - 1, HALF)])
            seen[homophones] = self._seen_quads(quads).reshape(3, -1).any(axis=0)
        pos, first, second, kinds = pos[seen], first[seen], second[seen], kinds[seen]
        originals, windows = originals[seen], windows[seen]
        if not len(pos):
            return None
        was = tri[pos[:, None] + cols[None, :-2]]
        now = was.copy()
        now[:, 1:-1] = through[seen]
        return _Pairs(_Windows(originals, was, windows, now), pos, first, second, kinds)

    def _pair_findings(
        self, pairs: _Pairs, scored: tuple[_Evidence, _Evidence], threshold: float
    ) -> list[tuple[float, int, int, str, str]]:
        """Pairs whose gain reaches the threshold; one real word for another (毛衣→贸易) pays a penalty, and a
        swap must make a word of the pair."""
        was, now = scored
        prior = np.where(pairs.kinds == "swap", SWAP_PRIOR, PAIR_PRIOR)
        gains = (now.logprob.sum(axis=1) - was.logprob.sum(axis=1)) + WORD_WEIGHT * (now.word - was.word) + prior
        # a pair that is itself a word (实时, 解说) is a real-word slip only where the context is decisive
        written = np.isfinite(was.spans[:, _word_spans(_WIDTH).index(2, HALF)])
        gains[written] -= REAL_WORD_PAIR_PENALTY
        # inside an intact word of three or more characters (名声大噪), as for one character
        gains[_breaks_longer_word(was.longest, was.word, now)] = -np.inf
        swap = np.flatnonzero(pairs.kinds == "swap")
        if len(swap):
            made = self._swap_makes_word(pairs.windows.windows[swap], now.spans[swap])
            gains[swap[~made | written[swap]]] = -np.inf
        char = self.model.vocab.char
        return [
            (float(g), int(s), int(s) + 2, char(int(a)) + char(int(b)), str(k))
            for g, s, a, b, k in zip(gains, pairs.pos, pairs.first, pairs.second, pairs.kinds, strict=True)
            if g >= threshold
        ]

    def _swap_makes_word(self, windows: np.ndarray, spans: np.ndarray) -> np.ndarray:
        """Whether the swapped pair (columns HALF, HALF+1) becomes part of a dictionary word of two to four
        characters that holds both (诉讼 of 讼诉, 家喻户晓 of 家户喻晓): an order typed wrong is an order a
        word fixes. A pair of country names (美欧, 中美) is listed in the order the writer chose. spans: the
        windows' word evidence at each span of _word_spans(_WIDTH)."""
        layout = _word_spans(_WIDTH)
        holding = layout.heads + layout.lengths >= HALF + 2
        made = np.isfinite(spans[:, holding]).any(axis=1)
        countries = self._listed[windows[:, HALF]] & self._listed[windows[:, HALF + 1]]
        return made & ~countries  # type: ignore[no-any-return]

    @staticmethod
    def _gains(inverse: np.ndarray, was: _Evidence, now: _Evidence) -> np.ndarray:
        """Change in log-probability of the characters a candidate influences (its own and the HALF after it;
        inverse: the written window of each candidate), plus the word evidence; -inf for one that breaks a
        longer word (_breaks_longer_word)."""
        influenced = slice(0, HALF + 1)
        lp_was = np.ascontiguousarray(was.logprob[:, influenced]).sum(axis=1)[inverse]
        lp_now = np.ascontiguousarray(now.logprob[:, influenced]).sum(axis=1)
        words_was = was.word[inverse]
        gain = (lp_now - lp_was) + WORD_WEIGHT * (now.word - words_was)
        gain[_breaks_longer_word(was.longest[inverse], words_was, now)] = -np.inf
        return gain  # type: ignore[no-any-return]  # numpy arithmetic is typed Any

    def _before_formula(self, ids: np.ndarray, positions: np.ndarray) -> np.ndarray:
        """Just before a numbered formula (历尽千辛万苦): the slot meets only the formula's rarity. A lone numeral
        beside the slot (第二十六条, 行为之一) frames nothing: that slot is judged like any other."""
        numeral = self._numeral[np.concatenate([np.full(3, BOUNDARY), ids, np.full(3, BOUNDARY)])]
        p = positions + 3
        inside = (numeral[p - 1] & numeral[p + 1]) | (numeral[p - 1] & ~numeral[p - 2] & numeral[p - 3])
        return numeral[p + 1] & ~numeral[p + 2] & numeral[p + 3] & ~inside  # type: ignore[no-any-return]

    def _construction(self, ids: np.ndarray, positions: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(first, last) offset from each position of the constructions it is part of (0, 0 for none): numbered
        formulas and slogans where numeral and character alternate (两区三带, 五位一体), parallel slogans that
        repeat a character every other place (识邪防邪, 共建共享), doubled characters (骥骥, 巳巳如意, 个个)."""
        padded = np.concatenate([np.full(3, BOUNDARY), ids, np.full(3, BOUNDARY)])
        numeral = self._numeral[padded]
        p = positions + 3
        here = padded[p]
        frames = (
            (numeral[p - 1] & numeral[p + 1], -1, 1),
            (numeral[p - 1] & ~numeral[p - 2] & numeral[p - 3], -3, 0),
            (padded[p - 2] == here, -2, 0),
            (padded[p + 2] == here, 0, 2),
            (padded[p - 1] == here, -1, 0),
            (padded[p + 1] == here, 0, 1),
        )
        first = np.zeros(len(positions), dtype=np.int64)
        last = np.zeros(len(positions), dtype=np.int64)
        for mask, low, high in frames:
            first = np.where(mask, np.minimum(first, low), first)
            last = np.where(mask, np.maximum(last, high), last)
        return first, last

    def _enumerated(self, ids: np.ndarray, positions: np.ndarray) -> np.ndarray:
        """Items of an enumeration that share their first character (良种、良技、良机): the second character
        is chosen to differ, not slipped."""
        padded = np.concatenate([np.full(4, BOUNDARY), ids, np.full(4, BOUNDARY)])
        p = positions + 4
        separator = self._separator[padded]
        ahead = separator[p + 1] & (padded[p - 1] == padded[p + 2])
        behind = separator[p - 2] & (padded[p - 1] == padded[p - 4])
        return ahead | behind  # type: ignore[no-any-return]

    def _transliterated(self, ids: np.ndarray, positions: np.ndarray) -> np.ndarray:
        """Inside a run of transliteration characters (梅德韦杰夫, 帕特丽夏): a foreign name, not a slip."""
        mask = self._transliteration[ids]
        # length of the run of such characters through each position, without a loop over the runs
        edges = np.flatnonzero(np.diff(np.concatenate([[0], mask.astype(np.int8), [0]])))
        lengths = edges[1::2] - edges[::2]
        run = np.zeros(len(ids), dtype=np.int64)
        run[mask] = np.repeat(lengths, lengths)
        return run[positions] >= TRANSLITERATION_RUN  # type: ignore[no-any-return]

    def _country_frame(self, ids: np.ndarray, positions: np.ndarray) -> np.ndarray:
        before, after = _neighbours(ids, positions)
        framed = self._country_before[before] | self._country_after[after]
        return self._country[ids[positions]] & framed  # type: ignore[no-any-return]


def _breaks_longer_word(longest_was: np.ndarray, word_was: np.ndarray, now: _Evidence) -> np.ndarray:
    """Corrections inside an intact dictionary word of three or more characters (an idiom, a fixed phrase)
    that do not make an equally long and more frequent word of their own: a word a longer word contains is
    that longer word, not a slip."""
    return (longest_was >= 3) & ((now.longest < longest_was) | (now.word < word_was))


def _one_per_slip(found: list[tuple[float, int, int, str, str]]) -> list[tuple[float, int, int, str, str]]:
    """Neighbouring suspicious positions usually share one slip: the best finding wins within two characters
    of it (the next decoding round judges the neighbours again)."""
    chosen: list[tuple[float, int, int, str, str]] = []
    for item in sorted(found, key=lambda f: (-f[0], f[1])):
        if all(item[1] > other[2] + 1 or other[1] > item[2] + 1 for other in chosen):
            chosen.append(item)
    return sorted(chosen, key=lambda f: f[1])


_WIDTH = 2 * HALF + 2  # a window: the context of a pair and the pair


@dataclass(frozen=True)
class _Windows:
    """Written windows and windows with a correction at column HALF, with the ln counts of their trigrams."""

    originals: np.ndarray  # (n, _WIDTH) ids
    was: np.ndarray  # (n, _WIDTH - 2)
    windows: np.ndarray  # (m, _WIDTH)
    now: np.ndarray  # (m, _WIDTH - 2)


@dataclass(frozen=True)
class _Singles:
    windows: _Windows
    inverse: np.ndarray  # the written window of each candidate
    pos: np.ndarray
    cand: np.ndarray
    prior: np.ndarray
    kind: np.ndarray


@dataclass(frozen=True)
class _Pairs:
    windows: _Windows  # one written window per candidate
    pos: np.ndarray
    first: np.ndarray
    second: np.ndarray
    kinds: np.ndarray  # "same" (a homophone word) or "swap" (the two typed in the wrong order)


class _Evidence(NamedTuple):
    logprob: np.ndarray  # (rows, characters from the candidate on)
    word: np.ndarray  # ln frequency of the most frequent word through the candidate, 0 for none
    longest: np.ndarray  # length of the longest such word, 0 for none
    spans: np.ndarray  # (rows, spans): ln frequency of the word at each span, -inf for none


@dataclass(frozen=True)
class _WordSpans:
    """Every span of 2–4 columns through column HALF of a row of some width: the places of its words."""

    lengths: np.ndarray
    heads: np.ndarray  # first column of each span
    columns: np.ndarray  # (ORDER, spans): the k-th column of each span, the row's width past its end
    shifts: np.ndarray  # (ORDER, spans): where the k-th id goes in the key

    def index(self, length: int, head: int) -> int:
        return int(np.flatnonzero((self.lengths == length) & (self.heads == head))[0])

    def keys(self, windows: np.ndarray) -> np.ndarray:
        """The word key of each span of each row: (rows, spans)."""
        ids = np.zeros((windows.shape[0], windows.shape[1] + 1), dtype=np.uint64)  # a zero column past the end
        ids[:, :-1] = windows
        keys = np.full((len(windows), len(self.lengths)), np.uint64(WORD_TAG) << TAG_SHIFT, dtype=np.uint64)
        for columns, shifts in zip(self.columns, self.shifts, strict=True):
            keys |= ids[:, columns] << shifts
        return keys


@lru_cache(maxsize=4)
def _word_spans(width: int) -> _WordSpans:
    spans = [
        (length, head)
        for length in range(2, ORDER + 1)
        for head in range(max(0, HALF - length + 1), min(HALF, width - length) + 1)
    ]
    lengths = np.array([length for length, _ in spans])
    heads = np.array([head for _, head in spans])
    k = np.arange(ORDER)[:, None]
    inside = k < lengths
    columns = np.where(inside, heads + k, width)
    shifts = np.where(inside, BITS * (lengths - 1 - k), 0).astype(np.uint64)
    return _WordSpans(lengths, heads, columns, shifts)


def _neighbours(ids: np.ndarray, positions: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The ids just before and just after each position (BOUNDARY past either end)."""
    before = np.where(positions > 0, ids[np.maximum(positions - 1, 0)], BOUNDARY)
    after = np.where(positions + 1 < len(ids), ids[np.minimum(positions + 1, len(ids) - 1)], BOUNDARY)
    return before, after


def pack_rows(rows: np.ndarray) -> np.ndarray:
    """Key of each row of ids, read as one n-gram."""
    return pack_windows(rows, 0, rows.shape[1], 1)[:, 0]


def confidence(gain: float) -> float:
    """The probability that a finding of this gain is a real slip with the right correction: a logistic fit
    (`bench/typo_dev.py --calibrate 17`) to every finding of gain 17 or more on the development set (injected
    slips in 4,000 unseen corpus sentences, half of them left correct, plus 490,000 characters of unseen
    correct prose). There a gain of 17 (draft) is right 60% of the time and a gain of 28 (inspection) 97%;
    real input-method slips are harder, so read it as an upper bound."""
    return float(1.0 / (1.0 + np.exp(-(CALIBRATION_SLOPE * gain + CALIBRATION_INTERCEPT))))


def _quoted_and_recurring(text: str, start: int, end: int) -> bool:
    """A quoted term that recurs in the document is the author's own term (a new name, a slogan), not a slip."""
    for open_mark, close_mark in _QUOTES:
        left = text.rfind(open_mark, max(0, start - 30), start)
        if left == -1:
            continue
        right = text.find(close_mark, end, end + 30)
        if right == -1 or text.find(close_mark, left + 1, start) != -1:
            continue
        quoted = text[left : right + 1]
        if text.count(quoted) >= 2:
            return True
    return False
