"""The web app end to end in a real browser: Debian's Chromium driven by Playwright,
against the app served on a free localhost port with the real packaged 0.5B model over
the five seeds ingested into this module's own data dir.

The summary tab generates a real summary with that model (one model call for the
overview; the sections are read by rule). Screenshots go to each test's tmp_path.
"""

import re
import socket

import pytest

from assistant.apps.ui import build_app
from assistant.apps.ui.app import launch_options
from assistant.apps.ui.chat import WAITING
from assistant.core.config import Settings
from assistant.index.store import Store
from assistant.ingest.pipeline import ingest_paths

sync_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.filterwarnings("ignore:::gradio.queueing")  # pandas deprecations inside Gradio
CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ANSWER_TIMEOUT_MS = 150_000  # two answers in a row on a busy 2-core machine


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def served(tmp_path_factory, embedder, small_llm, seeds_dir, default_cache_dir):
    settings = Settings(
        data_dir=tmp_path_factory.mktemp("ui-data"),
        cache_dir=default_cache_dir,
        model="qwen2.5-coder-0.5b",
        ui_port=_free_port(),
    )
    store = Store(settings, embedder=embedder)
    ingest_paths([seeds_dir], store, progress=False)
    demo = build_app(settings, store=store, llm=small_llm)
    demo.launch(**launch_options(settings), prevent_thread_lock=True, quiet=True)
    yield f"http://127.0.0.1:{settings.ui_port}", settings
    demo.close()


@pytest.fixture(scope="module")
def browser():
    if not __import__("os").path.exists(CHROMIUM):
        pytest.skip("Debian chromium not installed (scripts/system-deps.sh --browser)")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def _open(browser, url, width=1280, height=900):
    # A Chinese browser: Gradio's own labels (upload area, queue status) follow the browser's language.
    page = browser.new_page(viewport={"width": width, "height": height}, locale="zh-CN")
    page.goto(url)
    page.wait_for_selector("#question textarea", timeout=30_000)
    return page


def _ask(page, question, via="button"):
    page.fill("#question textarea", question)
    if via == "enter":
        page.press("#question textarea", "Enter")
    else:
        page.click("#send")


def _bubbles(page) -> list[tuple[str, str]]:
    """What a person sees in the chat: (who, text) per bubble, top to bottom."""
    return [
        (who, text.strip())
        for who, text in page.evaluate(
            "() => [...document.querySelectorAll('#chatbot .message-row')].map(r => "
            "[r.classList.contains('user-row') ? 'user' : r.classList.contains('bot-row') ? 'bot' : '?', r.innerText])"
        )
    ]


def _wait_answers(page, n):
    """Until the chat shows `n` finished answers (each with its source cards, or declined)."""
    page.wait_for_function(
        "n => { const bots = [...document.querySelectorAll('#chatbot .message-row.bot-row')];"
        " const done = bots.filter(b => b.querySelector('.cite-card') || b.innerText.includes('未作回答')"
        " || b.innerText.includes('出错了'));"
        " return done.length >= n; }",
        arg=n,
        timeout=ANSWER_TIMEOUT_MS,
    )


def _wait_answer(page):
    _wait_answers(page, 1)


def _assert_one_bubble_each(page, questions):
    """Exactly one user bubble per question, in order, each followed by one answer bubble, and
    no queue placeholder left anywhere."""
    bubbles = _bubbles(page)
    assert [who for who, _ in bubbles] == ["user", "bot"] * len(questions), bubbles
    assert [text for who, text in bubbles if who == "user"] == questions, bubbles
    assert all(WAITING not in text for _, text in bubbles), bubbles


def _tab(page, name):
    page.get_by_role("tab", name=name).click()


def _choose(page, elem_id, text):
    page.click(f"#{elem_id} input")
    page.get_by_role("option", name=text).first.click()


