"""The few settings `cuomin check` reads, without importing pydantic-settings.

Importing pydantic-settings (and asyncio, ssl and importlib.metadata, which it pulls in) and building the
`Settings` model is a tenth of the start of `cuomin check`, which needs five of the settings. The usual case
is read here: no `.env` file, and of those five only the two directories set (a path is any string, so
nothing can be invalid). Anything else (a `.env` file, CUOMIN_CONTEXT_CHARS, CUOMIN_TYPO_LAYER or
CUOMIN_CHECK_PROFILE set, one variable given twice in different case) goes through `Settings` itself, with
its validation and its messages: both ways give the same values (tests/test_check_settings.py).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal, NamedTuple

# The lexicons shipped beside the package: an editable install and the Docker image both have them.
DEFAULT_LEXICON_DIR = Path(__file__).resolve().parent.parent / "lexicons"
ENV_PREFIX = "CUOMIN_"
ENV_FILE = ".env"
TypoLayer = Literal["on", "off", "optional"]
CheckProfile = Literal["draft", "inspection"]
# Settings' defaults for the values only Settings validates (app/config.py takes them from here).
DEFAULT_CONTEXT_CHARS = 20
DEFAULT_TYPO_LAYER: TypoLayer = "on"
DEFAULT_CHECK_PROFILE: CheckProfile = "draft"

_VALIDATED = ("CONTEXT_CHARS", "TYPO_LAYER", "CHECK_PROFILE")


class CheckSettings(NamedTuple):
    lexicon_dir: Path
    cache_dir: Path | None
    context_chars: int
    typo_layer: TypoLayer
    check_profile: CheckProfile


def check_settings() -> CheckSettings:
    """What `cuomin check` needs of the settings: read from the environment, or by Settings (see above)."""
    found: dict[str, str] = {}
    for name, value in os.environ.items():
        upper = name.upper()  # Settings matches the names in any case
        if not upper.startswith(ENV_PREFIX) or value == "":  # and ignores empty values
            continue
        key = upper[len(ENV_PREFIX) :]
        if key in found or key in _VALIDATED:
            return _from_settings()
        found[key] = value
    if Path(ENV_FILE).exists():
        return _from_settings()
    cache = found.get("CACHE_DIR")
    return CheckSettings(
        lexicon_dir=Path(found.get("LEXICON_DIR", DEFAULT_LEXICON_DIR)),
        cache_dir=Path(cache) if cache is not None else None,
        context_chars=DEFAULT_CONTEXT_CHARS,
        typo_layer=DEFAULT_TYPO_LAYER,
        check_profile=DEFAULT_CHECK_PROFILE,
    )


def _from_settings() -> CheckSettings:
    from app.config import get_settings

    settings = get_settings()
    return CheckSettings(
        settings.lexicon_dir, settings.cache_dir, settings.context_chars, settings.typo_layer, settings.check_profile
    )
