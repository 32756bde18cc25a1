"""LanguageTool's HTTP API, spoken over our hits: parameters, annotated text, UTF-16 offsets, the JSON answer.

Editors' LanguageTool clients (browser extension, LibreOffice, Obsidian, LTeX, language_tool_python) post
to /v2/check and read LanguageTool's JSON. This module is the pure half of that: it parses the request
parameters, turns `data` annotation markup into the text we check plus a map back to the document, and
builds the answer. Offsets and lengths in the answer count UTF-16 code units, as LanguageTool's (Java)
clients expect, and refer to the document including markup. No web framework here; the route in
app/api/routes/languagetool.py is a thin layer over it.
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from app.detection.hit import Hit
from app.detection.lexicon import Rule
from app.vocabulary import CATEGORY_IDS, TYPO_CATEGORY, Severity

# The one language we check. LanguageTool itself calls it "Chinese" with codes zh / zh-CN.
LANGUAGE_NAME = "Chinese"
LANGUAGE_CODE = "zh"
LANGUAGE_LONG_CODE = "zh-CN"

# Sentence ends for the `sentence` field.
_SENTENCE_ENDS = frozenset("。！？!?\n")


_SURROGATE = re.compile("[\ud800-\udfff]")


def has_lone_surrogate(text: str) -> bool:
    """A Python string from JSON's "\\ud800" escape: no UTF-8 encoder (database, response) takes it."""
    return _SURROGATE.search(text) is not None


class LtRequestError(Exception):
    """A request LanguageTool would refuse; the route answers it as LanguageTool does (text/plain)."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message, self.status = message, status


def category_id(category: str) -> str:
    return CATEGORY_IDS.get(category, category)


def issue_type(severity: str, category: str) -> str:
    """LanguageTool's issueType, which clients colour by: misspelling is the red underline, style the mild one.

    Serious wording errors (the ones an account is reported for) get the strongest colour, as do typos;
    other errors are grammar-coloured; "use with care" hints are style.
    """
    if severity == Severity.serious:
        return "misspelling"
    if severity == Severity.info:
        return "style"
    if category == TYPO_CATEGORY:
        return "misspelling"
    return "grammar"


def type_name(severity: str) -> str:
    """LanguageTool's match type: Hint for hints, Other otherwise (never UnknownWord: our terms are known words)."""
    return "Hint" if severity == Severity.info else "Other"


def short_message(severity: str, category: str) -> str:
    return f"{Severity(severity).label} · {category}"


# --- the text: plain text or annotation markup -------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Part:
    plain_start: int
    plain_len: int
    doc_start: int
    doc_len: int
    is_text: bool


@dataclass(frozen=True)
class AnnotatedText:
    """What we check (`plain`) and the document the client sees (`document`: text and markup).

    Markup is left out of `plain`, or replaced by its interpretAs (e.g. "\\n\\n" for a paragraph tag);
    spans found in `plain` map back to `document`, which is what LanguageTool's offsets refer to.
    """

    plain: str
    document: str
    parts: tuple[_Part, ...]

    @classmethod
    def from_text(cls, text: str) -> AnnotatedText:
        return cls(plain=text, document=text, parts=(_Part(0, len(text), 0, len(text), True),))

    @classmethod
    def from_annotation(cls, items: Iterable[tuple[str, str | None]]) -> AnnotatedText:
        """items: (text, None) for text, (markup, interpret_as or "") for markup."""
        plain: list[str] = []
        document: list[str] = []
        parts: list[_Part] = []
        plain_at = doc_at = 0
        for content, interpret_as in items:
            checked = content if interpret_as is None else interpret_as
            # Markup read as nothing has no place in the plain text; no hit starts or ends in it.
            if checked:
                parts.append(_Part(plain_at, len(checked), doc_at, len(content), interpret_as is None))
            plain.append(checked)
            plain_at += len(checked)
            document.append(content)
            doc_at += len(content)
        return cls(plain="".join(plain), document="".join(document), parts=tuple(parts))

    @classmethod
    def from_data(cls, data: str) -> AnnotatedText:
        """LanguageTool's `data` parameter: {"text": ...} or {"annotation": [{"text"} | {"markup", "interpretAs"?}]}."""
        try:
            parsed = json.loads(data)
        except ValueError as exc:
            raise LtRequestError("Could not parse JSON from 'data' parameter") from exc
        except RecursionError:
            raise LtRequestError("'data' 参数的 JSON 嵌套层次过深，无法解析") from None
        if not isinstance(parsed, dict):
            raise LtRequestError("'data' key in JSON requires 'text' or 'annotation' key")
        if "text" in parsed and "annotation" in parsed:
            raise LtRequestError("'data' key in JSON requires either 'text' or 'annotation' key, not both")
        if "text" in parsed:
            if not isinstance(parsed["text"], str):
                raise LtRequestError("'text' in 'data' must be a string")
            return cls.from_text(parsed["text"])
        if not isinstance(parsed.get("annotation"), list):
            raise LtRequestError("'data' key in JSON requires 'text' or 'annotation' key")
        items: list[tuple[str, str | None]] = []
        for node in parsed["annotation"]:
            if not isinstance(node, dict):
                raise LtRequestError(f"Only 'text' and 'markup' are supported in 'annotation' list: {node!r}")
            if "text" in node and "markup" in node:
                raise LtRequestError(f"Only either 'text' or 'markup' are supported in an object, not both: {node}")
            if "text" in node and "interpretAs" in node:
                raise LtRequestError(f"'text' cannot be used with 'interpretAs' (only 'markup' can): {node}")
            if "text" in node and isinstance(node["text"], str):
                items.append((node["text"], None))
            elif "markup" in node and isinstance(node["markup"], str):
                interpret_as = node.get("interpretAs", "")
                if not isinstance(interpret_as, str):
                    raise LtRequestError(f"'interpretAs' must be a string: {node}")
                items.append((node["markup"], interpret_as))
            else:
                raise LtRequestError(f"Only 'text' and 'markup' are supported in 'annotation' list: {node}")
        return cls.from_annotation(items)

    def _part_at(self, position: int) -> _Part:
        """The part holding plain[position] (parts are contiguous and non-empty)."""
        index = bisect.bisect_right(self.parts, position, key=lambda part: part.plain_start) - 1
        return self.parts[index]

    def document_span(self, start: int, end: int) -> tuple[int, int]:
        """The span of the document (code points) that plain[start:end] came from."""
        if len(self.parts) == 1 and self.parts[0].is_text:
            return start, end
        first = self._part_at(start)
        doc_start = first.doc_start + (start - first.plain_start) if first.is_text else first.doc_start
        last = self._part_at(end - 1)
        doc_end = last.doc_start + (end - last.plain_start) if last.is_text else last.doc_start + last.doc_len
        return doc_start, doc_end


