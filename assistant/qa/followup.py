"""Follow-up questions resolved against the previous one, by rule.

"那武威市呢？" after "2023年乌海市行政机关负责人出庭应诉率是多少？" asks the same about
武威市: the follow-up's place and/or year replace the previous question's, and the
rest of the previous question is kept. Only short questions with a follow-up marker
(那…呢, …呢, 还有…) are rewritten; any other question stands on its own. Trade-off: a
follow-up that changes the topic ("那行政复议呢？") cannot be merged by rule, so it only
inherits the previous place and year, which is what retrieval needs to scope it.

Worked example: resolve("那2022年的呢？", "乌海市2023年办理了多少件行政复议案件？", ["乌海市"])
-> "乌海市2022年办理了多少件行政复议案件？".
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from assistant.text.places import PLACE_SHAPE, PLACE_SUFFIXES, name_variants, place_stem
from assistant.text.years import YEAR_MENTION as _YEAR

_MARKER = re.compile(r"^(?:那么?|那|还有|再看看?|换成)|(?:呢|的呢|怎么样|如何|情况呢|又是多少)[？?。.!！]*$")
_FILLER = re.compile(
    r"^(?:那么?|那|还有|再看看?|换成)?(?:的)?|(?:的情况|的)?(?:呢|怎么样|如何|又是多少)?[？?。.!！\s]*$"
)
_MAX_FOLLOWUP = 24  # characters; a longer question is taken to be complete


def is_followup(question: str) -> bool:
    q = question.strip()
    return bool(q) and len(q) <= _MAX_FOLLOWUP and bool(_MARKER.search(q))


def find_place(text: str, places: Iterable[str]) -> str | None:
    """The place `text` names: a known place (full name or stem, longest first), else
    anything shaped like a place name."""
    names = sorted(name_variants(places), key=len, reverse=True)
    for name in names:
        if name in text:
            # Extend a stem to the full name written in the text: 乌海 -> 乌海市.
            m = re.search(re.escape(name) + "(?:" + "|".join(PLACE_SUFFIXES) + ")?", text)
            return m.group(0) if m else name
    m = PLACE_SHAPE.search(_YEAR.sub(" ", text))
    return m.group(0) if m else None


def resolve(
    question: str, previous: str | None, places: Iterable[str] = (), years: Mapping[str, Iterable[int]] | None = None
) -> str:
    """The question to ask: `question` itself, or `previous` with the follow-up's place/year.
    `years` (place -> years its reports cover) lets a change of place drop a year the new
    place has no report for: "那武威市呢？" after a 2023 question means 武威市's report."""
    question = question.strip()
    if not previous or not is_followup(question):
        return question
    places = list(places)
    rest = _FILLER.sub("", question)
    new_place, old_place = find_place(rest, places), find_place(previous, places)
    new_year, old_year = _YEAR.search(rest), _YEAR.search(previous)
    for found in (new_place, new_year.group(0) if new_year else None):
        if found:
            rest = rest.replace(found, "")
    rest = _FILLER.sub("", rest.strip())
    # "武威" -> 武威市, the name the store knows it by.
    new_place = next((p for p in places if new_place in (p, place_stem(p))), new_place) if new_place else None
    if not (new_place or new_year):
        # A new topic: keep it, and carry the conversation's place and year so retrieval scopes it.
        context = (old_year.group(0) if old_year else "") + (old_place or "")
        return f"{context}{rest}？" if context and rest else question
    if rest:
        # "那武威市的法律顾问呢？": the topic changed too; place/year + the new topic.
        year = (new_year or old_year).group(0) if (new_year or old_year) else ""
        return f"{year}{new_place or old_place or ''}{rest}？"
    result = previous
    if (
        new_place
        and old_year
        and not new_year
        and years
        and new_place in years
        and int(old_year.group(0)[:4]) not in set(years[new_place])
    ):
        result, old_year = result.replace(old_year.group(0), "", 1), None
    if new_place:
        result = result.replace(old_place, new_place, 1) if old_place else new_place + result
    if new_year:
        result = result.replace(old_year.group(0), new_year.group(0), 1) if old_year else new_year.group(0) + result
    return result
