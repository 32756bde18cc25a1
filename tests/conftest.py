from __future__ import annotations

from pathlib import Path

import pytest

from app.config import DEFAULT_LEXICON_DIR
from app.detection.detector import Detector

TESTS = Path(__file__).resolve().parent
MINI_LEXICON = TESTS / "detection" / "data" / "mini"
SHARED = TESTS.parent.parent / "shared"
OFFICIAL_CORPUS = SHARED / "corpus" / "official"


@pytest.fixture(scope="session")
def detector() -> Detector:
    """The shipped lexicons."""
    return Detector.from_dir(DEFAULT_LEXICON_DIR)


@pytest.fixture(scope="session")
def mini() -> Detector:
    """A small lexicon whose entries each exercise one engine rule."""
    return Detector.from_dir(MINI_LEXICON)
