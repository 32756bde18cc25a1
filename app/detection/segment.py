"""jieba, loaded once per process and run only on small windows around candidate matches."""

from __future__ import annotations

import logging
import threading

import jieba

_lock = threading.Lock()
_tokenizer: jieba.Tokenizer | None = None

# jieba segments about 1 MB/s, some fifteen times slower than the automaton: never whole texts.
WINDOW = 8


def tokenizer() -> jieba.Tokenizer:
    """The process-wide tokenizer; the first call pays jieba's ~1 s dictionary load."""
    global _tokenizer
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                jieba.setLogLevel(logging.WARNING)
                instance = jieba.Tokenizer()
                instance.initialize()
                _tokenizer = instance
    return _tokenizer


def is_word(text: str) -> bool:
    """Whether jieba's dictionary holds this string as a word."""
    return bool(tokenizer().FREQ.get(text))


def on_word_boundaries(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] starts and ends on jieba word boundaries, judged in a window."""
    left = max(0, start - WINDOW)
    window = text[left : end + WINDOW]
    boundaries = {0}
    for _word, _s, token_end in tokenizer().tokenize(window, HMM=False):
        boundaries.add(token_end)
    return (start - left) in boundaries and (end - left) in boundaries
