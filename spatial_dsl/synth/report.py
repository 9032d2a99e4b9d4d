"""``report.json`` of a synth run and its printed summary.

Item counts cover every finished unit of the output directory (a resumed run
reports the whole dataset); the ``run`` section covers this invocation only
(network requests, retries, errors, wall time, why it stopped).

Keys:

- ``units``: ``total``, ``done``, ``pending`` (not finished: budget, stop,
  internal error), ``resumed`` (finished by an earlier invocation), ``skipped``
  (done without a request: their scene and task were exhausted,
  ``--stop-after-repeats``, ``synth.schedule``);
- ``proposals``: proposal conversations (one per finished unit); ``replies``:
  model replies read (proposals, repairs and agreement samples);
- ``reply_failures``: replies without a usable program, by problem (``empty``,
  ``prose``, ``several_programs``, ``no_question``, ``invalid_utf8``,
  ``too_long``, ``task_template``);
- ``compile_failures``: ``parse`` / ``type`` (programs that did not compile) and
  ``diagnostics`` (error codes);
- ``repairs``: ``attempted`` and ``succeeded`` by cause (``format``, ``compile``,
  ``rejection``), ``conversations_repaired``, ``identical_resends`` (a failing
  program sent again unchanged), ``fresh_conversations`` (compile repairs asked
  in a conversation of their own, ``--repair-conversation fresh``) and
  ``hints``: per hint kind (``synth.hints``) how
  often it was given and how often the next program compiled;
  ``compile_conversations`` (conversations with a compile or format failure) and
  ``compile_conversations_fixed`` (those that then reached a program that
  compiles: the repair success rate);
- ``first_try``: the proposals' first replies, and how many of them compiled
  (passed ``spdsl check --scene``);
- ``rejections``: run-time rejections by kind (each time a program was rejected);
- ``dropped``: units that ended without a running program, by reason
  (``compile``, ``reply:<problem>``, ``rejected:<Kind>``, ``request_rejected:<status>``);
- ``verification_failures``: by check (each of ``CHECKS``: ``type_fit``, ``task_fit``,
  ``placeholder``, ``names_in_question`` ... ``agreement``, ``new``);
- ``accepted``, ``acceptance_rate`` (accepted / proposals), ``per_task``
  (``proposals``, ``verified``, ``skipped``);
- ``tokens``: prompt / completion tokens of every reply the finished units used
  (whether it came from the network or the cache: what the dataset cost);
- ``cost``: with ``--price-in`` / ``--price-out`` (USD per 1M tokens): total and
  per accepted item;
- ``run``: this invocation: ``requests`` (``network`` HTTP attempts, ``cached``
  replies, ``retries``, ``errors`` by kind, ``tokens`` spent on the network),
  ``wall_seconds``, ``stopped`` (null or ``auth``, ``not_found``,
  ``bad_request``, ``budget``, ``service_unavailable``, ``interrupted``),
  ``message``, ``internal_errors``, ``exit_code``.
"""

from __future__ import annotations

from collections import Counter

CHECKS = ("type_fit", "task_fit", "placeholder", "question_form", "meta_text",
          "frameless_views", "clearly_visible", "names_in_question", "bare_reference",
          "distance_reading", "copied_example", "degenerate", "self_answer",
          "structural_answer", "structural_influence", "stability", "agreement", "new")


def _group(counters: Counter, prefix: str) -> dict:
    out = {k[len(prefix):]: v for k, v in counters.items() if k.startswith(prefix)}
    return dict(sorted(out.items()))


