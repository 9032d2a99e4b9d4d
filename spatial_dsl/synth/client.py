"""The chat-completions client of `spdsl synth`: official ``openai`` package, disk cache,
retries with backoff, a hard budget and fault classification.

Every request goes through ``LLMClient.complete``:

1. The request body is built (model, messages, seed, optional temperature,
   ``max_completion_tokens`` -- and ``max_tokens`` too for self-hosted servers,
   since llama-cpp-python and older vLLM read only that one -- and the grammar
   fields of the run's ``--grammar`` mode, see ``synth.grammar``). If the cache
   holds the reply, it is returned with no network traffic and without counting
   against the budget.
2. Otherwise the budget is checked (``--max-requests`` counts HTTP attempts,
   retries included; ``--max-tokens-total`` counts the prompt + completion tokens
   the server reported for this run's network replies; a request that would
   start past either limit is not sent) and the request is sent with the
   package's own retries switched off (``max_retries=0``), so every attempt is
   counted here.
3. Faults:

   ===========================================  ===========================================
   HTTP 401 / 403                               stop the run at once (``auth``, exit 2)
   HTTP 404                                     stop the run (``not_found``, exit 2)
   HTTP 400 / 413 / 422 / other 4xx             before any success in this run: stop
                                                (``bad_request``, exit 2); later: this
                                                request fails (``RequestRejected``), the
                                                item is dropped and counted
   HTTP 500 to a custom-tool request before     stop (``bad_request``, exit 2): the server
   any success (``--grammar openai-tool``)      does not take OpenAI custom tools
                                                (llama-cpp-python answers so); retrying
                                                cannot help, use ``--grammar llama.cpp``,
                                                ``vllm`` or ``auto``
   HTTP 408 / 409 / 429 / 5xx                   retry
   timeout, refused or dropped connection       retry
   HTTP 200 with a body that is not JSON or     retry (counted as ``malformed_body``)
   has no ``choices[0].message``
   ===========================================  ===========================================

   Retries wait ``backoff * 2**attempt`` seconds (capped at ``MAX_BACKOFF``, plus
   up to 10 % random spread), or what the server's ``Retry-After`` /
   ``retry-after-ms`` header says (capped likewise; ``Retry-After: 0`` retries at
   once). When ``retries`` retries are used up, the run stops
   (``service_unavailable``, exit 1: rerun to resume).
4. A good reply is stored in the cache first, then read into a ``Reply``; a
   reply whose optional parts have the wrong shape (``usage`` a list, ``tool_calls``
   a number ...) reads as if they were absent, so a paid-for reply is never lost.

Timeouts bound the *whole* request (connect, headers and body): each attempt
runs on a helper thread and the caller waits at most ``timeout`` seconds for it
(a server that sends headers and then one byte a second is cut off), and stops
waiting at once when the run is stopping (Ctrl-C), instead of waiting for the
reply. Until the first reply of the run has arrived, the longer ``cold_timeout``
applies: a local server reading a long prompt for the first time (no prompt
cache yet) takes minutes on a CPU, and a retry would only queue behind it.

A reply body that is not valid UTF-8 is decoded with ``surrogateescape``: the
undecodable bytes become lone surrogates in the message text, which the
program extractor reports as ``invalid_utf8`` (a counted reply failure).
"""

from __future__ import annotations

import email.utils
import json
import random
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

from .cache import DiskCache, cache_key
from spatial_dsl.errors import SpdslError

MAX_BACKOFF = 60.0
RETRYABLE_STATUS = (408, 409, 429)
STOP_EXIT = {"auth": 2, "not_found": 2, "bad_request": 2, "budget": 1,
             "service_unavailable": 1, "interrupted": 130}


class LLMStop(SpdslError):
    """The run must stop: ``reason`` is a key of STOP_EXIT."""

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason
        self.message = message

    @property
    def exit_code(self) -> int:
        return STOP_EXIT.get(self.reason, 1)


