"""The typo layer on the shipped model: slips found, correct prose left alone, offsets exact, profiles."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.config import DEFAULT_LEXICON_DIR
from app.detection.detector import Detector
from app.detection.typo.layer import PROFILES, confidence

# Slips of the kind editors make, each written for this test (wrong sentence, the slip, its correction).
SLIPS = [
    ("原则同意《示范区总休方案》，请认真组织实施。", "休", "体"),
    ("全面实行排舞许可制度，推进生态环境治理。", "舞", "污"),
    ("本条丽自2025年1月1日起施行。", "丽", "例"),
    ("各级政府要切实履行安全生产监管职则。", "则", "责"),
    ("各地要加大对困难群众的帮扶力渡。", "渡", "度"),
    ("坚持以人民为中心的发展思想，不断增进民生副祉。", "副", "福"),
    ("推动高质量发展取得新的重大进展，经济运行总体平温。", "温", "稳"),
    ("深入开展爱国卫生运动，持续改善城乡人居环镜。", "镜", "境"),
    ("依照本办法弟二十六条的规定予以处罚。", "弟", "第"),  # a numeral beside a slot is no formula
    # Inside a formula or beside a doubled character, where the correction makes the construction official
    # prose writes: the written one is a slip of it.
    ("加快搭建改革的四粱八柱，夯实制度基础。", "粱", "梁"),
    ("牢固树立安生生产理念，压实各方责任。", "生", "全"),
    # two characters typed in the wrong order, which a dictionary word puts right
    ("依照《中华人民共和国民事讼诉法》的规定办理。", "讼诉", "诉讼"),
    ("垃圾分类知识已经做到家户喻晓。", "户喻", "喻户"),
]
# Two slips close together: each spoils the other's context, the second decoding round finds both.
CLOSE_SLIPS = [
    ("推进城香一休化发展。", [("香", "乡"), ("休", "体")]),
    ("加快完善社会保账休系。", [("账", "障"), ("休", "体")]),
    ("着力解决群众急难愁盼问题，提升群众满义渡。", [("义", "意"), ("渡", "度")]),
]
# Correct sentences that share characters and frames with the slips above: the layer must stay silent.
CORRECT = [
    "原则同意《示范区总体方案》，请认真组织实施。",
    "全面实行排污许可制度，推进生态环境治理。",
    "本条例自2025年1月1日起施行。",
    "各级政府要切实履行安全生产监管职责。",
    "各地要加大对困难群众的帮扶力度。",
    "坚持以人民为中心的发展思想，不断增进民生福祉。",
    "退休职工的基本养老金按规定调整。",
    "驻港部队官兵参加了植树活动。",
    "会议在沪召开，与会代表围绕“两区三带”建设建言献策。",
    "干部不能墨守成规，要敢于改革创新。",
    "对主动说明问题的，可以既往不咎、从轻处理。",
    "全县生产总值中农业部分增长较快。",
    "坚持五位一体总体布局，统筹推进各项工作。",
    "依照本办法第二十六条的规定予以处罚。",
    "通过良种、良技、良机、良法多管齐下，粮食单产稳步提高。",  # enumerated items sharing a head
    "代表团团长、总统助理梅金斯基在会谈后表示满意。",  # a transliterated foreign name
    "欢迎更多企业赴爱投资，爱方愿提供便利。",  # a one-character country name in its frames
    "春节游园会以“金蛇狂舞，巳巳如意”为主题。",  # reduplication is written on purpose
    "党和人民历尽千辛万苦，取得了伟大成就。",  # beside a formula, not inside it
    # a productive pattern (一户一策, 一企一策, 一校一策……): the written filler is another variant
    "全区对重点河段推行“一田一策”精准管护。",
    "针对老旧桥梁推行“一桥一策”整治方案。",
    "感谢钟毓玹老师多年来的辛勤付出。",  # a person's name before a title
    "记者邱玥萱在现场看到，工人们正在加紧施工。",  # a person's name after a role
    "在美欧日等发达市场带动下，出口稳步增长。",  # places listed in the order the writer chose
    "消防救援队伍圆满完成肇庆怀集等地的抢险救灾任务。",  # a county (怀集县) written without its level
    "影片留下了众多鲜活的女性英雄形象，她们大多在青春年华舍身取义。",  # 她/他: the referent decides
    "中国组合徐嘉余、闫子贝、张雨霏、杨浚瑄在混合泳接力中夺冠。",  # a list of people
    "他曾任监利县委副书记、代县长、县长。",  # the level of a division is a fact, not a spelling
    "在本届联赛中名声大噪的9号球员入选国家队。",  # a pair inside an intact idiom is the idiom
]


@pytest.fixture(scope="module")
def engine(detector: Detector) -> Detector:
    assert detector.typo is not None, "the shipped lexicons enable the typo layer"
    return detector


@pytest.mark.parametrize(("text", "wrong", "right"), SLIPS)
def test_finds_slips_no_list_names(engine: Detector, text: str, wrong: str, right: str) -> None:
    hits = [h for h in engine.check(text, date=dt.date(2025, 6, 1)) if h.rule_id == "typo.lm"]
    assert [(h.text, h.suggestions[0]) for h in hits] == [(wrong, right)]
    [hit] = hits
    assert text[hit.start : hit.end] == wrong
    assert hit.category == "常见错别字" and hit.severity == "warning"
    assert 0.0 < hit.confidence <= 1.0
    assert "“" in hit.message and right in hit.message


@pytest.mark.parametrize(("text", "expected"), CLOSE_SLIPS)
def test_neighbouring_slips_are_each_found(engine: Detector, text: str, expected: list) -> None:
    hits = [h for h in engine.check(text, date=dt.date(2025, 6, 1)) if h.rule_id == "typo.lm"]
    assert [(h.text, h.suggestions[0]) for h in hits] == expected


@pytest.mark.parametrize("text", CORRECT)
def test_silent_on_correct_sentences(engine: Detector, text: str) -> None:
    assert [h.text for h in engine.check(text, date=dt.date(2025, 6, 1)) if h.rule_id == "typo.lm"] == []


def test_inspection_reports_a_subset_of_draft(engine: Detector) -> None:
    text = "".join(s for s, _, _ in SLIPS) + "物价温补下降，各项工作有序推近。"
    draft = {(h.start, h.suggestions[0]) for h in engine.check(text) if h.rule_id == "typo.lm"}
    inspection = {
        (h.start, h.suggestions[0]) for h in engine.check(text, profile="inspection") if h.rule_id == "typo.lm"
    }
    assert inspection <= draft
    assert len(inspection) >= 4


def test_confidence_rises_with_the_gain_and_inspection_is_near_certain() -> None:
    draft, inspection = confidence(PROFILES["draft"].margin), confidence(PROFILES["inspection"].margin)
    assert 0.2 < draft < 0.7 and inspection > 0.95
    gains = [-50, 0, 5, 11, 15, 20, 30, 80]
    values = [confidence(g) for g in gains]
    assert values == sorted(values) and values[0] < 0.001 and values[-1] > 0.999


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        # the words of the corrected text around the slip, not a fixed window that cuts 坚持 in half
        ("区政府办公室发布通知，坚持总休方案。", "“总休方案”疑为“总体方案”（形近）"),
        ("各级领导干部要警钟常鸣。", "“警钟常鸣”疑为“警钟长鸣”（同音）"),
    ],
)
def test_message_shows_the_slip_inside_its_words(engine: Detector, text: str, shown: str) -> None:
    [hit] = [h for h in engine.check(text) if h.rule_id == "typo.lm"]
    assert hit.message.startswith(shown)


def test_exemptions_apply_to_typo_hits(engine: Detector) -> None:
    text = SLIPS[0][0]
    assert any(h.rule_id == "typo.lm" for h in engine.check(text))
    assert not any(h.rule_id == "typo.lm" for h in engine.check(text, exempt_rules=["typo.lm"]))
    assert not any(h.rule_id == "typo.lm" for h in engine.check(text, exempt_phrases=["总休方案"]))


def test_layer_can_be_turned_off() -> None:
    off = Detector.from_dir(DEFAULT_LEXICON_DIR, typo="off")
    assert off.typo is None
    assert not any(h.rule_id == "typo.lm" for h in off.check(SLIPS[0][0]))


_pieces = st.sampled_from([s for s, _, _ in SLIPS] + CORRECT + ["😀", "𠮷", "\u200b", "ｘ", " ", "\n", "、", "A1"])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(_pieces, min_size=1, max_size=8), st.text(max_size=30))
def test_offsets_stay_exact_for_any_text(engine: Detector, pieces: list[str], noise: str) -> None:
    text = noise.join(pieces)
    for hit in engine.check(text):
        assert text[hit.start : hit.end] == hit.text


def test_silent_on_every_form_the_lexicons_know(engine: Detector) -> None:
    """A formulation, a division's name or an entry's correction is right by the lexicon's knowledge."""
    from app.detection.lexicon import CanonicalForm

    forms = [r.spec.form for r in engine.lexicon.rules if isinstance(r.spec, CanonicalForm)]
    forms += [d.name for d in engine.lexicon.divisions]
    assert len(forms) > 300
    noisy = [f for f in forms if any(h.rule_id == "typo.lm" for h in engine.check(f"据悉：{f}。"))]
    assert noisy == []


