"""Acceptance at the pure level: the seed circular's sections (一)–(四), both paragraphs of 存在主要问题 and
annexes 2 and 3, word for word from the platform and count fixtures (annex 1 is tests/reports/test_findings.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from app.reports import build_report
from app.reports.circular import Circular
from app.reports.platforms import check_platforms
from tests.conftest import SHARED
from tests.reports import platform_world as pw
from tests.reports import world

SEED_CIRCULAR = SHARED / "seed" / "000_77bad30589fd1abc.txt"


@pytest.fixture(scope="module")
def circular() -> Circular:
    report = build_report(world.Q2, world.accounts(), world.hits())
    platforms = check_platforms(world.Q2, pw.units(), cycles=pw.OFFICE_CYCLES)
    return Circular(report, pw.COUNTS, platforms, urged=True)


def test_the_four_sections(circular: Circular) -> None:
    assert circular.sections == (
        pw.SEED_DISCLOSURE,
        pw.SEED_LETTERS,
        "（三）政务新媒体检查情况。" + world.SEED_OVERVIEW,
        pw.SEED_PLATFORMS,
    )


def test_the_main_problems(circular: Circular) -> None:
    assert circular.problems == (pw.SEED_UPDATES, world.SEED_WORDING)


def test_annexes_2_and_3(circular: Circular) -> None:
    platforms = circular.platforms
    assert [row.cells() for row in platforms.town_annex] == pw.SEED_ANNEX2
    assert [row.cells() for row in platforms.department_annex] == pw.SEED_ANNEX3
    assert platforms.town_annex_title == "检查镇村信息公开平台发现的问题清单（2023年第二季度）"
    assert platforms.department_annex_title == "检查部门信息公开平台发现的问题清单（2023年第二季度）"
    assert len(platforms.findings) == 24 and platforms.notes == ()
    assert circular.title == "关于2023年第二季度全区政府网站与政务新媒体检查情况的通报"


def test_what_is_not_named(circular: Circular) -> None:
    named = {f.name for f in circular.platforms.findings}
    # In time to the day (洛阳镇), in time (何店镇, 区财政局), inactive (区原某某局), villages in time.
    assert not named & {
        "洛阳镇人民政府",
        "何店镇人民政府",
        "区财政局",
        "区原某某局",
        "何店村村民委员会",
        "白云社区居民委员会",
    }
    statistics = next(f for f in circular.platforms.findings if f.name == "区统计局")
    # Its update of 3 July comes after the inspection date.
    assert statistics.overdue[0].last_update == pw.SIX_MONTHS_AGO
    assert statistics.overdue[0].due == dt.date(2023, 6, 20)


def _seed_annex(text: str, title: str, end: str | None) -> list[tuple[str, ...]]:
    part = text.split(title, 1)[1]
    if end:
        part = part.split(end, 1)[0]
    cells: list[str] = []
    for line in part.splitlines():
        if line.startswith("\t"):
            cells.append(line.strip())
        elif line.strip() and cells:
            cells[-1] += line.strip()  # the circular breaks long cells across lines
    return [tuple(cells[i : i + 3]) for i in range(0, len(cells), 3)]


@pytest.mark.skipif(not SEED_CIRCULAR.is_file(), reason=f"the seed circular is not here ({SEED_CIRCULAR})")
def test_the_expectations_are_the_real_circulars_words() -> None:
    text = SEED_CIRCULAR.read_text(encoding="utf-8")
    lines = [line.strip() for line in text.splitlines()]
    for paragraph in (pw.SEED_DISCLOSURE, pw.SEED_LETTERS, pw.SEED_PLATFORMS, pw.SEED_UPDATES):
        assert paragraph in lines
    annex2 = _seed_annex(text, "检查镇村信息公开平台发现的问题清单（2023年第二季度）", "附件3")
    assert annex2[0] == ("序号", "责任单位", "存在的突出问题")
    assert annex2[1:] == pw.SEED_ANNEX2
    annex3 = _seed_annex(text, "检查部门信息公开平台发现的问题清单（2023年第二季度）", None)
    assert annex3[1:] == pw.SEED_ANNEX3
    assert "关于2023年第二季度全区政府网站与" in text and "政务新媒体检查情况的通报" in text
