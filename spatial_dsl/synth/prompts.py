"""The prompts of `spdsl synth`, built from the text files in ``prompts/``.

Nothing here holds prompt prose: the wording lives in ``prompts/*.txt`` and
this module only fills their ``{placeholders}``:

- the **language reference** (system message) comes from the builtin registry
  (``docs.builtin_lines``, ``docs.attribute_lines``), the type and unit tables,
  the rejection kinds and the documented decisions, so it can never disagree
  with the compiler;
- the **scene summary**: categories with counts, unique labels, the frame count
  and the room's size;
- 3–5 **worked examples**: task templates from ``prompts/examples.txt`` (the task
  asked for first, when it is a template) instantiated on the scene by the
  template engine (``tasks.SceneEngine``, one item each, seeded), so each shows
  a real question, its program and its answer on this very scene. When fewer
  than 3 instantiate (a scene without frames, say), templates are *bound*
  without their `where` (unique categories of the scene in place of the
  parameters) and shown with their answer if the program runs, else as
  unchecked examples;
- the **task**: a template's description and phrasings, or a free description.

The prompt files are read and filled by ``prompt_files``, the tasks resolved by
``task_specs``, the worked examples made by ``examples``; this module re-exports their
public names.
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from functools import cache

from .examples import (  # noqa: F401  (re-exported: the prompt's public names)
    EXAMPLES_MAX, EXAMPLES_MIN, STRUCTURAL, Example, ExampleSource, bound_example,
    examples_text,
)
from .task_specs import TaskSpec, free_task, resolve_tasks, task_text  # noqa: F401
from .focus import (  # noqa: F401  (re-exported)
    OBJECT_PARAMS, answer_kind_text, focus_categories, focus_text, reading_text, this_request,
)
from .prompt_files import (  # noqa: F401  (re-exported)
    PromptError, example_task_names, fill, prompt_files_digest, render, snippet, snippets,
    template,
)

MAX_LISTED = 80  # categories / labels listed in a scene summary at most
TOOL_NAME = "spatialdsl_program"


# -------------------------------------------------------------------- language reference


@cache
def reference_values() -> dict[str, str]:
    from spatial_dsl.lang import types as T
    from spatial_dsl.lang.diagnostics import REJECTION_KINDS
    from spatial_dsl.lang.docs import DECISIONS, attribute_lines, builtin_lines

    return {
        "types": "\n".join(f"- {name}: {doc}" for name, doc in T.TYPE_DOCS.items()),
        "units": "\n".join(f"- {u}: {t}, {f:g}" for u, (t, f) in T.UNITS.items()),
        "attributes": "\n".join(f"- {line}" for line in attribute_lines()),
        "builtins": "\n".join(f"- {line}" for line in builtin_lines()),
        "rejections": "\n".join(f"- {k}: {doc}" for k, doc in REJECTION_KINDS.items()),
        "decisions": "\n".join(f"- {d}" for d in DECISIONS),
    }


def system_message(grammar: str | bool | None = None, bound_names: bool = False) -> str:
    """The system message; ``grammar`` is the run's --grammar mode (``True``: openai-tool);
    ``bound_names``: the grammar is the scene's, which fixes the names (synth.canonical)."""
    return render("system.txt", **reference_values()) + _output_text(grammar, bound_names)


def _output_text(grammar, bound_names: bool) -> str:
    """What the system message says about the reply's channel and, under the scene
    grammar, the names a program must use."""
    text = ""
    if grammar is True or grammar == "openai-tool":
        text += "\n" + render("system_grammar.txt", tool_name=TOOL_NAME)
    elif grammar:
        text += "\n" + render("system_constrained.txt")
    if grammar and bound_names:
        from .canonical import bound_names_values

        text += "\n" + render("system_bound_names.txt", **bound_names_values())
    return text


