"""One work unit of `spdsl synth`: propose, compile, run, verify, record.

A unit is ``(scene, task, attempt)``: one proposal conversation for one scene and
one kind of question, which yields at most one item. Its requests depend only on
the scene, the task, the attempt number and the items earlier attempts of the
scene and task got accepted, so units of different scenes or tasks run in any
order, on any number of threads, and a rerun makes the very same requests (served
by the cache). Which unit runs when is ``synth.schedule``'s.

The conversation (``converse``)
-------------------------------
1. Send the messages; take the reply's program (``extract.extract_program``; in
   grammar mode the custom tool call's input; several tool calls count as
   several programs). A reply the server cut off at the token limit
   (``finish_reason: "length"``) is the failure ``truncated``, whatever it holds.
2. A reply without a usable program is a counted failure (``reply_failure:*``);
   the problem is explained (``prompts/repair_format.txt``) and the model asked
   again, using one of the ``repairs`` rounds.
3. Compile against the scene (names checked against its categories and labels).
   Diagnostics go back verbatim (``render_all_text``, exactly what ``spdsl
   check`` prints: each failing line with carets) with one hint per error that
   says what to type (``synth.hints``) in ``prompts/repair_compile.txt``, using a
   round. A program counts as a *parse* failure when it has an E-SYNTAX, E-LIMIT
   or E-ANSWER error, else as a *type* failure (E-TYPE, E-NAME, E-ARITY, E-UNIT,
   E-SCENE-NAME). A failing program identical to one the model already sent in
   this conversation (as the printer writes it, so spacing, parentheses and
   comments do not count; up to whitespace when it does not parse) is an
   *identical resend*: the first is answered with a sharper message
   (``prompts/repair_identical.txt``: "you sent the same program; make exactly
   this edit"), a second closes the conversation (``identical_resend``). Each
   hint kind given is counted (``hint_given:<kind>``), and counted as repaired
   (``hint_repaired:<kind>``) when the next program compiles.

   With ``--repair-conversation fresh`` a compile repair is not a further turn of the
   conversation but a *fresh conversation* (``PromptBuilder.repair_fresh``,
   ``prompts/repair_fresh.txt``): the system message and one user message with
   the scene, what to write, the failing program, its failing lines and the
   hints ("this program does not compile; write the corrected program"). Small
   models resend their own last reply: Qwen2.5-Coder-1.5B sent the same program
   back in 13 of 14 continued conversations, whatever the hint. The repair
   rounds, the identical-resend rule and the counters are the same; a run-time
   rejection or a format problem is still answered in the conversation at hand.
   With ``--repair-conversation resample`` the repair is the conversation's first
   request again, its last message followed by the errors (line and message,
   ``prompts/repair_resample.txt``) and the hints but not the failing program: a
   model that copies whatever program it is shown is asked for a new one, told
   what to avoid and what to type (the default for a small ``--context``: on the
   same 60 units Qwen2.5-Coder-1.5B reached a compiling program in 14 of 18
   resampled repairs and 3 of 18 fresh ones).
4. Run on the scene. A rejection goes back once (``prompts/repair_rejection.txt``,
   not counted against ``repairs``); a second rejection drops the unit.
5. When no rounds are left the unit is dropped (reason ``reply:<problem>`` or
   ``compile``).

Verification (``run_unit``)
---------------------------
In order, stopping at the first failure (cheap local checks before the ones that
cost requests): type fit, not degenerate, stability (8 jittered trials), then
agreement: ``k - 1`` further programs for the same question, each from a fresh
conversation (``prompts/agreement.txt``, sample tags ``agree1`` ...; they get the
same repair rounds), must give the same answer (numbers within 1 %). Before all of
them, the `new` check against the items earlier attempts of the scene and task got
accepted (those finished when the unit started): a repeat is rejected before any
sample is spent on it. The driver applies the check again over the whole run, in
unit order, so the dataset does not depend on which units had finished.
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field

from spatial_dsl.lang.check.checker import compile_source
from ..datasets import RECORD_KEYS
from ..naming import ObjectNames, in_words
from spatial_dsl.lang.diagnostics import render_all_text
from .client import LLMClient, Reply, RequestRejected
from .extract import extract_program
from .hints import rejection_hint, repair_hints
from .prompts import PromptBuilder, TaskSpec
from .verify import (
    answers_agree, conversion_unit, item_checks, item_modality, render_rejection,
    says_what_it_computes, stability,
)

PROGRAM_NAME = "program.sp"
PARSE_CODES = ("E-SYNTAX", "E-LIMIT", "E-ANSWER")


@dataclass(frozen=True)
class Unit:
    position: int  # order of the unit in the run (the dataset's order)
    scene_index: int
    scene_id: str
    task: TaskSpec
    attempt: int

    @property
    def id(self) -> str:
        """``<scene id>/<task>/llm-<attempt>``: never the id of a template item
        (``<scene id>/<task>/<binding>``), so the two kinds of datasets can be merged."""
        return f"{self.scene_id}/{self.task.name}/llm-{self.attempt}"

    def log_entry(self) -> dict:
        """The unit's ``units.jsonl`` entry before anything is known of its outcome."""
        return {"unit": self.id, "position": self.position, "scene": self.scene_id,
                "task": self.task.name, "attempt": self.attempt, "status": "dropped",
                "reason": None, "detail": None, "question": None, "answer": None,
                "program": None, "samples": [], "record": None}