def build_report(*, config: dict, units: list, entries: dict, accepted: int,
                 duplicates: int, run: dict, price_in: float, price_out: float,
                 resumed: int) -> dict:
    total: Counter = Counter()
    per_task: dict[str, Counter] = {}
    for unit in units:
        entry = entries.get(unit.id)
        if entry is None:
            continue
        total.update(entry.get("counters", {}))
        task = per_task.setdefault(unit.task.name, Counter())
        task["proposals"] += entry.get("counters", {}).get("proposals", 0)
        task["skipped"] += int(entry.get("status") == "skipped")
        task["verified"] += int(entry.get("status") == "accepted")
    verify = {check: total.get(f"verify_failure:{check}", 0) for check in CHECKS}
    verify["new"] += duplicates  # repeats found in the loop, and those found at assembly
    proposals = total.get("proposals", 0)
    prompt, completion = total.get("tokens_prompt", 0), total.get("tokens_completion", 0)
    cost = prompt * price_in / 1e6 + completion * price_out / 1e6
    done = sum(1 for u in units if u.id in entries)
    return {
        "spdsl_synth": 1,
        "config": config,
        "units": {"total": len(units), "done": done, "pending": len(units) - done,
                  "resumed": resumed, "skipped": total.get("skipped_exhausted", 0)},
        "proposals": proposals,
        "replies": total.get("replies", 0),
        "agreement_samples": total.get("agreement_samples", 0),
        "reply_failures": _group(total, "reply_failure:"),
        "compile_failures": {"parse": total.get("compile_failure:parse", 0),
                             "type": total.get("compile_failure:type", 0),
                             "diagnostics": _group(total, "diagnostic:")},
        "repairs": {"attempted": _group(total, "repair_attempt:"),
                    "succeeded": _group(total, "repair_success:"),
                    "conversations_repaired": total.get("repaired", 0),
                    "identical_resends": total.get("repair_identical", 0),
                    # compile repairs asked in a fresh conversation (--repair-conversation)
                    "fresh_conversations": total.get("repair_fresh", 0),
                    # conversations with a compile or format failure, and how many of them
                    # reached a program that compiles
                    "compile_conversations": total.get("compile_repair_conversations", 0),
                    "compile_conversations_fixed": total.get("compile_repair_compiled", 0),
                    "hints": {kind: {"given": given,
                                     "repaired": total.get(f"hint_repaired:{kind}", 0)}
                              for kind, given in _group(total, "hint_given:").items()}},
        "first_try": {"proposals": total.get("first_reply", 0),
                      "compiled": total.get("first_reply_compiled", 0)},
        "rejections": _group(total, "rejection:"),
        "dropped": _group(total, "dropped:"),
        "verification_failures": verify,
        "accepted": accepted,
        "acceptance_rate": round(accepted / proposals, 4) if proposals else None,
        "per_task": {name: {"proposals": c["proposals"], "verified": c["verified"],
                            "skipped": c["skipped"]}
                     for name, c in per_task.items()},
        "tokens": {"prompt": prompt, "completion": completion, "total": prompt + completion},
        "cost": {"price_in_per_1m": price_in, "price_out_per_1m": price_out,
                 "total": round(cost, 6),
                 "per_accepted": round(cost / accepted, 6) if accepted else None},
        "run": run,
    }


def _pairs(d: dict) -> str:
    return ", ".join(f"{k} {v}" for k, v in d.items() if v) or "none"


def _skipped(report: dict) -> str:
    skipped = report["units"].get("skipped", 0)
    return f" ({skipped} skipped: their scene and task kept repeating)" if skipped else ""


def summary(report: dict, data_file: str, report_file: str) -> str:
    r = report
    rate = f"{100 * r['acceptance_rate']:.1f} %" if r["acceptance_rate"] is not None else "-"
    rep = r["repairs"]
    run = r["run"]
    req = run["requests"]
    lines = [
        f"synth: {r['accepted']} of {r['proposals']} proposals accepted ({rate}); "
        f"{r['units']['done']}/{r['units']['total']} units done{_skipped(r)} -> {data_file}",
        f"  replies {r['replies']}; reply failures: {_pairs(r['reply_failures'])}; compile "
        f"failures: {r['compile_failures']['parse']} parse, {r['compile_failures']['type']} "
        f"type; repair rounds: {sum(rep['attempted'].values())} "
        f"({_pairs(rep['attempted'])}), conversations repaired: "
        f"{rep['conversations_repaired']}",
        f"  first try: {r['first_try']['compiled']} of {r['first_try']['proposals']} proposals "
        f"compiled; repairs: {rep['compile_conversations_fixed']} of "
        f"{rep['compile_conversations']} conversations fixed, {rep['identical_resends']} "
        f"identical resends",
        f"  rejections: {_pairs(r['rejections'])}; dropped: {_pairs(r['dropped'])}",
        f"  verification failures: {_pairs(r['verification_failures'])}",
        f"  requests this run: {req['network']} sent ({req['retries']} retries; errors: "
        f"{_pairs(req['errors'])}), {req['cached']} from cache; tokens: "
        f"{r['tokens']['prompt']} in + {r['tokens']['completion']} out",
    ]
    cost = r["cost"]
    if cost["price_in_per_1m"] or cost["price_out_per_1m"]:
        per = f"${cost['per_accepted']:.4f}" if cost["per_accepted"] is not None else "-"
        lines.append(f"  estimated cost: ${cost['total']:.4f} ({per} per accepted item)")
    if run.get("stopped"):
        lines.append(f"  stopped ({run['stopped']}): {run['message']}")
    lines.append(f"  report: {report_file}")
    return "\n".join(lines)
