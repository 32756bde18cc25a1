"""The compiled detector cache: loaded when it matches in every respect, rebuilt otherwise."""

from __future__ import annotations

import os
import pickle
import shutil
from pathlib import Path

import pytest

from app.detection import cache
from app.detection.detector import Detector
from app.detection.lexicon import LexiconError
from tests.conftest import MINI_LEXICON

TEXT = "截止目前，他做为党员，推进一带一路战略。"


@pytest.fixture
def lexicon(tmp_path: Path) -> Path:
    directory = tmp_path / "lex"
    shutil.copytree(MINI_LEXICON, directory)
    return directory


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The directories Detector.from_dir was asked to build (empty: everything came from the cache)."""
    built: list[Path] = []
    original = Detector.from_dir.__func__  # type: ignore[attr-defined]

    def counting(cls: type[Detector], directory: Path | str, **kwargs: int) -> Detector:
        built.append(Path(directory))
        return original(cls, directory, **kwargs)

    monkeypatch.setattr(Detector, "from_dir", classmethod(counting))
    return built


def cache_files(directory: Path) -> list[Path]:
    return sorted(directory.glob("detector-*.bin"))


def test_a_warm_cache_loads_without_building_and_checks_the_same(
    lexicon: Path, tmp_path: Path, builds: list[Path], mini: Detector
) -> None:
    first = cache.load_detector(lexicon, cache_dir=tmp_path / "cache")
    assert builds == [lexicon] and len(cache_files(tmp_path / "cache")) == 1
    second = cache.load_detector(lexicon, cache_dir=tmp_path / "cache")
    assert builds == [lexicon]  # not built again
    assert second is not first and second.version == first.version == mini.version
    assert second.check(TEXT) == first.check(TEXT) == mini.check(TEXT) != []


def test_options_are_part_of_the_key(lexicon: Path, tmp_path: Path, builds: list[Path]) -> None:
    narrow = cache.load_detector(lexicon, cache_dir=tmp_path, context_chars=2)
    wide = cache.load_detector(lexicon, cache_dir=tmp_path, context_chars=20)
    assert len(builds) == 2 and narrow.context_chars == 2 and wide.context_chars == 20
    assert cache.load_detector(lexicon, cache_dir=tmp_path, context_chars=2).check(TEXT) == narrow.check(TEXT)
    assert len(builds) == 2


def test_a_changed_lexicon_is_rebuilt(lexicon: Path, tmp_path: Path, builds: list[Path]) -> None:
    old = cache.load_detector(lexicon, cache_dir=tmp_path)
    text = (lexicon / "mini.yaml").read_text(encoding="utf-8")
    (lexicon / "mini.yaml").write_text(text.replace("term: 做为", "terms: [做为, 作为了]"), encoding="utf-8")
    fresh = cache.load_detector(lexicon, cache_dir=tmp_path)
    assert len(builds) == 2 and fresh.version != old.version
    assert any(h.text == "作为了" for h in fresh.check("他作为了党员。"))
    assert not any(h.text == "作为了" for h in old.check("他作为了党员。"))


def test_a_broken_lexicon_raises_even_with_a_cache_of_the_old_one(lexicon: Path, tmp_path: Path) -> None:
    cache.load_detector(lexicon, cache_dir=tmp_path)
    (lexicon / "broken.yaml").write_text("category: 常见错别字\nentries: [{id: BAD}]\n", encoding="utf-8")
    with pytest.raises(LexiconError):
        cache.load_detector(lexicon, cache_dir=tmp_path)


@pytest.mark.parametrize("damage", ["truncate", "flip", "empty", "garbage header"])
def test_a_damaged_file_is_rebuilt_never_trusted(
    lexicon: Path, tmp_path: Path, builds: list[Path], damage: str
) -> None:
    expected = cache.load_detector(lexicon, cache_dir=tmp_path).check(TEXT)
    [path] = cache_files(tmp_path)
    data = path.read_bytes()
    if damage == "truncate":
        path.write_bytes(data[: len(data) // 2])
    elif damage == "flip":
        path.write_bytes(data[:-100] + bytes([data[-100] ^ 0xFF]) + data[-99:])
    elif damage == "empty":
        path.write_bytes(b"")
    else:
        path.write_bytes(cache.MAGIC + b"{not json\n" + data)
    assert cache.load_detector(lexicon, cache_dir=tmp_path).check(TEXT) == expected
    assert len(builds) == 2
    assert path.read_bytes() != b"" and cache.load_detector(lexicon, cache_dir=tmp_path) and len(builds) == 2


def test_a_cache_from_another_program_version_is_rebuilt(
    lexicon: Path, tmp_path: Path, builds: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    cache.load_detector(lexicon, cache_dir=tmp_path)
    monkeypatch.setattr(cache, "program_version", lambda: "0.0.0+another-engine")
    cache.load_detector(lexicon, cache_dir=tmp_path)
    assert len(builds) == 2
    cache.load_detector(lexicon, cache_dir=tmp_path)
    assert len(builds) == 2  # and the rebuilt file is the new program's


def test_the_program_version_follows_the_detection_sources() -> None:
    version = cache.program_version()
    assert version.startswith("0.") and "+" in version and version == cache.program_version()


def test_an_unwritable_cache_directory_only_costs_the_build(lexicon: Path, tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a directory")
    detector = cache.load_detector(lexicon, cache_dir=blocked / "cache")
    assert [h.text for h in detector.check(TEXT)][:2] == ["截止", "做为"]


def test_caches_of_removed_lexicon_directories_are_pruned(lexicon: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    shutil.copytree(lexicon, other)
    cache.load_detector(other, cache_dir=tmp_path / "cache")
    shutil.rmtree(other)
    cache.load_detector(lexicon, cache_dir=tmp_path / "cache")
    [kept] = cache_files(tmp_path / "cache")
    assert kept == cache.cache_file(tmp_path / "cache", lexicon, {})


def test_a_same_size_edit_with_the_old_modification_time_is_rebuilt(
    lexicon: Path, tmp_path: Path, builds: list[Path]
) -> None:
    """The stamp includes the change time, which a write always moves and no program can set back."""
    cache.load_detector(lexicon, cache_dir=tmp_path)
    path = lexicon / "mini.yaml"
    before = path.stat()
    text = path.read_text(encoding="utf-8")
    assert "做为" in text
    path.write_text(text.replace("做为", "坐为", 1), encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size and path.stat().st_mtime_ns == before.st_mtime_ns
    fresh = cache.load_detector(lexicon, cache_dir=tmp_path)
    assert len(builds) == 2 and any(h.text == "坐为" for h in fresh.check("他坐为党员。"))


def test_touched_but_unchanged_files_keep_the_cache(lexicon: Path, tmp_path: Path, builds: list[Path]) -> None:
    """A copy or a checkout moves every file's times: the files are hashed once, found unchanged, and the
    cache's stamp is brought up to date so that the next load need not hash them again."""
    cache.load_detector(lexicon, cache_dir=tmp_path)
    for path in lexicon.rglob("*.yaml"):
        path.write_bytes(path.read_bytes())
    hashed: list[Path] = []
    original = cache.lexicon_version

    def counting(directory: Path) -> str:
        hashed.append(directory)
        return original(directory)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(cache, "lexicon_version", counting)
        assert cache.load_detector(lexicon, cache_dir=tmp_path).check(TEXT)
        assert len(hashed) == 1
        cache.load_detector(lexicon, cache_dir=tmp_path)
        assert len(hashed) == 1
    assert builds == [lexicon]