@dataclass
class SceneState:
    """A scene as written to OUT/scenes, with what the loop needs of it."""

    scene: object  # scenes.model.Scene
    scene_file: str  # relative to the output directory
    seed: int = 0
    names: object = None
    grammar_fields: dict = field(default_factory=dict)  # answer kind -> request fields
    _jittered: list | None = None
    _bare: object = False  # the scene without floors, walls, ceilings (False: not made yet)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self):
        from ..scenes.names import SceneNameTable

        self.names = SceneNameTable(self.scene)

    @property
    def jittered(self) -> list:
        with self._lock:
            if self._jittered is None:
                from ..runtime.jitter import DEFAULT_RADIUS, DEFAULT_TRIALS, jittered_scenes
                from ..tasks import derive_seed

                seed = derive_seed(self.seed, self.scene.id, "jitter") % (2 ** 63)
                self._jittered = jittered_scenes(self.scene, DEFAULT_TRIALS, DEFAULT_RADIUS,
                                                 seed)
            return self._jittered

    @property
    def bare(self):
        """The scene without its floors, walls and ceilings (``verify.without_structure``)."""
        with self._lock:
            if self._bare is False:
                from .verify import without_structure

                self._bare = without_structure(self.scene)
            return self._bare

    @property
    def frames(self) -> list[int]:
        return [int(i) for i in self.scene.frames.index]


@dataclass
class LoopOptions:
    n: int
    k: int = 2
    repairs: int = 2
    seed: int = 0
    send_seed: bool = False
    grammar: str | None = None  # the resolved --grammar mode
    grammar_scope: str = "scene"
    # how a compile repair is asked (the resolved --repair-conversation): continue, fresh,
    # resample
    repair_mode: str = "continue"


@dataclass
class Success:
    program: str
    checked: object
    result: object  # api.Result


@dataclass
class Failure:
    reason: str


