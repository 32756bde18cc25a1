"""False alarms on prose nothing was tuned on: 新闻联播 transcripts published after the model's last year.

    .venv/bin/python bench/prose.py path/to/xwlb [--days N]

The transcripts of 2025 and later (china-data/xwlb, assets/YYYY/YYYYMMDD.json) are held out of the model and
were never used to tune a threshold or write an entry: they measure. Each day is checked with its own date, at
both operating points. Prints hits per 100,000 characters by rule family and severity, and the typo layer's
highest-confidence findings so that a reader can judge them. Broadcast news is edited but not proofread
like a government report, and it is full of names: read the rate as an upper bound of false alarms.
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import json
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.config import DEFAULT_LEXICON_DIR  # noqa: E402
from app.detection.detector import PROFILES, Detector  # noqa: E402
from app.detection.typo.corpus import LAST_YEAR  # noqa: E402

_TAG = re.compile(r"<[^>]+>")


def days(root: Path, limit: int, offset: int = 0) -> list[tuple[dt.date, str]]:
    out = []
    for path in sorted((root / "assets").glob("*/*.json")):
        if int(path.stem[:4]) <= LAST_YEAR:
            continue
        data = json.loads(path.read_text(encoding="utf-8"))
        parts = []
        for item in data.get("videoList") or ():
            content = (item.get("video_detail") or {}).get("content") or ""
            parts.append(html.unescape(_TAG.sub("\n", content)).replace("央视网消息（新闻联播）：", ""))
        text = "\n".join(p.strip() for p in parts if p.strip())
        if text:
            out.append((dt.date(int(path.stem[:4]), int(path.stem[4:6]), int(path.stem[6:8])), text))
    step = max(1, len(out) // limit) if limit else 1
    return out[offset::step][:limit] if limit else out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("xwlb", type=Path, help="a checkout of china-data/xwlb")
    parser.add_argument("--days", type=int, default=120, help="days spread over the held-out years (0: all)")
    parser.add_argument("--show", type=int, default=15, help="typo findings to print per profile")
    parser.add_argument("--offset", type=int, default=0, help="another sample of days: start this many days on")
    args = parser.parse_args()
    items = days(args.xwlb, args.days, args.offset)
    size = sum(len(text) for _, text in items)
    print(f"{len(items)} days from {items[0][0]} to {items[-1][0]}, {size:,} characters")
    detector = Detector.from_dir(DEFAULT_LEXICON_DIR)
    for profile in PROFILES:
        families: Counter[str] = Counter()
        typos = []
        for date, text in items:
            for hit in detector.check(text, date=date, profile=profile):
                families[f"{hit.rule_id.split('.')[0]}/{hit.severity}"] += 1
                if hit.rule_id == "typo.lm":
                    typos.append((hit.confidence or 0.0, hit, text))
        total = sum(families.values())
        print(f"\n{profile}: {total / size * 1e5:.1f} hits per 100,000 characters")
        for family, count in families.most_common():
            print(f"  {family:28} {count:5}  {count / size * 1e5:6.2f}/100k")
        for conf, hit, text in sorted(typos, key=lambda t: -t[0])[: args.show]:
            around = text[max(0, hit.start - 10) : hit.end + 10].replace("\n", " ")
            print(f"  {conf:.2f} {hit.text}→{hit.suggestions[0]}  {around}")


if __name__ == "__main__":
    main()
