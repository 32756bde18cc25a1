"""A rule's name in Chinese, for people who review hits: 「“做为”应作“作为”」 rather than `typo.zuo-wei`."""

from __future__ import annotations

from app.detection.detector import Detector
from app.detection.lexicon import CanonicalForm, CodeRule, Rule

DETECTOR_NAMES = {
    "resident_id": "公开身份证号",
    "resident_id_mistyped": "公开身份证号（校验码不符）",
    "mobile": "公开手机号码",
    "bank_card": "公开银行卡号",
    "china_beside_regions": "港澳台与中国并列",
    "meeting_jie_ci": "会议“届”“次”用错",
    "meeting_jie_typo": "届次的“届”误作“界”",
    "meeting_npc_order": "全国人大会议简称的届次顺序",
    "meeting_cppcc_order": "全国政协会议简称的届次顺序",
    "meeting_date": "会议开幕日期",
    "meeting_superseded": "学习贯彻的会议精神已过时",
    "meeting_not_held": "会议尚未召开",
    "leader_title_date": "领导人职务与日期不符",
    "pbsc_order": "政治局常委排序",
    "leader_name_clipped": "领导人姓名漏字",
    "anniversary_count": "周年数",
    "plan_year": "五年规划的年份",
    "goal_year": "奋斗目标的时间",
    "correlative_ji": "“既……又”误作“即……又”",
    "place_kind": "省级行政区的类别",
    "place_ethnic_order": "自治地方名称的民族顺序",
    "typo_lm": "疑似错别字（统计）",
    "impossible_date": "不存在的日期",
    "weekday_mismatch": "星期与日期不符",
    "impossible_time": "不存在或自相矛盾的时间",
    "quote_pairing": "引号不成对",
    "book_title_pairing": "书名号不成对",
    "percent_mixed": "百分数汉字和数字混用",
    "year_zero": "汉字年份中的“〇”",
}
MAX_TERMS = 2


def label(rule: Rule) -> str:
    spec = rule.spec
    if isinstance(spec, CodeRule):
        return DETECTOR_NAMES.get(spec.detector, spec.detector)
    if isinstance(spec, CanonicalForm):
        return f"规范表述“{spec.form}”"
    terms = spec.all_terms
    named = "、".join(f"“{t}”" for t in terms[:MAX_TERMS]) + ("等" if len(terms) > MAX_TERMS else "")
    if spec.suggest:
        return f"{named}应作“{spec.suggest[0]}”"
    return f"慎用{named}"


def rule_label(detector: Detector, rule_id: str) -> str:
    """The rule's name; a rule the current lexicon no longer has keeps its id."""
    try:
        return label(detector.rule(rule_id))
    except KeyError:
        return rule_id
