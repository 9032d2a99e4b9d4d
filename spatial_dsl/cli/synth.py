"""`spdsl synth`, `spdsl prompt` and `spdsl verify`: the LLM compile-and-verify loop.

    spdsl synth --scenes SCENES --tasks TYPES -n N -o OUT [--format jsonl|llava|parquet]
                [--model M] [--base-url URL] [--api-key-env NAME] [--temperature T]
                [--concurrency C] [--repairs R] [--k K] [--grammar] [--max-requests N]
                [--max-tokens-total N] [--cache DIR] ...
    spdsl prompt --scene S --task T          the exact messages of a proposal request
    spdsl verify PROGRAM --scene S           stability, type fit and degenerate checks

Exit codes of `synth` (see ``spatial_dsl.synth.run``): 0 every unit finished,
1 stopped early and resumable (budget, endpoint failing after all retries),
2 bad input or an endpoint that refuses the configuration (HTTP 401/403 stop at
once), 130 interrupted. `verify`: 0 every check passes, 1 a check fails or the
program is rejected on the scene, 2 bad input (a compile error, a bad scene).
"""

from __future__ import annotations

import argparse
import json
import os
import sys

from .common import compile_file, option_default, seed_arg
from .errors import EXIT_ERROR, EXIT_OK, EXIT_REJECTED, UsageError

BACKOFF_ENV = "SPDSL_SYNTH_BACKOFF"


# ------------------------------------------------------------------------------ synth


def cmd_synth(args) -> int:
    from ..synth.run import SynthOptions, SynthUsageError, run_synth

    if args.cache is not None:
        from ..outputs import output_dir

        output_dir(args.cache, option="--cache")
    backoff = args.backoff
    if backoff is None:
        try:
            backoff = float(os.environ.get(BACKOFF_ENV, option_default(SynthOptions, "backoff")))
        except ValueError:
            raise UsageError(f"{BACKOFF_ENV} must be a number of seconds") from None
    options = SynthOptions(
        scenes=[s for group in args.scenes for s in group],
        tasks=[t for group in args.tasks for t in group], n=args.n, out=args.output,
        fmt=args.format, model=args.model, base_url=args.base_url,
        api_key_env=args.api_key_env, temperature=args.temperature,
        concurrency=args.concurrency, repairs=args.repairs, k=args.k, grammar=args.grammar,
        grammar_scope=args.grammar_scope, context=args.context,
        repair_conversation=args.repair_conversation, cold_timeout=args.cold_timeout,
        max_requests=args.max_requests, max_tokens_total=args.max_tokens_total,
        max_reply_tokens=args.max_reply_tokens, cache=args.cache, timeout=args.timeout,
        retries=args.retries, backoff=backoff, price_in=args.price_in,
        price_out=args.price_out, seed=args.seed, send_seed=args.send_seed, walk=args.walk,
        stop_after_repeats=args.stop_after_repeats, progress=not args.quiet)
    try:
        result = run_synth(options)
    except SynthUsageError as exc:
        raise UsageError(str(exc)) from None
    from ..synth.report import summary

    print(summary(result.report, str(result.data_file), str(result.report_file)))
    stop = result.report["run"]
    if stop.get("stopped"):
        print(f"spdsl: {stop['message']}", file=sys.stderr)
    return result.exit_code


# ----------------------------------------------------------------------------- prompt


def cmd_prompt(args) -> int:
    from ..scenes.errors import SceneError
    from ..scenes.sources import load_scene
    from ..synth.prompts import PromptBuilder, PromptError, resolve_tasks

    try:
        scene = load_scene(args.scene)
    except SceneError as exc:
        raise UsageError(str(exc)) from None
    if args.walk is not None:
        scene = _walked(scene, args.walk, args.seed)
    try:
        tasks = resolve_tasks([args.task])
    except PromptError as exc:
        raise UsageError(str(exc)) from None
    if len(tasks) != 1:
        raise UsageError(f"--task must name one task, not {len(tasks)}")
    if args.attempt < 0 or args.attempts < 1 or args.attempt >= args.attempts:
        raise UsageError("need 0 <= --attempt < --attempts")
    builder = PromptBuilder(args.grammar, args.seed, context=args.context,
                            base_url=args.base_url, model=args.model,
                            grammar_scope=args.grammar_scope)
    try:
        if args.agreement is not None:
            messages = builder.agreement(scene, tasks[0], args.agreement)
        else:
            messages = builder.proposal(scene, tasks[0], args.attempt, args.attempts)
    except PromptError as exc:
        raise UsageError(str(exc)) from None
    if args.json:
        from ..synth.grammar import request_fields

        # the grammar fields exactly as synth sends them (tools and tool_choice, or the
        # GBNF grammar field)
        body = {"messages": messages, **request_fields(args.grammar, args.grammar_scope,
                                                        scene, tasks[0].grammar_answer)}
        print(json.dumps(body, indent=1, ensure_ascii=False))
        return EXIT_OK
    if args.tokens:
        count, method = builder.prompt_tokens(scene, tasks[0])
        print(f"=== {count} prompt tokens ({method}) ===")
    for message in messages:
        print(f"=== {message['role']} ===")
        print(message["content"])
    return EXIT_OK


