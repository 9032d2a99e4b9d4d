"""`spdsl audit DATASET_DIR`: the checks a user runs before publishing a dataset (audit.py).

Exit codes: 0 no findings, 1 findings, 2 the dataset cannot be read, 3 internal error.
"""

from __future__ import annotations

import json

from ..progress import reporter
from .errors import EXIT_OK, EXIT_REJECTED, UsageError

SHOWN = 30  # findings listed in the text summary unless --all


def cmd_audit(args) -> int:
    from ..audit import AuditError, audit_dataset

    try:
        # --json is read by programs: no bar even on a terminal
        with reporter(label="audit", unit="items",
                      enabled=not (args.json or args.quiet)) as progress:
            report = audit_dataset(args.dataset, progress)
    except AuditError as exc:
        raise UsageError(str(exc)) from None
    if args.json:
        print(json.dumps(report.to_json(), ensure_ascii=False, indent=1))
    else:
        _print_summary(report, None if args.all else SHOWN)
    return EXIT_REJECTED if report.findings else EXIT_OK


def _print_summary(report, shown: int | None) -> None:
    print(f"audit {report.root} ({report.data_file}): {report.items} items from "
          f"{report.scenes} scenes, {report.flagged} with findings")
    if not report.findings:
        print("clean: every item reproduces its answer, names only clearly visible objects, "
              "in words, with consistent choices")
        return
    print("findings by kind:")
    for kind, n in report.by_kind().items():
        print(f"  {kind:22s} {n}")
    print("findings by task:")
    for task, kinds in report.by_task().items():
        print(f"  {task or '(no task)':32s} " + ", ".join(f"{k} {n}" for k, n in kinds.items()))
    listed = report.findings if shown is None else report.findings[:shown]
    cut = len(listed) < len(report.findings)
    print(f"findings (first {shown}; --all lists every one):" if cut else "findings:")
    for f in listed:
        print(f"  {f.item}: {f.kind}: {f.message}")


def register(sub) -> None:
    audit = sub.add_parser(
        "audit", help="check a dataset's items before publishing it",
        description="Re-run every item's program on its saved scene and check the item: the "
        "program still gives the recorded answer; every object it names is clearly visible "
        "(image: in its frame; video: in some frame); the answer and choices name objects in "
        "words (no CamelCase labels, no name twice); the choices contain the answer. Reads "
        "only regular files inside DATASET_DIR. Exit 0 clean, 1 findings, 2 unreadable "
        "dataset.")
    audit.add_argument("dataset", metavar="DATASET_DIR",
                       help="an output directory of `spdsl generate` or `spdsl synth` "
                       "(its data.jsonl, else data.parquet, and scenes/)")
    audit.add_argument("--json", action="store_true",
                       help="print the whole report as JSON (counts and every finding)")
    audit.add_argument("--all", action="store_true",
                       help="list every finding (the text summary lists the first 30)")
    audit.add_argument("-q", "--quiet", action="store_true", help="no progress on stderr")
    audit.set_defaults(handler=cmd_audit)

