"""The measure a question asks for: "行政复议纠错率是多少？" asks for 行政复议纠错率.

Used to keep an answer about the measure asked: a sentence about other 复议 figures is not
an answer to 纠错率, however many of the question's words it shares. Rates, shares and
rankings are named precisely in these reports (出庭应诉率, 纠错率, 满意率, 排名), so for them the
clause that holds a figure must name the measure too; counts are written too many ways
(调解委员会 / 调委会) for a word match to be fair, and are left to the key-term checks.

Worked example: measure_asked("2023年乌海市行政机关负责人出庭应诉率是多少？") ==
Measure(phrase="行政机关负责人出庭应诉率", head="应诉率", precise=True).
(A question that words the measure loosely — "打官司赢的比例" for 胜诉率 — is not precise.)
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.text.numerals import COUNTERS
from assistant.text.years import YEAR

_ASK_AFTER = re.compile(
    r"(?:是|为|有|达到?|共有|一共有?|总共|共计|共|约|位列|位居|名列|居)?(?:百分之几|多少|第几|几|多高|多大|多低)"
    r"|(?:是)?(?:怎么变|如何变|怎么走|有什么变化|有啥变化|有何变化)"  # "纠错率这两年是怎么变的" asks the 纠错率 of each year
)
# "比上一年多了百分之几": a change of the measure another part names, not a measure of its own.
# Words between a measure and 多少 that name nothing: "纠错率又是多少", "和解率实际做到了多少",
# "败诉率的目标分别定在多少" (the target of 败诉率).
_ASK_TAIL = re.compile(
    r"(?:又|还|则|分别|各自|各|都|也|实际上?|真正|最终|到底|究竟|定在|定为|定成|设定为|设为|确定为|做到了?|达到了|实现了|"
    r"一年里|一年来|这一年|这两年|从)+$"  # "签订率一年里从多少涨到了多少": the 签订率 of two times
)
_COMPARED = re.compile(r"^(?:比(?![例重率])|较|同比|环比|与上年|比上年|增长|增加|减少|下降|提高|降低|上升)")
_COMPARED_AFTER = re.compile(r"(?:比|较)[^，,]{0,10}?(?:多|少|增加|减少|增长|下降|提高|降低|上升)了?$")
# "排第几" / "排在第几位" / "第几名": a rank, however the question words it.
_RANK_ASKED = re.compile(r"(?:排|排在|排名|位列|位居|名列|居)第几|第几名|名次|位次")
# the years a measure is asked for, after its name: "纠错率2021年到2023年", "纠错率2023年和2025年各是多少"
_SPAN_WORDS = re.compile(
    r"从?(?:(?:这|近|最近)[两几三四五]年|(?:(?:19|20)\d{2}年度?(?:到|至|—|-|和|与|、|及|跟))*(?:19|20)\d{2}年度?)$"
)
_COUNTED = re.compile(rf"(?:多少|几)(?:{COUNTERS})([^，,？?。；;]{{2,16}}?)[？?。，,]*$")
_LEADING = re.compile(
    rf"^(?:{YEAR}\s*年(?:度)?|[\u4e00-\u9fff]{{0,12}}?(?:市|县|区|旗|盟|州|省)|的|在|全年|共|一共|累计|目前|现在|当前|现有|最后|最终|"
    rf"以来|至今)+"  # "2023年以来…人员从多少": the span, not the measure's name
)
# "有多少持证行政执法人员": the thing counted after 多少, with no counter between.
_COUNTED_BARE = re.compile(r"(?:多少|几)(?!个|件|名|人|次|项|家|起|宗|万|亿|元)([\u4e00-\u9fff]{2,16}?)[？?。，,]*$")
# Words that name no measure of their own: "给调解和解率定的目标是多少" asks for a 和解率.
_STANDS_FOR = frozenset("目标 目标值 指标 要求 标准 数字 数值 数据 水平 计划 力争".split())
_RATE = re.compile(r"[\u4e00-\u9fff]{0,6}?[\u4e00-\u9fff]{2}率")
# "比例" is left out: people say 赢的比例 for what a report calls 胜诉率.
_PRECISE = re.compile(r"(?:[\u4e00-\u9fff]{2}率|排名|名次|位次|占比|比重)$")
_TARGET = re.compile(r"(?:提高|提升|增加|增长|降低|下降|减少|上升|扩大|缩小|控制|保持)(?:到|至|在)$")
_RANK_WRITTEN = re.compile(
    r"排名|名次|位次|位列|位居|名列|排在|排第|居[^，,。；;]{0,8}第|第[\d一二三四五六七八九十]+名"
)
_SPLIT = re.compile(r"[，,、；;：:（）()\s]|的")


LOOSE_RATE = "的比例"  # how a loosely named rate's phrase ends: 调解和解的比例


@dataclass(frozen=True)
class Measure:
    phrase: str  # what the question calls it: 行政复议纠错率
    head: str  # the part a clause must name for a precise measure: 纠错率
    precise: bool  # a rate, share or ranking


def measure_asked(question: str) -> Measure | None:
    q = question.strip().rstrip("？?。.!！")
    phrase, before = None, ""
    counted = _COUNTED.search(question) or _COUNTED_BARE.search(question)
    if counted and re.search(r"多少|几", counted.group(1)):
        counted = None  # "签订率从多少涨到了多少": a rate's two values, not a thing counted after 多少
    if m := counted:
        phrase = m.group(1)
        if phrase == "百分点" and (rates := list(_RATE.finditer(q[: m.start()]))):
            # "复议纠错率比上一年升了还是降了，差几个百分点": the points are the rate's, named before
            phrase = re.sub(r"^年度?", "", _LEADING.sub("", _SPLIT.split(rates[-1].group(0))[-1]))
    elif m := _ASK_AFTER.search(q):
        before = _ASK_TAIL.sub("", q[: m.start()])  # "纠错率又是多少", "目标分别定在多少"
        phrase = _SPLIT.split(before)[-1] if before else None
        if phrase in _STANDS_FOR:
            rates = [r.group(0) for r in _RATE.finditer(before[: -len(phrase)])]
            phrase = _LEADING.sub("", _SPLIT.split(rates[-1])[-1]) if rates else None
    if not phrase or _COMPARED.match(phrase) or _COMPARED_AFTER.search(phrase):
        return None  # "案件2023年比前一年多了": a comparison names no measure of its own
    # "占比提高到多少" asks the level 占比 is to reach: the measure is 占比.
    phrase = _SPAN_WORDS.sub("", _TARGET.sub("", _LEADING.sub("", phrase))).strip()
    if phrase in _STANDS_FOR:  # "计划增加到几个": what is to reach it is named elsewhere
        return None
    if _RANK_ASKED.search(q) and not _PRECISE.search(phrase):
        phrase = re.sub(r"(?:排在|排名|排|位列|位居|名列|居|里|中)+$", "", phrase) or phrase
        return Measure(phrase, "排名", True)
    if phrase in ("比例", "比率"):  # "调解和解的比例有多高" names its measure before 的比例, in the asker's words
        pieces = _SPLIT.split(before)
        what = _LEADING.sub("", re.split(r"里|当中", pieces[-2])[-1]) if len(pieces) > 1 else ""
        return Measure(f"{what}{LOOSE_RATE}", "比例", False) if len(what) >= 2 else None
    if len(phrase) < 2:
        return None
    if precise := _PRECISE.search(phrase):
        return Measure(phrase, precise.group(0), True)
    return Measure(phrase, phrase[-2:], False)


def names_measure(clause: str, measure: Measure) -> bool:
    """Does a clause name the measure? Its head's characters in order, at most two apart
    ("出庭率" is named by 出庭应诉率; "纠错率" by 纠错率 only)."""
    if measure.head in clause:
        return True
    if measure.head in ("排名", "名次", "位次"):  # a rank is written 排名第3, 位列第3, 居全省第3, 第3名
        return bool(_RANK_WRITTEN.search(clause))
    pattern = ".{0,2}".join(map(re.escape, measure.head))
    return re.search(pattern, clause) is not None