@pytest.mark.model
def test_a_seed_question_gets_an_answer_with_a_citation_card(served, browser, tmp_path):
    url, _ = served
    page = _open(browser, url)
    first = "2023年乌海市行政机关负责人出庭应诉率是多少？"
    _ask(page, first)  # the button
    _wait_answer(page)
    _assert_one_bubble_each(page, [first])
    chat = page.inner_text("#chatbot")
    assert "98.4%" in chat and "乌海市2023年报告" in chat
    page.locator("#chatbot .cite-card summary").first.click()
    assert "98.4%" in page.locator("#chatbot .cite-card mark").first.inner_text()
    page.screenshot(path=str(tmp_path / "chat.png"), full_page=True)
    # A follow-up, asked with Enter, is resolved against the question before it.
    _ask(page, "那磴口县呢？", via="enter")
    _wait_answers(page, 2)
    _assert_one_bubble_each(page, [first, "那磴口县呢？"])
    assert "理解为：磴口县行政机关负责人出庭应诉率是多少？" in _bubbles(page)[3][1]
    page.screenshot(path=str(tmp_path / "followup.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})  # a phone
    page.screenshot(path=str(tmp_path / "narrow.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 400


@pytest.mark.model
def test_two_clients_chat_at_once_and_each_gets_its_own_answer(served, browser, tmp_path):
    url, _ = served
    questions = {
        "2023年乌海市行政机关负责人出庭应诉率是多少？": "98.4%",
        "磴口县行政机关负责人出庭应诉率是多少？": "100%",
    }
    pages = [_open(browser, url) for _ in questions]
    for page, question, via in zip(pages, questions, ("button", "enter")):
        _ask(page, question, via)
    page.wait_for_timeout(1500)
    pages[1].screenshot(path=str(tmp_path / "client-1-waiting.png"), full_page=True)  # queue position
    for page, (question, fact) in zip(pages, questions.items()):
        _wait_answer(page)
        _assert_one_bubble_each(page, [question])
        assert fact in _bubbles(page)[1][1]
    a, b = (p.inner_text("#chatbot") for p in pages)
    assert "磴口县" not in a and "乌海市" not in b  # no mixed-up streams
    for i, page in enumerate(pages):
        page.screenshot(path=str(tmp_path / f"client-{i}.png"), full_page=True)


def test_upload_a_report_and_see_it_listed(served, browser, tmp_path):
    url, _ = served
    report = tmp_path / "ningbo-2024.txt"
    report.write_text(
        "宁波市人民政府关于2024年法治政府建设情况的报告\n\n一、主要工作\n全年办理行政复议案件12件。\n", encoding="utf-8"
    )
    page = _open(browser, url)
    _tab(page, "报告库")
    page.wait_for_selector("#library-table >> text=wuhai-2023", timeout=30_000)
    page.set_input_files("#upload input[type=file]", str(report))
    page.wait_for_selector("#upload >> text=ningbo-2024.txt", timeout=30_000)
    page.click("#ingest")
    page.wait_for_selector("#library-status >> text=新增", timeout=60_000)
    page.wait_for_selector("#library-table >> text=ningbo-2024", timeout=30_000)
    page.screenshot(path=str(tmp_path / "library.png"), full_page=True)
    page.click("#remove")  # nothing chosen: a readable message, not a trace
    page.wait_for_selector("text=没有选择报告", timeout=30_000)
    _choose(page, "remove-report", "宁波市2024年报告（ningbo-2024）")
    page.click("#remove")
    page.wait_for_selector("#library-status >> text=已删除", timeout=30_000)
    assert "ningbo-2024" not in page.inner_text("#library-table")
    page.screenshot(path=str(tmp_path / "removed.png"), full_page=True)


def test_open_a_summary(served, browser, tmp_path):
    url, _ = served
    page = _open(browser, url)
    _tab(page, "摘要")
    _choose(page, "summary-report", "乌海市2023年报告（wuhai-2023）")
    page.click("#view-summary")
    # The progress line ("总体概述 - 50.0%") shows the section names before the
    # summary is done, so wait for a heading that only the finished text has.
    page.wait_for_selector("#summary-text >> text=主要举措与成效", timeout=ANSWER_TIMEOUT_MS)
    page.wait_for_selector("#summary-text >> text=总体概述", timeout=ANSWER_TIMEOUT_MS)
    shown = page.inner_text("#summary-text")
    assert "主要举措与成效" in shown and "(四)聚焦严格公正文明执法,执法质量水平持续提高" in shown
    assert "行政机关负责人出庭应诉率：98.4%" in shown and "| 地区 | 乌海市 |" not in shown  # rendered, not raw
    page.screenshot(path=str(tmp_path / "summary.png"), full_page=True)


def test_compare_tab_shows_the_table_and_a_cells_quote(served, browser, tmp_path):
    url, _ = served
    page = _open(browser, url)
    _tab(page, "对比")
    page.wait_for_selector("#compare-table >> text=乌海市2023", timeout=60_000)
    page.locator("#compare-table [role=gridcell]", has_text="98.4%").first.click()
    page.wait_for_selector("#cell-quote mark", timeout=30_000)
    assert page.inner_text("#cell-quote mark") == "98.4%"
    page.screenshot(path=str(tmp_path / "compare.png"), full_page=True)


def test_review_tab_shows_a_row_per_report_and_each_findings_quotes(served, browser, tmp_path):
    url, _ = served
    page = _open(browser, url)
    _tab(page, "审查")
    urumqi = page.locator("#review-table [role=gridcell]", has_text="乌鲁木齐县2022年报告").first
    urumqi.wait_for(timeout=60_000)
    labels = page.locator("#review-table [role=gridcell]", has_text=re.compile(r"\d{4}年报告"))
    shown = sorted({labels.nth(i).inner_text().strip() for i in range(labels.count())})
    assert len(shown) == 5, shown  # the five seeds, one row each
    urumqi.click()
    page.wait_for_selector("#review-detail >> text=存在的不足和原因", timeout=30_000)
    detail = page.inner_text("#review-detail")
    assert "存在的不足和原因：缺少" in detail and "党政主要负责人履行第一责任人职责情况：具备" in detail
    assert "定期召开依法治县委员会议" in detail  # the quote behind a finding, as a footnote
    page.screenshot(path=str(tmp_path / "review.png"), full_page=True)


def test_retrieval_eval_runs_from_the_page(served, browser, tmp_path):
    url, _ = served
    page = _open(browser, url)
    _tab(page, "评测")
    page.get_by_label("只评前 N 题（空 = 全部）").fill("8")
    page.click("#run-eval")
    page.wait_for_selector("text=已完成", timeout=60_000)
    assert "recall@5" in page.inner_text("body")
    page.screenshot(path=str(tmp_path / "evals.png"), full_page=True)
