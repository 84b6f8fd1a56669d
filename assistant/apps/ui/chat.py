"""The 问答 tab's handlers: stream a verified answer, then show its sources as cards.

`ask()` is synchronous and reports verified sentences through a Listener; it runs in a
worker thread and the handler turns the listener's calls into yields, so the browser
sees sentences as they pass verification and sees them withdrawn (reset) when a later
rung of the answer ladder replaces them. Each source card quotes the cited sentence
highlighted inside its chunk, the surrounding text the user can check it against.
"""

from __future__ import annotations

import html
import queue
import threading
from collections.abc import Iterator

from assistant.apps.ui.services import Services
from assistant.core.errors import AssistantError, StoreError
from assistant.qa.answer import Answer, Listener, ask
from assistant.qa.followup import resolve

EXAMPLES = [
    "2023年乌海市行政机关负责人出庭应诉率是多少？",
    "醴陵市2023年审核了多少件市政府规范性文件？",
    "武威市、县（区）政府一共聘请了多少名法律顾问？",
    "乌鲁木齐县“三调联动”是哪三种调解的联动？",
    "磴口县行政机关负责人出庭应诉率是多少？",
]
CONTEXT_CHARS = 120  # characters of the chunk shown on each side of the quote
_RETRYING = "（上一稿未通过数字核实，已撤回，正在重新作答……）"
WAITING = "（排队等待模型……）"


def stream_answer(question: str, services: Services, report: str | None = None) -> Iterator[tuple[str, Answer | None]]:
    """Yields (verified text so far, None) while the answer streams, then (final text, Answer).
    Errors raised by `ask` are re-raised here, in the caller's thread."""
    events: queue.Queue = queue.Queue()
    listener = Listener(emit=lambda s: events.put(("emit", s)), reset=lambda: events.put(("reset", None)))

    def work() -> None:
        try:
            events.put(
                (
                    "done",
                    ask(question, services.store, services.llm, services.settings, report=report, listener=listener),
                )
            )
        except BaseException as exc:
            events.put(("error", exc))

    threading.Thread(target=work, name="ask", daemon=True).start()
    text = ""
    while True:
        kind, value = events.get()
        if kind == "emit":
            text += value
            yield text, None
        elif kind == "reset":
            text = ""
            yield _RETRYING, None
        elif kind == "done":
            yield value.answer, value
            return
        else:
            raise value


def notice(answer: Answer) -> str:
    """A visible line for answers the user should treat with care ('' when fully verified)."""
    if answer.refused:
        why = "；".join(answer.problems[:2])
        return "⚠️ **未作回答**：报告中找不到能核实的答案" + (f"（{why}）" if why else "") + "。"
    if not answer.grounded:
        return (
            "⚠️ **未能完全核实**："
            + ("；".join(answer.problems) or "回答中的数字在所引原文中找不到")
            + "。请对照下方原文。"
        )
    if answer.method == "extractive":
        return "ℹ️ 模型的回答未通过数字核实，以下直接摘录报告原文。"
    if answer.method == "model-retry":
        return "ℹ️ 第一稿未通过核实，这是重新生成并通过核实的回答。"
    return ""


def citation_cards(answer: Answer, services: Services) -> str:
    """HTML cards, one per citation: report, section path, the quote highlighted in context."""
    if not answer.citations:
        return ""
    chunks = services.store.get_chunks([c.chunk_id for c in answer.citations])
    cards = []
    for c in answer.citations:
        chunk = chunks.get(c.chunk_id)
        if c.in_text and chunk and chunk.start <= c.start and c.end <= chunk.end:
            s, e = c.start - chunk.start, c.end - chunk.start
            before, after = chunk.text[max(0, s - CONTEXT_CHARS) : s], chunk.text[e : e + CONTEXT_CHARS]
            context = (
                ("…" if s > CONTEXT_CHARS else "")
                + html.escape(before)
                + f"<mark>{html.escape(c.quote)}</mark>"
                + html.escape(after)
                + ("…" if e + CONTEXT_CHARS < len(chunk.text) else "")
            )
        else:  # the page's information block, or the report changed since the answer: the quote alone
            context = f"<mark>{html.escape(c.quote)}</mark>"
        cards.append(
            f'<details class="cite-card"><summary><b>[{c.n}]</b> {html.escape(c.report)} · '
            f"{html.escape(c.section or '正文')}</summary>"
            f'<div class="cite-context">{context.replace(chr(10), "<br>")}</div>'
            f'<div class="cite-meta">报告 {html.escape(c.report_id)}{" · " + html.escape(c.location) if c.location and c.location != c.section else ""}'
            f"{f' · 第 {c.start}–{c.end} 字' if c.in_text else ''}</div></details>"
        )
    return '<div class="cite-cards">' + "".join(cards) + "</div>"


