"""The detection engine: lexicons, normalisation, matching and context rules.

Nothing here imports web or database code; the API and the CLI are thin layers over it.
"""

from app.detection.detector import Detector, DetectorHolder
from app.detection.hit import Hit
from app.detection.lexicon import Lexicon, LexiconError, load_lexicon

__all__ = ["Detector", "DetectorHolder", "Hit", "Lexicon", "LexiconError", "load_lexicon"]
