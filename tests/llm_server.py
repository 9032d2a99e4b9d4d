"""A scripted OpenAI-compatible chat-completions server for the `spdsl synth` tests.

It listens on 127.0.0.1 only (port 0: the system picks a free port), answers
``POST .../chat/completions`` from a script, and records every request body.

A script is a list of rules tried in order. A rule has a *match* (a substring of
any message's content, or a predicate on the request body) and a queue of
*actions*; a matching request takes the rule's next action, and the last action
repeats for every later match (``once=True``: the rule is used up instead, and
later requests fall through to the next rules). A request no rule matches gets
HTTP 400 and is listed in ``unmatched``, so a test can assert that its script
covered everything.

Actions: ``reply(content)`` (a chat completion; ``finish_reason=`` to override),
``tool_reply(input)`` (a custom tool call), ``status(code, headers=...)`` (an HTTP
error), ``raw(bytes)`` (any body, e.g. malformed JSON or invalid UTF-8),
``drop()`` (close the connection without a response), ``slow(seconds, action)``,
``trickle(seconds_per_byte)`` (headers at once, then the body one byte at a
time) and ``word_limited(content)`` (a llama-cpp-python-like reply that honours
only ``max_tokens``, one word per token, and ignores ``max_completion_tokens``).

``GET .../models`` answers ``{"data": [{"id": ..., "owned_by": OWNED_BY}]}``
(``ScriptedLLM(owned_by="vllm")``; default "scripted"), for ``--grammar auto``;
``POST /tokenize`` answers ``{"tokens": [...]}`` with one token per 4 characters of
``content`` when ``tokenize=True`` (llama.cpp's endpoint), else 404.

Use it as a context manager (or the ``llm_server`` fixture of the tests): it
stops when the block ends.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

__all__ = ["Rule", "ScriptedLLM", "all_text", "drop", "last_message", "raw", "reply", "slow",
           "status", "tool_reply", "trickle", "word_limited"]


@dataclass(frozen=True)
class Action:
    kind: str  # reply | status | raw | drop | slow
    content: str | None = None
    tool_inputs: tuple[str, ...] = ()
    usage: tuple[int, int] = (100, 20)
    code: int = 200
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""
    seconds: float = 0.0
    then: Action | None = None
    finish_reason: str | None = None


def reply(content: str | None, usage: tuple[int, int] = (100, 20),
          finish_reason: str | None = None) -> Action:
    return Action("reply", content=content, usage=usage, finish_reason=finish_reason)


def trickle(seconds_per_byte: float) -> Action:
    return Action("trickle", seconds=seconds_per_byte)


def word_limited(content: str) -> Action:
    return Action("limited", content=content)


def tool_reply(*inputs: str, content: str | None = None,
               usage: tuple[int, int] = (100, 20)) -> Action:
    return Action("reply", content=content, tool_inputs=tuple(inputs), usage=usage)


def status(code: int, message: str = "scripted error", headers: dict | None = None) -> Action:
    body = json.dumps({"error": {"message": message, "type": "scripted", "code": code}})
    return Action("status", code=code, headers=tuple((headers or {}).items()),
                  body=body.encode("utf-8"))


def raw(body: bytes, code: int = 200, content_type: str = "application/json") -> Action:
    return Action("raw", code=code, body=body, headers=(("Content-Type", content_type),))


def drop() -> Action:
    return Action("drop")


def slow(seconds: float, then: Action) -> Action:
    return Action("slow", seconds=seconds, then=then)


def last_message(body: dict) -> str:
    """The content of the request's last message ('' if none)."""
    messages = body.get("messages") or []
    if not messages:
        return ""
    content = messages[-1].get("content")
    return content if isinstance(content, str) else json.dumps(content)


def all_text(body: dict) -> str:
    """The contents of all messages, joined by newlines."""
    parts = []
    for message in body.get("messages") or []:
        content = message.get("content")
        parts.append(content if isinstance(content, str) else json.dumps(content))
    return "\n".join(parts)


@dataclass
class Rule:
    match: Callable[[dict], bool]
    actions: list[Action]
    once: bool = False
    hits: int = 0

    def take(self) -> Action | None:
        if not self.actions:
            return None
        self.hits += 1
        if len(self.actions) > 1 or self.once:
            return self.actions.pop(0)
        return self.actions[0]