def render(answer: Answer, services: Services, asked: str | None = None) -> str:
    """The final assistant message: what was asked (if rewritten), answer, notice, scope, sources."""
    parts = [f"*（理解为：{asked}）*"] if asked else []
    parts.append(f'<div class="direct-answer"><b>{html.escape(answer.answer)}</b></div>')
    if answer.explanation and answer.method in ("model", "model-retry"):
        parts.append(f'<div class="explanation">依据：{html.escape(answer.explanation)}</div>')
    if note := notice(answer):
        parts.append(note)
    parts.append(f"<small>范围：{html.escape(answer.scope.reason)}</small>")
    if cards := citation_cards(answer, services):
        parts.append(cards)
    return "\n\n".join(parts)


def message_text(content) -> str:
    """A chat message's text, whichever shape it arrives in: our handlers write strings, but
    Gradio 6 hands the history back with each content as a list of parts
    ([{"type": "text", "text": …}, …]); files and other parts carry no text."""
    if isinstance(content, str):
        return content
    if isinstance(content, dict):
        return content.get("text") or ""
    if isinstance(content, (list, tuple)):
        return "".join(message_text(part) for part in content)
    return ""


def _without_placeholder(history: list[dict], message: str) -> list[dict]:
    """`history` minus the question + placeholder pair `pending` showed for `message`."""
    last_two = [message_text(m.get("content")) for m in history[-2:]]
    if last_two == [message, WAITING]:
        return history[:-2]
    return history


def pending(message: str, history: list[dict]) -> tuple[list[dict], str, str]:
    """Shows the question at once, before the model is free: (history, cleared input, question)."""
    message = (message or "").strip()
    if not message:
        return history, "", ""
    return history + [{"role": "user", "content": message}, {"role": "assistant", "content": WAITING}], "", message


def chat(
    message: str, history: list[dict], report: str | None, previous: str | None, services: Services
) -> Iterator[tuple[list[dict], str | None]]:
    """Yields (chat history, question to resolve the next follow-up against)."""
    message = (message or "").strip()
    history = _without_placeholder(list(history or []), message)
    if not message:
        yield history, previous
        return
    reports = services.reports()
    places = [r.place for r in reports if r.place]
    years: dict[str, list[int]] = {}
    for r in reports:
        if r.place and r.year:
            years.setdefault(r.place, []).append(r.year)
    question = resolve(message, previous, places, years)
    asked = question if question != message else None
    history = history + [
        {"role": "user", "content": message},
        {"role": "assistant", "content": f"*（理解为：{asked}）*\n\n……" if asked else "……"},
    ]
    yield history, previous
    try:
        if not places:
            raise StoreError(
                "还没有入库的报告 / no reports ingested", "在「报告库」页上传报告，或运行 `assistant ingest seeds/`"
            )
        for text, answer in stream_answer(question, services, report or None):
            content = (
                render(answer, services, asked) if answer else (f"*（理解为：{asked}）*\n\n" if asked else "") + text
            )
            history = history[:-1] + [{"role": "assistant", "content": content}]
            yield history, question
    except AssistantError as exc:
        history = history[:-1] + [
            {"role": "assistant", "content": "✘ **出错了**：" + html.escape(str(exc)).replace("\n", "<br>")}
        ]
        yield history, previous
