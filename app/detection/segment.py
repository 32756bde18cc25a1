"""jieba, loaded once per process and run only on small windows around candidate matches."""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import jieba

    from app.detection.wordtable import WordFrequencies

_lock = threading.Lock()
_tokenizer: jieba.Tokenizer | None = None
_word_table: Path | None = None

# jieba segments about 1 MB/s, some fifteen times slower than the automaton: never whole texts.
WINDOW = 8


def tokenizer() -> jieba.Tokenizer:
    """The process-wide tokenizer; the first call pays jieba's ~1 s dictionary load (or maps the table)."""
    global _tokenizer
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                jieba = _import_jieba()
                jieba.setLogLevel(logging.WARNING)
                instance = jieba.Tokenizer()
                table = _open_word_table()
                if table is not None:
                    instance.FREQ, instance.total, instance.initialized = table, table.total, True
                else:
                    instance.initialize()
                _tokenizer = instance
    return _tokenizer


def _import_jieba() -> Any:
    """jieba, imported without pkg_resources: its _compat falls back to a plain open() of its data
    files when that import fails, and pkg_resources alone takes longer to import than all of jieba."""
    import sys

    if "jieba" in sys.modules or "pkg_resources" in sys.modules:
        import jieba

        return jieba
    sys.modules["pkg_resources"] = None  # type: ignore[assignment]  # makes `import pkg_resources` fail
    try:
        import jieba
    finally:
        del sys.modules["pkg_resources"]
    return jieba


def _open_word_table() -> WordFrequencies | None:
    if _word_table is None:
        return None
    from app.detection.wordtable import open_table

    try:
        return open_table(_word_table)
    except OSError as exc:  # an unwritable cache directory: jieba's own loading still works
        logging.getLogger("cuomin.detection").warning("无法使用词频表缓存 %s：%s", _word_table, exc)
        return None


def use_word_table(directory: Path) -> None:
    """Read jieba's frequencies from a memory-mapped table in directory (see app.detection.wordtable)
    instead of loading its dictionary: for a process that has not segmented anything yet."""
    global _word_table
    with _lock:
        if _tokenizer is None:
            _word_table = directory


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
