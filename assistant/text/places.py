"""Place names, their hierarchy and administrative levels.

A place name is a chain of units, each ending in an admin suffix: 深圳市光明区 is 深圳市 >
光明区, 阿拉善盟阿拉善左旗 is 阿拉善盟 > 阿拉善左旗, 延边朝鲜族自治州 is one unit. A department
that reports on its own work is a unit too: 乌海市司法局 is 乌海市 > 司法局, level 部门. People
also use a unit's stem (乌海, 光明), and a stem names a place only when it is not the start of
a different place: "乌鲁木齐" names 乌鲁木齐县 in "乌鲁木齐县…" but not in "乌鲁木齐市…".

Generic words shaped like places (城市, 中心区, 大都市, 全市, 辖区) are not places: a unit is
kept only when its name part is not one of them.

Worked example: split_place("深圳市光明区") == ["深圳市", "光明区"]; parent_of("深圳市光明区")
== "深圳市"; level_of("延边朝鲜族自治州") == "州"; level_of("乌海市司法局") == "部门".
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

# (suffix, level), longest first so that 自治州 wins over 州 and 新区 over 区.
ADMIN_SUFFIXES: tuple[tuple[str, str], ...] = (
    ("特别行政区", "特别行政区"),
    ("经济技术开发区", "开发区"),
    ("高新技术产业开发区", "开发区"),
    ("自治区", "自治区"),
    ("自治州", "州"),
    ("自治县", "县"),
    ("自治旗", "旗"),
    ("开发区", "开发区"),
    ("新区", "新区"),
    ("地区", "地区"),
    ("街道", "街道"),
    ("省", "省"),
    ("市", "市"),
    ("州", "州"),
    ("盟", "盟"),
    ("县", "县"),
    ("区", "区"),
    ("旗", "旗"),
    ("乡", "乡"),
    ("镇", "镇"),
)
PLACE_SUFFIXES = tuple(s for s, _ in ADMIN_SUFFIXES)
_LEVELS = dict(ADMIN_SUFFIXES)
# A department reporting on its own work: 司法局, 市场监督管理局, 发展和改革委员会, 管委会.
DEPARTMENT = r"(?:[\u4e00-\u9fff]{1,12}?(?:局|厅|委员会|管委会|办公室|署)|管委会)"
_UNIT = r"[\u4e00-\u9fff]{1,9}?(?:" + "|".join(PLACE_SUFFIXES) + ")"
CHAIN = re.compile(f"(?:{_UNIT})+")
_ONE_UNIT = re.compile(_UNIT)
# Anything shaped like a place the library may not hold ("那北京市呢？").
PLACE_SHAPE = re.compile(r"[\u4e00-\u9fff]{2,8}?(?:" + "|".join(PLACE_SUFFIXES) + ")")
# One character after a stem that makes it part of another place name.
_NEXT_SUFFIX = "市县区旗盟州省镇乡"
# Name parts that make a generic word, not a place: 城市, 中心区, 全市, 各县区, 示范区 …
_GENERIC_NAME = re.compile(
    r"^(?:[各我该此每某][\u4e00-\u9fff]*|[全本其两多几一二三四五六七八九十上下前后外内省市县区乡镇盟旗州]|城|都|大都|中心|核心|重点|"
    r"辖|社|园|景|片|库|老|山|牧|林|矿|灾|城乡|乡村|农村|城镇|城区|市区|县区|县市|市县|街|小|校|示范|试验|先行|自贸|"
    r"功能|产业|工业|保税|综合|实验|新|周边|边境|贫困|脱贫|革命|民族|少数民族|地|特|直辖|省辖|计划单列|副省级|地级|县级|"
    r"国家级|省级|自治|行政|管理|服务|执法|司法|公安)$"
)


# Words a chain can start with that are not part of the name ("关于醴陵市", "2023年乌海市",
# "在深圳市"). Characters that begin real place names (和田, 于都, 同心, 从化) are left alone.
_LEAD = re.compile(r"^(?:关于|中共|对于|按照|根据|今年|去年|全年|[年度在的了是对由到给据较被把让使为与及等])+")


def _scan(text: str, i: int) -> list[tuple[int, int]]:
    """Consecutive units from offset i, as (start, end). A one-character name takes the
    suffix character after it too: 甘州区 is one unit, not 甘州 + 区 (and 郑州市 not 郑州 + 市)."""
    spans = []
    while m := _ONE_UNIT.match(text, i):
        end = m.end()
        name = len(m.group(0)) - len(next(sfx for sfx in PLACE_SUFFIXES if m.group(0).endswith(sfx)))
        if name == 1 and end < len(text) and text[end] in "市县区旗盟":
            end += 1
        spans.append((i, end))
        i = end
    return spans


def _units(chain: str) -> list[str]:
    return [chain[s:e] for s, e in _scan(chain, 0)]


def is_generic(unit: str) -> bool:
    """城市, 中心区, 全市, 示范区: shaped like a unit, not a place."""
    for suffix in PLACE_SUFFIXES:
        if unit.endswith(suffix):
            name = unit[: -len(suffix)]
            return not name or bool(_GENERIC_NAME.match(name)) or name.endswith(("城", "都"))
    return True


def find_chains(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, place) for each run of non-generic units in `text`; a generic unit
    breaks a run ("城市中心区" gives nothing, "我市乌达区" gives 乌达区)."""
    done = 0
    for m in CHAIN.finditer(text):
        if m.start() < done:
            continue
        lead = _LEAD.match(m.group(0))
        run: list[tuple[int, int]] = []
        for s, e in _scan(text, m.start() + (lead.end() if lead else 0)) + [(-1, -1)]:
            if s >= 0 and not is_generic(text[s:e]):
                run.append((s, e))
                continue
            if run:
                yield run[0][0], run[-1][1], text[run[0][0] : run[-1][1]]
            run = []
            done = max(done, e)