class Utf16:
    """Code-point index → UTF-16 code-unit index: each character beyond the BMP (emoji, rare CJK) counts twice."""

    def __init__(self, text: str) -> None:
        self._astral = [i for i, ch in enumerate(text) if ord(ch) > 0xFFFF]

    def __call__(self, index: int) -> int:
        return index + bisect.bisect_left(self._astral, index)


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


# --- the request -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckRequest:
    text: AnnotatedText
    language: str
    detected: bool  # language=auto: the code we answer with was "detected"
    enabled_rules: frozenset[str]
    disabled_rules: frozenset[str]
    enabled_categories: frozenset[str]
    disabled_categories: frozenset[str]
    enabled_only: bool
    level: str
    text_level_only: bool  # mode=textLevelOnly: only rules over the whole text, and all ours are sentence rules


def _split(value: str | None) -> frozenset[str]:
    return frozenset(part.strip() for part in (value or "").split(",") if part.strip())


def resolve_language(code: str | None) -> tuple[str, bool]:
    """(the long code we answer with, whether it was auto-detected). Any Chinese tag, or auto, is ours."""
    if code is None or not code.strip() or code.strip().lower() == "auto":
        return LANGUAGE_LONG_CODE, True
    primary = code.strip().replace("_", "-").split("-")[0].lower()
    if primary != LANGUAGE_CODE:
        raise LtRequestError(
            f"'{code}' is not a language code known to cuomin. Supported language codes are: "
            f"{LANGUAGE_CODE}, {LANGUAGE_LONG_CODE}, auto"
        )
    return LANGUAGE_LONG_CODE, False


def parse_check_params(params: Mapping[str, str], *, max_chars: int) -> CheckRequest:
    """LanguageTool's /v2/check parameters. username and apiKey are accepted and not used (yet)."""
    if "text" in params and "data" in params:
        raise LtRequestError("Set only 'text' or 'data' parameter, not both")
    if "text" in params:
        text = AnnotatedText.from_text(params["text"])
    elif "data" in params:
        text = AnnotatedText.from_data(params["data"])
    else:
        raise LtRequestError("Missing 'text' or 'data' parameter")
    if has_lone_surrogate(text.document):
        raise LtRequestError("文本中含有无效字符（单独的 UTF-16 代理码位），请检查文字的复制来源")
    if len(text.plain) > max_chars:
        raise LtRequestError(f"文本过长：共 {len(text.plain)} 字，单次最多检查 {max_chars} 字，请分段提交", status=413)
    language, detected = resolve_language(params.get("language"))
    enabled_rules = _split(params.get("enabledRules"))
    enabled_categories = _split(params.get("enabledCategories"))
    enabled_only = params.get("enabledOnly", "false").strip().lower() == "true"
    if enabled_only and not enabled_rules and not enabled_categories:
        raise LtRequestError("You cannot use 'enabledOnly' without specifying 'enabledRules' or 'enabledCategories'")
    return CheckRequest(
        text=text,
        language=language,
        detected=detected,
        enabled_rules=enabled_rules,
        disabled_rules=_split(params.get("disabledRules")),
        enabled_categories=enabled_categories,
        disabled_categories=_split(params.get("disabledCategories")),
        enabled_only=enabled_only,
        level=params.get("level", "default"),
        text_level_only=params.get("mode") == "textLevelOnly",
    )