def grammar_tool(definition: str | None = None) -> dict:
    """The custom tool of grammar mode, as the chat-completions API takes it.

    ``definition``: the Lark grammar (default: the language's, unchanged: it
    stays within what such services accept -- no look-around, no priorities, no
    templates). It does not let the output begin with whitespace or a comment,
    which is fine: the program must begin with its `question` statement (and
    the prompt says so).
    """
    from spatial_dsl.lang.syntax import grammar_text

    return {"type": "custom",
            "custom": {"name": TOOL_NAME, "description": snippet("tool_description"),
                       "format": {"type": "grammar",
                                  "grammar": {"syntax": "lark",
                                              "definition": definition or grammar_text()}}}}


def grammar_tool_choice() -> dict:
    return {"type": "custom", "custom": {"name": TOOL_NAME}}


# -------------------------------------------------------------------------- scene summary


def _fmt(x: float) -> str:
    return f"{x:.2f}"


def scene_summary(scene) -> str:
    counts = Counter(scene.categories)
    # split by count: "the X" is a question (and the("X") a program) only for a category of
    # one object; a small model asked "the stove knob" of 4 knobs and wrote the("StoveKnob")
    single = [c for c, n in sorted(counts.items()) if n == 1]
    several = [f"{c} ×{n}" for c, n in sorted(counts.items()) if n > 1]
    labels = [f'"{scene.labels[i]}": {scene.categories[i]}' for i in range(scene.n)
              if scene.has_label[i]]
    labels.sort()
    if scene.frames.count:
        idx = scene.frames.index
        frames = snippet("frames_some", count=scene.frames.count, first=int(idx.min()),
                         last=int(idx.max()))
    else:
        frames = snippet("frames_none")
    room = scene.room
    room_text = (f"{_fmt(room.length)} m × {_fmt(room.width)} m, floor area "
                 f"{_fmt(room.area)} m², height {_fmt(room.height)} m")
    return render("scene_summary.txt", scene_id=scene.id, objects=scene.n,
                  category_count=len(counts), frames=frames, room=room_text,
                  single=_listing(single) if single else snippet("none"),
                  several=_listing(several) if several else snippet("none"),
                  labels=_listing(labels) if labels else snippet("labels_none"))


def _listing(items: list[str]) -> str:
    if len(items) <= MAX_LISTED:
        return ", ".join(items)
    return ", ".join(items[:MAX_LISTED]) + ", " + snippet("more", count=len(items) - MAX_LISTED)


def _hint_lines(hints) -> str:
    if not hints:
        return snippet("no_hints")
    return "\n".join(f"- {h.text}" for h in hints)


# -------------------------------------------------------------------------- compact form

COMPACT_EXAMPLES = 2
# Builtins every compact reference keeps, whatever the examples use.
CORE_BUILTINS = ("objects", "find", "the", "count", "filter", "exists", "argmin", "argmax",
                 "distance", "gap", "round", "near", "on", "above", "higher")
_CALLED = re.compile(r"\b([a-z_][a-z0-9_]*)\s*\(")


def compact_attribute_lines(framed: bool = True) -> str:
    """The attributes grouped by owner and type, names only: `- Object: height, ...: Length`
    (a Frame's only on a scene with frames)."""
    from spatial_dsl.lang import types as T
    from spatial_dsl.lang.builtins.registry import attributes_of

    lines = []
    for owner in (T.OBJECT, T.VEC3, T.FRAME, T.ROOM):
        if owner == T.FRAME and not framed:
            continue
        by_type: dict[str, list[str]] = {}
        for name, attr in attributes_of(owner).items():
            by_type.setdefault(str(attr.type), []).append(name)
        groups = "; ".join(f"{', '.join(names)}: {t}" for t, names in by_type.items())
        lines.append(f"- {owner}: {groups}")
    return "\n".join(lines)


