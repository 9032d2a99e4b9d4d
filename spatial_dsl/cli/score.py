"""`spdsl score` (a model's predictions against a dataset) and `spdsl baseline` (trivial
predictors), printed as a Markdown table to paste into a paper, or as JSON.

    spdsl score predictions.jsonl --dataset out/ [--json] [--by task|scene|modality]
    spdsl baseline --dataset out/ --kind chance|frequent|mean [--fit train/] [--json]

How items are scored, averaged and bootstrapped: ``spatial_dsl.scoring``. The table
shows scores in percent (the JSON keeps [0, 1]); an interval is the 95 % percentile
bootstrap interval. Exit 0 when scores were printed (also when predictions are missing
or unparsed: they are counted, scored 0 and reported), 2 on bad input (an unreadable
dataset or predictions file, a duplicate id, lines without ids that do not follow the
dataset's order, bad flags).
"""

from __future__ import annotations

import json
import sys

from .common import option_default
from .errors import EXIT_OK, UsageError

BY = ("task", "scene", "modality")
KINDS = ("chance", "frequent", "mean")
MAX_RESAMPLES = 100_000


def _dataset(path: str):
    from ..records import DatasetError, read_dataset

    try:
        dataset = read_dataset(path)
    except DatasetError as exc:
        raise UsageError(str(exc)) from None
    if not dataset.records:
        raise UsageError(f"{path}: the dataset has no items")
    return dataset


def _check_bootstrap(args) -> None:
    if not 1 <= args.resamples <= MAX_RESAMPLES:
        raise UsageError(f"--resamples must be between 1 and {MAX_RESAMPLES}, got "
                         f"{args.resamples}")
    if args.seed < 0:
        raise UsageError(f"--seed must be 0 or more, got {args.seed}")


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{100 * x:.1f}"


def _ci(ci) -> str:
    return "" if ci is None else f"{100 * ci[0]:.1f}–{100 * ci[1]:.1f}"


def score_table(report, title: str, counts: bool = True, says: dict | None = None) -> str:
    """The Markdown table of a report (rows: the --by groups, then the overall rows)."""
    partial = any(g.partial is not None for g in report.groups.values())
    head = [report.by, "metric", "n", "score", "95% CI"]
    head += ["partial"] * partial + ["missing", "unparsed"] * counts
    head += ["predicts"] * (says is not None)
    rows = []
    for name, g in report.groups.items():
        row = [f"`{name}`", "+".join(g.metrics), str(g.n), _pct(g.score), _ci(g.ci95)]
        row += [_pct(g.partial) if g.partial is not None else ""] * partial
        row += [str(g.missing), str(g.unparsed)] * counts
        if says is not None:
            row.append(f"`{says[name]}`" if name in says else "—")
        rows.append(row)
    blank = [""] * (partial + 2 * counts + (says is not None))
    scored = sum(1 for g in report.tasks.values() if g.score is not None)
    micro = ["**overall (micro)**", "", str(report.n), _pct(report.micro),
             _ci(report.micro_ci)] + blank
    if counts:
        micro[5 + partial:7 + partial] = [str(report.missing), str(report.unparsed)]
    macro = [f"**overall (macro, {scored} tasks)**", "", "", _pct(report.macro),
             _ci(report.macro_ci)] + blank
    lines = [title, "", "| " + " | ".join(head) + " |",
             "|" + "|".join("---:" if h in ("n", "score", "partial", "missing", "unparsed")
                            else "---" for h in head) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in rows + [micro, macro]]
    return "\n".join(lines) + "\n"


def _notes(report, predictions=None) -> list[str]:
    notes = [f"Scores in %; 95% CI: percentile bootstrap, {report.resamples} resamples, seed "
             f"{report.seed}. acc: accuracy; MRA: mean relative accuracy (VSI-Bench); MAA: "
             "mean angular accuracy; exact: exact list match (partial: overlap credit)."]
    if report.missing or report.unparsed:
        notes.append(f"{report.missing} item(s) without a prediction and {report.unparsed} "
                     "unparsed prediction(s) are scored 0 and counted in n.")
    if predictions is not None and predictions.positional:
        notes.append(f"The predictions have no ids: their {predictions.rows} lines were "
                     "matched to the dataset's items in order.")
    if report.unknown_ids:
        shown = ", ".join(report.unknown_ids[:3]) + (" …" if len(report.unknown_ids) > 3
                                                     else "")
        notes.append(f"{len(report.unknown_ids)} prediction(s) for ids not in the dataset "
                     f"were ignored ({shown}).")
    return notes