class Loop:
    def __init__(self, client: LLMClient, prompts: PromptBuilder, scenes: list[SceneState],
                 options: LoopOptions):
        self.client = client
        self.prompts = prompts
        self.scenes = scenes
        self.options = options

    # --------------------------------------------------------------- conversation

    def _seed(self, unit: Unit, sample: str) -> int | None:
        if not self.options.send_seed:
            return None
        from ..tasks import derive_seed

        return derive_seed(self.options.seed, unit.id, sample) % (2 ** 31)

    def converse(self, unit: Unit, state: SceneState, messages: list[dict], sample: str,
                 counters: Counter, question: str | None = None) -> Success | Failure:
        """One conversation; ``question``: the fixed question of an agreement sample."""
        from ..api import Program

        rounds_left = self.options.repairs
        hint_used = False
        causes: list[str] = []
        seed = self._seed(unit, sample)
        extra = self.grammar_fields(state, unit.task)
        failed: set[str] = set()  # the failing programs sent so far (normalised)
        sent: list[str] = []  # every program sent so far (for lost `let` lines)
        sharpened = False
        pending_hints: set[str] = set()  # hint kinds of the last repair message
        first = sample == "propose"
        repairing = False  # a compile or format failure waits for a program that compiles
        opening = messages  # the conversation's first request (resampled repairs resend it)
        repair_counted = False
        while True:
            try:
                reply = self.client.complete(messages, sample, seed, extra)
            except RequestRejected as exc:
                counters[f"request_rejected:{exc.status}"] += 1
                return Failure(f"request_rejected:{exc.status}")
            counters["replies"] += 1
            counters["tokens_prompt"] += reply.prompt_tokens
            counters["tokens_completion"] += reply.completion_tokens
            text, problem = _reply_program(reply)
            if reply.finish_reason == "length":
                text, problem = None, "truncated"
            cause = fresh = None
            if problem is None:
                checked = compile_source(text, PROGRAM_NAME, state.names)
                if checked.ok and checked.task is not None:
                    problem = "task_template"
            compiled = problem is None and checked.ok
            if problem is None:
                sent.append(text)
            if first:  # "first-try compile rate": the proposal's first reply passes check
                counters["first_reply"] += 1
                counters["first_reply_compiled"] += int(compiled)
                first = False
            if repairing and compiled:
                counters["compile_repair_compiled"] += 1
                repairing = False
            elif not compiled and not repair_counted:
                counters["compile_repair_conversations"] += 1
                repairing = repair_counted = True
            for kind in pending_hints:
                counters[f"hint_given:{kind}"] += 1
                counters[f"hint_repaired:{kind}"] += int(compiled)
            pending_hints = set()
            if problem is not None:
                counters[f"reply_failure:{problem}"] += 1
                feedback, cause = self.prompts.repair_format(problem), "format"
            elif not checked.ok:
                errors = [d for d in checked.diagnostics if d.severity == "error"]
                kind = "parse" if any(d.code in PARSE_CODES for d in errors) else "type"
                counters[f"compile_failure:{kind}"] += 1
                for d in errors:
                    counters[f"diagnostic:{d.code}"] += 1
                rendered = render_all_text(checked.diagnostics, checked.source)
                hints = repair_hints(checked, state.scene,
                                     self.prompts.examples_shown(state.scene, unit.task),
                                     sent)
                normal = _normal(text, checked)
                resent = normal in failed
                if resent:
                    counters["repair_identical"] += 1
                    if sharpened or rounds_left <= 0:
                        return Failure("identical_resend")
                    sharpened = True
                mode = self.options.repair_mode
                if mode == "resample":
                    fresh = self.prompts.repair_resample(opening, errors, hints)
                    # a request sent again must not draw the same sample again
                    seed = self._seed(unit, f"{sample}:resample{len(failed)}")
                elif mode == "fresh":
                    fresh = self.prompts.repair_fresh(state.scene, unit.task, question, text,
                                                      rendered, hints, resent)
                elif resent:
                    feedback = self.prompts.repair_identical(rendered, hints)
                else:
                    feedback = self.prompts.repair_compile(rendered, hints)
                failed.add(normal)
                pending_hints = {h.kind for h in hints} or {"none"}
                cause = "compile"
            else:
                result = Program(checked).run(state.scene)
                unsaid = (_unsaid_object(checked, state.scene)
                          if result.ok and sample == "propose" else None)
                if result.ok and (unsaid is None or hint_used):
                    # a question still unmended is the verification's to reject
                    mended = {c for c in causes if c != "item" or unsaid is None}
                    for c in sorted(mended):
                        counters[f"repair_success:{c}"] += 1
                    if mended:
                        counters["repaired"] += 1
                    return Success(text, checked, result)
                if unsaid is not None:  # the rejection round, spent on the question's words
                    hint_used = True
                    counters[f"item_repair:{unsaid.name}"] += 1
                    feedback = self.prompts.repair_item(unsaid.detail, unsaid.name)
                    cause = "item"
                    counters[f"repair_attempt:{cause}"] += 1
                    causes.append(cause)
                    messages = messages + [reply.message] + _feedback(reply, feedback)
                    continue
                kind = result.rejection.kind
                counters[f"rejection:{kind}"] += 1
                if hint_used:
                    return Failure(f"rejected:{kind}")
                hint_used = True
                hint = rejection_hint(result.rejection, checked.source, state.scene)
                feedback = self.prompts.repair_rejection(
                    render_rejection(result.rejection, checked.source), kind,
                    [hint] if hint else [])
                if hint:
                    pending_hints = {hint.kind}
                cause = "rejection"
            if cause != "rejection":
                if rounds_left <= 0:
                    return Failure(f"reply:{problem}" if problem else "compile")
                rounds_left -= 1
            counters[f"repair_attempt:{cause}"] += 1
            causes.append(cause)
            if fresh is not None:
                counters["repair_fresh"] += 1
                messages = fresh
            else:
                messages = messages + [reply.message] + _feedback(reply, feedback)

    def grammar_fields(self, state: SceneState, task) -> dict:
        """The grammar fields of the requests for a scene and task (computed once per scene
        and kind of answer)."""
        if not self.options.grammar:
            return {}
        kind = task.grammar_answer
        with state._lock:
            if kind not in state.grammar_fields:
                from .grammar import request_fields

                state.grammar_fields[kind] = request_fields(
                    self.options.grammar, self.options.grammar_scope, state.scene, kind)
            return state.grammar_fields[kind]

    # ----------------------------------------------------------------------- unit

    def run_unit(self, unit: Unit, earlier: tuple[dict, ...] = ()) -> dict:
        """The log entry of a finished unit (raises client.LLMStop if the run stops).
        ``earlier``: the records accepted by earlier attempts of the unit's scene and task
        that had finished when it started (all of them at ``--concurrency 1``)."""
        state = self.scenes[unit.scene_index]
        counters: Counter = Counter(proposals=1)
        entry = unit.log_entry()
        messages = self.prompts.proposal(state.scene, unit.task, unit.attempt, self.options.n)
        first = self.converse(unit, state, messages, "propose", counters)
        if isinstance(first, Failure):
            counters[f"dropped:{first.reason}"] += 1
            entry["reason"] = first.reason
            return self._finish(entry, counters)
        names = ObjectNames.of(state.scene, self.options.seed)
        answer = in_words(first.result.answer, names).answer  # objects in words, ids kept
        question = first.checked.question
        entry.update(question=question, answer=_answer_json(answer), program=first.program)
        repeated = _repeated(earlier, unit.scene_id, question, answer)
        if repeated is not None:  # before any check: no sample is spent on a repeat
            return self._reject(entry, counters, "new", f"repeats the item of {repeated}")
        # one decision for the check (clearly_visible) and for the record
        modality = item_modality(unit.task.template, first.checked.program, state.scene,
                                 answer)
        for result in self._checks(unit, state, first, answer, modality):
            if not result.ok:
                return self._reject(entry, counters, result.name, result.detail)
        for s in range(1, self.options.k):
            counters["agreement_samples"] += 1
            other = self.converse(unit, state,
                                  self.prompts.agreement(state.scene, unit.task, question),
                                  f"agree{s}", counters, question)
            if isinstance(other, Failure):
                entry["samples"].append({"sample": s, "failure": other.reason})
                return self._reject(entry, counters, "agreement",
                                    f"sample {s} gave no answer ({other.reason})")
            theirs = in_words(other.result.answer, names).answer
            entry["samples"].append({"sample": s, "program": other.program,
                                     "answer": _answer_json(theirs)})
            units = (conversion_unit(first.checked.program),
                     conversion_unit(other.checked.program))
            if not answers_agree(answer, theirs, units=units):
                return self._reject(entry, counters, "agreement",
                                    f"sample {s} answered {_shown(theirs)}, not {_shown(answer)}")
        counters["verified"] += 1
        entry["status"] = "accepted"
        entry["record"] = self._record(unit, state, question, answer, first.program, modality)
        return self._finish(entry, counters)

    def _checks(self, unit: Unit, state: SceneState, first: Success, answer, modality: str):
        """The verification checks of a proposal, lazily (the first that fails ends it), the
        costliest, stability, last."""
        from ..api import Program

        yield from item_checks(first.checked.question, first.checked, state.scene, answer,
                               template=unit.task.template,
                               shown=self.prompts.examples_shown(state.scene, unit.task),
                               bare=state.bare, raw_answer=first.result.answer,
                               modality=modality)
        yield stability(Program(first.checked), state.scene, state.jittered, answer)

    @staticmethod
    def _reject(entry: dict, counters: Counter, check: str, detail: str) -> dict:
        counters[f"verify_failure:{check}"] += 1
        entry.update(status="rejected", reason=f"verify:{check}", detail=detail)
        return Loop._finish(entry, counters)

    @staticmethod
    def _finish(entry: dict, counters: Counter) -> dict:
        entry["counters"] = dict(sorted(counters.items()))
        return entry

    def _record(self, unit: Unit, state: SceneState, question: str, answer, program: str,
                modality: str) -> dict:
        """The dataset record; a video item is over all the scene's frames."""
        record = {
            "id": unit.id, "scene": state.scene.id, "scene_file": state.scene_file,
            "task": unit.task.name, "modality": modality,
            "frames": state.frames if modality == "video" else [], "question": question,
            "answer": answer.text, "answer_ids": answer.ids, "answer_type": answer.type,
            "unit": answer.unit, "choices": None, "choice_ids": None, "answer_choice": None,
            "program": program, "params": {}, "producer": "llm",
            "seed": self.options.seed,
        }
        return {k: record[k] for k in RECORD_KEYS}


