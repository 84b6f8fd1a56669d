"""Who a document is about: the reporting body's place, its parent and the addressee.

The strongest evidence is where a report names itself: its title ("深圳市光明区2021年…报告",
"乌海市司法局2023年…"), its signature block ("醴陵市人民政府"), the body that opens it
("今年以来,乌海市坚持…") and, for a 政府工作报告, the congress it was delivered to ("在深圳市
第七届人民代表大会…上"). Mentions in the body count for little: reports name their
superiors (株洲市委) and their own districts (乌达区) all the time. The salutation names the
addressee ("中共株洲市委、株洲市人民政府："), which is the parent when nothing closer says so.
A place is reported only when some evidence names it; otherwise it stays empty, with a reason.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from assistant.text.places import (
    DEPARTMENT,
    find_chains,
    level_of,
    local_name,
    parent_of,
    short_names,
    split_place,
)

# After a place in a self-naming position: its government, party committee, or a department.
_GOVERNMENT = re.compile(
    r"^(?:人民政府|政府|委员会|工作委员会|党工委|党委|市委|县委|区委|旗委|盟委|州委|委|办公室|管委会|管理委员会|人大|行署|行政公署)"
)
_DEPT_AFTER = re.compile(f"^{DEPARTMENT}")
_CONGRESS = re.compile(r"在([\u4e00-\u9fff]{2,20}?)第[一二三四五六七八九十]+届人民代表大会")
_SALUTATION = re.compile(r"^[^。；;]{4,80}[：:]$")
# a notice to its own units, led by the issuer's level: "新区各部门、各街道，各直属单位："
_TO_EACH = re.compile(
    r"^(?:新区|园区|开发区|市|县|区|旗)?各[^。；;，,]{1,20}?(?:人民政府|政府|部门|单位|机构|委员会|管委会|镇|街)"
)
# Superiors named without a place: "党中央、国务院：", "自治区党委、自治区人民政府：", and a 兵团 unit's
# "兵团党委、兵团：" (the corps' government is called 兵团 alone, a division's 师市).
_UNNAMED_SUPERIOR = (
    r"(?:中共)?(?:党中央|国务院|(?:兵团|师市)(?:党委)?|(?:自治区|省|市|州|盟|县|区|旗)(?:党委|委员会|委|人民政府|政府))"
)
_TO_SUPERIORS = re.compile(rf"^{_UNNAMED_SUPERIOR}(?:[、,，]{_UNNAMED_SUPERIOR})*[：:]$")
# The 新疆生产建设兵团 is no admin unit, yet it is the superior of its divisions (第八师石河子市) and
# 团场: a report addressed to it ("兵团党委、兵团：") or led by it ("在新疆生产建设兵团党委…领导下").
_CORPS = "新疆生产建设兵团"
_CORPS_NAMED = re.compile(r"(?:新疆生产建设)?兵团(?:党委|委员会)?(?:[、,，和]|的?(?:领导|指导)|$)")
# A city no prefecture holds: "济源是河南省直管的县级市", "仙桃市为湖北省直管市".
_PROVINCE_RUN = re.compile(r"([\u4e00-\u9fff]{2,8}?(?:省|自治区))(?:直管|直辖)")
# The opening names the superiors a report answers to: "在巴彦淖尔市委、市政府的坚强领导下",
# "根据省委、省政府印发的《四川省…方案》".
# A place appraised in its superior's appraisal is under it: "在广东省2023年度法治政府建设考核中，韶关市…".
_SUPERIOR = re.compile(
    r"[^。；;]*(?:领导下|指导下|根据|按照|依照|依据|落实|在[^。；;，,]{2,30}?(?:考核|考评)中|"
    r"(?:督察组|督导组|巡察组)对我)[^。；;]*"  # "宿迁市委…督察组对我县…开展了实地督察": a superior's inspectors
)
_RANK = {
    "省": 4,
    "自治区": 4,
    "特别行政区": 4,
    "市": 3,
    "州": 3,
    "盟": 3,
    "地区": 3,
    "县": 2,
    "区": 2,
    "旗": 2,
    "新区": 2,
    "开发区": 2,
    "乡": 1,
    "镇": 1,
    "街道": 1,
}
_WEIGHTS = {"title": 12, "signature": 8, "congress": 8, "opening": 4, "header": 2}
_BODY_CAP = 6  # body mentions add at most this much: they cannot outvote a title
_OPENING = 200  # characters of the opening read for the body that reports
_WINDOW = 30_000  # characters of body read for mentions; the reporting place is named early


@dataclass
class Body:
    place: str | None = None
    parent: str | None = None
    addressee: str | None = None
    unsure: dict[str, str] = field(default_factory=dict)


# A subdistrict or township office under its district's government: "鲤城区人民政府金龙街道办事处"
# is 鲤城区 > 金龙街道.
_UNDER_GOVERNMENT = re.compile(r"(?:人民)?政府(?=[\u4e00-\u9fff]{2,8}?(?:街道|乡|镇)(?:办事处|人民政府))")


def _named(line: str) -> list[str]:
    """Places a self-naming line gives: each chain, extended by a department that follows
    it ("乌海市司法局") unless what follows is its government or party committee."""
    found = []
    line = _UNDER_GOVERNMENT.sub("", line)
    for _, end, chain in find_chains(line):
        rest = line[end:]
        dept = _DEPT_AFTER.match(rest)
        if dept and not _GOVERNMENT.match(rest) and _department_name(dept.group(0)):
            found.append(chain + dept.group(0))
        else:
            found.append(chain)
    return found


def _department_name(name: str) -> bool:
    # "局" after a place is a department only with a name of its own (司法局, not 当局).
    # nor is 部署 a 署: "落实海南省法治政府建设工作部署"
    return (len(name) >= 3 or name in ("管委会",)) and not name.endswith("部署")


def addressee_of(lines: list[str]) -> str | None:
    """The salutation near the top: "中共株洲市委、株洲市人民政府：" — or one that names no place: a
    notice's "各县(区)人民政府,市直各行政执法部门：", a province's "党中央、国务院：" (without its colon)."""
    for line in lines[:12]:
        if not _SALUTATION.match(line) or line.startswith(("一、", "（一）", "(一)")):
            continue
        if any(find_chains(line)) or _TO_EACH.match(line) or _TO_SUPERIORS.match(line):
            return line.rstrip("：:").strip()
    return None


def reporting_body(title: str | None, lines: list[str], signature: list[str], page_meta: dict[str, str]) -> Body:
    scores: Counter[str] = Counter()
    for where, texts in (
        ("title", [title, *_title_above(title, lines)] if title else []),
        ("signature", signature),
        ("header", [v for k, v in page_meta.items() if k in ("发布机构", "发文机关", "信息来源")]),
    ):
        for text in texts:
            for place in dict.fromkeys(_named(text)):
                scores[place] += _WEIGHTS[where]
    # The opening sentence names the reporting body ("今年以来,乌海市坚持…"); a PDF wraps it
    # over several lines, so the first lines after the title are read as one.
    opening = "".join(ln for ln in lines[:8] if ln != title)[:_OPENING]
    for place in dict.fromkeys(_named(opening)):
        scores[place] += _WEIGHTS["opening"]
    body = "\n".join(lines)[:_WINDOW]
    for m in _CONGRESS.finditer(body[:3000]):
        for place in _named(m.group(1)):
            scores[place] += _WEIGHTS["congress"]
    mentions = Counter(chain for _, _, chain in find_chains(body))
    for place, n in mentions.items():
        scores[place] += min(n, _BODY_CAP) * 0.5
    scores = _merge(scores)
    addressee = addressee_of(lines)
    if not scores:
        return Body(addressee=addressee, unsure={"place": "标题、落款和正文开头都没有写明报告主体"})
    place, best = scores.most_common(1)[0]
    if best < _WEIGHTS["opening"]:  # only scattered body mentions: not enough to say who reports
        return Body(addressee=addressee, unsure={"place": f"只在正文中零散提到{place}，无法确定报告主体"})
    return Body(place=place, parent=_parent(place, body, addressee), addressee=addressee)


def _title_above(title: str, lines: list[str]) -> list[str]:
    """A title set over two lines, the body's name above the rest ("威海市生态环境局" /
    "2022年法治政府建设情况工作报告"): the line just above the title, when it is only a name."""
    if title not in lines:
        return []
    i = lines.index(title)
    above = next((ln.strip() for ln in reversed(lines[max(0, i - 2) : i]) if ln.strip()), "")
    names = _named(above) if len(above) <= 24 else []
    return [above] if names and any(above.startswith(n) and len(above) - len(n) <= 4 for n in names) else []


def _merge(scores: Counter[str]) -> Counter[str]:
    """A short form counts for the full name it is part of: 光明区 for 深圳市光明区."""
    merged: Counter[str] = Counter()
    for place, score in scores.items():
        longer = [p for p in scores if p != place and p.endswith(place) and local_name(p) == place]
        merged[max(longer, key=scores.get) if longer else place] += score
    return merged


def _parent(place: str, body: str, addressee: str | None) -> str | None:
    """The enclosing unit: from the place's own name, else a chain in the body that ends in
    it ("巴彦淖尔市磴口县"), else for a zone the city its name starts with, else the addressee's place, else a superior the opening names
    ("在巴彦淖尔市委、市政府的坚强领导下") — one ranked above the place — else the 兵团 for its own
    units, else the province a directly administered city says holds it ("河南省直管的县级市")."""
    if parent := parent_of(place):
        return parent
    for _, _, chain in find_chains(body):
        units = split_place(chain)
        if len(units) > 1 and units[-1] == place:
            return "".join(units[:-1])
    # a zone named for its city, which the body names: 南京江北新区 and 南京市
    named_for = (place[:n] + "市" for n in (2, 3) if len(place) > n + 2 and place[:n] + "市" in body)
    if level_of(place) in ("新区", "开发区") and (city := next(named_for, None)):
        return city
    rank = _RANK.get(level_of(place) or "", 0)

    def ranked(p: str) -> int:
        return _RANK.get(level_of(p) or "", 0)

    # A report goes up to its superiors (株洲市 for the 县级市 醴陵市: the same suffix), a notice
    # down to its subordinates: an addressee ranked below the place is not its parent.
    if addressee and (found := [p for p in _named(addressee) if p != place and ranked(p) >= rank]):
        return _fullest(found[0], body)
    for m in _SUPERIOR.finditer(body[: _OPENING * 4]):
        # a superior's department stands for the superior: 按照福建省司法厅…的要求 (福建省)
        found = [parent_of(p) or p if level_of(p) == "部门" else p for p in _named(m.group(0))]
        found = [p for p in found if p != place]
        higher = [p for p in found if ranked(p) > rank]
        # "落实山东省、潍坊市关于…的部署": a 市 named with its province is the 县级市's own city; a 市
        # under a 州, 盟 or 地区 is a county-level city too ("在德宏傣族景颇族自治州州委…领导下")
        city = [p for p in found if level_of(place) == "市" and ranked(p) == rank and len(p) >= 3]
        clause = m.group(0)
        same = [c for c in city for h in higher if level_of(c) == "市" and (f"{h}、{c}" in clause or h + c in clause)]
        if same:
            return _fullest(same[0], body)
        # "按照酒泉市委全面依法治市委员会办公室…的安排": a 市 whose 市委 or 政府 directs the place is its city
        led = [c for c in city if f"{c}委" in clause]
        if led:
            return _fullest(led[0], body)
        if chosen := higher or [p for p in city if level_of(p) in ("州", "盟", "地区")]:
            return _fullest(chosen[0], body)
        if _CORPS_NAMED.search(clause):
            return _CORPS
    if addressee and _CORPS_NAMED.search(addressee):
        return _CORPS
    for m in _PROVINCE_RUN.finditer(body[: _OPENING * 10]):
        if provinces := [p for p in _named(m.group(1)) if level_of(p) in ("省", "自治区")]:
            return provinces[-1]
    return None


def _fullest(place: str, body: str) -> str:
    """The full name the body gives a place a salutation shortens: 德宏州 is 德宏傣族景颇族自治州."""
    full = {chain for _, _, chain in find_chains(body) if chain != place and place in short_names(chain)}
    return max(full, key=len) if len(full) == 1 else place