def cmd_score(args) -> int:
    from ..scoring import PredictionsError, aggregate, read_predictions, score_items

    _check_bootstrap(args)
    dataset = _dataset(args.dataset)
    try:
        predictions = read_predictions(args.predictions, dataset.records)
    except PredictionsError as exc:
        raise UsageError(str(exc)) from None
    items = score_items(dataset.records, predictions.by_id)
    report = aggregate(items, args.by, resamples=args.resamples, seed=args.seed,
                       unknown_ids=predictions.unknown_ids)
    if args.json:
        data = report.to_json()
        data["predictions"] = {"file": args.predictions, "lines": predictions.rows,
                               "matched_by": "order" if predictions.positional else "id"}
        print(json.dumps(data, indent=1, ensure_ascii=False))
        return EXIT_OK
    title = (f"Scores of `{args.predictions}` on `{args.dataset}` ({len(items)} items, "
             f"{len(report.tasks)} tasks)")
    sys.stdout.write(score_table(report, title))
    print()
    print("\n".join(_notes(report, predictions)))
    return EXIT_OK


def cmd_baseline(args) -> int:
    from ..scoring import aggregate, baseline_items

    _check_bootstrap(args)
    dataset = _dataset(args.dataset)
    fit = _dataset(args.fit).records if args.fit else None
    items, values, says = baseline_items(dataset.records, args.kind, fit)
    report = aggregate(items, args.by, values, resamples=args.resamples, seed=args.seed)
    if args.json:
        data = report.to_json()
        data["baseline"] = {"kind": args.kind, "fit": args.fit or args.dataset,
                            "predicts": dict(sorted(says.items()))}
        print(json.dumps(data, indent=1, ensure_ascii=False))
        return EXIT_OK
    source = f"`{args.fit}`" if args.fit else "the same items"
    what = {"chance": "expected score of a uniform guess",
            "frequent": f"each task's most frequent answer in {source}",
            "mean": f"each numeric task's mean answer in {source}"}[args.kind]
    title = (f"Baseline `{args.kind}` ({what}) on `{args.dataset}` ({len(items)} items, "
             f"{len(report.tasks)} tasks)")
    sys.stdout.write(score_table(report, title, counts=False,
                                 says=says if args.by == "task" else None))
    print()
    print("\n".join(_notes(report)[:1]))
    unscored = sorted(name for name, g in report.tasks.items() if g.score is None)
    if unscored:
        print(f"— : the `{args.kind}` predictor does not apply to {len(unscored)} task(s) "
              "(not counted in the overall rows).")
    return EXIT_OK


def _add_common(parser) -> None:
    from ..scoring import aggregate

    def default(name: str):  # the library's default, written once (scoring.aggregate)
        return option_default(aggregate, name)

    parser.add_argument("--dataset", required=True, metavar="OUT",
                        help="a `spdsl generate` directory (any format) or its data file")
    parser.add_argument("--by", choices=BY, default=default("by"),
                        help=f"rows of the table (default {default('by')}); overall macro is "
                        "always the mean over tasks")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--resamples", type=int, default=default("resamples"), metavar="N",
                        help="bootstrap resamples for the 95%% intervals (default "
                        f"{default('resamples')})")
    parser.add_argument("--seed", type=int, default=default("seed"),
                        help=f"bootstrap seed (default {default('seed')})")


def register(sub) -> None:
    score = sub.add_parser(
        "score", help="score a model's predictions against a dataset",
        description="Score predictions (JSONL of {\"id\", \"prediction\"}, a LLaVA answer "
        "file with question_id/text, or LLaMA-Factory's generated_predictions.jsonl, matched "
        "by order) per task: accuracy for choices and yes/no, VSI-Bench's mean relative "
        "accuracy for numbers, wrapped angular accuracy for angles, exact and partial "
        "match for lists. Prints a Markdown table with bootstrap 95 % intervals. Exit 0 "
        "when scored, 2 on bad input.")
    score.add_argument("predictions", metavar="PREDICTIONS", help="the model's answers")
    _add_common(score)
    score.set_defaults(handler=cmd_score)

    base = sub.add_parser(
        "baseline", help="scores of a trivial predictor (chance, most frequent, mean)",
        description="Score a trivial predictor per task, the floor of a results table: "
        "chance (the expected score of a uniform guess among the options or yes/no), "
        "frequent (each task's most frequent answer) or mean (each numeric task's mean "
        "answer), taken from the scored items themselves unless --fit names another "
        "dataset. Exit 0, 2 on bad input.")
    base.add_argument("--kind", choices=KINDS, required=True)
    base.add_argument("--fit", metavar="DATASET",
                      help="take the frequent/mean answers from this dataset (e.g. the "
                      "training set) instead of the scored one")
    _add_common(base)
    base.set_defaults(handler=cmd_baseline)

