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
