"""What kind of document a file is: an annual rule-of-law report, a 政府工作报告, or other.

Read from the title first ("…法治政府建设情况报告", "政府工作报告", "…实施方案", "…的通知"),
then from the structure when there is no title: a government work report is delivered to
a people's congress ("各位代表", "人民代表大会"), an annual rule-of-law report talks about
法治政府建设 throughout and ends with its shortcomings and next year's plans. When neither
says enough, the kind stays empty with a reason rather than a guess.
"""

from __future__ import annotations

import re

from assistant.core.types import ANNUAL_REPORT, WORK_REPORT

RULE_OF_LAW = ANNUAL_REPORT
OTHER = "其他"
KINDS = (RULE_OF_LAW, WORK_REPORT, OTHER)

_RULE_OF_LAW_TITLE = re.compile(
    r"(?:法治政府建设|依法行政|法治建设)[^。]{0,16}(?:情况|工作)?的?报告|法治政府建设年度报告"
)
_WORK_REPORT_TITLE = re.compile(r"政府工作报告|管委会工作报告|管理委员会工作报告")
_OTHER_TITLE = re.compile(
    r"(?:实施方案|工作方案|行动方案|规划|计划|意见|办法|规定|细则|通知|通报|决定|纲要|要点|公告|批复|函)$"
)
# A report on one matter — how a plan or a body fared ("…实施方案中期评估情况的报告", "…督察情况的报告"),
# how the findings were put right ("…督察反馈问题整改情况的报告"), a leader's 述法报告, the 行政复议 and
# 应诉 work reported to a 人大常委会, a 自查/自评报告 of a plan or a 示范创建 — is not the annual report, however often
# it says 法治政府建设.
_REVIEW_TITLE = re.compile(
    r"(?:评估|督察|督查|审计|调研|整改|述法|述职|行政复议|行政应诉)(?:工作)?(?:情况)?的?报告$|(?:自查|自评|自检)(?:情况)?报告$"
)
_CONGRESS = re.compile(r"各位代表|人民代表大会")
_PLANS = re.compile(r"(?:存在|面临)的?(?:问题|不足|困难)|下一步|(?:\d{4}|明)年(?:工作)?(?:打算|安排|计划|思路)")


def kind_of(title: str | None, text: str) -> tuple[str | None, str | None]:
    """(kind, reason when the kind could not be read)."""
    head = (title or "").replace(" ", "")
    if head:
        if _WORK_REPORT_TITLE.search(head):
            return WORK_REPORT, None
        if _REVIEW_TITLE.search(head):
            return OTHER, None
        if _RULE_OF_LAW_TITLE.search(head):
            return RULE_OF_LAW, None
        if _OTHER_TITLE.search(re.sub(r"[（(][^）)]*[）)]$", "", head)):
            return OTHER, None
    opening = text[:3000]
    if len(_CONGRESS.findall(opening)) >= 2:
        return WORK_REPORT, None
    mentions = text.count("法治政府建设") + text.count("依法行政")
    if mentions >= 3 and _PLANS.search(text):
        return RULE_OF_LAW, None
    if head:
        return OTHER, None
    return None, "没有标题，正文也看不出是哪类文件"


def is_rule_of_law_report(kind: str | None) -> bool:
    return kind == RULE_OF_LAW