def _category_in(category: str, names: frozenset[str]) -> bool:
    upper = {name.upper() for name in names}
    return category in names or category_id(category).upper() in upper


def exempt_rules(request: CheckRequest, rules: Iterable[Rule]) -> set[str]:
    """Rule ids to leave out: disabled rules and categories, and with enabledOnly everything not enabled.

    Given to the detector (not filtered afterwards) so a left-out rule cannot hide an overlapping one.
    Our rules are all on by default, so enabledRules / enabledCategories matter only with enabledOnly.
    """
    exempt = set(request.disabled_rules)
    for rule in rules:
        if _category_in(rule.category, request.disabled_categories):
            exempt.add(rule.id)
        elif request.enabled_only and not (
            rule.id in request.enabled_rules or _category_in(rule.category, request.enabled_categories)
        ):
            exempt.add(rule.id)
    return exempt


# --- the answer ------------------------------------------------------------------------------------


def sentence_around(text: str, start: int, end: int) -> str:
    """The sentence holding text[start:end], with its closing punctuation."""
    begin = start
    while begin > 0 and text[begin - 1] not in _SENTENCE_ENDS:
        begin -= 1
    stop = max(end, start + 1)
    while stop < len(text) and text[stop - 1] not in _SENTENCE_ENDS:
        stop += 1
    return text[begin:stop].strip()


def context_around(document: str, start: int, end: int, size: int) -> dict[str, Any]:
    """LanguageTool's context: size characters either side, "..." where cut, line breaks as spaces."""
    left = max(0, start - size)
    right = min(len(document), end + size)
    prefix = "..." if left > 0 else ""
    suffix = "..." if right < len(document) else ""
    window = document[left:right].replace("\r", " ").replace("\n", " ")
    return {
        "text": prefix + window + suffix,
        "offset": utf16_len(prefix) + utf16_len(document[left:start]),
        "length": utf16_len(document[start:end]),
    }


def software(version: str) -> dict[str, Any]:
    return {
        "name": "cuomin",
        "version": version,
        "buildDate": "",
        "apiVersion": 1,
        "premium": False,
        "status": "",
    }


def language_section(request: CheckRequest) -> dict[str, Any]:
    return {
        "name": LANGUAGE_NAME,
        "code": request.language,
        "detectedLanguage": {"name": LANGUAGE_NAME, "code": LANGUAGE_LONG_CODE, "confidence": 1.0},
    }


def rule_section(rule: Rule, severity: str) -> dict[str, Any]:
    return {
        "id": rule.id,
        "sourceFile": rule.file,
        "description": rule.spec.message,
        "issueType": issue_type(severity, rule.category),
        "category": {"id": category_id(rule.category), "name": rule.category},
    }


def match(hit: Hit, rule: Rule, text: AnnotatedText, utf16: Utf16, *, context_chars: int) -> dict[str, Any]:
    start, end = text.document_span(hit.start, hit.end)
    offset = utf16(start)
    return {
        "message": f"{hit.message}（依据：{hit.source}）",
        "shortMessage": short_message(hit.severity, hit.category),
        "replacements": [{"value": value} for value in hit.suggestions],
        "offset": offset,
        "length": utf16(end) - offset,
        "context": context_around(text.document, start, end, context_chars),
        "sentence": sentence_around(text.plain, hit.start, hit.end),
        "type": {"typeName": type_name(hit.severity)},
        "rule": rule_section(rule, hit.severity),
        "ignoreForIncompleteSentence": False,
        "contextForSureMatch": 0,
    }


def check_response(
    hits: Iterable[Hit],
    request: CheckRequest,
    *,
    rule: Callable[[str], Rule],
    version: str,
    context_chars: int,
    incomplete: bool = False,
) -> dict[str, Any]:
    """LanguageTool's /v2/check answer for our hits on request.text.plain; incomplete when the engine
    stopped at its bound of hits per text (LanguageTool's own flag for a check cut short)."""
    utf16 = Utf16(request.text.document)
    return {
        "software": software(version),
        "warnings": {"incompleteResults": incomplete},
        "language": language_section(request),
        "matches": [match(h, rule(h.rule_id), request.text, utf16, context_chars=context_chars) for h in hits],
    }


def languages() -> list[dict[str, str]]:
    """/v2/languages: the languages we check."""
    return [{"name": LANGUAGE_NAME, "code": LANGUAGE_CODE, "longCode": LANGUAGE_LONG_CODE}]


def config_info(rules: Iterable[Rule], *, version: str, max_chars: int) -> dict[str, Any]:
    """/v2/configinfo: every rule, for clients that list rules to switch (LibreOffice's options dialog)."""
    return {
        "software": {"name": "cuomin", "version": version, "buildDate": "", "premium": False},
        "parameter": {"maxTextLength": max_chars},
        "rules": [
            {
                "ruleId": r.id,
                "description": r.spec.message,
                "categoryId": category_id(r.category),
                "categoryName": r.category,
                "locQualityIssueType": issue_type(r.spec.severity, r.category),
            }
            for r in rules
        ],
    }
