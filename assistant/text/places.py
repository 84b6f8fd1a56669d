"""Place names and administrative levels.

A place name ends in an admin suffix (乌海市, 磴口县, 阿拉善左旗, 延边朝鲜族自治州); people also
use its stem (乌海). A stem names the place only when it is not the start of a different
place: "乌鲁木齐" names 乌鲁木齐县 in "乌鲁木齐县…" but not in "乌鲁木齐市…".

Worked example: place_stem("乌海市") == "乌海"; level_of("延边朝鲜族自治州") == "州".
"""

from __future__ import annotations

import re

# Longest first, so 自治州 wins over 州.
PLACE_SUFFIXES = ("自治州", "自治县", "市", "县", "区", "旗", "盟", "州")
# One character after a stem that makes it part of another place name.
_NEXT_SUFFIX = "市县区旗盟州"
# Anything shaped like a place the library may not hold ("那北京市呢？").
PLACE_SHAPE = re.compile(r"[\u4e00-\u9fff]{2,8}?(?:" + "|".join(PLACE_SUFFIXES) + ")")


def place_stem(place: str) -> str:
    """乌海市 -> 乌海: the short form people also use for a place."""
    for suffix in PLACE_SUFFIXES:
        if place.endswith(suffix) and len(place) - len(suffix) >= 2:
            return place[: -len(suffix)]
    return place


def level_of(place: str | None) -> str | None:
    """The admin level a place's suffix gives: 市, 县, 区, 旗, 盟, 州 (自治州), 县 (自治县)."""
    if not place:
        return None
    for suffix in PLACE_SUFFIXES:
        if place.endswith(suffix):
            return {"自治州": "州", "自治县": "县"}.get(suffix, suffix)
    return None


def names_place(text: str, place: str) -> bool:
    """Does `text` name `place`, by its full name or its stem?"""
    if place in text:
        return True
    stem = place_stem(place)
    if stem == place:
        return False
    # str.find, not a regex per place: with a thousand places re's compile cache thrashes.
    start = text.find(stem)
    while start >= 0:
        after = text[start + len(stem) : start + len(stem) + 1]
        if not after or after not in _NEXT_SUFFIX:
            return True
        start = text.find(stem, start + 1)
    return False


def name_variants(places) -> set[str]:
    """Each place and its stem: the words a question may use for the library's places."""
    return {name for p in places if p for name in (p, place_stem(p))}
