"""The generalisation set (assistant/evals/general/) is what its generator builds, and its
gold holds together: every fact and evidence quote verbatim in the named report, answers
not copyable from the seed a document was rewritten from, dev and test apart
(scripts/build_general_eval.py --check does the checking; see the set's README)."""

import subprocess
import sys

import pytest

from tests.conftest import REPO_ROOT


@pytest.mark.parametrize(
    "script",
    [
        # the first set: dev (tuned on) and test
        "build_general_eval.py",
        # the second held-out set (general/holdout/): ten documents of new places, levels and kinds,
        # none sharing a 40-character run with a seed or the first set, questions rewording none of its
        "build_holdout_eval.py",
        # the third (general/holdout3/): a province, a 直辖市 district, a 盟, a 镇, a 乡, a county 司法局,
        # two years of a county-level city, a work report, a 工作方案 — none of the earlier places
        "build_holdout3_eval.py",
        # the fourth (general/holdout4/): 自治区, 地区, 自治县, 街道, 开发区, 应急管理局, two years of a city, 政府工作报告, 实施意见
        "build_holdout4_eval.py",
        # the fifth (general/holdout5/): 直辖市, 林区, 副省级城市的区, 省厅, 县级市的镇, three years of a 自治旗, 政府工作报告, 行动方案
        "build_holdout5_eval.py",
        # the sixth (general/holdout6/): 省's 地区, 县级市 2022/2024, 县人社局, numeral-year county, 自治州, 工作要点, 信息公开年报, 省政府工作报告, 中期评估
        "build_holdout6_eval.py",
        # the seventh (general/holdout7/): 计划单列市 2020, 兵团师市, 新技术开发区, 同名鼓楼区 ×2 (述法), 复议应诉报告, 整改报告, 省局 2025, 区政府工作报告, 县级市的街道
        "build_holdout7_eval.py",
        # the eighth (general/holdout8/): 地级市 2019, 县 2022/2023, 民族乡自查报告, 省会的区, 市公安局, 县级市政府工作报告, 示范创建自评, 自治县督察方案, 新区工作要点
        "build_holdout8_eval.py",
        # the ninth (general/holdout9/): 省 2024, 区 2021/2024, 自治州的县, 街道办事处, 市场监管局, 地级市政府工作报告, 考核办法, 考核结果通报, 执法统计年报
        "build_holdout9_eval.py",
        # the tenth (general/holdout10/): 直辖市的区, 省司法厅, 县级市 2022/2024, 地区的县级市, 乡, 经开区管委会, 信息公开年报, 县政府工作报告, 县工作要点
        "build_holdout10_eval.py",
        # the eleventh (general/holdout11/): 自治区的地级市, 县 2023/2025, 地级市的旗, 市交通运输局, 县级市的镇, 综合保税区管委会, 副省级城市的区, 区政府工作报告, 督察整改方案
        "build_holdout11_eval.py",
        # the twelfth (general/holdout12/): 自治州 on itself, 自治县, 区的街道办事处, 市自然资源和规划局, 国家级新区管委会, 地级市 2022/2024, 地级市的旗, 县级市工作要点, 县政府工作报告
        "build_holdout12_eval.py",
        # the thirteenth (general/holdout13/): 区 2023/2025, 县级市, 县的镇, 县应急管理局, 经开区管委会, 自治县, 区政府工作报告, 实施方案通知, 督察情况通报
        "build_holdout13_eval.py",
        # the fourteenth (general/holdout14/): 地级市 on itself, 县 2022/2024, 县级市的民族乡, 市水利和湖泊局, 高新区管委会, 自治县, 县政府工作报告, 考核细则通知, 区行政复议工作报告
        "build_holdout14_eval.py",
    ],
)
def test_each_evaluation_set_rebuilds_exactly_and_passes_its_checks(script):
    done = subprocess.run(
        [sys.executable, f"scripts/{script}", "--check"], cwd=REPO_ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]


def _gold():
    import json

    from assistant.evals.gold import GENERAL_DIR

    return [json.loads(line) for line in (GENERAL_DIR / "reports.jsonl").read_text("utf-8").splitlines() if line]


def test_every_generalisation_document_is_read_as_its_gold_says():
    """Place, parent, level, kind and year, plus title, date and 文号, for districts, a banner,
    a prefecture, a new area, a department, three years of one county, two government work
    reports and two plans — the fields `assistant reports` shows."""
    import re

    from assistant.evals.gold import GENERAL_DIR
    from assistant.ingest.cleaning import clean
    from assistant.ingest.metadata import extract

    wrong = {}
    for gold in _gold():
        cleaned = clean((GENERAL_DIR / "reports" / gold["file"]).read_bytes(), gold["file"])
        meta = extract(cleaned.text, cleaned.page_meta).model_dump()
        fields = ("place", "parent", "level", "kind", "year", "title", "date", "doc_number", "addressee", "issuer")
        bare = lambda v: None if v is None else re.sub(r"[、，,\s]+", "", str(v))  # noqa: E731
        diff = {f: (meta[f], gold[f]) for f in fields if bare(meta[f]) != bare(gold[f])}
        if diff:
            wrong[gold["file"]] = diff
    assert wrong == {}