class RequestRejected(SpdslError):
    """The server refused this one request (a 4xx other than auth/404/429)."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


class SetupError(SpdslError):
    """The client cannot be made (no `openai` package, ...): a usage error."""


class _Timeout(SpdslError):
    """An attempt took longer than its whole-request timeout."""


@dataclass(frozen=True)
class ClientOptions:
    model: str
    base_url: str | None = None
    api_key: str | None = None
    temperature: float | None = None
    max_reply_tokens: int | None = None
    timeout: float = 120.0
    retries: int = 4
    backoff: float = 1.0
    max_requests: int | None = None
    max_tokens_total: int | None = None
    grammar: str | None = None  # None, "openai-tool", "vllm", "llama.cpp"
    send_max_tokens: bool = False  # also send max_tokens (self-hosted servers)
    cold_timeout: float = 600.0


@dataclass(frozen=True)
class ToolCall:
    id: str
    name: str
    input: str


@dataclass(frozen=True)
class Reply:
    content: str | None
    tool_calls: tuple[ToolCall, ...]
    message: dict  # the assistant message as returned (for the conversation history)
    prompt_tokens: int
    completion_tokens: int
    finish_reason: str | None
    cached: bool


@dataclass
class RequestStats:
    """What this run's client did (thread-safe counters)."""

    network: int = 0  # HTTP attempts sent
    succeeded: int = 0  # HTTP attempts that gave a usable reply
    cached: int = 0  # replies served from the cache
    retries: int = 0
    errors: Counter = field(default_factory=Counter)  # "429", "500", "timeout", ...
    prompt_tokens: int = 0  # as reported by the server, network replies only
    completion_tokens: int = 0
    cached_prompt_tokens: int = 0  # tokens of the replies served from the cache
    cached_completion_tokens: int = 0

    def to_json(self) -> dict:
        return {"network": self.network, "succeeded": self.succeeded, "cached": self.cached,
                "retries": self.retries, "errors": dict(sorted(self.errors.items())),
                "tokens": {"prompt": self.prompt_tokens,
                           "completion": self.completion_tokens,
                           "total": self.prompt_tokens + self.completion_tokens},
                "cached_tokens": {"prompt": self.cached_prompt_tokens,
                                  "completion": self.cached_completion_tokens}}