def _repeated(earlier: tuple[dict, ...], scene_id: str, question: str, answer) -> str | None:
    """The id of the earlier record this item repeats (the `new` check's key), or None."""
    from .verify import dedupe_key

    key = dedupe_key(scene_id, question, answer)
    return next((r["id"] for r in earlier if dedupe_key(r["scene"], r["question"], r) == key),
                None)


def _reply_program(reply: Reply) -> tuple[str | None, str | None]:
    """(program text, problem) of a reply: a tool call's input, else the message text."""
    if len(reply.tool_calls) > 1:
        return None, "several_programs"
    text = reply.tool_calls[0].input if reply.tool_calls else reply.content
    extracted = extract_program(text)
    return extracted.program, extracted.problem


def _normal(text: str, checked) -> str:
    """A failing program as compared for identical resends: as the printer writes it when it
    parses (spacing, parentheses and comments do not count), else its words."""
    parsed = checked.program.statements and not any(
        d.code == "E-SYNTAX" for d in checked.diagnostics)
    if parsed:
        from spatial_dsl.lang.printer import print_program

        return print_program(checked.program)
    return " ".join(text.split())


def _unsaid_object(checked, scene):
    """The first failing check of ``says_what_it_computes`` (the question names the program's
    objects, says which one and which distance), or None. The proposal gets one round to mend
    it, as for a run-time rejection: under the scene grammar a small model asking about "the
    StoveBurner" (4 burners) is led to another name."""
    return next((c for c in says_what_it_computes(checked.question, checked, scene)
                 if not c.ok), None)


def _feedback(reply: Reply, text: str) -> list[dict]:
    """The next message(s): tool results answering tool calls, else a user message."""
    if not reply.tool_calls:
        return [{"role": "user", "content": text}]
    return [{"role": "tool", "tool_call_id": call.id, "content": text if i == 0 else
             "(ignored: send one program)"} for i, call in enumerate(reply.tool_calls)]


def _answer_json(answer) -> dict:
    return {"answer": answer.text, "type": answer.type, "unit": answer.unit}


def _shown(answer) -> str:
    return repr(answer.text + (f" {answer.unit}" if answer.unit else ""))