@dataclass
class ScriptedLLM:
    rules: list[Rule] = field(default_factory=list)
    requests: list[dict] = field(default_factory=list)
    unmatched: list[dict] = field(default_factory=list)
    owned_by: str = "scripted"
    tokenize: bool = False

    def __post_init__(self):
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._counter = 0

    # script ------------------------------------------------------------------

    def on(self, match: str | Callable[[dict], bool], *actions: Action,
           once: bool = False) -> Rule:
        """Add a rule: ``match`` is a substring of any message's content, or a predicate."""
        if isinstance(match, str):
            needle = match
            predicate = lambda body: needle in all_text(body)  # noqa: E731
        else:
            predicate = match
        rule = Rule(predicate, list(actions), once)
        with self._lock:
            self.rules.append(rule)
        return rule

    def _action_for(self, body: dict) -> Action | None:
        with self._lock:
            self.requests.append(body)
            for rule in self.rules:
                try:
                    matched = rule.match(body)
                except Exception:  # a predicate that does not fit this body
                    matched = False
                if matched:
                    action = rule.take()
                    if action is not None:
                        return action
            self.unmatched.append(body)
            return None

    def _next_id(self) -> int:
        with self._lock:
            self._counter += 1
            return self._counter

    # server ------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        assert self._server is not None, "the server is not running"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/v1"

    def start(self) -> ScriptedLLM:
        script = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # keep the test output clean
                pass

            def do_GET(self):  # noqa: N802
                if self.path.rstrip("/").endswith("/models"):
                    models = {"object": "list", "data": [
                        {"id": "scripted", "object": "model", "owned_by": script.owned_by}]}
                    self._send(200, json.dumps(models).encode())
                else:
                    self._send(404, b'{"error": {"message": "not found"}}')

            def do_POST(self):  # noqa: N802 (http.server's naming)
                length = int(self.headers.get("Content-Length") or 0)
                data = self.rfile.read(length)
                if self.path.rstrip("/") == "/tokenize" and script.tokenize:
                    text = json.loads(data).get("content", "")
                    tokens = list(range(-(-len(text) // 4)))
                    self._send(200, json.dumps({"tokens": tokens}).encode())
                    return
                if not self.path.rstrip("/").endswith("/chat/completions"):
                    self._send(404, b'{"error": {"message": "not found"}}')
                    return
                try:
                    body = json.loads(data)
                except ValueError:
                    self._send(400, b'{"error": {"message": "bad json"}}')
                    return
                action = script._action_for(body)
                if action is None:
                    self._send(400, b'{"error": {"message": "no scripted reply"}}')
                    return
                self._perform(action, body)

            def _perform(self, action: Action, body: dict) -> None:
                if action.kind == "slow":
                    time.sleep(action.seconds)
                    self._perform(action.then, body)
                elif action.kind == "drop":
                    self.close_connection = True
                elif action.kind == "trickle":
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", "100000")
                    self.end_headers()
                    try:
                        for _ in range(600):  # bounded: stops by itself after 600 bytes
                            self.wfile.write(b" ")
                            self.wfile.flush()
                            time.sleep(action.seconds)
                    except OSError:  # the client gave up
                        pass
                    self.close_connection = True
                elif action.kind in ("status", "raw"):
                    self._send(action.code, action.body, dict(action.headers))
                else:  # reply, limited
                    self._send(200, json.dumps(script._completion(action, body)).encode())

            def _send(self, code: int, payload: bytes, headers: dict | None = None) -> None:
                self.send_response(code)
                headers = dict(headers or {})
                headers.setdefault("Content-Type", "application/json")
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        class Server(ThreadingHTTPServer):
            def handle_error(self, request, client_address):  # a client that gave up
                pass

        self._server = Server(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(timeout=5)
            self._server = None

    def __enter__(self) -> ScriptedLLM:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # replies -----------------------------------------------------------------

    def _completion(self, action: Action, body: dict) -> dict:
        n = self._next_id()
        content, finish = action.content, action.finish_reason
        if action.kind == "limited":
            limit = body.get("max_tokens")  # max_completion_tokens is ignored, as there
            words = (content or "").split(" ")
            if isinstance(limit, int) and len(words) > limit:
                content, finish = " ".join(words[:limit]), "length"
        message: dict = {"role": "assistant", "content": content}
        if action.tool_inputs:
            tools = body.get("tools") or [{"custom": {"name": "tool"}}]
            name = tools[0].get("custom", {}).get("name", "tool")
            message["tool_calls"] = [
                {"id": f"call_{n}_{i}", "type": "custom", "custom": {"name": name, "input": text}}
                for i, text in enumerate(action.tool_inputs)]
        prompt, completion = action.usage
        return {"id": f"chatcmpl-{n}", "object": "chat.completion", "created": 0,
                "model": body.get("model", "scripted"),
                "choices": [{"index": 0, "message": message,
                             "finish_reason": finish or ("tool_calls" if action.tool_inputs
                                                         else "stop")}],
                "usage": {"prompt_tokens": prompt, "completion_tokens": completion,
                          "total_tokens": prompt + completion}}
