"""cuomin (错敏): finds erroneous and sensitive wording in Chinese government new-media posts."""

__version__ = "0.1.0"