class LLMClient:
    def __init__(self, options: ClientOptions, cache: DiskCache | None,
                 stop: threading.Event | None = None, tools: list | None = None,
                 tool_choice: dict | None = None):
        self.options = options
        self.cache = cache
        self.stop = stop or threading.Event()
        self.stats = RequestStats()
        self.tools = tools
        self.tool_choice = tool_choice
        self._lock = threading.Lock()
        self._client = None
        self._stop_error: LLMStop | None = None

    # ------------------------------------------------------------------ plumbing

    def _openai(self):
        if self._client is None:
            with self._lock:
                if self._client is None:
                    try:
                        import openai
                    except ImportError:
                        raise SetupError("spdsl synth needs the `openai` package: pip "
                                         "install 'spdsl[llm]'") from None
                    self._client = openai.OpenAI(
                        api_key=self.options.api_key or "no-key",
                        base_url=self.options.base_url, timeout=self.options.timeout,
                        max_retries=0)
        return self._client

    def request_body(self, messages: list[dict], seed: int | None,
                     extra: dict | None = None) -> dict:
        """The JSON body of a request: what is sent, and what the cache key hashes.
        ``extra`` holds per-request fields (a scene's grammar)."""
        body: dict = {"model": self.options.model, "messages": messages}
        if self.options.temperature is not None:
            body["temperature"] = self.options.temperature
        if seed is not None:
            body["seed"] = seed
        if self.options.max_reply_tokens is not None:
            body["max_completion_tokens"] = self.options.max_reply_tokens
            if self.options.send_max_tokens:
                body["max_tokens"] = self.options.max_reply_tokens
        if self.tools:
            body["tools"] = self.tools
            if self.tool_choice is not None:
                body["tool_choice"] = self.tool_choice
        body.update(extra or {})
        return body

    def halt(self, error: LLMStop) -> LLMStop:
        """Record the first reason to stop and tell every worker."""
        with self._lock:
            if self._stop_error is None:
                self._stop_error = error
        self.stop.set()
        return error

    @property
    def stop_error(self) -> LLMStop | None:
        return self._stop_error

    def _stopped(self) -> LLMStop:
        return self._stop_error or LLMStop("interrupted", "the run is stopping")

    # ------------------------------------------------------------------- request

    def complete(self, messages: list[dict], sample: str, seed: int | None = None,
                 extra: dict | None = None) -> Reply:
        if self.stop.is_set():
            raise self._stopped()
        body = self.request_body(messages, seed, extra)
        key = cache_key(body, sample)
        if self.cache is not None:
            cached = self.cache.get(key)
            if cached is not None:
                reply = _reply_from_body(cached, True)
                if reply is not None:
                    with self._lock:
                        self.stats.cached += 1
                        self.stats.cached_prompt_tokens += reply.prompt_tokens
                        self.stats.cached_completion_tokens += reply.completion_tokens
                    return reply
        response = self._send(body)
        if self.cache is not None:  # before reading it: a paid-for reply is never lost
            self.cache.put(key, sample, body, response)
        return _reply_from_body(response, False)  # _send returns valid bodies only

    def _reserve(self) -> None:
        """Count one HTTP attempt, or stop if the budget does not allow it."""
        opts = self.options
        with self._lock:
            if self.stop.is_set():
                raise self._stopped()
            if opts.max_requests is not None and self.stats.network >= opts.max_requests:
                error = LLMStop("budget", f"the request budget (--max-requests "
                                f"{opts.max_requests}) is used up")
            elif (opts.max_tokens_total is not None and self.stats.prompt_tokens
                  + self.stats.completion_tokens >= opts.max_tokens_total):
                error = LLMStop("budget", f"the token budget (--max-tokens-total "
                                f"{opts.max_tokens_total}) is used up")
            else:
                self.stats.network += 1
                return
        raise self.halt(error)

    def _send(self, body: dict) -> dict:
        import openai

        client = self._openai()
        attempts = self.options.retries + 1
        last = ""
        for attempt in range(attempts):
            self._reserve()
            retry_after = None
            timeout = self._timeout()
            try:
                data = self._attempt(client, body, timeout)
            except openai.APIStatusError as exc:
                code = exc.status_code
                message = _server_message(exc)
                self._count(str(code))
                self._refuse(code, message)
                last = f"HTTP {code}: {message}"
                retry_after = _retry_after(exc.response.headers)
            except (openai.APITimeoutError, _Timeout):
                self._count("timeout")
                last = f"timed out after {timeout:g} s"
            except openai.APIConnectionError as exc:
                self._count("connection")
                last = f"connection failed: {exc.__cause__ or exc}"
            else:
                response = _parse_body(data)
                if response is not None:
                    prompt, completion = _usage(response)
                    with self._lock:
                        self.stats.succeeded += 1
                        self.stats.prompt_tokens += prompt
                        self.stats.completion_tokens += completion
                    return response
                self._count("malformed_body")
                last = "the reply body is not a chat completion (malformed JSON)"
            if attempt + 1 < attempts:
                with self._lock:
                    self.stats.retries += 1
                delay = self._delay(attempt, retry_after)
                if self.stop.wait(delay):
                    raise self._stopped()
        raise self.halt(LLMStop("service_unavailable", f"the LLM endpoint failed {attempts} "
                                f"times in a row (last: {last}); rerun the same command to "
                                "resume"))

    def _timeout(self) -> float:
        """The whole-request timeout: longer until the run's first reply (a cold server)."""
        if self.stats.succeeded:
            return self.options.timeout
        return max(self.options.timeout, self.options.cold_timeout)

    def _refuse(self, code: int, message: str) -> None:
        """Raise for an HTTP error that retrying cannot fix; return for a retryable one."""
        if code in (401, 403):
            hint = "" if self.options.api_key else " (no API key was set)"
            raise self.halt(LLMStop("auth", f"HTTP {code} from the LLM endpoint: {message}"
                                    f"{hint}; check the API key (OPENAI_API_KEY or "
                                    "--api-key-env)"))
        if code == 404:
            raise self.halt(LLMStop("not_found", f"HTTP 404 from the LLM endpoint: {message}; "
                                    "check --model and --base-url"))
        if code == 500 and self.options.grammar == "openai-tool" and not self.stats.succeeded:
            raise self.halt(LLMStop("bad_request", f"HTTP 500 from the LLM endpoint to a request "
                                    f"with an OpenAI custom tool: {message}; this server does "
                                    "not take custom tools (llama-cpp-python, llama.cpp and "
                                    "vLLM do not): use --grammar llama.cpp, --grammar vllm or "
                                    "--grammar auto"))
        if code not in RETRYABLE_STATUS and code < 500:
            if not self.stats.succeeded:
                raise self.halt(LLMStop("bad_request", f"HTTP {code} from the LLM endpoint: "
                                        f"{message}"))
            raise RequestRejected(code, message)

    def _attempt(self, client, body: dict, timeout: float) -> bytes:
        """One HTTP attempt on a helper thread, waited for at most ``timeout`` seconds in all
        (and not at all once the run is stopping). An attempt given up on is left to finish
        or fail on its daemon thread; its reply is dropped."""
        box: dict = {}
        done = threading.Event()
        extra = {k: v for k, v in body.items() if k not in ("model", "messages")}

        def call() -> None:
            try:
                raw = client.chat.completions.with_raw_response.create(
                    model=body["model"], messages=body["messages"], extra_body=extra,
                    timeout=timeout)
                box["data"] = raw.content
            except BaseException as exc:  # handed to the waiting thread
                box["error"] = exc
            finally:
                done.set()

        threading.Thread(target=call, name="synth-request", daemon=True).start()
        deadline = time.monotonic() + timeout
        while not done.wait(min(0.05, max(0.0, deadline - time.monotonic()))):
            if self.stop.is_set():
                raise self._stopped()
            if time.monotonic() >= deadline:
                raise _Timeout()
        if "error" in box:
            raise box["error"]
        return box["data"]

    def _count(self, kind: str) -> None:
        with self._lock:
            self.stats.errors[kind] += 1

    def _delay(self, attempt: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return min(MAX_BACKOFF, max(0.0, retry_after))
        base = min(MAX_BACKOFF, self.options.backoff * (2 ** attempt))
        return base * (1 + 0.1 * random.random())


# ------------------------------------------------------------------------- helpers


def _int(x) -> int:
    return x if isinstance(x, int) and not isinstance(x, bool) and x >= 0 else 0


def _usage(body: dict) -> tuple[int, int]:
    """(prompt, completion) tokens of a reply; 0 for a missing or malformed ``usage``."""
    usage = body.get("usage")
    if not isinstance(usage, dict):
        return 0, 0
    return _int(usage.get("prompt_tokens")), _int(usage.get("completion_tokens"))


def _server_message(exc) -> str:
    body = getattr(exc, "body", None)
    if isinstance(body, dict):
        inner = body.get("error", body)
        if isinstance(inner, dict) and isinstance(inner.get("message"), str):
            return inner["message"][:300]
        if isinstance(body.get("message"), str):
            return body["message"][:300]
    return (getattr(exc, "message", None) or str(exc))[:300]


def _retry_after(headers) -> float | None:
    """Seconds from ``retry-after-ms`` or ``Retry-After`` (seconds or an HTTP date)."""
    try:
        ms = headers.get("retry-after-ms")
        if ms is not None:
            return float(ms) / 1000.0
        value = headers.get("retry-after")
    except Exception:  # a headers object of another shape: no hint
        return None
    if value is None:
        return None
    try:
        return float(value)
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _parse_body(data: bytes) -> dict | None:
    """The JSON body of a chat completion, or None if it is not one."""
    try:
        body = json.loads(data.decode("utf-8", "surrogateescape"))
    except (ValueError, RecursionError):
        return None
    return body if valid_body(body) else None


def valid_body(body) -> bool:
    """Whether a decoded body is a chat completion with a first choice's message."""
    if not isinstance(body, dict):
        return False
    choices = body.get("choices")
    if not isinstance(choices, list) or not choices or not isinstance(choices[0], dict):
        return False
    return isinstance(choices[0].get("message"), dict)


def clean_text(obj):
    """``obj`` with every string made encodable as UTF-8 (lone surrogates -> "?"), so a
    reply that held undecodable bytes can be sent back in the conversation."""
    if isinstance(obj, str):
        return obj.encode("utf-8", "replace").decode("utf-8")
    if isinstance(obj, list):
        return [clean_text(x) for x in obj]
    if isinstance(obj, dict):
        return {clean_text(k): clean_text(v) for k, v in obj.items()}
    return obj


def _text(content) -> str | None:
    """Message content: a string, or the text parts of a list of content parts."""
    if content is None or isinstance(content, str):
        return content
    if isinstance(content, list):
        parts = [p.get("text") for p in content if isinstance(p, dict)
                 and isinstance(p.get("text"), str)]
        return "".join(parts) if parts else None
    return None


def _reply_from_body(body: dict, cached: bool) -> Reply | None:
    if not valid_body(body):
        return None
    choice = body["choices"][0]
    message = choice["message"]
    calls = []
    raw_calls = message.get("tool_calls")
    raw_calls = raw_calls if isinstance(raw_calls, list) else []
    for i, call in enumerate(raw_calls):
        if not isinstance(call, dict):
            continue
        custom = call.get("custom")
        if isinstance(custom, dict) and isinstance(custom.get("input"), str):
            calls.append(ToolCall(str(call.get("id") or f"call_{i}"),
                                  str(custom.get("name") or ""), custom["input"]))
    prompt, completion = _usage(body)
    history = {"role": "assistant", "content": _text(message.get("content"))}
    if raw_calls:
        history["tool_calls"] = raw_calls
    history = clean_text(history)
    finish = choice.get("finish_reason")
    return Reply(_text(message.get("content")), tuple(calls), history, prompt, completion,
                 finish if isinstance(finish, str) else None, cached)