def test_rules_and_lexicon_of_a_cached_detector_decode_on_demand(lexicon: Path, tmp_path: Path, mini: Detector) -> None:
    cache.load_detector(lexicon, cache_dir=tmp_path)
    loaded = cache.load_detector(lexicon, cache_dir=tmp_path)
    assert loaded._lexicon is None  # nothing decoded yet
    assert [h.rule_id for h in loaded.check(TEXT)] == [h.rule_id for h in mini.check(TEXT)]
    assert len(loaded.rules) == len(mini.lexicon.rules)
    assert list(loaded.rules) == list(mini.lexicon.rules)
    fresh = cache.load_detector(lexicon, cache_dir=tmp_path)
    assert fresh.lexicon.directory == lexicon and fresh.lexicon.version == mini.version
    assert fresh.lexicon._whole is None  # a pool of checking processes asks for the directory only
    assert loaded.lexicon.rules == mini.lexicon.rules and loaded.lexicon.divisions == mini.lexicon.divisions
    assert loaded.lexicon.lookalikes == mini.lexicon.lookalikes
    assert pickle.loads(pickle.dumps(loaded.lexicon)).rules == mini.lexicon.rules
    assert loaded.rule(mini.lexicon.rules[0].id) == mini.lexicon.rules[0]


def test_warm_decodes_now_what_the_first_checks_would_decode_on_the_way(lexicon: Path, tmp_path: Path) -> None:
    cache.load_detector(lexicon, cache_dir=tmp_path)
    loaded = cache.load_detector(lexicon, cache_dir=tmp_path)
    values = loaded._automaton._values
    assert None in loaded._rules._decoded and len(values) < len(loaded._automaton)
    loaded.warm()
    assert None not in loaded._rules._decoded
    assert len(values) == len(loaded._automaton)
    assert loaded.check(TEXT) == cache.load_detector(lexicon, cache_dir=tmp_path).check(TEXT)
