"""Real servers on loopback for tests and benchmarks: llama-cpp-python's OpenAI-compatible
server, `chroma run`, and two tiny misbehaving HTTP servers for fault tests.

Each real server runs in its own process group on a free 127.0.0.1 port, is polled until it
answers (or its process dies, whose log tail is then raised), and is killed with its
whole group; PR_SET_PDEATHSIG makes it die with the test process even if pytest itself is
killed. Worked example::

    with start_llama_server(model_path) as server:      # ~2-5 s to load the 0.5B model
        Settings(backend="openai", openai_base_url=server.base_url)
"""

from __future__ import annotations

import ctypes
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

VENV_BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _die_with_parent() -> None:
    os.setsid()
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except OSError:
        pass


def http_ok(url: str, headers: dict | None = None, timeout: float = 2.0) -> bool:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=timeout) as r:
            return r.status == 200
    except (urllib.error.URLError, OSError):
        return False


class ServerProcess:
    """A server subprocess with a log file; `stop()` is SIGTERM then SIGKILL, `kill()` SIGKILL."""

    def __init__(
        self,
        argv: list[str],
        port: int,
        ready: Callable[[], bool],
        name: str,
        env: dict | None = None,
        startup_s: float = 120.0,
    ):
        self.argv, self.port, self.ready, self.name, self.env = argv, port, ready, name, env
        self.startup_s = startup_s
        self.log = Path(tempfile.mkstemp(prefix=f"{name}-", suffix=".log")[1])
        self.proc: subprocess.Popen | None = None

    def start(self) -> ServerProcess:
        with open(self.log, "ab") as out:
            self.proc = subprocess.Popen(
                self.argv,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                preexec_fn=_die_with_parent,
                env=self.env,
            )
        deadline = time.monotonic() + self.startup_s
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.proc.returncode}:\n{self.log_tail()}")
            if self.ready():
                return self
            time.sleep(0.2)
        self.kill()
        raise RuntimeError(f"{self.name} not ready after {self.startup_s}s:\n{self.log_tail()}")

    def log_tail(self, n: int = 3000) -> str:
        return self.log.read_text(errors="replace")[-n:]

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def _signal_group(self, sig: int) -> None:
        try:
            os.killpg(self.proc.pid, sig)
        except (ProcessLookupError, PermissionError):
            pass

    def kill(self) -> None:
        if self.proc is not None:
            self._signal_group(signal.SIGKILL)
            self.proc.wait(timeout=10)

    def stop(self, grace_s: float = 5.0) -> None:
        if not self.running:
            return
        self._signal_group(signal.SIGTERM)
        try:
            self.proc.wait(timeout=grace_s)
        except subprocess.TimeoutExpired:
            self.kill()

    def restart(self) -> ServerProcess:
        self.stop()
        return self.start()

    def __enter__(self) -> ServerProcess:
        return self if self.running else self.start()

    def close(self) -> None:
        """Stop for good and delete the log."""
        self.stop()
        self.log.unlink(missing_ok=True)

    def __exit__(self, *exc) -> None:
        self.close()


class LlamaServer(ServerProcess):
    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"


def start_llama_server(
    model_path: str | Path,
    *,
    api_key: str | None = None,
    n_ctx: int = 4096,
    n_threads: int | None = None,
    port: int | None = None,
) -> LlamaServer:
    """llama-cpp-python's own server with `model_path`, started and ready. Requests queue
    one at a time (interrupt_requests off: by default a new request cuts the running stream)."""
    port = port or free_port()
    argv = [
        sys.executable,
        "-m",
        "llama_cpp.server",
        "--model",
        str(model_path),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--n_ctx",
        str(n_ctx),
        "--n_threads",
        str(n_threads or os.cpu_count() or 1),
        "--interrupt_requests",
        "False",
        "--verbose",
        "False",
    ]
    if api_key:
        argv += ["--api_key", api_key]
    headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
    server = LlamaServer(argv, port, lambda: http_ok(f"http://127.0.0.1:{port}/v1/models", headers), "llama-server")
    return server.start()  # type: ignore[return-value]


