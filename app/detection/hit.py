"""What the engine reports: one hit per wrong or sensitive span."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Hit:
    """A flagged span. Offsets refer to the original text: text[start:end] == hit.text."""

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

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["suggestions"] = list(self.suggestions)
        return data
