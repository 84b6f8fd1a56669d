"""Report metadata from cleaned text: place, level, year reported on, title, issuer,
date and document number.

Deterministic on purpose: these fields scope retrieval and label every citation, so
they must not depend on a model. Many copies lack a title line ("现将有关情况报告如下"
or straight into the body), so every field has a fallback from the body or signature.
"""

from __future__ import annotations

import re
from collections import Counter

from assistant.core.types import ReportMetadata
from assistant.text.places import PLACE_SUFFIXES, level_of
from assistant.text.words import pos_tagged
from assistant.text.years import CN_DATE, ISO_DATE, YEAR, YEAR_MENTION, iso_date

# jieba tags these as places (ns) but they are generic nouns, not the reporting place.
_NOT_PLACES = re.compile(r"^(?:各|全|我|本|该|市|县|区|省|示范|治)|城市$|^[^\u4e00-\u9fff]")
_DOC_NUMBER = re.compile(rf"[\u4e00-\u9fff]{{1,10}}[〔\[［(（]\s*{YEAR}\s*[〕\]］)）]\s*\d{{1,4}}\s*号")
_TITLE_HINT = re.compile(r"(?:法治政府建设|依法行政|法治建设).{0,12}(?:情况|工作)?的?\s*报\s*告|年度报告")
# Place mentions are counted in the opening of the report only: jieba's POS tagging costs
# ~10 s per MB, and the reporting place is named early (a real report is 3-10k characters).
_PLACE_WINDOW = 30_000
_ISSUER_LINE = re.compile(
    r"^(?:中共)?[\u4e00-\u9fff]{2,20}(?:人民政府|政府|委员会|市委|县委|区委|委|办公室|司法局|局)$"
)


def find_title(lines: list[str]) -> str | None:
    for line in lines[:12]:
        if len(line) <= 80 and _TITLE_HINT.search(line.replace(" ", "")):
            return line.replace(" ", "") if len(line) < 10 else line
    return None


def place_candidates(text: str) -> Counter[str]:
    counts: Counter[str] = Counter()
    for word, flag in pos_tagged(text):
        if flag == "ns" and len(word) >= 3 and word.endswith(PLACE_SUFFIXES) and not _NOT_PLACES.search(word):
            counts[word] += 1
    return counts


def find_place(title: str | None, text: str, signature: list[str]) -> str | None:
    counts = place_candidates(text)
    # The title and the signature name the reporting body; weight them above mentions
    # of superior bodies in the body text (醴陵's report is addressed to 株洲市委).
    for line in ([title] if title else []) + signature:
        for place in place_candidates(line):
            counts[place] += 5
    return counts.most_common(1)[0][0] if counts else None


def find_year(title: str | None, lines: list[str], date: str | None) -> int | None:
    """The year reported on: the title's, else the opening sentence's, else the most
    frequent year in the body, else the year before an early-in-year signature date."""
    if title and (m := YEAR_MENTION.search(title)):
        return int(m.group(1))
    for line in lines[:6]:
        if m := re.match(rf"^({YEAR})年(?:度|以来|,|，|是|里|全年)", line):
            return int(m.group(1))
    years = Counter(int(y) for y in re.findall(rf"({YEAR})年", "\n".join(lines)))
    if years:
        return years.most_common(1)[0][0]
    if date:
        y, mth = int(date[:4]), int(date[5:7])
        return y - 1 if mth <= 4 else y
    return None


def find_date(signature: list[str], page_meta: dict[str, str]) -> str | None:
    for line in reversed(signature):
        if CN_DATE.search(line):
            return iso_date(line)
    for key in ("成文日期", "发文日期", "发布日期", "发布时间"):
        if date := iso_date(page_meta.get(key, ""), (ISO_DATE,)):
            return date
    return None


def find_issuer(title: str | None, signature: list[str], place: str | None) -> str | None:
    issuers = [ln for ln in signature if _ISSUER_LINE.match(ln) and "印发" not in ln]
    if issuers:
        return "、".join(dict.fromkeys(issuers))
    if title:
        head = re.split(rf"关于|{YEAR}", title)[0].strip()
        names = [n for n in re.split(r"\s+", head) if _ISSUER_LINE.match(n)]
        if names:
            return "、".join(names)
    return None


def extract(text: str, page_meta: dict[str, str] | None = None) -> ReportMetadata:
    page_meta = page_meta or {}
    lines = [ln for ln in text.split("\n") if ln.strip()]
    # The signature block: the short lines at the very end ("武威市人民政府 / 2022年2月17日").
    signature: list[str] = []
    for line in reversed(lines[-6:]):
        if len(line) > 40:
            break
        signature.insert(0, line)
    title = find_title(lines)
    date = find_date(signature, page_meta)
    place = find_place(title, text[:_PLACE_WINDOW], signature)
    # The signature's date is when the report was signed, not the year it reports on.
    body = lines[: len(lines) - len(signature)] if len(signature) < len(lines) else lines
    doc = _DOC_NUMBER.search("\n".join(lines[:15]))
    doc_number = doc.group(0) if doc else (page_meta.get("发文字号") or page_meta.get("文件编号") or None)
    return ReportMetadata(
        place=place,
        level=level_of(place),
        year=find_year(title, body, date),
        title=title,
        issuer=find_issuer(title, signature, place),
        date=date,
        doc_number=doc_number,
    )
