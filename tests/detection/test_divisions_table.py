"""The division tables: the build script's reading of the Ministry's code lists, and the committed tables."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from app.config import DEFAULT_LEXICON_DIR
from app.detection.tables import FORMER_DIVISIONS_FILE, load_divisions

_SPEC = importlib.util.spec_from_file_location(
    "build_divisions", Path(__file__).resolve().parents[2] / "scripts" / "build_divisions.py"
)
assert _SPEC is not None and _SPEC.loader is not None
build = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(build)

OLD = """adcode,name,longitude,latitude
500000000000,重庆市,,
500100000000,市辖区,,
500105000000,江北区,,
500106000000,沙坪坝区,,
130000000000,河北省,,
130500000000,邢台市,,
130502000000,桥东区,,
"""
NEW = """adcode,name,longitude,latitude
500000000000,重庆市,,
500106000000,沙坪坝区,,
500157000000,两江新区,,
130000000000,河北省,,
130500000000,邢台市,,
130502000000,襄都区,,
"""


def test_former_divisions_are_the_old_list_rows_the_new_one_no_longer_has() -> None:
    old, new = build.divisions(OLD), build.divisions(NEW)
    # the grouping row 市辖区 is no division; a municipality's districts hang under the municipality
    assert ("500105", "江北区", "county", "500000") in old
    assert all(row[1] != "市辖区" for row in old)
    assert build.former(old, new) == [
        ("130502", "桥东区", "county", "130500"),  # renamed under the same code
        ("500105", "江北区", "county", "500000"),  # merged away
    ]


def test_every_former_division_has_a_parent_in_one_of_the_tables() -> None:
    former = load_divisions(DEFAULT_LEXICON_DIR, FORMER_DIVISIONS_FILE)
    current = load_divisions(DEFAULT_LEXICON_DIR)
    codes = {d.code for d in former} | {d.code for d in current}
    assert len(former) > 100
    assert {d.name for d in former} >= {"江北区", "渝北区", "桥东区", "那曲地区"}
    assert all(d.parent in codes for d in former if d.level != "province")