def test_a_slip_that_breaks_a_known_name_is_serious() -> None:
    # without the near-miss layer, which lists one-character slips of division names itself
    engine = Detector.from_dir(DEFAULT_LEXICON_DIR, near_miss=False)
    [hit] = [h for h in engine.check("呼和浩持市召开会议。") if h.rule_id == "typo.lm"]
    assert (hit.text, hit.suggestions, hit.severity) == ("持", ("特",), "serious")
    [plain] = [h for h in engine.check(SLIPS[4][0]) if h.rule_id == "typo.lm"]
    assert plain.severity == "warning"


def test_a_correction_into_a_leaders_name_is_left_to_the_leaders_layer(engine: Detector) -> None:
    assert not any(h.rule_id == "typo.lm" for h in engine.check("李墙同志在村里开了一家小卖部。"))


FILLER = (
    "今年以来，我县坚持以人民为中心的发展思想，扎实推进乡村振兴，持续改善农村人居环境，群众的获得感、幸福感不断增强。"
    * 4
)


def test_a_name_written_again_in_the_document_is_the_authors_own(engine: Detector) -> None:
    once = "那一天深深定格在万笛心里。" + FILLER

    def typos(text: str) -> list[str]:
        return [h.text for h in engine.check(text, date=dt.date(2025, 6, 1)) if h.rule_id == "typo.lm"]

    assert typos(once) == ["笛"]
    assert typos(once + "说起今后的打算，万笛信心满满。") == []
    # a slip is still a slip when its neighbours recur elsewhere (原则。 after 职则。)
    slip = "各级政府要切实履行安全生产监管职则。" + FILLER + "同时要坚持原则。"
    assert typos(slip) == ["则"]


def test_probing_only_what_can_have_been_seen_changes_no_finding(engine: Detector) -> None:
    """A longer n-gram is probed only where the shorter ones inside it were seen (the model's min counts never
    fall with the order): the findings are those of probing every n-gram."""
    layer = engine.typo
    assert layer is not None and layer.model.closed
    text = "".join(s for s, _, _ in SLIPS) + "".join(s for s, _ in CLOSE_SLIPS) + "".join(CORRECT)
    text += "物价温补下降，各项工作有序推近。针炙能治肾症吗"
    pruned = [layer.find(text, profile) for profile in PROFILES]
    layer.model.closed = False
    try:
        assert [layer.find(text, profile) for profile in PROFILES] == pruned
    finally:
        layer.model.closed = True
    assert len(pruned[0]) >= len(SLIPS)