def start_chroma(path: str | Path, *, port: int | None = None) -> ServerProcess:
    """`chroma run` on `path`, ready (about 2 s). `restart()` keeps the path and port."""
    port = port or free_port()
    argv = [str(VENV_BIN / "chroma"), "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)]
    env = {**os.environ, "ANONYMIZED_TELEMETRY": "False"}
    server = ServerProcess(
        argv, port, lambda: http_ok(f"http://127.0.0.1:{port}/api/v2/heartbeat"), "chroma", env=env, startup_s=60
    )
    return server.start()


# --- misbehaving servers (in-process threads) ---------------------------------------------
class StallingServer:
    """Accepts connections and never answers: a hung inference server."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.base_url = f"http://127.0.0.1:{self.port}/v1"
        self.connections: list[socket.socket] = []
        self._stop = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self._stop:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections.append(conn)  # held open, never read or answered

    def __enter__(self) -> StallingServer:
        return self

    def __exit__(self, *exc) -> None:
        self._stop = True
        for conn in self.connections:
            conn.close()
        self.sock.close()


def sse_chunks(text: str, model: str = "scripted", pieces: int = 4) -> bytes:
    """`text` as an OpenAI chat-completion stream (a few content chunks, then stop, then [DONE])."""
    step = max(1, -(-len(text) // pieces))
    parts = [text[i : i + step] for i in range(0, len(text), step)] or [""]
    events = [{"choices": [{"index": 0, "delta": {"content": p}, "finish_reason": None}]} for p in parts]
    events.append({"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]})
    body = "".join(
        f"data: {json.dumps({'id': 'x', 'object': 'chat.completion.chunk', 'created': 0, 'model': model, **e})}\n\n"
        for e in events
    )
    return (body + "data: [DONE]\n\n").encode()


class ScriptedHTTPServer:
    """A real HTTP server on loopback answering POST /v1/chat/completions from a script of
    (status, content) replies — status 200 streams `content` as SSE, others send it as an
    error body; the last reply repeats. `requests` keeps every request's JSON body."""

    def __init__(self, *replies: tuple[int, str], headers: dict | None = None):
        self.replies = list(replies)
        self.headers = headers or {}
        self.requests: list[dict] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers.get("content-length", 0))) or b"{}")
                outer.requests.append(body)
                status, content = outer.replies.pop(0) if len(outer.replies) > 1 else outer.replies[0]
                payload = (
                    sse_chunks(content)
                    if status == 200
                    else json.dumps({"error": {"message": content, "type": "scripted", "code": status}}).encode()
                )
                self.send_response(status)
                self.send_header("content-type", "text/event-stream" if status == 200 else "application/json")
                self.send_header("content-length", str(len(payload)))
                for k, v in outer.headers.items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        self.base_url = f"http://127.0.0.1:{self.port}/v1"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def __enter__(self) -> ScriptedHTTPServer:
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class Uvicorn:
    """An ASGI app served by uvicorn in a thread on a free loopback port (for `assistant serve`)."""

    def __init__(self, app, port: int | None = None):
        import uvicorn

        self.port = port or free_port()
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.base_url = f"http://127.0.0.1:{self.port}/v1"

    def __enter__(self) -> Uvicorn:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


_shared: dict[str, LlamaServer] = {}


def shared_llama_server(model_path: str | Path) -> LlamaServer:
    """One llama.cpp server per test process, shared by every module that asks (session
    fixtures in two modules would otherwise start two); stopped when the process exits."""
    import atexit

    server = _shared.get(str(model_path))
    if server is None or not server.running:
        server = _shared[str(model_path)] = start_llama_server(model_path)
        atexit.register(server.close)
    return server
