"""The model build: readers, the held-out filter, determinism, and a miniature model checked bit for bit."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from app.detection.typo import corpus
from app.detection.typo.build import BuildOptions, build_all, jieba_words
from app.detection.typo.model import BITS, ORDER, TAG_SHIFT, ModelError, NgramModel, pack_windows

MINI = Path(__file__).parent / "data" / "mini"
EXPECTED = Path(__file__).parent / "data" / "expected"
OPTIONS = BuildOptions(min_counts={2: 1, 3: 1, 4: 1}, min_word_freq=1, min_char_count=1)


def build_mini(out: Path) -> dict:
    return build_all(
        {"xwlb": [MINI / "xwlb"], "laws": [MINI / "laws"], "reports": [MINI / "reports"]},
        [MINI / "held"],
        out,
        words=jieba_words(MINI / "words.txt"),
        same_stroke=MINI / "same_stroke.txt",
        stroke_orders=MINI / "char_order.json",
        four_corners=MINI / "four_corner.json",
        stroke_counts=MINI / "stroke_count.json",
        options=OPTIONS,
    )


def test_readers_keep_only_text_up_to_the_last_training_year() -> None:
    text = "".join(corpus.read_xwlb(MINI / "xwlb")) + "".join(corpus.read_laws(MINI / "laws"))
    text += "".join(corpus.read_reports(MINI / "reports"))
    assert "排污许可" in text and "稳步推进" in text
    assert "二〇二五" not in text and "晚于训练截止年份" not in text
    assert "央视网消息" not in text and "<p>" not in text


def test_held_out_filter_drops_sentences_sharing_a_long_span() -> None:
    held = corpus.HeldOut.from_paths([MINI / "held"])
    kept = list(held.filter(["稳步推进重点领域改革。", "这一句与留出文本共享二十个字以上的片段所以必须剔除掉才行啊。"]))
    assert kept == ["稳步推进重点领域改革。"]
    # nineteen shared characters are not enough
    held_text = "这一句与留出文本共享二十个字以上的片段所以必须剔除掉才行啊"
    assert list(held.filter([f"前缀{held_text[:19]}后缀"])) == [f"前缀{held_text[:19]}后缀"]
    assert list(held.filter([f"前缀{held_text[:20]}后缀"])) == []


def test_development_slice_is_chosen_by_content() -> None:
    sentences = [f"第{i}句话用来检验开发集的划分。" for i in range(2000)]
    chosen = [s for s in sentences if corpus.is_development(s)]
    assert 10 < len(chosen) < 80  # about one in fifty
    assert all(corpus.is_development(s) for s in chosen)


def test_miniature_model_matches_the_committed_one_bit_for_bit(tmp_path: Path) -> None:
    meta = build_mini(tmp_path)
    assert meta["vocabulary"] > 20 and meta["ngrams4"] > 0 and meta["words"] > 0
    for name in ("ngrams.npz", "confusion.tsv", "homophones.tsv"):
        assert (tmp_path / name).read_bytes() == (EXPECTED / name).read_bytes(), name


def test_miniature_model_counts_what_it_read(tmp_path: Path) -> None:
    build_mini(tmp_path)
    model = NgramModel.load(tmp_path / "ngrams.npz", cache_dir=tmp_path / "cache")
    from app.detection.typo.model import pack

    def count(text: str) -> float:
        return float(np.exp(model.log_counts(pack(model.vocab.encode(text), len(text)))[0]))

    assert count("排污许") >= 2  # news and statute
    assert count("排舞许") == 0
    assert count("稳步推进") >= 2
    confusion = (tmp_path / "confusion.tsv").read_text(encoding="utf-8")
    assert any(line.startswith("休\t") and "体:shape" in line for line in confusion.splitlines())


def test_model_errors_name_the_file_and_the_build_command(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match=r"ngrams\.npz.*cuomin model build"):
        NgramModel.load(tmp_path / "ngrams.npz", cache_dir=tmp_path / "cache")
    build_mini(tmp_path)
    data = (tmp_path / "ngrams.npz").read_bytes()
    (tmp_path / "ngrams.npz").write_bytes(data[: len(data) // 2])
    with pytest.raises(ModelError, match=r"已损坏.*cuomin model build"):
        NgramModel.load(tmp_path / "ngrams.npz", cache_dir=tmp_path / "cache")


def test_cache_is_used_and_a_corrupt_or_stale_cache_is_rebuilt(tmp_path: Path) -> None:
    build_mini(tmp_path)
    cache = tmp_path / "cache"
    first = NgramModel.load(tmp_path / "ngrams.npz", cache_dir=cache)
    [entry] = [p for p in cache.iterdir() if p.name.startswith("typo-model-")]
    assert (entry / "slots.npy").is_file()
    # a truncated table: rebuilt from the model file, never trusted
    (entry / "slots.npy").write_bytes((entry / "slots.npy").read_bytes()[:100])
    again = NgramModel.load(tmp_path / "ngrams.npz", cache_dir=cache)
    assert all(np.array_equal(a, b) for a, b in zip(again.tables, first.tables, strict=True))
    # a cache written for another model file (digest in its metadata) is not used
    meta = json.loads((entry / "meta.json").read_text(encoding="utf-8"))
    meta["digest"] = "0" * 64
    (entry / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    third = NgramModel.load(tmp_path / "ngrams.npz", cache_dir=cache)
    assert third.meta["digest"] != "0" * 64
    assert all(np.array_equal(a, b) for a, b in zip(third.tables, first.tables, strict=True))
    # a truncated bigram bit table: rebuilt too
    (entry / "bigrams.npy").write_bytes((entry / "bigrams.npy").read_bytes()[:200])
    fourth = NgramModel.load(tmp_path / "ngrams.npz", cache_dir=cache)
    assert np.array_equal(fourth.bigrams, first.bigrams)


def test_bigram_bits_agree_with_the_hash_table(tmp_path: Path) -> None:
    build_mini(tmp_path)
    model = NgramModel.load(tmp_path / "ngrams.npz", cache_dir=tmp_path / "cache")
    ids = np.arange(model.size)
    first, second = np.repeat(ids, model.size), np.tile(ids, model.size)
    counted = np.isfinite(model.log_counts(pack_windows(np.stack([first, second], axis=1), 0, 2, 1)[:, 0]))
    assert counted.any() and not counted.all()
    assert np.array_equal(model.bigram_seen(first, second), counted)


def test_homophone_table_is_read_from_its_cache_once_parsed(tmp_path: Path) -> None:
    from app.detection.typo.confusion import HomophoneWords

    build_mini(tmp_path)
    model = NgramModel.load(tmp_path / "ngrams.npz", cache_dir=tmp_path / "cache")
    parsed = HomophoneWords.load(tmp_path / "homophones.tsv", model.vocab, model.cache)
    [stored] = list(model.cache.glob("homophones-*.pickle"))
    again = HomophoneWords.load(tmp_path / "homophones.tsv", model.vocab, model.cache)
    assert again == parsed and parsed.syllables
    stored.write_bytes(b"not a pickle")
    assert HomophoneWords.load(tmp_path / "homophones.tsv", model.vocab, model.cache) == parsed


def test_characters_are_offered_under_the_readings_they_have_in_use() -> None:
    from app.detection.typo.confusion import build_homophone_words

    words = [("她们", 500), ("行业", 500), ("银行", 500), ("以及", 500), ("听取", 500), ("其他", 500)]
    syllables, readings = build_homophone_words(words, "她们行业银以及听取其他")
    # dictionaries record 她 jie, 听 yin and 其 ji, which no editor types: 听其 must not read as 以及
    assert syllables["她"] == ["ta"] and syllables["听"] == ["ting"] and syllables["其"] == ["qi"]
    assert syllables["行"] == ["hang", "xing"]  # both readings are in use (银行, 行业… and the default)
    assert readings["yi ji"] == ["以及"]


def test_look_alikes_by_four_corner_code_and_stroke_count() -> None:
    from app.detection.typo.confusion import corner_neighbours

    # codes and stroke counts as char-similar's char_fourangle.dict and char_number.dict give them
    corners = {"己": "17717", "已": "17717", "巳": "77717", "侯": "27284", "候": "27284", "微": "28240", "徽": "28240"}
    strokes = {"己": 3, "已": 3, "巳": 3, "侯": 9, "候": 10, "微": 13, "徽": 17}
    found = corner_neighbours(corners, strokes, corners)
    assert found["己"] == {"已"} and found["侯"] == {"候"} and found["候"] == {"侯"}
    assert "巳" not in found  # another code: its corner strokes differ
    assert "微" not in found  # the same code, but four strokes more are no small difference


def test_dense_bigram_counts_and_word_ends_agree_with_the_hash_table(tmp_path: Path) -> None:
    build_mini(tmp_path)
    model = NgramModel.load(tmp_path / "ngrams.npz", cache_dir=tmp_path / "cache")
    ids = np.arange(model.size)
    first, second = np.repeat(ids, model.size), np.tile(ids, model.size)
    pairs = pack_windows(np.stack([first, second], axis=1), 0, 2, 1)[:, 0]
    assert np.array_equal(model.bigram_log_counts(first, second), model.log_counts(pairs))
    # no word is ruled out by its first or last two characters
    with np.load(tmp_path / "ngrams.npz") as data:
        keys = np.cumsum(data["keysw"], dtype=np.uint64)
    mask = np.uint64((1 << BITS) - 1)
    digits = [((keys >> np.uint64(BITS * k)) & mask).astype(np.int64) for k in range(ORDER)]  # last id first
    length = np.where(digits[3] > 0, 4, np.where(digits[2] > 0, 3, 2))
    heads = (np.choose(length - 2, digits[1:]), np.choose(length - 2, digits[:-1]))
    assert len(keys) >= 10 and model.may_be_word(heads, (digits[1], digits[0])).all()
    assert not model.may_be_word((second[:1000], first[:1000]), (first[:1000], first[:1000])).all()


def test_seen_ngrams_of_the_shipped_model_contain_only_seen_ngrams() -> None:
    """The layer probes a longer n-gram only where the shorter ones inside it were seen (NgramModel.closed)."""
    from app.config import DEFAULT_LEXICON_DIR

    model = NgramModel.load(DEFAULT_LEXICON_DIR / "data" / "typo" / "ngrams.npz")
    assert model.closed
    keys = np.concatenate([model.tables[0], model.tables[2]])
    order = keys >> TAG_SHIFT
    for n in range(3, ORDER + 1):
        body = keys[order == n] & ((np.uint64(1) << np.uint64(BITS * n)) - np.uint64(1))
        tag = np.uint64(n - 1) << TAG_SHIFT
        prefix = (body >> np.uint64(BITS)) | tag
        suffix = (body & ((np.uint64(1) << np.uint64(BITS * (n - 1))) - np.uint64(1))) | tag
        assert len(body) > 1000
        assert np.isfinite(model.log_counts(prefix)).all() and np.isfinite(model.log_counts(suffix)).all()


def test_a_files_digest_is_remembered_until_the_file_is_written(tmp_path: Path) -> None:
    from app.detection.typo.model import file_digest, known_digest

    path, cache = tmp_path / "confusion.tsv", tmp_path / "cache"
    path.write_text("休\t体:shape\n", encoding="utf-8")
    assert known_digest(path, cache) == file_digest(path)
    [note] = list((cache / "digests").iterdir())
    note.write_text("f" * 64, encoding="ascii")  # what a remembered digest is trusted for: an unwritten file
    assert known_digest(path, cache) == "f" * 64
    path.write_text("休\t体:shape\t许:tone\n", encoding="utf-8")  # a write moves the change time
    assert known_digest(path, cache) == file_digest(path) != "f" * 64
    [current] = [n for n in (cache / "digests").iterdir() if n.read_text(encoding="ascii") == file_digest(path)]
    current.write_text("not a digest", encoding="ascii")
    assert known_digest(path, cache) == file_digest(path)  # a damaged note is never trusted
