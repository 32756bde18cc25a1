"""The LanguageTool-compatible API (/v2), driven by LanguageTool's own Python client against `cuomin serve`."""

from __future__ import annotations

import json
import logging
import unicodedata
import urllib.parse
from collections.abc import Iterator

import language_tool_python
import pytest
import requests
from fastapi.testclient import TestClient
from language_tool_python.download_lt import LocalLanguageTool

from app.config import Settings
from app.detection.detector import Detector
from app.main import create_app
from tests.conftest import ADMIN, ADMIN_TOKEN, MINI_LEXICON
from tests.serving import cuomin_serve

OBSIDIAN = "app://obsidian.md"
# What a LanguageTool client with its "username" and "API key" filled in sends: the key is a cuomin token.
KEY = {"username": "编辑", "apiKey": ADMIN_TOKEN}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`cuomin serve` on a free loopback port, with the mini lexicon; its URL."""
    env = {"CUOMIN_LEXICON_DIR": str(MINI_LEXICON), "CUOMIN_CORS_ORIGINS": OBSIDIAN, "CUOMIN_ADMIN_TOKEN": ADMIN_TOKEN}
    # anything the service writes stays in its own directory
    with cuomin_serve(tmp_path_factory.mktemp("serve"), env) as running:
        yield running.url


@pytest.fixture(scope="module")
def tool(server: str) -> Iterator[language_tool_python.LanguageTool]:
    # With remote_server, language_tool_python (3.4) neither downloads nor starts LanguageTool: it only
    # talks HTTP to the given server. Should a later version try to fetch LanguageTool (there is no
    # internet here), make that fail loudly instead of hanging on the network.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(LocalLanguageTool, "download", _no_download)
        # language_tool_python sends no apiKey; the token rides in the URL as Basic credentials.
        authed = server.replace("http://", f"http://cuomin:{ADMIN_TOKEN}@")
        with language_tool_python.LanguageTool("zh-CN", remote_server=authed) as client:
            yield client


def _no_download(*_args: object, **_kwargs: object) -> None:
    raise AssertionError("language_tool_python tried to download LanguageTool despite remote_server")


@pytest.fixture(autouse=True)
def _reset(tool: language_tool_python.LanguageTool) -> None:
    tool.disabled_rules, tool.enabled_rules = set(), set()
    tool.disabled_categories, tool.enabled_categories = set(), set()
    tool.enabled_rules_only = False


def _nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)  # the client normalises messages so


def test_client_takes_us_for_a_chinese_languagetool(tool: language_tool_python.LanguageTool) -> None:
    assert tool.is_remote
    assert str(tool.language) == "zh-CN"


def test_round_trip_offsets_and_replacements_with_emoji(tool: language_tool_python.LanguageTool) -> None:
    text = "👍🏻 截止目前，😀他做为一名党员，推进一带一路战略。"
    matches = tool.check(text)
    found = [(m.rule_id, text[m.offset : m.offset + m.error_length], m.replacements) for m in matches]
    assert found == [
        ("test.jie-zhi", "截止", ["截至"]),
        ("test.zuo-wei", "做为", ["作为"]),
        ("test.yi-dai-yi-lu-zhan-lue", "一带一路战略", ["一带一路倡议"]),
    ]
    first = matches[0]
    assert first.message == _nfkc("表示“到某时为止”并后接时间时应作“截至”。（依据：测试）")
    assert first.category == "TYPOS"
    assert first.rule_issue_type == "misspelling"
    assert first.sentence == "👍🏻 截止目前，😀他做为一名党员，推进一带一路战略。"
    assert tool.correct(text) == "👍🏻 截至目前，😀他作为一名党员，推进一带一路倡议。"


def test_round_trip_matches_the_engine_hit_for_hit(tool: language_tool_python.LanguageTool, mini: Detector) -> None:
    text = "😀县国土资源局通知：截止2024年底，他做为党员，这是一项战略。习近 平同志指出。🇨🇳"
    hits = mini.check(text)
    matches = tool.check(text)
    assert [(m.rule_id, m.offset, m.offset + m.error_length, m.replacements) for m in matches] == [
        (h.rule_id, h.start, h.end, list(h.suggestions)) for h in hits
    ]
    assert {m.rule_issue_type for m in matches} == {"misspelling", "style"}


def test_rule_and_category_switches(tool: language_tool_python.LanguageTool) -> None:
    text = "截止目前，他做为党员。"
    tool.disabled_rules = {"test.zuo-wei"}
    assert [m.rule_id for m in tool.check(text)] == ["test.jie-zhi"]
    tool.disabled_rules = set()
    tool.disable_spellchecking()  # the client's spelling switch: our TYPOS category
    assert tool.check(text) == []
    tool.enable_spellchecking()
    tool.enabled_rules, tool.enabled_rules_only = {"test.zuo-wei"}, True
    assert [m.rule_id for m in tool.check(text)] == ["test.zuo-wei"]


def test_markup_annotations_round_trip(tool: language_tool_python.LanguageTool, server: str) -> None:
    # language_tool_python has no API for `data`; send it through the client's own transport and parse
    # the answer with its Match, which converts the UTF-16 offsets back to Python indices.
    annotation = [
        {"markup": "<p>", "interpretAs": "\n\n"},
        {"text": "😀截止目前，他做"},
        {"markup": '<b class="x">'},
        {"text": "为党员"},
        {"markup": "</b>"},
        {"text": "。"},
        {"markup": "<img alt='😀'/>"},
        {"text": "推进一带一路战略。"},
        {"markup": "</p>", "interpretAs": "\n\n"},
    ]
    document = "".join(part.get("text", part.get("markup", "")) for part in annotation)
    params = {"language": "zh-CN", "data": json.dumps({"annotation": annotation}, ensure_ascii=False)}
    answer = tool._query_server(urllib.parse.urljoin(tool.url, "check"), params, method="post")
    matches = [language_tool_python.Match(m, document) for m in answer["matches"]]
    assert [(m.rule_id, document[m.offset : m.offset + m.error_length]) for m in matches] == [
        ("test.jie-zhi", "截止"),
        ("test.zuo-wei", '做<b class="x">为'),
        ("test.yi-dai-yi-lu-zhan-lue", "一带一路战略"),
    ]
    assert matches[1].replacements == ["作为"]


def test_refusals_are_plain_text_like_languagetools(tool: language_tool_python.LanguageTool, server: str) -> None:
    response = requests.post(f"{server}/v2/check", data={"language": "en-US", "text": "hello", **KEY}, timeout=10)
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("text/plain")
    assert response.text.startswith("Error: 'en-US' is not a language code known to cuomin")
    with pytest.raises(language_tool_python.exceptions.LanguageToolError, match="Missing 'text' or 'data'"):
        tool._query_server(urllib.parse.urljoin(tool.url, "check"), {"language": "zh-CN"}, method="post")


def test_cors_for_browser_clients(server: str) -> None:
    preflight = requests.options(
        f"{server}/v2/check",
        headers={"Origin": OBSIDIAN, "Access-Control-Request-Method": "POST"},
        timeout=10,
    )
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == OBSIDIAN
    response = requests.post(
        f"{server}/v2/check", data={"language": "auto", "text": "做为", **KEY}, headers={"Origin": OBSIDIAN}, timeout=10
    )
    assert response.headers["access-control-allow-origin"] == OBSIDIAN
    other = requests.post(
        f"{server}/v2/check",
        data={"language": "auto", "text": "做为"},
        headers={"Origin": "https://x.example"},
        timeout=10,
    )
    assert "access-control-allow-origin" not in other.headers


# --- the answer's shape, field by field, against LanguageTool's documented schema ---------------------
#
# From LanguageTool's HTTP API (swagger: /check 200 response) and the fields its server writes
# (RuleMatchesAsJsonSerializer): name → type, and whether the documentation requires the field.

SOFTWARE = {"name": (str, True), "version": (str, True), "buildDate": (str, True), "apiVersion": (int, True),
            "premium": (bool, False), "status": (str, False)}  # fmt: skip
DETECTED = {"name": (str, True), "code": (str, True), "confidence": (float, False)}
LANGUAGE = {"name": (str, True), "code": (str, True), "detectedLanguage": (DETECTED, True)}
CATEGORY = {"id": (str, True), "name": (str, True)}
RULE = {"id": (str, True), "subId": (str, False), "sourceFile": (str, False), "description": (str, True),
        "issueType": (str, True), "urls": (list, False), "category": (CATEGORY, True)}  # fmt: skip
CONTEXT = {"text": (str, True), "offset": (int, True), "length": (int, True)}
MATCH = {"message": (str, True), "shortMessage": (str, False), "replacements": (list, True),
         "offset": (int, True), "length": (int, True), "context": (CONTEXT, True), "sentence": (str, True),
         "type": ({"typeName": (str, True)}, False), "rule": (RULE, True),
         "ignoreForIncompleteSentence": (bool, False), "contextForSureMatch": (int, False)}  # fmt: skip
RESPONSE = {"software": (SOFTWARE, True), "warnings": ({"incompleteResults": (bool, True)}, False),
            "language": (LANGUAGE, True), "matches": (list, True)}  # fmt: skip
# LanguageTool's issue types (ITS 2.0 localization quality issue types, as LanguageTool names them).
ISSUE_TYPES = {"addition", "characters", "duplication", "formatting", "grammar", "inconsistency",
               "inconsistententities", "internationalization", "legal", "length", "locale-specific-content",
               "locale-violation", "markup", "misspelling", "mistranslation", "non-conformance", "numbers",
               "omission", "other", "patternproblem", "register", "style", "terminology", "typographical",
               "uncategorized", "untranslated", "whitespace"}  # fmt: skip


def _conforms(value: object, schema: dict, where: str) -> None:
    assert isinstance(value, dict), where
    assert set(value) <= set(schema), f"{where}: fields LanguageTool does not have: {set(value) - set(schema)}"
    for name, (kind, required) in schema.items():
        if name not in value:
            assert not required, f"{where}.{name} is required"
            continue
        if isinstance(kind, dict):
            _conforms(value[name], kind, f"{where}.{name}")
        else:
            assert type(value[name]) is kind, f"{where}.{name} should be {kind.__name__}"


def test_response_shape_field_by_field(server: str) -> None:
    text = "😀截止目前，他做为党员，推进一带一路战略。这是一项战略。"
    response = requests.post(f"{server}/v2/check", data={"language": "zh-CN", "text": text, **KEY}, timeout=10)
    assert response.status_code == 200 and response.headers["content-type"] == "application/json"
    body = response.json()
    _conforms(body, RESPONSE, "response")
    assert body["software"]["apiVersion"] == 1
    assert body["language"] == {
        "name": "Chinese",
        "code": "zh-CN",
        "detectedLanguage": {"name": "Chinese", "code": "zh-CN", "confidence": 1.0},
    }
    assert len(body["matches"]) == 4
    for index, found in enumerate(body["matches"]):
        _conforms(found, MATCH, f"matches[{index}]")
        assert all(set(r) == {"value"} and isinstance(r["value"], str) for r in found["replacements"])
        assert found["rule"]["issueType"] in ISSUE_TYPES
        assert found["type"]["typeName"] in {"UnknownWord", "Hint", "Other"}
        # offsets count UTF-16 code units: the emoji at the start is two
        units = text.encode("utf-16-le")
        covered = units[2 * found["offset"] : 2 * (found["offset"] + found["length"])].decode("utf-16-le")
        context = found["context"]
        in_context = context["text"].encode("utf-16-le")[
            2 * context["offset"] : 2 * (context["offset"] + context["length"])
        ]
        assert in_context.decode("utf-16-le") == covered
    assert [m["rule"]["issueType"] for m in body["matches"]] == ["misspelling", "misspelling", "misspelling", "style"]
    # the same field order as LanguageTool's server writes
    assert list(body) == ["software", "warnings", "language", "matches"]
    assert list(body["matches"][0]) == [*list(MATCH)[:7], "type", "rule", "ignoreForIncompleteSentence",
                                        "contextForSureMatch"]  # fmt: skip


def test_languages_and_configinfo_shape(server: str) -> None:
    languages = requests.get(f"{server}/v2/languages", timeout=10).json()
    assert languages == [{"name": "Chinese", "code": "zh", "longCode": "zh-CN"}]
    info = requests.get(f"{server}/v2/configinfo", params={"language": "zh-CN"}, timeout=10).json()
    assert info["parameter"]["maxTextLength"] == 200_000
    assert {r["ruleId"] for r in info["rules"]} >= {"test.zuo-wei", "test.jie-zhi"}
    assert set(info["rules"][0]) == {"ruleId", "description", "categoryId", "categoryName", "locQualityIssueType"}


# --- parameters, in process ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    settings = Settings(lexicon_dir=MINI_LEXICON, max_text_chars=50, admin_token=ADMIN_TOKEN)
    with TestClient(create_app(settings), headers=ADMIN) as client:
        yield client


def test_get_check_and_accepted_but_unused_parameters(client: TestClient) -> None:
    params = {"text": "他做为党员。", "language": "zh", **KEY,
              "motherTongue": "zh-CN", "preferredVariants": "en-US", "level": "picky", "mode": "all"}  # fmt: skip
    response = client.get("/v2/check", params=params)
    assert response.status_code == 200
    assert [m["rule"]["id"] for m in response.json()["matches"]] == ["test.zuo-wei"]
    assert response.headers["x-cuomin-lexicon-version"] == client.get("/healthz").json()["lexicon_version"]
    assert client.post("/v2/check", data=params).json() == response.json()


def test_text_level_only_mode_has_no_matches(client: TestClient) -> None:
    data = {"text": "他做为党员。", "language": "zh-CN", "mode": "textLevelOnly"}
    assert client.post("/v2/check", data=data).json()["matches"] == []
    data["mode"] = "allButTextLevelOnly"
    assert len(client.post("/v2/check", data=data).json()["matches"]) == 1


def test_empty_text_has_no_matches(client: TestClient) -> None:
    response = client.post("/v2/check", data={"text": "", "language": "auto"})
    assert response.status_code == 200 and response.json()["matches"] == []


@pytest.mark.parametrize(
    ("data", "status", "message"),
    [
        ({"language": "zh"}, 400, "Error: Missing 'text' or 'data' parameter"),
        ({"language": "zh", "text": "a", "data": "{}"}, 400, "Error: Set only 'text' or 'data' parameter, not both"),
        ({"language": "zh", "data": "{bad"}, 400, "Error: Could not parse JSON from 'data' parameter"),
        ({"language": "fr", "text": "a"}, 400, "Error: 'fr' is not a language code known to cuomin"),
        ({"language": "zh", "text": "a", "enabledOnly": "true"}, 400, "Error: You cannot use 'enabledOnly'"),
        ({"language": "zh", "text": "字" * 51}, 413, "Error: 文本过长：共 51 字，单次最多检查 50 字"),
    ],
)
def test_refusals(client: TestClient, data: dict, status: int, message: str) -> None:
    response = client.post("/v2/check", data=data)
    assert response.status_code == status
    assert response.text.startswith(message)


def test_disabled_categories_by_chinese_name(client: TestClient) -> None:
    response = client.post(
        "/v2/check", data={"text": "他做为党员。", "language": "zh", "disabledCategories": "常见错别字"}
    )
    assert response.json()["matches"] == []


def test_configinfo_needs_a_language(client: TestClient) -> None:
    assert client.get("/v2/configinfo").text == "Error: 'language' parameter missing"
    assert client.get("/v2/configinfo", params={"language": "de"}).status_code == 400


def test_no_cors_headers_unless_configured(client: TestClient) -> None:
    response = client.post("/v2/check", data={"text": "做为", "language": "zh"}, headers={"Origin": OBSIDIAN})
    assert "access-control-allow-origin" not in response.headers


class _Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


def test_token_in_the_server_url_for_clients_without_a_key_field() -> None:
    # The browser extension is given http://服务器:8000/lt/<令牌>/v2 as its server.
    settings = Settings(lexicon_dir=MINI_LEXICON, admin_token=ADMIN_TOKEN)
    lines = _Lines()
    logging.getLogger("cuomin.access").addHandler(lines)
    with TestClient(create_app(settings)) as anonymous:
        languages = anonymous.get(f"/lt/{ADMIN_TOKEN}/v2/languages")
        assert languages.status_code == 200 and languages.json() == anonymous.get("/v2/languages").json()
        checked = anonymous.post(f"/lt/{ADMIN_TOKEN}/v2/check", data={"language": "zh-CN", "text": "他做为党员。"})
        assert checked.status_code == 200
        assert [m["replacements"] for m in checked.json()["matches"]] == [[{"value": "作为"}]]
        refused = anonymous.post("/lt/not-a-token/v2/check", data={"language": "zh-CN", "text": "他做为党员。"})
        assert refused.status_code == 401 and refused.text.startswith("Error:")
        assert anonymous.post("/v2/check", data={"language": "zh-CN", "text": "x"}).status_code == 401
        assert anonymous.get(f"/lt/{ADMIN_TOKEN}/api/me").status_code == 404  # only /v2 is rewritten
    logging.getLogger("cuomin.access").removeHandler(lines)
    logged = "\n".join(lines.lines)
    assert '"path": "/v2/check"' in logged and ADMIN_TOKEN not in logged
