"""Lexicon files: their schema, loading, validation and version hash."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from app.detection.tables import (
    DIVISIONS_FILE,
    FORMER_DIVISIONS_FILE,
    Division,
    divisions_source,
    load_divisions,
    load_lookalikes,
)
from app.vocabulary import CATEGORIES, PLACE_CATEGORY, Severity

MARK_OPEN, MARK_CLOSE = "[[", "]]"
_ID_RE = re.compile(r"^[a-z0-9]+(\.[a-z0-9_-]+)+$")


def _as_list(value: Any) -> Any:
    if isinstance(value, str):
        return [value]
    return value


StrList = Annotated[list[str], BeforeValidator(_as_list)]


class Example(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str
    date: dt.date | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_string(cls, value: Any) -> Any:
        return {"text": value} if isinstance(value, str) else value

    def marked_span(self) -> tuple[str, int, int]:
        """The sentence without its [[ ]] marker, and the marked span in it."""
        start = self.text.find(MARK_OPEN)
        end = self.text.find(MARK_CLOSE, start + 2)
        plain = self.text[:start] + self.text[start + 2 : end] + self.text[end + 2 :]
        return plain, start, end - 2


class Examples(BaseModel):
    model_config = ConfigDict(extra="forbid")

    bad: list[Example] = Field(min_length=1)
    good: list[Example] = Field(min_length=1)

    @field_validator("bad")
    @classmethod
    def _one_marker_each(cls, items: list[Example]) -> list[Example]:
        for item in items:
            if item.text.count(MARK_OPEN) != 1 or item.text.count(MARK_CLOSE) != 1:
                raise ValueError(f"bad example must mark exactly one span with [[ ]]: {item.text}")
            if item.text.find(MARK_OPEN) > item.text.find(MARK_CLOSE):
                raise ValueError(f"[[ must come before ]]: {item.text}")
        return items

    @field_validator("good")
    @classmethod
    def _no_marker(cls, items: list[Example]) -> list[Example]:
        for item in items:
            if MARK_OPEN in item.text or MARK_CLOSE in item.text:
                raise ValueError(f"good example must not contain [[ ]]: {item.text}")
        return items


def _compile_all(patterns: list[str]) -> list[str]:
    for pattern in patterns:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ValueError(f"bad regular expression {pattern!r}: {exc}") from exc
    return patterns


class Entry(BaseModel):
    """One wrong or sensitive term, with its correction, provenance and examples."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    id: str
    term: str | None = None
    terms: StrList = []
    suggest: StrList = []
    category: str | None = None
    severity: Severity
    message: str = Field(min_length=2)
    source: str = Field(min_length=2)
    examples: Examples
    # None: decided by principle (short terms and terms found inside longer words must be whole words).
    boundary: Literal["word", "none"] | None = None
    except_: StrList = Field(default=[], alias="except")
    not_after: StrList = []
    not_before: StrList = []
    only_after: StrList = []
    only_before: StrList = []
    since: dt.date | None = None
    until: dt.date | None = None
    tags: StrList = []

    @field_validator("id")
    @classmethod
    def _id_format(cls, value: str) -> str:
        if not _ID_RE.match(value):
            raise ValueError("id must be lowercase ASCII like 'typo.zuo-wei'")
        return value

    @field_validator("not_after", "not_before", "only_after", "only_before")
    @classmethod
    def _regexes(cls, value: list[str]) -> list[str]:
        return _compile_all(value)

    @model_validator(mode="after")
    def _terms(self) -> Entry:
        if self.term is not None and self.terms:
            raise ValueError("give either 'term' or 'terms', not both")
        if self.term is None and not self.terms:
            raise ValueError("an entry needs 'term' or 'terms'")
        if any(not t.strip() for t in self.all_terms):
            raise ValueError("terms must not be empty")
        if self.since and self.until and self.since >= self.until:
            raise ValueError("'since' must be before 'until'")
        return self

    @property
    def all_terms(self) -> list[str]:
        return [self.term] if self.term is not None else list(self.terms)