def _walked(scene, walk: int, seed: int):
    """The scene as `synth --walk` gives it to the loop."""
    from ..generation import walk_problem
    from ..scenes.format import scene_from_json
    from ..synth.run import run_scene_text

    if problem := walk_problem(walk):
        raise UsageError(problem)
    return scene_from_json(run_scene_text(scene, walk, seed), scene.id)


# ----------------------------------------------------------------------------- verify


def _verify_template(name: str | None):
    """The task template ``verify --task`` names (None without the flag)."""
    if name is None:
        return None
    from ..synth.prompts import PromptError, resolve_tasks

    try:
        tasks = resolve_tasks([name])
    except PromptError as exc:
        raise UsageError(f"--task: {exc}") from None
    if not tasks or tasks[0].template is None:
        raise UsageError(f"--task {name!r}: give a task template's name or file")
    return tasks[0].template


def cmd_verify(args) -> int:
    from ..api import Program
    from ..runtime.jitter import DEFAULT_RADIUS, DEFAULT_TRIALS, jittered_scenes
    from ..scenes.errors import SceneError
    from ..scenes.names import SceneNameTable
    from ..scenes.sources import load_scene
    from ..synth.verify import (
        degenerate, item_checks, render_rejection, self_answer, stability, task_fit,
        without_structure,
    )
    from ..seeds import derive_seed

    template = _verify_template(args.task)
    try:
        scene = load_scene(args.scene)
    except SceneError as exc:
        raise UsageError(str(exc)) from None
    checked = compile_file(args.program, SceneNameTable(scene))
    if not checked.ok:
        from spatial_dsl.lang.diagnostics import render_all_text

        print(render_all_text(checked.diagnostics, checked.source), file=sys.stderr)
        return EXIT_ERROR
    if checked.task is not None:
        raise UsageError(f"{args.program} is a task template; give a program")
    program = Program(checked)
    result = program.run(scene)
    if not result.ok:
        if args.json:
            print(json.dumps({"rejected": result.rejection.to_json(), "checks": []}))
        else:
            print(render_rejection(result.rejection, checked.source))
        return EXIT_REJECTED
    seed = derive_seed(args.seed, scene.id, "jitter") % (2 ** 63)
    trials = jittered_scenes(scene, DEFAULT_TRIALS, DEFAULT_RADIUS, seed)
    answer = result.answer
    question = checked.question
    checks = [stability(program, scene, trials, answer)]
    if question:  # every check synth runs on an item, in its order
        checks += item_checks(question, checked, scene, answer, template=template,
                              bare=without_structure(scene))
    else:
        checks += [self_answer(checked.program, scene, answer), degenerate(None, answer)]
        if template is not None:
            checks.append(task_fit(template, answer, checked.program))
    ok = all(c.ok for c in checks)
    if args.json:
        print(json.dumps({"question": question, **answer.to_json(),
                          "checks": [c.to_json() for c in checks], "ok": ok},
                         ensure_ascii=False))
    else:
        unit = f" {answer.unit}" if answer.unit else ""
        print(f"answer: {answer.text}{unit} ({answer.type})")
        for c in checks:
            print(f"{c.name}: {'pass' if c.ok else 'FAIL'} — {c.detail}")
        if not question:
            print("type_fit: skipped — the program has no question")
    return EXIT_OK if ok else EXIT_REJECTED


# ----------------------------------------------------------------------------- parser


