"""What the engine reports: one hit per wrong or sensitive span."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any, Final, Literal

# Which part of an article a hit lies in; offsets count from the start of that part.
TITLE: Final = "title"
BODY: Final = "body"
Field = Literal["title", "body"]


@dataclass(frozen=True, slots=True)
class Hit:
    """A flagged span. Offsets refer to the original text of its field (the title or the body):
    field_text[start:end] == hit.text."""

    start: int
    end: int
    text: str
    rule_id: str
    category: str
    severity: str
    message: str
    suggestions: tuple[str, ...]
    source: str
    context: str
    # The statistical typo layer's calibrated certainty (0–1); None for listed terms, which are facts.
    confidence: float | None = None
    field: Field = BODY

    def as_dict(self) -> dict[str, Any]:
        # Field by field: dataclasses.asdict deep-copies each value, several times slower per hit.
        return {name: getattr(self, name) for name in _FIELDS} | {"suggestions": list(self.suggestions)}


_FIELDS = tuple(f.name for f in fields(Hit))


@dataclass(frozen=True, slots=True)
class Finding:
    """What a layer in code (near misses, meetings, leaders, places) reports to the detector: a span, its
    rule and, where the layer knows better than the rule's text, the suggestion and the message."""

    start: int
    end: int
    rule: int
    suggestion: str | None = None
    message: str | None = None
