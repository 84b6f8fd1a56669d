"""`assistant serve`: the assistant as an OpenAI-compatible API, for existing chat front ends.

`/v1/models` lists one model, `assistant`; `/v1/chat/completions` answers the last user
message with `answer.ask` (the same retrieval, verification and fallbacks as the CLI),
streamed as SSE chunks or not. The message text ends with numbered source lines, so any
front end shows them; the same citations come as a structured `citations` field beside
`choices` (with `verification`: grounded, method, scope). Earlier turns are ignored:
every answer stands on the reports alone. An extra body field `report` restricts it.

Trade-offs: answers run in worker threads, at most `serve_concurrency` at once, with up to
`serve_queue` requests waiting; beyond that the answer is 503 + Retry-After rather than an
unbounded backlog. A slot is held until its answer is finished even if the client has
gone, since a model call cannot be cut short. Text already streamed cannot be unsent, so
when verification withdraws it the stream says so, as the CLI does.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import sys
import time
import uuid
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel, ValidationError

from assistant.apps.network import is_loopback
from assistant.apps.warmup import warm_in_background
from assistant.core.config import Settings
from assistant.core.errors import (
    AssistantError,
    BackendError,
    ConfigError,
    ContextTooLong,
    StoreError,
)
from assistant.qa.answer import Answer, Listener, ask

log = logging.getLogger(__name__)
MODEL_ID = "assistant"
WITHDRAWN = "\n（以上内容未通过核实，已撤回 / withdrawn: failed verification）\n"


class ChatMessage(BaseModel):
    role: str
    content: str | list[dict[str, Any]] | None = None


class ChatRequest(BaseModel):
    """The fields we use; the rest of OpenAI's request (temperature, max_tokens, …) is
    ignored: the answer's settings are the server's, so answers stay verifiable."""

    model: str | None = None
    messages: list[ChatMessage]
    stream: bool = False
    report: str | None = None

    def question(self) -> str:
        for message in reversed(self.messages):
            if message.role == "user":
                content = message.content
                if isinstance(content, list):  # [{"type": "text", "text": …}, …]
                    content = "".join(p.get("text", "") for p in content if p.get("type") == "text")
                return (content or "").strip()
        return ""


class ApiError(Exception):
    def __init__(
        self, status: int, message: str, kind: str, code: str | None = None, headers: dict[str, str] | None = None
    ):
        super().__init__(message)
        self.status, self.message, self.kind, self.code, self.headers = status, message, kind, code, headers

    def body(self) -> dict:
        return {"error": {"message": self.message, "type": self.kind, "param": None, "code": self.code}}


def api_error(exc: AssistantError) -> ApiError:
    """Our errors as HTTP: what the client did wrong is 4xx, what the backend or store did 5xx."""
    if isinstance(exc, ContextTooLong):
        return ApiError(400, str(exc), "invalid_request_error", "context_length_exceeded")
    if isinstance(exc, BackendError):
        return ApiError(502, str(exc), "backend_error")
    if isinstance(exc, StoreError):
        return ApiError(503, str(exc), "store_error")
    return ApiError(500, str(exc), "server_error")


def sources_text(answer: Answer) -> str:
    """The numbered source lines appended to the message, as `assistant ask` prints them."""
    return "".join(f"\n[{c.n}] {c.report} · {c.section or '正文'}：“{c.quote}”" for c in answer.citations)


def message_text(answer: Answer) -> str:
    """The message a chat front end shows: the direct answer first, then the model's verified
    sentence it was read off (when there is one), then the numbered sources."""
    because = (
        f"\n\n依据：{answer.explanation}" if answer.explanation and answer.method in ("model", "model-retry") else ""
    )
    return answer.answer + because + ("\n" + sources_text(answer) if answer.citations else "")


def extras(answer: Answer) -> dict:
    return {
        "explanation": answer.explanation,
        "citations": [c.model_dump() for c in answer.citations],
        "verification": answer.model_dump(
            include={"grounded", "refused", "method", "scope", "problems", "prompt", "model", "timings"}
        ),
    }


def usage(answer: Answer) -> dict:
    p, c = answer.usage.prompt_tokens, answer.usage.completion_tokens
    return {"prompt_tokens": p, "completion_tokens": c, "total_tokens": p + c}


class Gate:
    """At most `slots` answers at once, at most `queue` waiting; the slot is released when
    the worker thread finishes, not when the request that started it goes away."""

    def __init__(self, slots: int, queue: int):
        self.pool = ThreadPoolExecutor(max_workers=slots, thread_name_prefix="answer")
        self.slots, self.queue, self.waiting = slots, queue, 0
        self._sem: asyncio.Semaphore | None = None

    async def submit(self, fn, *args) -> asyncio.Future:
        sem = self._sem = self._sem or asyncio.Semaphore(self.slots)
        if sem.locked() and self.waiting >= self.queue:
            raise ApiError(
                503,
                f"服务繁忙 / busy: {self.slots} answering, {self.waiting} waiting; retry later",
                "server_busy",
                headers={"Retry-After": "5"},
            )
        self.waiting += 1
        try:
            await sem.acquire()
        finally:
            self.waiting -= 1
        loop = asyncio.get_running_loop()
        try:
            future = self.pool.submit(fn, *args)
        except BaseException:
            sem.release()
            raise
        future.add_done_callback(lambda _: loop.call_soon_threadsafe(sem.release))
        return asyncio.wrap_future(future)


class Api:
    """The routes, over one store and one model. Plain methods rather than closures inside
    `create_app`, so each is readable (and testable) on its own."""

    def __init__(self, settings: Settings, store, llm):
        self.settings, self.store, self.llm = settings, store, llm
        self.gate = Gate(settings.serve_concurrency, settings.serve_queue)
        self.key = settings.serve_api_key.get_secret_value() if settings.serve_api_key else None
        self.limit = settings.serve_max_body_kb * 1024

    def check_key(self, request: Request) -> None:
        if self.key is None:
            return
        scheme, _, given = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(given.encode(), self.key.encode()):
            raise ApiError(
                401,
                "API key 无效或缺失 / invalid or missing API key (send Authorization: Bearer <key>)",
                "invalid_request_error",
                "invalid_api_key",
            )

    def _too_large(self) -> ApiError:
        return ApiError(
            413,
            f"请求过大 / request body over {self.settings.serve_max_body_kb} KiB",
            "invalid_request_error",
            "request_too_large",
        )

    async def read_body(self, request: Request) -> ChatRequest:
        if int(request.headers.get("content-length") or 0) > self.limit:
            raise self._too_large()
        body = bytearray()
        async for part in request.stream():  # chunked bodies carry no length: count as they come
            body += part
            if len(body) > self.limit:
                raise self._too_large()
        try:
            chat = ChatRequest.model_validate_json(bytes(body))
        except ValidationError as exc:
            first = exc.errors()[0]
            raise ApiError(
                400,
                f"请求无效 / invalid request: {first['msg']} at {'.'.join(map(str, first['loc']))}",
                "invalid_request_error",
            ) from exc
        if not chat.question():
            raise ApiError(400, "没有用户问题 / no user message with text", "invalid_request_error")
        return chat

    def answer_now(self, question: str, report: str | None, listener: Listener | None) -> Answer:
        if not self.store.reports():
            raise StoreError("还没有入库的报告 / no reports ingested", "先运行 `assistant ingest seeds/`")
        return ask(question, self.store, self.llm, self.settings, report=report, listener=listener)

    async def health(self) -> dict:
        return {"status": "ok"}

    async def models(self, request: Request) -> dict:
        self.check_key(request)
        return {
            "object": "list",
            "data": [
                {
                    "id": MODEL_ID,
                    "object": "model",
                    "created": 0,
                    "owned_by": "assistant",
                    "backend": self.settings.backend,
                    "llm": getattr(self.llm, "name", ""),
                }
            ],
        }

    async def chat_completions(self, request: Request):
        self.check_key(request)
        chat = await self.read_body(request)
        cid, created = f"chatcmpl-{uuid.uuid4().hex}", int(time.time())
        if chat.stream:
            return await self._stream(chat, cid, created)
        try:
            answer = await (await self.gate.submit(self.answer_now, chat.question(), chat.report, None))
        except AssistantError as exc:
            raise api_error(exc) from exc
        return {
            "id": cid,
            "object": "chat.completion",
            "created": created,
            "model": MODEL_ID,
            "choices": [
                {
                    "index": 0,
                    "finish_reason": "stop",
                    "message": {"role": "assistant", "content": message_text(answer)},
                }
            ],
            "usage": usage(answer),
            **extras(answer),
        }

    async def _stream(self, chat: ChatRequest, cid: str, created: int) -> StreamingResponse:
        loop = asyncio.get_running_loop()
        events: asyncio.Queue = asyncio.Queue()

        def push(kind: str, value: Any = None) -> None:
            loop.call_soon_threadsafe(events.put_nowait, (kind, value))

        listener = Listener(emit=lambda s: push("text", s), reset=lambda: push("reset"))
        job = await self.gate.submit(self.answer_now, chat.question(), chat.report, listener)
        job.add_done_callback(lambda f: push("done", f))
        return StreamingResponse(
            stream_events(events, cid, created), media_type="text/event-stream", headers={"Cache-Control": "no-cache"}
        )


async def _api_error(request: Request, exc: ApiError) -> JSONResponse:
    return JSONResponse(exc.body(), status_code=exc.status, headers=exc.headers)


def create_app(settings: Settings, store=None, llm=None) -> FastAPI:
    """The FastAPI app. `store` and `llm` default to the configured ones (built now, so a
    bad setting fails at start rather than on the first request)."""
    if store is None:
        from assistant.index.store import Store

        store = Store(settings)
    if llm is None:
        from assistant.backends.registry import get_backend

        llm = get_backend(settings)
    api = Api(settings, store, llm)
    warming = warm_in_background(lambda: llm, lambda: store)  # the first request need not wait
    app = FastAPI(title="assistant", description="法治政府建设情况报告问答 (OpenAI-compatible)")
    app.state.gate = api.gate
    app.state.warm = warming
    app.add_exception_handler(ApiError, _api_error)
    app.get("/health")(api.health)
    app.get("/v1/models")(api.models)
    app.post("/v1/chat/completions")(api.chat_completions)
    return app


async def stream_events(events: asyncio.Queue, cid: str, created: int) -> AsyncIterator[str]:
    """SSE chunks in OpenAI's format: role; the verified draft as it is released, as
    `reasoning_content` (front ends show it apart, as a model's working); then the message —
    direct answer first, then its sources — as `content`; a final chunk with finish_reason,
    citations and usage. An error comes as an error event."""

    def chunk(delta: dict, finish: str | None = None, **extra) -> str:
        return (
            "data: "
            + json.dumps(
                {
                    "id": cid,
                    "object": "chat.completion.chunk",
                    "created": created,
                    "model": MODEL_ID,
                    "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
                    **extra,
                },
                ensure_ascii=False,
            )
            + "\n\n"
        )

    yield chunk({"role": "assistant", "content": ""})
    while True:
        kind, value = await events.get()
        if kind == "text":
            yield chunk({"reasoning_content": value})
        elif kind == "reset":
            yield chunk({"reasoning_content": WITHDRAWN})
        else:
            break
    try:
        answer: Answer = value.result()
    except AssistantError as exc:
        yield "data: " + json.dumps(api_error(exc).body(), ensure_ascii=False) + "\n\n"
        return
    except Exception:  # a bug: logged with its traceback, reported without it
        log.exception("answer failed")
        yield "data: " + json.dumps(ApiError(500, "内部错误 / internal error", "server_error").body()) + "\n\n"
        return
    yield chunk({"content": message_text(answer)})
    yield chunk({}, "stop", usage=usage(answer), **extras(answer))
    yield "data: [DONE]\n\n"


def serve(settings: Settings) -> None:
    """Run the API until interrupted. Binding beyond loopback requires serve_api_key."""
    import uvicorn

    if not is_loopback(settings.serve_host) and settings.serve_api_key is None:
        raise ConfigError(
            f"拒绝在 {settings.serve_host} 上无密钥提供服务 / refusing to serve beyond loopback without a key",
            "设置 ASSISTANT_SERVE_API_KEY（环境变量或配置文件），或使用 ASSISTANT_SERVE_HOST=127.0.0.1",
        )
    app = create_app(settings)
    print(
        f"assistant serve: http://{settings.serve_host}:{settings.serve_port}/v1 "
        f"(backend {settings.backend}, {settings.serve_concurrency} at once, key {'on' if settings.serve_api_key else 'off'})",
        file=sys.stderr,
    )
    uvicorn.run(app, host=settings.serve_host, port=settings.serve_port, log_level="info")
