"""A list that names 台湾, 香港 or 澳门 beside 中国 as one more item, as if they were separate countries
("中国、日本、台湾等国家和地区"). Such a list needs its items, which no single lexicon term can hold.

Correct lists are left alone: 中国内地（大陆）、香港、澳门 and 中国香港、中国台湾 never have 中国 as an item of
its own. Runs on the normalised text, like the privacy detectors.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

REGIONS = ("台湾", "香港", "澳门")
# Items of up to 12 Han characters joined by 、 (the enumeration comma lists only like items).
_LIST = re.compile(r"[\u4e00-\u9fff]{1,12}(?:、[\u4e00-\u9fff]{1,12})+")
_REGION_ITEM = re.compile(r"^(台湾|香港|澳门)(?:地区|特别行政区)?$")


def _items(run: str, offset: int) -> list[tuple[str, int, int]]:
    """(item, start, end) of each item of the run; the first keeps only a trailing 中国 (来自中国 → 中国)."""
    items, at = [], offset
    for part in run.split("、"):
        items.append((part, at, at + len(part)))
        at += len(part) + 1
    first, start, end = items[0]
    if first.endswith("中国") and first != "中国":
        items[0] = ("中国", end - 2, end)
    # The list ends where its last item's words do (台湾等国家和地区的游客 → 台湾); that item may hold the
    # conjunction before the final item (日本和台湾 → 日本, 台湾).
    last, start, end = items[-1]
    last = re.split("等|的|[两三四五]地", last, maxsplit=1)[0]
    items[-1] = (last, start, start + len(last))
    for joiner in ("以及", "和", "与", "及"):
        left, sep, right = last.partition(joiner)
        if sep and left and right:
            items[-1:] = [(left, start, start + len(left)), (right, start + len(left) + len(sep), start + len(last))]
            break
    return items


def find(text: str) -> Iterator[tuple[str, int, int]]:
    """("china_beside_regions", start, end): from the 中国 item to the farthest region item of the list."""
    if "中国" not in text or not any(region in text for region in REGIONS):
        return
    for match in _LIST.finditer(text):
        items = _items(match.group(), match.start())
        china = [(s, e) for item, s, e in items if item == "中国"]
        regions = [(s, e) for item, s, e in items if _REGION_ITEM.match(item)]
        if china and regions:
            spans = china + regions
            yield "china_beside_regions", min(s for s, _ in spans), max(e for _, e in spans)
