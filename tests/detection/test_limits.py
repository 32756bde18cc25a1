"""Hostile inputs: the engine's work stays linear in the text and its hits bounded (issue 15, item 1), and
exemptions take the one engine path whoever calls it (item 13)."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.detection.detector import Detector
from app.detection.nearmiss import NearMiss

FLOOD = "习平近"  # one near miss of 习近平 every three characters


def flood(n: int) -> str:
    return (FLOOD * n)[:n]


@pytest.fixture(scope="module")
def shipped(detector: Detector) -> Detector:
    return detector


def test_a_flood_of_hits_is_cut_and_the_cut_reported(shipped: Detector) -> None:
    text = flood(80_000)
    found = shipped.check_text(text, date=None)
    assert len(found.hits) == shipped.max_hits
    assert found.cut_at is not None and 0 < found.cut_at < len(text)
    assert all(hit.end <= found.cut_at for hit in found.hits)
    assert [h.start for h in found.hits] == sorted(h.start for h in found.hits)
    # Before the cut the hits are the ones a check of that part alone finds.
    alone = shipped.check(text[: found.cut_at])
    assert [(h.start, h.end, h.rule_id) for h in alone] == [(h.start, h.end, h.rule_id) for h in found.hits]


def test_the_work_does_not_grow_with_the_text_past_the_cut(shipped: Detector, monkeypatch) -> None:
    """Counted, not timed: how many near-miss matches the engine judges (each costs a segmentation)."""
    judged: list[int] = []
    real = NearMiss.find

    def counting(self, text, found, date, attested=None):
        judged.append(len(found))
        return real(self, text, found, date, attested)

    monkeypatch.setattr(NearMiss, "find", counting)
    work = {}
    for n in (10_000, 200_000):
        judged.clear()
        shipped.check(flood(n))
        work[n] = sum(judged)
    assert work[200_000] == work[10_000] < 10_000


def test_an_ordinary_text_is_not_cut(shipped: Detector) -> None:
    text = "截止目前，他做为一名党员冲锋在前。" * 50
    found = shipped.check_text(text)
    assert found.cut_at is None and len(found.hits) == 100


def test_overlaps_among_many_nested_candidates(mini: Detector) -> None:
    """The longest match still wins everywhere in a long run of nested terms."""
    text = "推进一带一路战略，" * 2000
    hits = mini.check(text)
    assert {h.rule_id for h in hits} == {"test.yi-dai-yi-lu-zhan-lue"} and len(hits) == 1000


# -- item 13: one exemption path -----------------------------------------------------------------

NESTED = """category: 常见错别字
entries:
  - id: test.jia-yi-bing-ding
    term: 甲乙丙丁
    suggest: [甲乙]
    severity: serious
    message: 长词条。
    source: 测试
    examples:
      bad: ["今天[[甲乙丙丁]]出现。"]
      good: ["今天甲乙出现。"]
  - id: test.bing-ding
    term: 丙丁
    suggest: [丙]
    severity: warning
    message: 短词条。
    source: 测试
    examples:
      bad: ["今天[[丙丁]]出现。"]
      good: ["今天丙出现。"]
"""


@pytest.fixture(scope="module")
def nested(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("nested")
    (directory / "nested.yaml").write_text(NESTED, encoding="utf-8")
    return directory


def test_an_exempted_rule_frees_its_span_for_the_other_rules(nested: Path) -> None:
    detector = Detector.from_dir(nested, near_miss=False)
    text = "今天甲乙丙丁出现。"
    assert [h.rule_id for h in detector.check(text)] == ["test.jia-yi-bing-ding"]
    hits = detector.check(text, exempt_rules=["test.jia-yi-bing-ding"])
    assert [(h.rule_id, h.text) for h in hits] == [("test.bing-ding", "丙丁")]
    assert detector.check(text, exempt_phrases=["甲乙丙丁"]) == []


def test_an_exempted_phrase_occurring_everywhere_is_cheap(shipped: Detector) -> None:
    text = "截止目前，" * 20_000
    assert shipped.check(text, exempt_phrases=["截止目前"]) == []