class CodeRule(BaseModel):
    """A rule whose spans code finds (a `detectors:` item of a lexicon file: privacy numbers, lists naming regions
    beside 中国, the statistical typo layer); the file gives its words, severity, source and examples."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    detector: Literal[
        "resident_id",
        "resident_id_mistyped",
        "mobile",
        "bank_card",
        "china_beside_regions",
        # Rules in code over the knowledge tables of lexicons/data (meetings, leaders, divisions);
        # each hit carries its own suggestion and message.
        "meeting_jie_ci",
        "meeting_jie_typo",
        "meeting_npc_order",
        "meeting_cppcc_order",
        "meeting_not_held",
        "meeting_date",
        "meeting_superseded",
        "leader_title_date",
        "pbsc_order",
        "leader_name_clipped",
        "anniversary_count",
        "plan_year",
        "correlative_ji",
        "goal_year",
        "impossible_date",
        "weekday_mismatch",
        "impossible_time",
        "quote_pairing",
        "book_title_pairing",
        "percent_mixed",
        "year_zero",
        "place_kind",
        "place_ethnic_order",
        # the statistical typo layer (app/detection/typo/)
        "typo_lm",
    ]
    severity: Severity
    message: str = Field(min_length=2)
    source: str = Field(min_length=2)
    examples: Examples
    category: str | None = None
    tags: StrList = []

    @field_validator("id")
    @classmethod
    def _id_format(cls, value: str) -> str:
        return Entry._id_format(value)

    @property
    def suggest(self) -> list[str]:
        return []

    @property
    def knowledge(self) -> bool:
        """A rule over the knowledge tables: each hit carries its own suggestion and message."""
        return self.detector not in _PRIVACY_DETECTORS


_PRIVACY_DETECTORS = frozenset({"resident_id", "mobile", "bank_card"})


class CanonicalForm(BaseModel):
    """A phrase that must be written exactly; near misses of it (one edit away) are flagged."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    id: str
    form: str = Field(min_length=2)
    severity: Severity = Severity.serious
    message: str | None = None
    source: str = Field(min_length=2)
    except_: StrList = Field(default=[], alias="except")
    since: dt.date | None = None
    until: dt.date | None = None
    tags: StrList = []
    category: str | None = None
    examples: Examples | None = None

    @field_validator("id")
    @classmethod
    def _id_format(cls, value: str) -> str:
        return Entry._id_format(value)

    @property
    def suggest(self) -> list[str]:
        return [self.form]

    @property
    def text_message(self) -> str:
        return self.message or f"规范表述应为“{self.form}”，此处疑似有错字、漏字、多字或字序颠倒。"


class LexiconFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    category: str
    entries: list[Entry] = []
    detectors: list[CodeRule] = []
    canonical: list[CanonicalForm] = []

    @field_validator("category")
    @classmethod
    def _known_category(cls, value: str) -> str:
        if value not in CATEGORIES:
            raise ValueError(f"unknown category {value!r}; known: {', '.join(CATEGORIES)}")
        return value


class LexiconError(Exception):
    """A lexicon file is invalid; the message names the file, the entry id and the field."""


@dataclass(frozen=True)
class Rule:
    """An entry or detector as the engine uses it: category resolved, origin known."""

    spec: Entry | CodeRule | CanonicalForm
    category: str
    file: str

    @property
    def id(self) -> str:
        return self.spec.id


@dataclass(frozen=True)
class Lexicon:
    rules: tuple[Rule, ...]
    version: str
    directory: Path
    divisions: tuple[Division, ...] = ()
    lookalikes: tuple[str, ...] = ()
    # Names divisions bore before (重庆市江北区, gone from the 2025 list): never rules, only known as real names.
    former_divisions: tuple[Division, ...] = ()

    def by_id(self) -> dict[str, Rule]:
        return {rule.id: rule for rule in self.rules}


def lexicon_version(directory: Path) -> str:
    """Content hash of every lexicon file: stored with each hit, so re-scans can tell rules apart."""
    digest = hashlib.sha256()
    for path in _data_files(directory):
        digest.update(path.relative_to(directory).as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()[:12]


def _lexicon_files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.rglob("*.yaml") if p.is_file())


def _data_files(directory: Path) -> list[Path]:
    """Everything the rules are built from: the YAML files and the tables under data/."""
    data = directory / "data"
    tables = sorted(p for p in data.rglob("*") if p.is_file()) if data.is_dir() else []
    return _lexicon_files(directory) + tables


def _describe(exc: ValidationError, raw: Any) -> str:
    lines = []
    for err in exc.errors():
        loc = list(err["loc"])
        where = ".".join(str(x) for x in loc)
        entry_id = None
        if len(loc) >= 2 and loc[0] in ("entries", "detectors", "canonical") and isinstance(loc[1], int):
            try:
                entry_id = raw[loc[0]][loc[1]].get("id")
            except (KeyError, IndexError, TypeError, AttributeError):
                entry_id = None
            where = ".".join(str(x) for x in loc[2:]) or "(entry)"
        prefix = f"entry {entry_id!r} " if entry_id else ""
        lines.append(f"{prefix}field {where}: {err['msg']}")
    return "; ".join(lines)


# libyaml's parser when PyYAML was built with it: five times faster on the thousands of generated entries.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_file(path: Path, name: str | None = None) -> LexiconFile:
    """One lexicon file; errors name it as `name` (its path inside the lexicon directory: an error
    reaches an API answer, which must not show where the server keeps its files)."""
    name = name or path.name
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_YAML_LOADER)
    except yaml.YAMLError as exc:
        raise LexiconError(f"{name}: not valid YAML: {_without(str(exc), path)}") from exc
    except UnicodeDecodeError as exc:
        raise LexiconError(f"{name}: not UTF-8: {exc}") from exc
    if not isinstance(raw, dict):
        raise LexiconError(f"{name}: expected a mapping with 'category' and 'entries'")
    try:
        return LexiconFile.model_validate(raw)
    except ValidationError as exc:
        raise LexiconError(f"{name}: {_describe(exc, raw)}") from exc