def _int(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer, got {text!r}") from None


def _float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise argparse.ArgumentTypeError(f"expected a finite number, got {text!r}")
    return value


def register(sub) -> None:
    from ..synth.run import SynthOptions

    def default(name: str):  # the library's default, written once (SynthOptions)
        return option_default(SynthOptions, name)

    syn = sub.add_parser(
        "synth", help="LLM-written questions and programs, compiled, run and verified",
        description="Ask an LLM (any OpenAI-compatible chat-completions endpoint) for "
        "questions and SpatialDSL programs; compile, run and verify them; write the "
        "accepted items as a dataset with report.json. Resumable: rerun the same command. "
        "Exit 0 done, 1 stopped early (budget, endpoint unavailable; rerun to resume), "
        "2 bad input or the endpoint refused the credentials/configuration, 130 "
        "interrupted.")
    syn.add_argument("--scenes", action="append", nargs="+", required=True, metavar="SCENES",
                     help="scene files, directories, ithor:FloorPlanN, globs; comma lists")
    syn.add_argument("--tasks", action="append", nargs="+", required=True, metavar="TYPES",
                     help="task template names (stdlib/tasks), files, `all`, or a free "
                     "description of the questions wanted (an argument with spaces)")
    syn.add_argument("-n", type=_int, required=True, metavar="N",
                     help="proposals (work units) per scene and task, at most; each gives at "
                     "most one item (see --stop-after-repeats)")
    syn.add_argument("-o", "--output", required=True, metavar="OUT",
                     help="output directory (created; a rerun resumes it)")
    syn.add_argument("--format", choices=("jsonl", "llava", "parquet"), default=default("fmt"))
    syn.add_argument("--model", default=default("model"),
                     help=f"model name (default {default('model')})")
    syn.add_argument("--base-url", metavar="URL",
                     help="endpoint, e.g. http://localhost:8000/v1 (default: OPENAI_BASE_URL "
                     "or OpenAI)")
    syn.add_argument("--api-key-env", metavar="NAME",
                     help="read the API key from this environment variable (default "
                     "OPENAI_API_KEY; none is needed by most local servers)")
    syn.add_argument("--temperature", type=_float, metavar="T",
                     help="sampling temperature (default: not sent, the server's default)")
    syn.add_argument("--concurrency", type=_int, default=default("concurrency"), metavar="C",
                     help=f"parallel requests (threads; default {default('concurrency')})")
    syn.add_argument("--repairs", type=_int, default=default("repairs"), metavar="R",
                     help=f"repair rounds per conversation (default {default('repairs')})")
    syn.add_argument("--k", type=_int, default=default("k"), metavar="K",
                     help="independent programs that must agree per question (default "
                     f"{default('k')})")
    syn.add_argument("--grammar", nargs="?", const="auto", metavar="MODE",
                     choices=("openai-tool", "vllm", "llama.cpp", "auto"),
                     help="constrain decoding by the grammar: openai-tool (OpenAI custom tool, "
                     "Lark), vllm (structured_outputs.grammar, GBNF), llama.cpp (grammar, "
                     "GBNF), auto (ask the server; the default when MODE is left out)")
    syn.add_argument("--grammar-scope", choices=("scene", "syntax"),
                     default=default("grammar_scope"),
                     help="scene: the scene- and type-constrained grammar (default); syntax: "
                     "the language's grammar only")
    syn.add_argument("--context", type=_int, metavar="TOKENS",
                     help="the model's context window: the prompt is measured (the server's "
                     "tokenizer, else an estimate) and made compact when the full one would "
                     "not leave room for the reply")
    syn.add_argument("--repair-conversation",
                     choices=("auto", "continue", "fresh", "resample"),
                     default=default("repair_conversation"),
                     help="a compile repair as a further turn of the conversation (continue), "
                     "as a fresh conversation with only the failing program, its failing "
                     "lines and the hints (fresh), or as the unit's first request again with "
                     "the errors and hints but not the program (resample); auto (default): "
                     "resample when --context is 8192 or less, else continue")
    syn.add_argument("--max-requests", type=_int, metavar="N",
                     help="stop after N HTTP requests (retries included)")
    syn.add_argument("--max-tokens-total", type=_int, metavar="N",
                     help="stop once N prompt + completion tokens are spent")
    syn.add_argument("--max-reply-tokens", type=_int, metavar="N",
                     help="the reply's token limit: max_completion_tokens, and max_tokens "
                     "too for a --base-url that is not OpenAI's (default: not sent)")
    syn.add_argument("--cache", metavar="DIR", help="request cache (default OUT/cache)")
    syn.add_argument("--timeout", type=_float, default=default("timeout"), metavar="S",
                     help="seconds per request, the whole request (default "
                     f"{default('timeout'):g})")
    syn.add_argument("--cold-timeout", type=_float, default=default("cold_timeout"),
                     metavar="S",
                     help="seconds for requests before the run's first reply, when a local "
                     "server may still be reading the long prompt for the first time "
                     f"(default {default('cold_timeout'):g})")
    syn.add_argument("--retries", type=_int, default=default("retries"), metavar="N",
                     help="retries on 429/5xx/timeouts/connection errors (default "
                     f"{default('retries')})")
    syn.add_argument("--backoff", type=_float, metavar="S",
                     help="first retry delay, doubled each retry (default "
                     f"{default('backoff'):g} s, or "
                     f"${BACKOFF_ENV}); Retry-After wins")
    syn.add_argument("--price-in", type=_float, default=default("price_in"), metavar="USD",
                     help="price per 1M prompt tokens, for the cost estimate")
    syn.add_argument("--price-out", type=_float, default=default("price_out"), metavar="USD",
                     help="price per 1M completion tokens")
    syn.add_argument("--seed", type=seed_arg, default=default("seed"),
                     help="seed of the examples, the jitter and --send-seed (default "
                     f"{default('seed')})")
    syn.add_argument("--send-seed", action="store_true",
                     help="send a per-request `seed` derived from --seed (vLLM, llama.cpp)")
    syn.add_argument("--walk", type=_int, metavar="N",
                     help="give every scene without frames a camera walk of N frames first, "
                     "as generate --walk does: frame functions then work on it, and the "
                     "items of image and video tasks are video items (a scene task's, such "
                     "as room size, stay scene items)")
    syn.add_argument("--stop-after-repeats", type=_int, default=default("stop_after_repeats"),
                     metavar="N",
                     help="once N attempts of a scene and task in a row each repeated an item "
                     "it had accepted, skip its remaining attempts without a request; the "
                     "attempts of one scene and task then run in turn (default "
                     f"{default('stop_after_repeats')}; 0: never)")
    syn.add_argument("-q", "--quiet", action="store_true", help="no progress line")
    syn.set_defaults(handler=cmd_synth)

    prompt = sub.add_parser("prompt", help="print the exact prompt of a synth request",
                            description="Print the messages `spdsl synth` sends for one "
                            "proposal (system + user).")
    prompt.add_argument("--scene", required=True, metavar="SCENE")
    prompt.add_argument("--task", required=True, metavar="TASK",
                        help="a task template name or a free description")
    prompt.add_argument("--attempt", type=_int, default=0, metavar="J",
                        help="the unit's attempt number (0-based, default 0)")
    prompt.add_argument("--attempts", type=_int, default=1, metavar="N",
                        help="the run's -n (default 1)")
    prompt.add_argument("--agreement", metavar="QUESTION",
                        help="print the agreement request for this question instead")
    prompt.add_argument("--grammar", choices=("openai-tool", "vllm", "llama.cpp"),
                        help="as with synth --grammar MODE (no auto here)")
    prompt.add_argument("--grammar-scope", choices=("scene", "syntax"),
                        default=default("grammar_scope"))
    prompt.add_argument("--context", type=_int, metavar="TOKENS",
                        help="as with synth --context: the form that fits")
    prompt.add_argument("--base-url", metavar="URL",
                        help="a server whose tokenizer measures the prompt (with --context)")
    prompt.add_argument("--model", default=None, help="model name for the tokenizer")
    prompt.add_argument("--tokens", action="store_true",
                        help="print the prompt's size in tokens first")
    prompt.add_argument("--seed", type=seed_arg, default=default("seed"))
    prompt.add_argument("--walk", type=_int, metavar="N",
                        help="as with synth --walk N: the scene as the loop sees it then")
    prompt.add_argument("--json", action="store_true",
                        help="the request's messages and grammar fields as JSON")
    prompt.set_defaults(handler=cmd_prompt)

    verify = sub.add_parser("verify", help="run the verification checks on one program",
                            description="Run a program on a scene and check stability "
                            "(2 cm jitter, 8 trials), type fit and degeneracy. Exit 0 if "
                            "all pass, 1 if one fails or the program is rejected, 2 on bad "
                            "input.")
    verify.add_argument("program", metavar="PROGRAM")
    verify.add_argument("--scene", required=True, metavar="SCENE")
    verify.add_argument("--seed", type=seed_arg, default=default("seed"),
                        help=f"jitter seed (default {default('seed')})")
    verify.add_argument("--task", metavar="TASK",
                        help="the task template the item is for: also check that the "
                        "answer is of the task's kind (task_fit, as synth does)")
    verify.add_argument("--json", action="store_true")
    verify.set_defaults(handler=cmd_verify)