def split_place(place: str) -> list[str]:
    """The units of a place name, outermost first; a department is its last unit."""
    spans = _scan(place, 0)
    end = spans[-1][1] if spans else 0
    rest = place[end:]
    if not spans or (rest and not re.fullmatch(DEPARTMENT, rest)):
        return [place]
    return [place[s:e] for s, e in spans] + ([rest] if rest else [])


def is_department(place: str | None) -> bool:
    return bool(place) and not place.endswith(PLACE_SUFFIXES) and len(split_place(place)) > 1


def parent_of(place: str | None) -> str | None:
    """深圳市光明区 -> 深圳市; 乌海市司法局 -> 乌海市; 乌海市 -> None (a one-unit name)."""
    units = split_place(place) if place else []
    return "".join(units[:-1]) if len(units) > 1 else None


def local_name(place: str) -> str:
    """The innermost unit: 深圳市光明区 -> 光明区; a department keeps its area: 乌海市司法局."""
    units = split_place(place)
    return place if is_department(place) else units[-1]


def place_stem(place: str) -> str:
    """乌海市 -> 乌海, 深圳市光明区 -> 光明: the short form people also use for a place."""
    unit = local_name(place)
    for suffix in PLACE_SUFFIXES:
        if unit.endswith(suffix) and len(unit) - len(suffix) >= 2:
            return unit[: -len(suffix)]
    return unit


def level_of(place: str | None) -> str | None:
    """The kind of unit a name's suffix gives: 市, 县, 区, 旗, 盟, 州 (自治州), 县 (自治县),
    新区, 开发区, 街道, 乡, 镇, 省, 自治区; 部门 for a department."""
    if not place:
        return None
    if is_department(place):
        return "部门"
    for suffix, level in ADMIN_SUFFIXES:
        if place.endswith(suffix):
            return level
    return None


def names_place(text: str, place: str) -> bool:
    """Does `text` name `place`, by its full name, its innermost unit or that unit's stem?"""
    if place in text:
        return True
    for name in dict.fromkeys((local_name(place), place_stem(place))):
        if name == place:
            continue
        # str.find, not a regex per place: with a thousand places re's compile cache thrashes.
        start = text.find(name)
        while start >= 0:
            after = text[start + len(name) : start + len(name) + 1]
            if name.endswith(PLACE_SUFFIXES) or not after or after not in _NEXT_SUFFIX:
                return True
            start = text.find(name, start + 1)
    return False


def name_variants(places: Iterable[str | None]) -> set[str]:
    """Each place, its innermost unit and its stem: the words a question may use for it."""
    return {name for p in places if p for name in (p, local_name(p), place_stem(p))}
