"""The whole circular: 总体情况 (一)–(四), 存在主要问题 (一)(二), and annexes 1–3.

Pure: it puts together the new-media `Report` (section (三), the new-media sentences and 附件1), the disclosure
and letters counts (sections (一), (二)) and the platform check (section (四), the platform sentences, 附件2 and
附件3). 存在主要问题（一）内容更新不及时 names the stale new media first and then the platforms by kind, as the seed
circular does; 工作要求, the addressees and the contacts are the office's own words and are not written here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.reports.disclosure import DisclosureCounts, disclosure_paragraph, letters_paragraph
from app.reports.findings import Report
from app.reports.platforms import PlatformCheck

OVERVIEW_HEADING = "总体情况"
PROBLEMS_HEADING = "存在主要问题"
STALE_HEADING = "（一）内容更新不及时。"
UPDATES_HEADING = "（一）内容更新情况。"


@dataclass(frozen=True)
class Circular:
    report: Report  # new media: section (三), its sentences, 附件1
    counts: DisclosureCounts
    platforms: PlatformCheck
    jurisdiction: str = "全区"  # how the circular names the area: 全区, 全县, 全市
    urged: bool = False  # the units with platform problems were urged repeatedly (section (四) says so)

    @property
    def title(self) -> str:
        """关于2023年第二季度全区政府网站与政务新媒体检查情况的通报"""
        return f"关于{self.report.quarter.label}{self.jurisdiction}政府网站与政务新媒体检查情况的通报"

    @property
    def sections(self) -> tuple[str, str, str, str]:
        """总体情况 (一) to (四)."""
        period = self.report.quarter
        return (
            disclosure_paragraph(period, self.counts, jurisdiction=self.jurisdiction),
            letters_paragraph(period, self.counts),
            "（三）政务新媒体检查情况。" + self.report.paragraphs[0],
            self.platforms.overview(urged=self.urged),
        )

    @property
    def problems(self) -> tuple[str, str]:
        """存在主要问题 (一) content updates (new media, then platforms) and (二) new-media wording."""
        paragraphs = self.report.paragraphs
        platform = "".join(self.platforms.problem_sentences())
        if len(paragraphs) < 3:  # no new media checked
            updates = (STALE_HEADING + platform) if platform else (UPDATES_HEADING + "未发现栏目应更新未更新的情况。")
            return updates, "（二）政务新媒体运维情况。辖区内没有运行中的政务新媒体。"
        new_media = paragraphs[1]
        if platform:
            new_media_sentence = new_media.split("。", 1)[1]
            if new_media.startswith(UPDATES_HEADING):
                # The new media were all in time: say so briefly before naming the platforms.
                new_media_sentence = new_media_sentence.split("，", 1)[0] + "。"
            updates = STALE_HEADING + new_media_sentence + platform
        else:
            updates = new_media
        return updates, paragraphs[2]

    @property
    def annex_list(self) -> tuple[str, str, str]:
        """附件：1.检查政务新媒体发现的问题清单 …"""
        return (
            f"1.{self.report.annex_title.split('（')[0]}",
            f"2.{self.platforms.town_annex_title.split('（')[0]}",
            f"3.{self.platforms.department_annex_title.split('（')[0]}",
        )

    @property
    def paragraphs(self) -> tuple[str, ...]:
        return (OVERVIEW_HEADING, *self.sections, PROBLEMS_HEADING, *self.problems)

    @property
    def notes(self) -> tuple[str, ...]:
        """What the office should know before sending it: data not recorded, columns not judged."""
        notes = list(self.platforms.notes)
        if self.counts.proactive is None:
            notes.append(f"没有录入{self.report.quarter.label}的主动公开信息条数，总体情况（一）无法写出。")
        if not self.counts.letters and not self.counts.letters_recorded:
            notes.append(f"没有录入{self.report.quarter.label}的问政信件数，总体情况（二）无法写出。")
        return tuple(notes)

    @property
    def text(self) -> str:
        return "\n".join(self.paragraphs)

    def as_dict(self) -> dict[str, Any]:
        """`GET /api/reports/{quarter}`: the new-media report's fields, and the rest of the circular."""
        body = self.report.as_dict()
        platforms = self.platforms.as_dict()
        body.update(
            {
                "title": self.title,
                "sections": list(self.sections),
                "problems": list(self.problems),
                "text": self.text,
                "annex_titles": [
                    self.report.annex_title,
                    self.platforms.town_annex_title,
                    self.platforms.department_annex_title,
                ],
                "disclosure": self.counts.as_dict(),
                "platforms": platforms,
                "annex2": platforms["annex2"],
                "annex3": platforms["annex3"],
                "notes": list(self.notes),
            }
        )
        return body
