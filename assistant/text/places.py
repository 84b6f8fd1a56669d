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
from functools import cache

# (suffix, level), longest first so that 自治州 wins over 州 and 新区 over 区.
ADMIN_SUFFIXES: tuple[tuple[str, str], ...] = (
    ("特别行政区", "特别行政区"),
    ("经济技术开发区", "开发区"),
    ("高新技术产业开发区", "开发区"),
    ("自治区", "自治区"),
    ("自治州", "州"),
    ("自治县", "县"),
    ("自治旗", "旗"),
    ("林区", "县"),  # 神农架林区: a county-level unit, not a city's district
    ("工业园区", "开发区"),
    ("综合保税区", "开发区"),
    ("保税区", "开发区"),
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
# A unit's name holds no 政府 and no word that joins it to what comes before ("平遥县人民政府在晋中市
# 委" names 平遥县 and 晋中市, not a place "人民政府在晋中市"); nor does a chain start inside 政府.
_NAME_CHAR = r"(?:(?!政府|[在的与及委])[\u4e00-\u9fff])"
_UNIT = _NAME_CHAR + r"{1,9}?(?:" + "|".join(PLACE_SUFFIXES) + ")"
CHAIN = re.compile(f"(?<!政)(?:{_UNIT})+")
_ONE_UNIT = re.compile(_UNIT)
# Anything shaped like a place the library may not hold ("那北京市呢？").
PLACE_SHAPE = re.compile(r"[\u4e00-\u9fff]{2,8}?(?:" + "|".join(PLACE_SUFFIXES) + ")")
# One character after a stem that makes it part of another place name.
_NEXT_SUFFIX = "市县区旗盟州省镇乡"
# Name parts that make a generic word, not a place: 城市, 中心区, 全市, 各县区, 示范区 …
_GENERIC_NAME = re.compile(
    r"^(?:[各我该此每某市县区省][\u4e00-\u9fff]*|[\u4e00-\u9fff]*依法治[\u4e00-\u9fff]*|[全本其两多几一二三四五六七八九十上下前后外内省市县区乡镇盟旗州]|城|都|大都|中心|核心|重点|"
    r"辖|社|师|园|景|片|库|老|山|牧|林|矿|灾|夜|城乡|乡村|农村|城镇|城区|市区|县区|县市|市县|街|小|校|示范|试验|先行|自贸|"
    r"功能|产业|工业|保税|综合|实验|新|周边|边境|贫困|脱贫|革命|民族|少数民族|地|特|直辖|省辖|计划单列|副省级|地级|县级|"
    r"国家级|省级|自治|行政|管理|服务|执法|司法|公安)$"
)


# Words a chain can start with that are not part of the name ("关于醴陵市", "2023年乌海市",
# "在深圳市", the end of a date: "2月7日在洛阳市"). Characters that begin real place names (和田, 于都, 同心, 从化) are left alone.
_LEAD = re.compile(
    r"^(?:[年月](?:底|末|初)|关于|中共|对于|按照|根据|今年|去年|全年|贯彻|落实|围绕|推动|推进|加快|加强|实施|坚持|全面|深入|服务|建设|认真|预计|基本|完成|实现|开展|深化|"
    r"以来|[年度在的了是对由到给据较被把让使为与及跟等以]|[日月](?=[在于])|和(?!田))+"
)
# Provincial-level names: a 省 or 自治区 unit must be one of these (so "落实省委" holds no province).
PROVINCES = frozenset(
    "河北 山西 辽宁 吉林 黑龙江 江苏 浙江 安徽 福建 江西 山东 河南 湖北 湖南 广东 海南 四川 贵州 云南 陕西 甘肃 青海 台湾 "
    "内蒙古 广西壮族 广西 西藏 宁夏回族 宁夏 新疆维吾尔 新疆 北京 天津 上海 重庆 香港 澳门".split()
)


# Generic however they begin or end: 国际化大都市, 现代化新城区, 主城区, 老城区, 设区 (of 设区的市),
# 陶瓷文化传承创新试验区 (a programme, not a unit of government) (but a name
# merely ending in 城 is a place: 鲤城区, 盐城市, 聊城市).
_GENERIC_PART = re.compile(
    r"^(?:国际化|现代化|全国|全省|全市|全县|全区|中心)|(?:大都|中心|核心|主城|老城|新城|城乡|地方|设|试验|实验|示范|先行)$"
)
# A clause, not a name: "认真贯彻落实市委…", "基本完成县…", "预计全年实现地区生产总值" run into a suffix.
_CLAUSE_PART = re.compile(
    r"贯彻|落实|推进|完成|实现|开展|加强|深化|坚持|围绕|按照|根据|指引|领导|重点|全年|预计|认真|积极|融入|促进|要求|"
    r"聘用|聘请|选聘|多少|一共|总共|"
    r"已经|日前|"  # "方案已经市委同意", "…日前报市政府": a clause before 市委, not a city named 已经市  # "聘用县聘法律顾问": hiring for the county, not a county named 聘用县
    r"各$|"  # "陇南市要求各县(区)…": 各县 is every county, not a place
    r"(?:给|向|对|把|被|让|替|跟)$|"  # "曲靖给县级政府打分": a preposition before 县, not a name
    r"^(?:东|西|南|北|中|东北|西北|西南|东南)部$"  # 中部地区 is a region of the country, not a 地区
)


# A word that joins two places in a sentence, not a unit of one name: "富平县在渭南市…考核中"
# is 富平县 and 渭南市, "乌海市和醴陵市" two places (but 和田地区 is one).
_JOINERS = set("在和与及的对向到由从将把被")


def _joins(text: str, i: int) -> bool:
    return text[i : i + 1] in _JOINERS and text[i : i + 2] != "和田"


def _inner_and(unit: str) -> int | None:
    """Where a 和 two or more characters into a unit's name joins words ("兵团和师市"), or None. A 和
    that real names hold comes first or second (和田, 呼和浩特, 太和县, 人和镇)."""
    at = unit.find("和", 2)
    return at if at >= 0 and unit[at : at + 2] != "和田" and not unit[at:].startswith(PLACE_SUFFIXES) else None


def _scan(text: str, i: int) -> list[tuple[int, int]]:
    """Consecutive units from offset i, as (start, end). A one-character name takes the
    suffix character after it too: 甘州区 is one unit, not 甘州 + 区 (and 郑州市 not 郑州 + 市)."""
    spans = []
    while (not spans or not _joins(text, i)) and (m := _ONE_UNIT.match(text, i)):
        if (inner := _inner_and(m.group(0))) is not None:
            i += inner + 1  # "兵团和师市", "第八师和周边地方县": 和 joins two words, the first no unit
            continue
        end = m.end()
        name = len(m.group(0)) - len(next(sfx for sfx in PLACE_SUFFIXES if m.group(0).endswith(sfx)))
        if (
            text[end : end + 1] == "族"
            and (people := _ONE_UNIT.match(text, end))
            and people.group(0).endswith(_SELF_GOVERNING)
        ):
            end = people.end()  # 东乡族自治县 is one unit, not 东乡 (a 乡) + 族自治县
        elif name == 1 and end < len(text) and text[end] in "市县区旗盟镇":  # 乌镇镇: a town named 乌镇
            end += 1
        elif m.group(0).endswith("镇") and text[end : end + 1] == "市" and text[end + 1 : end + 2] not in ("场", "民"):
            end += 1  # 景德镇市 is a city named 景德镇, not a town 景德镇 (but "…镇市场监管所" is a town's)
        elif name == 1 and (zone := _ONE_UNIT.match(text, end)) and zone.group(0).endswith(_ZONES):
            end = zone.end()  # 苏州工业园区 is one unit, not 苏州 (a 州) + 工业园区
        if text[end : end + 1] == "省" and text[i:end] in PROVINCES:
            end += 1  # 贵州省 is one unit, not 贵州 (a 州) + 省
        if text[i:end].endswith("乡") and text[end : end + 1] in ("镇", "村"):
            break  # 乡镇, 乡村: "宁夏乡镇街道…" names no 宁夏乡
        if text[i:end].endswith("市") and text[end : end + 1] == "场":
            break  # 市场: "海城服装市场领域" names no 海城服装市
        spans.append((i, end))
        i = end
    return spans


_SELF_GOVERNING = ("自治区", "自治州", "自治县", "自治旗")
_CITY_ZONES = ("经济技术开发区", "高新技术产业开发区", "工业园区", "开发区", "保税区")
_ZONES = ("园区", "开发区", "新区")  # 苏州工业园区, 苏州园区


def _units(chain: str) -> list[str]:
    return [chain[s:e] for s, e in _scan(chain, 0)]


def is_generic(unit: str) -> bool:
    """城市, 中心区, 全市, 示范区: shaped like a unit, not a place (nor is "和省": a province
    or region must be one of the 34 provincial-level names)."""
    for suffix in PLACE_SUFFIXES:
        if unit.endswith(suffix):
            name = unit[: -len(suffix)]
            if suffix in ("省", "自治区") and name not in PROVINCES:
                return True
            if len(name) == 1 and suffix in ("自治州", "盟", "地区"):
                return True
            return not name or bool(
                _GENERIC_NAME.match(name) or _GENERIC_PART.search(name) or _CLAUSE_PART.search(name)
            )
    return True


def _province_ending(unit: str) -> str | None:
    """新疆维吾尔自治区 of "政公署在新疆维吾尔自治区", a unit whose name ends in a province's."""
    for suffix in ("自治区", "省"):
        if unit.endswith(suffix):
            name = unit[: -len(suffix)]
            found = [p for p in PROVINCES if name.endswith(p) and name != p]
            return max(found, key=len) + suffix if found else None
    return None


def find_chains(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, place) for each run of non-generic units in `text`; a generic unit
    breaks a run ("城市中心区" gives nothing, "我市乌达区" gives 乌达区), and so does a joining
    word ("富平县在渭南市" gives 富平县 and 渭南市)."""
    pos = 0
    while m := CHAIN.search(text, pos):
        lead = _LEAD.match(m.group(0))
        spans = _scan(text, m.start() + (lead.end() if lead else 0))
        run: list[tuple[int, int]] = []
        for s, e in spans + [(-1, -1)]:
            if s >= 0 and not is_generic(text[s:e]):
                run.append((s, e))
                continue
            if run:
                yield run[0][0], run[-1][1], text[run[0][0] : run[-1][1]]
            # "…行政公署在新疆维吾尔自治区党委…": the words before a province are not its name
            region = _province_ending(text[s:e]) if s >= 0 else None
            run = [(e - len(region), e)] if region else []
        pos = max(spans[-1][1] if spans else m.end(), m.start() + 1)


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


_STEM_REST = re.compile(r"([\u4e00-\u9fff]{0,2}?)(?:" + "|".join(PLACE_SUFFIXES) + ")")


def _starts_other_place(text: str, start: int, length: int, place: str) -> bool:
    """Is the stem at text[start:start+length] the start of another place's name? "乌鲁木齐"
    before 市 is 乌鲁木齐市, not 乌鲁木齐县; "合肥" before 高新技术产业开发区 is not 合肥经济技术开发区."""
    after = text[start + length : start + length + 1]
    if not after or _joins(text, start + length):
        return False  # "宁夏和柳州…": 和 joins two places (but 和田 begins one)
    if after in _NEXT_SUFFIX:
        return text[start + length : start + length + 2] not in ("乡镇", "乡村")  # "宁夏乡镇…" is 宁夏's
    # The stem, at most two more characters and an admin suffix: 合肥 + 高新区; not 武威 + 有多少户市,
    # nor a generic word (武威 + 全市).
    if text.startswith("片区", start + length):
        return True  # 自贸试验区昆明片区: a zone named for the city, not 昆明市
    rest = _STEM_REST.match(text, start + length)
    if not rest or (rest.group(1) and is_generic(rest.group(0))):
        return False
    if rest.group(0).endswith("市") and text[rest.end() : rest.end() + 1] == "场":
        return False  # 海城 + 服装市场: a market, not a place 海城服装市
    return text[start : rest.end()] not in short_names(place)


def names_place(text: str, place: str) -> bool:
    """Does `text` name `place`, by its full name, its innermost unit or that unit's stem?"""
    if place in text:
        return True
    for name in sorted(short_names(place) - {place}, key=len, reverse=True):
        # str.find, not a regex per place: with a thousand places re's compile cache thrashes.
        start = text.find(name)
        while start >= 0:
            if name.endswith(PLACE_SUFFIXES) or not _starts_other_place(text, start, len(name), place):
                return True
            start = text.find(name, start + 1)
    return False


_BANNER = re.compile(r"^(.)[\u4e00-\u9fff]*?([左右前后中])旗$")


_PEOPLES = (
    "朝鲜 苗 侗 藏 羌 彝 土家 蒙古 哈萨克 回 壮 傣 景颇 白 哈尼 布依 黎 傈僳 纳西 拉祜 佤 瑶 畲 满 达斡尔 鄂温克 鄂伦春 "
    "锡伯 柯尔克孜 塔吉克 裕固 东乡 保安 撒拉 仡佬 毛南 仫佬 水 京 普米 怒 独龙 德昂 布朗 阿昌 基诺 维吾尔 土 赫哲 门巴 珞巴 "
    "高山 塔塔尔 俄罗斯 乌孜别克 各"
).split()
_PEOPLE = "|".join(sorted(_PEOPLES, key=len, reverse=True))  # 土家 before 土
_AUTONOMOUS = re.compile(rf"^(.{{2,6}}?)(?:(?:{_PEOPLE})族)+自治([州县旗])$")


# A place named for its people: 鄂伦春自治旗 -> 鄂伦春旗, 鄂伦春; 鄂温克族自治旗 -> 鄂温克旗, 鄂温克.
_PEOPLES_OWN = re.compile(rf"^({_PEOPLE})族?自治([州县旗])$")
_ETHNIC = re.compile(rf"^(.{{2,6}}?)(?:(?:{_PEOPLE})族)+([乡镇])$")
_REGION = re.compile(rf"^(.{{2,3}}?)(?:(?:{_PEOPLE})族?)*自治区$")


def short_names(place: str) -> set[str]:
    """The names a question may use for a place: the place, its innermost unit, that unit's
    stem, and the customary short forms — 阿拉善左旗 -> 阿左旗; 延边朝鲜族自治州 -> 延边州, 延边;
    锡林郭勒盟 -> 锡盟; 云梯畲族乡 -> 云梯乡, 云梯; 宁夏回族自治区 -> 宁夏; 苏州工业园区 -> 苏州园区;
    河北雄安新区 -> 雄安新区, 雄安 (a province's name before a unit); 南京江北新区 -> 江北新区 (a city's);
    合肥经济技术开发区 -> 合肥经开区;
    乌海市司法局 -> 乌海司法局."""
    unit = local_name(place)
    # The stem of a city's zone is the city's name: "苏州" is not 苏州工业园区, nor "合肥" 合肥经开区.
    names = {place, unit} | ({place_stem(place)} if not unit.endswith(_CITY_ZONES) else set())
    if m := _BANNER.match(unit):
        names.add(f"{m.group(1)}{m.group(2)}旗")
    elif unit.endswith("旗") and len(unit) >= 4 and not unit.endswith("自治旗"):
        names.add(unit[0] + "旗")  # 伊金霍洛旗 -> 伊旗, 达拉特旗 -> 达旗, as 鄂尔多斯 says them
    if (m := _AUTONOMOUS.match(unit)) or (m := _PEOPLES_OWN.match(unit)):
        names |= {m.group(1) + m.group(2), m.group(1)}
    if m := _ETHNIC.match(unit):  # 云梯畲族乡 -> 云梯乡, 云梯
        names |= {m.group(1) + m.group(2), m.group(1)}
    if m := _REGION.match(unit):  # 广西壮族自治区 -> 广西, 广西自治区 (never 自治区 or 壮族)
        names = {place, m.group(1), m.group(1) + "自治区"}
    if unit.endswith("盟") and len(unit) >= 4:  # 锡林郭勒盟 -> 锡盟, 阿拉善盟 -> 阿盟
        names.add(unit[0] + "盟")
    for province in PROVINCES if not unit.endswith(("自治区", "省")) else ():
        if unit.startswith(province) and len(unit) - len(province) >= 3 and unit[len(province)] not in "省市区":
            rest = unit[len(province) :]
            names |= {rest, place_stem(rest)}
    for full, short in _ZONE_SHORT:
        if unit.endswith(full) and len(unit) > len(full):
            names |= {unit[: -len(full)] + s for s in short}  # 合肥经济技术开发区 -> 合肥经开区
            if len(lead := unit[: -len(full)]) == 4:  # 武汉东湖新技术开发区: the city's name, then the zone's own
                names |= {lead[2:] + s for s in (full, *short)}  # 东湖新技术开发区, 东湖高新区
            break
    if unit.endswith("新区") and len(unit) >= 6 and not unit.startswith(tuple(PROVINCES)):
        names.add(unit[2:])  # 南京江北新区: its city's name, then the area's own (江北新区), as people say it
    names |= {n for full, nicknames in _NICKNAMES.items() if unit.endswith(full) for n in nicknames}
    if m := _DIVISION.match(unit):  # 第八师石河子市 (师市合一) -> 第八师, 兵团第八师, 石河子市, 石河子
        names |= {m.group(1), "兵团" + m.group(1), m.group(2), place_stem(m.group(2))}
    units = split_place(place)
    if len(units) >= 2 and not is_department(place):  # 开封市鼓楼区 -> 开封鼓楼区, 开封鼓楼: the parent's stem first
        lead = place_stem(units[-2])
        names |= {lead + unit} | ({lead + place_stem(place)} if place_stem(place) != unit else set())
    if is_department(place):
        area, dept = split_place(place)[:-1], split_place(place)[-1]
        names.add(place_stem("".join(area)) + dept)
        for full, short in _DEPARTMENT_SHORT:  # 仙居县人力资源和社会保障局 -> 仙居县人社局, 仙居人社局
            if full in dept:
                names |= {n.replace(full, short) for n in names if full in n}
                break
    return {n for n in names if len(n) >= 2}


# A zone's customary short forms (the longest name first: 高新技术产业开发区 before 开发区)
_ZONE_SHORT = (
    ("高新技术产业开发区", ("高新区",)),
    ("新技术产业开发区", ("高新区",)),
    ("新技术开发区", ("高新区",)),
    ("经济技术开发区", ("经开区", "开发区")),
    ("工业园区", ("园区",)),
    ("综合保税区", ("综保区",)),
)
# A 兵团 division and its city, one government (师市合一): 第八师石河子市
_DIVISION = re.compile(r"^(第[一二三四五六七八九十]{1,3}师)([\u4e00-\u9fff]{2,5}市)$")


# What people call a place that its name does not say (鹏城 is 深圳市, 光谷 武汉东湖新技术开发区). Only
# nicknames no other place or district bears: not 江城 (武汉, 吉林, 江城区), 山城, 鹿城, 姑苏 (苏州's 姑苏区).
_NICKNAMES = {
    "深圳市": ("鹏城",),
    "广州市": ("羊城", "花城"),
    "成都市": ("蓉城",),
    "昆明市": ("春城",),
    "哈尔滨市": ("冰城",),
    "济南市": ("泉城",),
    "福州市": ("榕城",),
    "长沙市": ("星城",),
    "厦门市": ("鹭岛",),
    "拉萨市": ("日光城",),
    "上海市": ("申城", "魔都"),
    "南京市": ("金陵",),
    "东湖新技术开发区": ("光谷",),
}


# How people shorten a department's name (longest first: 城市管理综合行政执法 before 城市管理).
_DEPARTMENT_SHORT = (
    ("人力资源和社会保障", "人社"),
    ("市场监督管理", "市场监管"),
    ("住房和城乡建设", "住建"),
    ("自然资源和规划", "自然资源"),
    ("城市管理综合行政执法", "城管"),
    ("城市管理", "城管"),
    ("综合行政执法", "综合执法"),
    ("交通运输", "交通"),
    ("应急管理", "应急"),
    ("卫生健康委员会", "卫健委"),
    ("卫生健康", "卫健"),
    ("发展和改革委员会", "发改委"),
    ("发展和改革", "发改"),
    ("文化广电和旅游", "文旅"),
    ("文化广电旅游", "文旅"),
    ("文化和旅游", "文旅"),
    ("教育和体育", "教体"),
    ("退役军人事务", "退役军人"),
    ("医疗保障", "医保"),
    ("行政审批服务", "行政审批"),
    ("林业和草原", "林草"),
    ("工业和信息化", "工信"),
    ("科学技术", "科技"),
    ("农业农村", "农业"),
)


def field_names(place: str | None) -> set[str]:
    """A department's field as a question about its own report names it: 扬州市交通运输局 -> 交通运输, 交通运输系统,
    交通系统 ("扬州交通运输系统的罚没款": whose, not what — every sentence of its report is about 交通运输)."""
    if not place or not is_department(place):
        return set()
    field = re.sub(r"(?:局|厅|委员会|委|办公室|署)$", "", split_place(place)[-1])
    fields = {field} | {field.replace(full, short) for full, short in _DEPARTMENT_SHORT if full in field}
    # (four characters at least: 司法 alone would cut 司法所 out of a question about 市司法局's report)
    return {n for f in fields if len(f) >= 2 for n in (f, f + "系统") if len(n) >= 4}


def without_names(text: str, names: Iterable[str], gap: str = " ") -> str:
    """`text` with every one of `names` replaced by `gap`, longest first (深圳市光明区 before 光明区)."""
    for name in sorted(names, key=len, reverse=True):
        text = text.replace(name, gap)
    return text


def name_variants(places: Iterable[str | None]) -> set[str]:
    """Every name a question may use for any of `places` (see short_names)."""
    return {name for p in set(places) if p for name in _short_names(p)}


@cache
def _short_names(place: str) -> frozenset[str]:
    # A library of 10,000 reports holds a few thousand places, asked about on every question.
    return frozenset(short_names(place))


class PlaceIndex:
    """The places of a library, indexed by every name a question may use for them, so that
    finding the places a question names costs a scan of the question, not a loop over ten
    thousand reports. `named` agrees with `names_place` for every place."""

    _LONGEST = 24  # no place name is longer

    def __init__(self, reports: Iterable):
        self.places: set[str] = {r.place for r in reports if r.place}
        self.parents: dict[str, set[str]] = {}
        for r in reports:
            if r.place and (parent := r.parent or parent_of(r.place)):
                self.parents.setdefault(parent, set()).add(r.place)
        self._by_name = self._variants(self.places)
        self._by_parent_name = self._variants(set(self.parents))

    @staticmethod
    def _variants(places: set[str]) -> dict[str, set[str]]:
        names: dict[str, set[str]] = {}
        for p in places:
            for name in short_names(p):
                names.setdefault(name, set()).add(p)
        return names

    @staticmethod
    def _scan(text: str, names: dict[str, set[str]]) -> dict[str, list[tuple[int, int]]]:
        found: dict[str, list[tuple[int, int]]] = {}
        for i in range(len(text)):
            for j in range(i + 2, min(len(text), i + PlaceIndex._LONGEST) + 1):
                for place in names.get(text[i:j], ()):
                    name = text[i:j]
                    if name == place or name.endswith(PLACE_SUFFIXES) or not _starts_other_place(text, i, j - i, place):
                        found.setdefault(place, []).append((i, j))
        return found

    def names_of(self, place: str) -> frozenset[str]:
        return _short_names(place)

    def named(self, text: str) -> set[str]:
        """The library's places `text` names (by full name, innermost unit or stem)."""
        return set(self._scan(text, self._by_name))

    def named_at(self, text: str) -> dict[str, list[tuple[int, int]]]:
        """`named`, with the spans of `text` that name each place."""
        return self._scan(text, self._by_name)

    def named_parents(self, text: str) -> set[str]:
        """Parents of library places that `text` names."""
        return set(self._scan(text, self._by_parent_name))

    def knows(self, chain: str) -> bool:
        """Is a place chain found in a question one of the library's places, a part of one,
        or a parent of one? ("内蒙古自治区乌海市" is, when 乌海市 is held.)"""
        if chain in self._by_name or chain in self.parents:
            return True
        return any(unit in self._by_name or unit in self.parents for unit in split_place(chain))
