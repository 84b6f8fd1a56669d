"""Words of a figure's change: how reports write one ("同比下降26.3%") and how questions ask for one
("比上年少了多少", "降了还是升了").

One home for the direction words, so that the table reader, the direct answer and the draft checks
agree on what "down" and "up" are. Reports use a few formal verbs; questions add lay words (变少,
多了) and single characters (降, 涨), which are too loose to read a report with (降 is in 降低成本,
增 in 新增) but fine for telling which way a question points.
"""

from __future__ import annotations

import re

# the verbs reports put before a change's figure
DOWN_WORDS = ("下降", "减少", "降低", "回落")
UP_WORDS = ("增长", "增加", "提高", "上升")
# a change named by its size rather than its direction ("增幅是多少")
RATE_WORDS = ("增速", "增幅", "降幅")
# lay words a question uses for the same ("数字变少的是哪一项", "比上年多了多少")
_DOWN_LAY = ("变少", "少了")
_UP_LAY = ("变多", "多了")


def _any(*words: str) -> str:
    return "|".join(words)


# either way, as one alternation ("增长|增加|…|回落")
CHANGE_WORDS = _any(*UP_WORDS, *DOWN_WORDS)
# A change as a figure writes it: "同比增长17.8%", "较上年减少361件", "回落2.1个百分点" (re.match on a figure)
CHANGE_SAID = rf"(?:同比|较上年|比上年)?(?:{CHANGE_WORDS})"
# ... with its number right after: the direction a sentence states
DOWN_SAID = re.compile(rf"(?:{_any(*DOWN_WORDS)})\d")
UP_SAID = re.compile(rf"(?:{_any(*UP_WORDS)})\d")

# A question asking which way, strictly (a table's rows that fell or rose: "哪一项变少了")
DOWN_NAMED = re.compile(_any(*_DOWN_LAY, *DOWN_WORDS))
UP_NAMED = re.compile(_any(*_UP_LAY, *UP_WORDS))
# ... and loosely, single characters too ("同比降了多少"): for holding a sentence to the direction asked
DOWN_ASKED = re.compile(_any("降", "减少", "回落", *_DOWN_LAY))
UP_ASKED = re.compile(_any("增", "涨", "升", "提高", *_UP_LAY))
# A part asking for a change of any kind, by direction or by size ("增长了多少", "增幅")
DIRECTION_ASKED = re.compile(_any(CHANGE_WORDS, *RATE_WORDS))
