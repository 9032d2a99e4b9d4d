"""Grammar-constrained decoding: what `spdsl synth --grammar MODE` puts into each request.

Modes (the request fields each server documents for constrained decoding):

==============  ==========================================================================
``openai-tool`` OpenAI custom tools: ``tools: [{"type": "custom", "custom": {..., "format":
                {"type": "grammar", "grammar": {"syntax": "lark", "definition": LARK}}}}]``
                and a ``tool_choice`` naming the tool; the program is the tool call's input.
``vllm``        vLLM structured outputs: ``structured_outputs: {"grammar": GBNF}`` in the
                request body (the OpenAI client's ``extra_body``). vLLM's default backend,
                xgrammar, reads GBNF as llama.cpp does. vLLM before 0.10.2 read the same
                grammar from ``guided_grammar`` (removed in 0.12); not sent.
``llama.cpp``   llama.cpp's server and llama-cpp-python's: ``grammar: GBNF``.
``auto``        asks the server: ``GET {base}/models``; ``owned_by`` "vllm" -> vllm,
                "llamacpp" (llama.cpp) or "me" (llama-cpp-python) -> llama.cpp; no
                ``--base-url`` or an openai.com one -> openai-tool; anything else is a
                usage error naming the choices.
==============  ==========================================================================

The grammar (``--grammar-scope``): ``scene`` (default) sends the scene- and
type-constrained grammar of the unit's scene (``synth.constrained``); ``syntax``
sends the language's grammar, ``grammar/spatial.lark`` (as is for openai-tool,
converted to compact GBNF for the others, see ``synth.gbnf``).

In the GBNF modes the reply is the program itself (plain text, no fence).
"""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request
from functools import lru_cache
from spatial_dsl.errors import SpdslError

from .http import http_json

MODES = ("openai-tool", "vllm", "llama.cpp", "auto")
SCOPES = ("scene", "syntax")


class GrammarModeError(SpdslError):
    """``auto`` could not tell the server's dialect: a usage error."""


@lru_cache(maxsize=1)
def _syntax_gbnf() -> str:
    from .gbnf import spatial_gbnf

    return spatial_gbnf("compact")


def lark_grammar(scope: str, scene, answer: str = "any") -> str:
    if scope == "syntax":
        from spatial_dsl.lang.syntax import grammar_text

        return grammar_text()
    from .constrained import scene_grammar

    return scene_grammar(scene, answer)


def gbnf_grammar(scope: str, scene, answer: str = "any") -> str:
    if scope == "syntax":
        return _syntax_gbnf()
    from .constrained import scene_gbnf

    return scene_gbnf(scene, answer)


def request_fields(mode: str | None, scope: str, scene, answer: str = "any") -> dict:
    """The fields a request of this mode carries for a unit on ``scene`` ({} without);
    ``answer``: what the task's answer is (``constrained.grammar_answer``)."""
    if mode is None:
        return {}
    if mode == "openai-tool":
        from .prompts import grammar_tool, grammar_tool_choice

        return {"tools": [grammar_tool(lark_grammar(scope, scene, answer))],
                "tool_choice": grammar_tool_choice()}
    if mode == "vllm":
        return {"structured_outputs": {"grammar": gbnf_grammar(scope, scene, answer)}}
    if mode == "llama.cpp":
        return {"grammar": gbnf_grammar(scope, scene, answer)}
    raise ValueError(f"unknown grammar mode {mode!r}")


def _is_openai(base_url: str | None) -> bool:
    if not base_url:
        return True
    host = urllib.parse.urlparse(base_url).hostname or ""
    return host == "openai.com" or host.endswith(".openai.com")


def detect_mode(base_url: str | None, api_key: str | None, timeout: float = 10.0) -> str:
    """The dialect of the server behind ``base_url`` (``--grammar auto``)."""
    if _is_openai(base_url):
        return "openai-tool"
    url = base_url.rstrip("/") + "/models"
    try:
        body = http_json(url, headers={"Authorization": f"Bearer {api_key}"} if api_key else {},
                         timeout=timeout, limit=1_000_000)
    except (OSError, ValueError, urllib.error.URLError) as exc:
        raise GrammarModeError(f"--grammar auto: cannot ask {url} which server this is "
                               f"({exc}); choose --grammar llama.cpp, vllm or openai-tool"
                               ) from None
    owners = set()
    if isinstance(body, dict) and isinstance(body.get("data"), list):
        owners = {str(m.get("owned_by", "")).lower() for m in body["data"]
                  if isinstance(m, dict)}
    if "vllm" in owners:
        return "vllm"
    if owners & {"llamacpp", "me", "llama.cpp"}:
        return "llama.cpp"
    raise GrammarModeError(f"--grammar auto: {url} does not say which server it is "
                           f"(owned_by: {', '.join(sorted(owners)) or 'none'}); choose "
                           "--grammar llama.cpp, vllm or openai-tool")
