"""jieba's frequencies read from the memory-mapped table segment exactly as jieba's own dict does."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.detection import wordtable
from app.detection.segment import _import_jieba, tokenizer
from tests.conftest import OFFICIAL_CORPUS

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def table(tmp_path_factory: pytest.TempPathFactory) -> wordtable.WordFrequencies:
    return wordtable.open_table(tmp_path_factory.mktemp("words"))


def windows() -> list[str]:
    # Official prose where the shared corpus is at hand, and always this repository's own Chinese text (the
    # README and the lexicons' example sentences), so that a checkout alone tests hundreds of windows.
    texts = [p.read_text(encoding="utf-8") for p in sorted(OFFICIAL_CORPUS.glob("*.txt"))[:3]]
    texts += [(ROOT / name).read_text(encoding="utf-8") for name in ("README.md", "lexicons/typos.yaml")]
    texts.append("截止目前，他做为一名党员冲锋在前。2024年一带一路ABC123，《条例》第3条。😀𠮷野家")
    return [text[i : i + 24] for text in texts for i in range(0, min(len(text), 30_000), 97)]


def test_the_table_holds_jiebas_frequencies(table: wordtable.WordFrequencies) -> None:
    freq = tokenizer().FREQ
    for word in ["中华人民共和国", "作为", "做为", "截至", "中华人", "不存在的词语组合", "A", "😀"]:
        assert table.get(word) == freq.get(word), word
        assert (word in table) == (word in freq), word
    assert table.total == tokenizer().total and len(table) == len(freq)


def test_segmenting_with_the_table_gives_jiebas_tokens(table: wordtable.WordFrequencies) -> None:
    mapped = _import_jieba().Tokenizer()
    mapped.FREQ, mapped.total, mapped.initialized = table, table.total, True
    samples = windows()
    assert len(samples) > 200
    for window in samples:
        assert list(mapped.tokenize(window, HMM=False)) == list(tokenizer().tokenize(window, HMM=False)), window


@pytest.mark.parametrize("damage", ["truncate", "magic"])
def test_a_damaged_table_is_rebuilt(tmp_path: Path, damage: str) -> None:
    wordtable.open_table(tmp_path)
    [path] = tmp_path.glob("jieba-words-*.bin")
    data = path.read_bytes()
    if damage == "truncate":
        path.write_bytes(data[: len(data) - 10])
    else:
        path.write_bytes(b"X" + data[1:])
    assert wordtable.open_table(tmp_path).get("作为") == tokenizer().FREQ["作为"]
    assert path.read_bytes() == data