def reply_reserve(context: int) -> int:
    """Tokens of the context kept free for the reply and a repair round."""
    return min(1024, max(256, context // 4))


def compact_system_message(grammar, examples: list[Example], task: TaskSpec,
                           bound_names: bool = False, framed: bool = True) -> str:
    """The reference of the builtins the examples and the task use, and a core set; on a
    scene with no frames (``framed`` false) without the frame functions, each of which is
    NoFrames there (a small model that read `clearly_seen` used it: 8 of 60 units lost)."""
    from spatial_dsl.lang.builtins import BUILTINS
    from spatial_dsl.lang.builtins.registry import needs_frames

    used = set(CORE_BUILTINS)
    texts = [e.program for e in examples]
    if task.template is not None:
        texts.append(task.template.text)
    for text in texts:
        used |= set(_CALLED.findall(text)) | {n for n in ("objects", "frames", "room")
                                             if re.search(rf"\b{n}\b", text)}
    lines = []
    for builtin in BUILTINS.values():
        if builtin.name not in used or (not framed and needs_frames(builtin)):
            continue
        for overload in builtin.overloads:
            sig = builtin.name if builtin.is_constant else overload.text
            lines.append(f"- {sig} — {builtin.doc}")
    from spatial_dsl.lang import types as T

    helpers = snippet("helpers:none" if grammar and bound_names else "helpers:def")
    text = render("system_compact.txt", builtins="\n".join(lines),
                  attributes=compact_attribute_lines(framed), units=", ".join(T.UNITS),
                  helpers=helpers)
    return text + _output_text(grammar, bound_names)


class TokenCounter:
    """Counts prompt tokens with the server's tokenizer where it offers one
    (llama-cpp-python ``POST /extras/tokenize``, llama.cpp and vLLM ``POST /tokenize``),
    else estimates 1 token per 3 characters (a safe over-estimate for English and code
    with BPE tokenizers; ``method`` says which was used). Each message of a chat adds
    a few template tokens, counted as 8."""

    PER_MESSAGE = 8

    def __init__(self, base_url: str | None, model: str | None):
        self.base_url = base_url
        self.model = model
        self.method = "estimate"
        self._endpoint: tuple[str, str] | None | bool = None if base_url else False

    def count(self, text: str) -> int:
        served = self._served(text)
        if served is not None:
            return served + 2 * self.PER_MESSAGE
        return -(-len(text) // 3) + 2 * self.PER_MESSAGE

    def _served(self, text: str) -> int | None:
        if self._endpoint is False:
            return None
        root = self.base_url.rstrip("/")
        root = root[:-3] if root.endswith("/v1") else root
        candidates = ([self._endpoint] if self._endpoint else
                      [(root + "/extras/tokenize", "input"), (root + "/tokenize", "content"),
                       (root + "/tokenize", "prompt")])
        for url, field in candidates:
            count = _post_tokenize(url, field, text, self.model)
            if count is not None:
                self._endpoint, self.method = (url, field), f"server ({url})"
                return count
        self._endpoint = False
        return None


def _post_tokenize(url: str, field: str, text: str, model: str | None) -> int | None:
    from .http import http_json

    body = {field: text}
    if field == "prompt" and model:
        body["model"] = model
    try:
        data = http_json(url, body, timeout=30)
    except Exception:  # any failure: this server has no such endpoint
        return None
    if isinstance(data, dict):
        if isinstance(data.get("count"), int):
            return data["count"]
        if isinstance(data.get("tokens"), list):
            return len(data["tokens"])
    return None


# ------------------------------------------------------------------------------- messages


class PromptBuilder:
    """Builds every message of a run; one per run, shared by the worker threads.

    With ``context`` (``--context``, the model's context window in tokens) each
    proposal is measured in tokens (``TokenCounter``: the server's tokenizer
    where it has one, else an estimate) and, when it would leave less than
    ``REPLY_RESERVE`` of the window for the reply and the repair rounds, the
    *compact* form is used: the system message lists only the builtins the
    task's worked examples and template use (plus a core set), without the
    rejection and decision tables, and at most ``COMPACT_EXAMPLES`` examples
    are shown. A prompt that does not fit even so is refused before any
    request (``PromptError``: a usage error).

    Under the scene grammar (a ``grammar`` mode with ``grammar_scope`` "scene")
    the names a program binds are fixed (``synth.canonical``): the system
    message says which, and the worked examples are shown in that canonical
    form (defs inlined, lets ``a``, ``b`` ..., lambda parameters ``o``, ``p``).
    """

    def __init__(self, grammar: str | bool | None = None, seed: int = 0,
                 context: int | None = None, base_url: str | None = None,
                 model: str | None = None, grammar_scope: str = "scene"):
        self.grammar = grammar
        self.seed = seed
        self.context = context
        self.bound_names = bool(grammar) and grammar_scope == "scene"
        self._system = system_message(grammar, self.bound_names)
        self._scene_parts: dict[str, tuple[str, ExampleSource]] = {}
        self._examples: dict[tuple[str, str], str] = {}
        self._compact: dict[tuple[str, str], tuple[str, str] | None] = {}
        self._tokens = TokenCounter(base_url, model) if context else None
        self._lock = threading.Lock()  # worker threads share the builder (and its engines)

    @property
    def system(self) -> str:
        return self._system

    def _scene(self, scene) -> tuple[str, ExampleSource]:
        if scene.id not in self._scene_parts:
            self._scene_parts[scene.id] = (scene_summary(scene),
                                           ExampleSource(scene, self.seed))
        return self._scene_parts[scene.id]

    def scene_parts(self, scene, task: TaskSpec) -> tuple[str, str]:
        """(scene summary, worked examples text) of a scene and task (computed once)."""
        with self._lock:
            summary, source = self._scene(scene)
            key = (scene.id, task.name)
            if key not in self._examples:
                self._examples[key] = examples_text(self._shown(source.examples(task), scene))
            return summary, self._examples[key]

    def _form(self, scene, task: TaskSpec) -> tuple[str, str, str]:
        """(system message, scene summary, examples) of the form that fits the context."""
        summary, examples = self.scene_parts(scene, task)
        if self.context is None:
            return self._system, summary, examples
        key = (scene.id, task.name)
        with self._lock:
            if key not in self._compact:
                self._compact[key] = self._fit(scene, task, summary, examples)
            system, examples = self._compact[key]
        return system, summary, examples

    def _fit(self, scene, task: TaskSpec, summary: str, examples: str) -> tuple[str, str]:
        full = self._tokens.count(self._system + "\n" + self._user(scene, task, summary,
                                                                     examples))
        if full + reply_reserve(self.context) <= self.context:
            return self._system, examples
        chosen = self._shown(self._sources(scene).examples(task), scene)[:COMPACT_EXAMPLES]
        system = compact_system_message(self.grammar, chosen, task, self.bound_names,
                                        framed=bool(scene.frames.count))
        short = examples_text(chosen)
        needed = self._tokens.count(system + "\n" + self._user(scene, task, summary, short))
        if needed + reply_reserve(self.context) > self.context:
            raise PromptError(f"the prompt for task {task.name} on {scene.id} needs {needed} "
                              f"tokens even in its compact form ({full} in full), and "
                              f"--context {self.context} leaves too little for the reply "
                              f"({reply_reserve(self.context)} tokens kept); give a model "
                              "with a larger context")
        return system, short

    def _shown(self, examples: list[Example], scene) -> list[Example]:
        """The examples as the prompt shows them: in canonical form under the scene grammar."""
        if not self.bound_names:
            return examples
        from .canonical import canonical_examples

        return canonical_examples(examples, scene)

    def _sources(self, scene) -> ExampleSource:
        return self._scene(scene)[1]

    def prompt_tokens(self, scene, task: TaskSpec) -> tuple[int, str]:
        """(tokens of the proposal prompt, how they were counted), for reports."""
        system, summary, examples = self._form(scene, task)
        counter = self._tokens or TokenCounter(None, None)
        text = system + "\n" + self._user(scene, task, summary, examples)
        return counter.count(text), counter.method

    def proposal(self, scene, task: TaskSpec, attempt: int, attempts: int) -> list[dict]:
        system, summary, examples = self._form(scene, task)
        user = self._user(scene, task, summary, examples, attempt, attempts)
        return [{"role": "system", "content": system}, {"role": "user", "content": user}]

    def _user(self, scene, task: TaskSpec, summary: str, examples: str, attempt: int = 0,
              attempts: int = 1) -> str:
        """A proposal's user message (of the first attempt, where the prompt is measured)."""
        return render("user.txt", scene_summary=summary, examples=examples,
                      task=task_text(task), attempt=attempt + 1, attempts=attempts,
                      this_request=this_request(scene, task, attempt, self.seed))

    def agreement(self, scene, task: TaskSpec, question: str) -> list[dict]:
        from spatial_dsl.lang.printer import format_string

        system, summary, examples = self._form(scene, task)
        user = render("agreement.txt", scene_summary=summary, examples=examples,
                      question=question, question_literal=format_string(question),
                      reading=reading_text(question))
        return [{"role": "system", "content": system}, {"role": "user", "content": user}]

    def examples_shown(self, scene, task: TaskSpec) -> str:
        """The worked examples text the prompt of this scene and task shows."""
        return self._form(scene, task)[2]

    def _reply_form(self) -> str:
        """How the reply carries the program: a fence, or bare under a GBNF grammar."""
        bare = self.grammar not in (None, False, True, "openai-tool")
        return snippet("reply_bare" if bare else "reply_fenced")

    def repair_compile(self, diagnostics: str, hints=()) -> str:
        return render("repair_compile.txt", diagnostics=diagnostics, hints=_hint_lines(hints),
                      reply_form=self._reply_form())

    def repair_identical(self, diagnostics: str, hints=()) -> str:
        first = hints[0].text if hints else snippet("identical_no_hint")
        return render("repair_identical.txt", diagnostics=diagnostics, edit=first,
                      reply_form=self._reply_form())

    def repair_fresh(self, scene, task: TaskSpec, question: str | None, program: str,
                     diagnostics: str, hints=(), resent: bool = False) -> list[dict]:
        """A compile repair as a conversation of its own: the system message, then one user
        message with the scene, what to write (the task, or an agreement's ``question``),
        the failing program, its failing lines and the fix hints -- no worked examples and
        no earlier turns, so the model is not shown its own reply to copy. ``resent``: the
        model sent this program twice; only the first hint is given, as the one edit."""
        from spatial_dsl.lang.printer import format_string

        system, summary, _examples = self._form(scene, task)
        if question is None:
            wanted = task_text(task)
        else:
            wanted = snippet("fresh:agreement_task", question=question,
                             question_literal=format_string(question))
        if resent:
            edit = hints[0].text if hints else snippet("identical_no_hint")
            hint_text = snippet("fresh:resent_hint", edit=edit)
        else:
            hint_text = _hint_lines(hints)
        user = render("repair_fresh.txt", scene_summary=summary, task=wanted,
                      intro=snippet("fresh:resent" if resent else "fresh:proposal"),
                      program=program if program.endswith("\n") else program + "\n",
                      diagnostics=diagnostics, hints=hint_text,
                      reply_form=self._reply_form())
        return [{"role": "system", "content": system}, {"role": "user", "content": user}]

    def repair_resample(self, opening: list[dict], errors, hints=()) -> list[dict]:
        """A compile repair as the conversation's first request again (``opening``), its last
        message followed by the errors (line: message) and the hints, without the failing
        program: a small model shown a program copies it."""
        lines = "\n".join(f"- line {d.span.line}: {d.message}" for d in errors)
        note = render("repair_resample.txt", errors=lines, hints=_hint_lines(hints),
                      reply_form=self._reply_form())
        last = opening[-1]
        return opening[:-1] + [{**last, "content": f"{last['content']}\n\n{note}"}]

    def repair_rejection(self, rendered: str, kind: str, hints=()) -> str:
        from spatial_dsl.lang.diagnostics import REJECTION_KINDS

        doc = REJECTION_KINDS.get(kind, "")
        kind_doc = f"{kind}: {doc}" if doc else kind
        if hints:
            kind_doc += "\n" + _hint_lines(hints)
        return render("repair_rejection.txt", rejection=rendered, kind_doc=kind_doc,
                      reply_form=self._reply_form())

    def repair_item(self, detail: str, check: str = "names_in_question") -> str:
        """The item round's message: what does not match, and how to mend it."""
        advice = snippet("item:distance" if check == "distance_reading" else "item:names")
        return render("repair_item.txt", detail=detail, advice=advice,
                      reply_form=self._reply_form())

    def repair_format(self, problem: str) -> str:
        return render("repair_format.txt", problem=snippet(f"format:{problem}"),
                      reply_form=self._reply_form())