def _without(message: str, path: Path) -> str:
    return message.replace(str(path.parent) + "/", "").replace(str(path), path.name)


def load_lexicon(directory: Path | str) -> Lexicon:
    """Load and validate every file; ids must be unique across files."""
    directory = Path(directory)
    if not directory.is_dir():
        raise LexiconError(f"{directory.name}: lexicon directory not found (CUOMIN_LEXICON_DIR)")
    files = _lexicon_files(directory)
    if not files:
        raise LexiconError(f"{directory.name}: no *.yaml lexicon files")
    rules: list[Rule] = []
    seen: dict[str, str] = {}
    for path in files:
        name = path.relative_to(directory).as_posix()
        parsed = load_file(path, name)
        specs: list[Entry | CodeRule | CanonicalForm] = [*parsed.entries, *parsed.detectors, *parsed.canonical]
        for spec in specs:
            if spec.category is not None and spec.category != parsed.category:
                raise LexiconError(
                    f"{name}: entry {spec.id!r} field category: {spec.category!r} differs from "
                    f"the file's category {parsed.category!r}"
                )
            if spec.id in seen:
                raise LexiconError(f"{name}: entry {spec.id!r} field id: duplicate, already used in {seen[spec.id]}")
            seen[spec.id] = name
            rules.append(Rule(spec=spec, category=parsed.category, file=name))
    divisions = load_divisions(directory)
    rules += _place_rules(directory, divisions)
    rules += _leader_rules(directory, rules)
    return Lexicon(
        rules=tuple(rules),
        version=lexicon_version(directory),
        directory=directory,
        divisions=divisions,
        lookalikes=load_lookalikes(directory),
        former_divisions=load_divisions(directory, FORMER_DIVISIONS_FILE),
    )


# A prefecture's name without 市 is a canonical form of its own from this length (石家庄, not 长沙).
SHORT_NAME_CHARS = 3


def _place_rules(directory: Path, divisions: tuple[Division, ...]) -> list[Rule]:
    """Province and city names as canonical forms, one rule each, id from the division code."""
    if not divisions:
        return []
    source = divisions_source(directory)
    by_code = {d.code: d for d in divisions}
    rules = []
    for division in divisions:
        chain: list[str] = []
        parent = by_code.get(division.parent)
        while parent is not None:
            chain.insert(0, parent.name)
            parent = by_code.get(parent.parent)
        where = f"（{''.join(chain)}）" if chain else ""
        spec = CanonicalForm(
            id=f"place.{division.code}",
            form=division.name,
            severity=Severity.warning,
            message=f"行政区划名称应为“{division.name}”{where}。",
            source=source,
        )
        rules.append(Rule(spec=spec, category=PLACE_CATEGORY, file=DIVISIONS_FILE))
        stem = division.name.removesuffix("市")
        if division.level == "city" and stem != division.name and len(stem) >= SHORT_NAME_CHARS:
            # 石家庄 and 呼和浩特 stand without 市 as often as with it: their slips (石家装) are slips too.
            short = CanonicalForm(
                id=f"place.{division.code}.short",
                form=stem,
                severity=Severity.warning,
                message=f"地名应为“{stem}”（{''.join(chain)}{division.name}）。",
                source=source,
            )
            rules.append(Rule(spec=short, category=PLACE_CATEGORY, file=DIVISIONS_FILE))
    return rules


def _leader_rules(directory: Path, rules: list[Rule]) -> list[Rule]:
    """Leaders' names with their titles as canonical forms, from data/leaders.csv; forms already
    written in a lexicon file are left to it."""
    from app.detection.leaders import LEADERS_FILE, OFFICES, leader_forms, load_leaders

    try:
        tenures = load_leaders(directory)
    except (ValueError, KeyError) as exc:
        raise LexiconError(str(exc)) from exc
    written = {r.spec.form for r in rules if isinstance(r.spec, CanonicalForm)}
    generated = []
    for index, (form, (tenure, since, until)) in enumerate(leader_forms(tenures).items()):
        if form in written:
            continue
        office = OFFICES[tenure.office].label
        spec = CanonicalForm(
            id=f"leader.{tenure.key}.{index}",
            form=form,
            severity=Severity.serious,
            message=f"领导人姓名、职务应为“{form}”（{office}），此处疑似有错字、漏字、多字或字序颠倒。"
            if since
            else f"领导人姓名应为“{form}”，此处疑似有错字、漏字、多字或字序颠倒。",
            source=tenure.source,
            since=since,
            until=until,
        )
        generated.append(Rule(spec=spec, category="政治表述", file=LEADERS_FILE))
    return generated
