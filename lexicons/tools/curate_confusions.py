"""Curate lexicons/data/confusions.csv: the common confusions of lexicons/confusions.yaml.

A maintenance tool, not part of the service. It gathers candidate pairs (wrong form, correct form) from
  - data/gf1001.txt      《第一批异形词整理表》 (GF 1001—2001), transcribed;
  - data/yaowenjiaozi.tsv the wrong written forms of 《咬文嚼字》's yearly ten common errors;
  - data/common.tsv      common slips of official writing, written by hand;
  - a word-level confusion table (yongzhuo/macro-correct confusion_dict.json, Apache-2.0), if given;
keeps a pair only when the evidence says flagging it is safe, and writes one CSV row per pair with
its source, its context rule and examples. `cuomin lexicon build` turns the CSV into YAML.

What "safe" means, measured rather than listed:
  - the correct form is a word of jieba's dictionary (or, for hand-written pairs, contains one);
  - the wrong form is not itself a dictionary word, and normalising it (traditional → simplified)
    does not turn it into the correct form;
  - in a reference corpus of correct prose (statutes, news transcripts, given with --corpus) the
    wrong form occurs on word boundaries at most a handful of times (none for the imported table);
  - a wrong form of one to three characters, or one that a longer dictionary word contains, gets
    `boundary: word`, so that jieba decides whether it is a word where it stands.

Usage: python lexicons/tools/curate_confusions.py --corpus laws.txt --corpus news.txt
       [--macro-correct confusion_dict.json] [--out lexicons/data/confusions.csv]
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import ahocorasick
import yaml
from pypinyin import lazy_pinyin

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from app.detection.normalize import normalize_term  # noqa: E402
from app.detection.segment import on_word_boundaries, tokenizer  # noqa: E402

LEXICONS = ROOT / "lexicons"
DATA = LEXICONS / "data"
OUTPUT_YAML = "confusions.yaml"
COLUMNS = ["id", "wrong", "right", "severity", "source", "tags", "boundary", "except", "message", "bad", "good"]

GF_SOURCE = "《第一批异形词整理表》（GF 1001—2001）“{group}”组"
YWJZ_SOURCE = "《咬文嚼字》编辑部“{year}年十大语文差错”"
DRAFT_SOURCE = "《264组异形词整理表》（草案，2004年起在出版、语文报刊等行业试用）“{group}”组"
DICT_SOURCE = "《现代汉语词典》（第7版）“{word}”条"
MACRO_SOURCE = (
    "常见混淆词表（yongzhuo/macro-correct，macro_correct/output/confusion_dict.json，Apache-2.0），"
    "正确词形经 jieba 词典、错误词形经规范语料核对"
)
# Non-recommended forms of GF 1001 that are also a common correct word or a proper name in their own right.
GF_SKIP = {"丁宁", "胡蝶", "余辉", "狼头", "花着", "份子", "标识", "零丁", "沈思", "元来", "原由", "磁器"}
# Imported pairs whose wrong form is a correct word after all (read in review): 四哥 (fourth brother),
# 敬告 (to inform respectfully), 尽日 (all day), 众国 (合众国), and fragments common in correct prose.
MACRO_SKIP = {"四哥", "敬告", "尽日", "众国", "之迹", "之季", "反子", "自游", "魅丽", "公到", "而临", "端时间"}
WINDOW = 8
TYPO_FREQ = 5


@dataclass
class Candidate:
    wrong: str
    right: str
    origin: str  # gf | ywjz | common | macro
    severity: str
    source: str
    message: str
    tags: list[str]
    bad: str = ""
    good: list[str] = field(default_factory=list)
    boundary: str = "none"
    excepts: list[str] = field(default_factory=list)
    id: str = ""
    generated: bool = False
    fell_back: bool = False


def load_dictionary() -> tuple[dict[str, int], dict[str, str]]:
    import jieba

    freq: dict[str, int] = {}
    tags: dict[str, str] = {}
    path = Path(jieba.__file__).parent / "dict.txt"
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) >= 2:
            freq[parts[0]] = int(parts[1])
            tags[parts[0]] = parts[2] if len(parts) > 2 else "x"
    return freq, tags


def existing_terms() -> set[str]:
    terms = set()
    for path in LEXICONS.glob("*.yaml"):
        if path.name == OUTPUT_YAML:
            continue
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        for entry in raw.get("entries", []):
            items = entry.get("terms") or [entry.get("term")]
            terms.update(normalize_term(t) for t in items if t)
    return terms


def covering_word(phrase: str, position: int) -> str:
    """The jieba word of phrase that holds the character at position."""
    for word, start, end in tokenizer().tokenize(phrase, HMM=False):
        if start <= position < end:
            return word
    return phrase


def first_difference(a: str, b: str) -> int:
    for i, (x, y) in enumerate(zip(a, b, strict=False)):
        if x != y:
            return i
    return min(len(a), len(b)) - 1


def read_rows(name: str) -> list[list[str]]:
    rows = []
    for line in (DATA / name).read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            rows.append(line.split("\t"))
    return rows


def gf_candidates() -> list[Candidate]:
    out = []
    for line in (DATA / "gf1001.txt").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        right, wrongs = line.split("—")
        for wrong in wrongs.split("、"):
            if wrong in GF_SKIP:
                continue
            out.append(
                Candidate(
                    wrong=wrong,
                    right=right,
                    origin="gf",
                    severity="info",
                    source=GF_SOURCE.format(group=line),
                    message=f"“{wrong}”是《第一批异形词整理表》的非推荐词形，应使用推荐词形“{right}”。",
                    tags=["异形词"],
                )
            )
    return out


def draft_candidates() -> list[Candidate]:
    out = []
    for line in (DATA / "yxc2_draft.txt").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        right, wrongs = line.split("—")
        for wrong in wrongs.split("、"):
            out.append(
                Candidate(
                    wrong=wrong,
                    right=right,
                    origin="gf",
                    severity="info",
                    source=DRAFT_SOURCE.format(group=line),
                    message=f"“{wrong}”是异形词的非推荐词形，宜使用推荐词形“{right}”。",
                    tags=["异形词"],
                )
            )
    return out


def ywjz_candidates() -> list[Candidate]:
    out = []
    for wrong, right, year, bad, good, note in read_rows("yaowenjiaozi.tsv"):
        out.append(
            Candidate(
                wrong=wrong,
                right=right,
                origin="ywjz",
                severity="warning",
                source=YWJZ_SOURCE.format(year=year),
                message=f"“{wrong}”应作“{right}”：{note}",
                tags=[f"咬文嚼字{year}"],
                bad=bad,
                good=[good],
            )
        )
    numerals = "一二三四五六七八九十"
    names = [*numerals, *(f"十{n}" for n in numerals[:-1]), "二十", "二十一"]
    for n in names:
        if n in ("五", "六"):
            continue
        wrong, right = f"神州{n}号", f"神舟{n}号"
        out.append(
            Candidate(
                wrong=wrong,
                right=right,
                origin="ywjz",
                severity="warning",
                source=YWJZ_SOURCE.format(year=2006) + "（“神舟六号”误为“神州六号”，同类）",
                message=f"“{wrong}”应作“{right}”：飞船名为“神舟”，“神州”是中国的代称。",
                tags=["咬文嚼字2006"],
                bad=f"[[{wrong}]]载人飞船发射任务取得圆满成功。",
                good=[f"{right}载人飞船发射任务取得圆满成功。", "神州大地处处涌动着发展的热潮。"],
            )
        )
    return out


def common_candidates() -> list[Candidate]:
    out = []
    for row in read_rows("common.tsv"):
        wrong, right = row[0], row[1]
        note = row[2] if len(row) > 2 else ""
        word = covering_word(right, first_difference(wrong, right))
        out.append(
            Candidate(
                wrong=wrong,
                right=right,
                origin="common",
                severity="warning",
                source=DICT_SOURCE.format(word=word),
                message=f"“{wrong}”应作“{right}”。{note}".strip(),
                tags=["公文常见差错"],
            )
        )
    return out


def macro_candidates(path: Path, freq: dict[str, int]) -> list[Candidate]:
    table = json.loads(path.read_text(encoding="utf-8"))
    out = []
    for wrong, right in table.items():
        if not (2 <= len(wrong) <= 4 and len(wrong) == len(right)):
            continue
        differences = sum(a != b for a, b in zip(wrong, right, strict=True))
        if differences != 1 and not (differences == 2 and len(wrong) == 4):
            continue
        need = 200 if len(right) == 2 else 3
        if freq.get(right, 0) < need:
            continue
        out.append(
            Candidate(
                wrong=wrong,
                right=right,
                origin="macro",
                severity="warning",
                source=MACRO_SOURCE,
                message=f"“{wrong}”应作“{right}”，是常见的错别字。",
                tags=["常见混淆"],
            )
        )
    return out


SENTENCE_SOURCES = {
    "lomo_tet.json": "中文拼写纠错人工标注数据 CSCD-NS（经 yongzhuo/macro-correct lomo_tet.json），"
    "错误词形经规范语料核对",
    "textproof.tet.json": "文本校对竞赛数据（TextProofreadingCompetition，"
    "经 yongzhuo/macro-correct textproof.tet.json），错误词形经规范语料核对",
}


def sentence_candidates(path: Path, freq: dict[str, int]) -> list[Candidate]:
    """Word pairs read off sentence pairs (wrong sentence, corrected sentence) that differ in one character
    inside one dictionary word of the corrected sentence."""
    out = []
    for wrong, right, origin in json.loads(path.read_text(encoding="utf-8")):
        need = 200 if len(right) == 2 else 3
        if freq.get(right, 0) < need:
            continue
        out.append(
            Candidate(
                wrong=wrong,
                right=right,
                origin="macro",
                severity="warning",
                source=SENTENCE_SOURCES[origin],
                message=f"“{wrong}”应作“{right}”，是常见的错别字。",
                tags=["常见混淆"],
            )
        )
    return out


def made_of_words(wrong: str, freq: dict[str, int]) -> bool:
    """Whether a wrong form of three or more characters is just a run of common words (公园前, 政治权力)."""
    if len(wrong) < 3:
        return False
    words = [w for w, _, _ in tokenizer().tokenize(wrong, HMM=False)]
    return len(words) >= 2 and all(len(w) >= 2 and freq.get(w, 0) >= 100 for w in words)


def corpus_occurrences(
    cands: list[Candidate], corpora: list[Path], limit: int = 40
) -> dict[str, list[tuple[str, int, int]]]:
    """Up to limit windows (text, start, end) around each occurrence of each wrong form, and a count."""
    automaton = ahocorasick.Automaton()
    for c in cands:
        automaton.add_word(c.wrong, c.wrong)
    automaton.make_automaton()
    found: dict[str, list[tuple[str, int, int]]] = defaultdict(list)
    counts: dict[str, int] = defaultdict(int)
    for path in corpora:
        text = path.read_text(encoding="utf-8")
        for end, word in automaton.iter(text):
            counts[word] += 1
            if len(found[word]) < limit:
                start = end - len(word) + 1
                left = max(0, start - WINDOW)
                found[word].append((text[left : end + 1 + WINDOW], start - left, start - left + len(word)))
    return {w: found[w] for w in found} | {"__counts__": counts}  # type: ignore[dict-item]


def aligned(occurrences: list[tuple[str, int, int]], excepts: list[str], boundary: bool) -> int:
    n = 0
    for window, start, end in occurrences:
        if any(e in window and window.find(e) <= start and end <= window.find(e) + len(e) for e in excepts):
            continue
        if boundary and not on_word_boundaries(window, start, end):
            continue
        n += 1
    return n


# A frame says nothing about what the word means, so it reads right for any verb or phrase.
NEUTRAL = "这段文字里的{w}一词需要核对。"
FRAMES = {
    "i": ("有人用{w}来形容当时的情景。",),
    "l": ("有人用{w}来形容当时的情景。",),
    "n": ("这里的{w}需要重新核对。",),
    "v": (NEUTRAL,),
    "a": ("现场的情况十分{w}。",),
}
FALLBACK = "校对时发现一处写法：{w}。"


def frames_for(tag: str) -> list[str]:
    return [*FRAMES.get(tag[:1], ()), FALLBACK]


def make_id(c: Candidate, used: set[str]) -> str:
    prefix = {"gf": "typo.yx-", "ywjz": "typo.ywjz-", "common": "typo.gw-", "macro": "typo.hx-"}[c.origin]
    base = prefix + "-".join(p for p in lazy_pinyin(c.wrong) if p.isascii() and p.isalnum()).lower()
    ident, n = base, 2
    while ident in used:
        ident, n = f"{base}-{n}", n + 1
    used.add(ident)
    return ident


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", action="append", type=Path, default=[])
    parser.add_argument("--macro-correct", type=Path)
    parser.add_argument(
        "--sentence-pairs", type=Path, help="JSON list of [wrong, right, dataset file] read off sentences"
    )
    parser.add_argument("--out", type=Path, default=DATA / "confusions.csv")
    args = parser.parse_args()

    freq, tags = load_dictionary()
    taken = existing_terms()
    cands = gf_candidates() + draft_candidates() + ywjz_candidates() + common_candidates()
    if args.macro_correct:
        cands += macro_candidates(args.macro_correct, freq)
    if args.sentence_pairs:
        cands += sentence_candidates(args.sentence_pairs, freq)

    seen: set[str] = set()
    kept: list[Candidate] = []
    dropped: dict[str, list[str]] = defaultdict(list)
    for c in cands:
        nw, nr = normalize_term(c.wrong), normalize_term(c.right)
        if nw == nr or nw in nr or nr in nw:
            dropped["normalises into the correct form"].append(c.wrong)
        elif nw in taken or nw in seen:
            dropped["already listed"].append(c.wrong)
        elif any(t in nw for t in taken if len(t) >= 2):
            dropped["contains a listed wrong form"].append(c.wrong)
        elif nr in taken:
            dropped["correct form is a listed wrong form"].append(c.wrong)
        elif c.origin == "macro" and c.wrong in MACRO_SKIP:
            dropped["reviewed: a correct word"].append(c.wrong)
        elif c.origin == "macro" and made_of_words(c.wrong, freq):
            dropped["a run of common words"].append(c.wrong)
        elif c.origin == "macro" and freq.get(c.wrong, 0) > TYPO_FREQ:
            # jieba's dictionary holds some common misspellings at the lowest counts; a real word is counted higher.
            dropped["a dictionary word"].append(c.wrong)
        else:
            seen.add(nw)
            kept.append(c)
    cands = kept

    # Longer dictionary words containing a wrong form: an automaton over the candidates run on the dictionary.
    containers: dict[str, list[str]] = defaultdict(list)
    automaton = ahocorasick.Automaton()
    for c in cands:
        automaton.add_word(c.wrong, c.wrong)
    automaton.make_automaton()
    for word, f in freq.items():
        if f < 3 or len(word) < 3:
            continue
        for _, hit in automaton.iter(word):
            if hit != word:
                containers[hit].append(word)

    occ = corpus_occurrences(cands, args.corpus) if args.corpus else {"__counts__": {}}
    counts = occ.pop("__counts__")
    kept = []
    for c in cands:
        inside = sorted(containers.get(c.wrong, []), key=lambda w: -freq[w])
        if len(c.wrong) <= 3 or inside:
            c.boundary = "word"
        if inside and len(c.wrong) >= 3:
            c.excepts = inside[:8]
        if c.origin == "macro" and len(inside) > 8:
            dropped["inside many dictionary words"].append(c.wrong)
            continue
        raw = counts.get(c.wrong, 0)
        n = aligned(occ.get(c.wrong, []), c.excepts, c.boundary == "word")
        limit = {"macro": 0, "gf": 2, "ywjz": 2, "common": 1}[c.origin]
        if c.origin == "macro" and raw > 40:
            dropped["frequent in the corpus"].append(c.wrong)
            continue
        if n > limit:
            dropped[f"{c.origin}: on word boundaries in the corpus"].append(f"{c.wrong}({n}/{raw})")
            continue
        kept.append(c)
    cands = kept

    used: set[str] = set()
    for c in cands:
        c.id = make_id(c, used)
        if not c.bad:
            tag = tags.get(c.right) or tags.get(covering_word(c.right, first_difference(c.wrong, c.right)), "x")
            frame = NEUTRAL if c.origin == "common" else frames_for(tag)[0]
            c.bad = frame.format(w=f"[[{c.wrong}]]")
            c.good = [frame.format(w=c.right)]
            c.good += [FALLBACK.format(w=e) for e in c.excepts[:1]]
            c.generated = True

    for round_ in range(3):
        write_table(args.out, cands)
        failing = failing_ids()
        if not failing:
            break
        survivors = []
        for c in cands:
            if c.id not in failing:
                survivors.append(c)
            elif c.generated and not c.fell_back:
                c.fell_back = True
                c.bad = FALLBACK.format(w=f"[[{c.wrong}]]")
                c.good = [FALLBACK.format(w=c.right)] + [FALLBACK.format(w=e) for e in c.excepts[:1]]
                survivors.append(c)
            else:
                dropped[f"examples fail (round {round_})" + ("" if c.generated else ", HAND-WRITTEN")].append(c.wrong)
        cands = survivors
    by_origin: dict[str, int] = defaultdict(int)
    for c in cands:
        by_origin[c.origin] += 1
    print(f"kept {len(cands)}: {dict(by_origin)}", file=sys.stderr)
    for why, items in dropped.items():
        print(f"dropped {len(items)} ({why}): {' '.join(items[:60])}", file=sys.stderr)
    return 0


def failing_ids() -> set[str]:
    from app.detection.confusions import build
    from app.detection.lint import lint

    build(LEXICONS)
    return {p.rule_id for p in lint(LEXICONS) if p.file == OUTPUT_YAML}


def write_table(out: Path, cands: list[Candidate]) -> None:
    with out.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(COLUMNS)
        for c in cands:
            writer.writerow(
                [
                    c.id,
                    c.wrong,
                    c.right,
                    c.severity,
                    c.source,
                    "|".join(c.tags),
                    c.boundary,
                    "|".join(c.excepts),
                    c.message,
                    c.bad,
                    "|".join(c.good),
                ]
            )


if __name__ == "__main__":
    raise SystemExit(main())
