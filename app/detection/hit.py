"""What the engine reports: one hit per wrong or sensitive span."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

# Which part of an article a hit lies in; offsets count from the start of that part.
TITLE = "title"
BODY = "body"
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
    field: Field = BODY

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["suggestions"] = list(self.suggestions)
        return data
