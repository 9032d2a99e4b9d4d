"""How fast `spdsl score` scores and bootstraps: items per second on a large dataset.

Generates one iTHOR room with every task (a few seconds), repeats its records under new
ids to N items, writes replies in assorted forms (the trained reply, the answer text,
a sentence around it, garbage), then times reading the predictions, scoring every item
and aggregating with 1000 bootstrap resamples.

    python bench/bench_score.py [N]
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from spatial_dsl.generation import generate  # noqa: E402
from spatial_dsl.datasets import target_text  # noqa: E402
from spatial_dsl.records import read_dataset  # noqa: E402
from spatial_dsl.scoring import aggregate, read_predictions, score_items  # noqa: E402


def replies(record: dict, n: int) -> str:
    forms = (target_text(record), str(record["answer"]), f"I think it is {record['answer']}.",
             "no idea")
    return forms[n % len(forms)]


def main() -> None:
    total = int(sys.argv[1]) if len(sys.argv) > 1 else 50_000
    os.environ.setdefault("SPDSL_CACHE_DIR", tempfile.gettempdir() + "/spdsl-cache-bench")
    with tempfile.TemporaryDirectory() as tmp:
        out = generate(["ithor:FloorPlan1"], ["all"], Path(tmp) / "ds", per_scene=4,
                           walk=16, workers=1, progress=False).out
        base = read_dataset(out).records
        records = [{**r, "id": f"{r['id']}#{k}"} for k in range(total // len(base) + 1)
                   for r in base][:total]
        pred = Path(tmp) / "pred.jsonl"
        pred.write_text("".join(json.dumps({"id": r["id"], "prediction": replies(r, n)}) + "\n"
                                for n, r in enumerate(records)))
        started = time.perf_counter()
        predictions = read_predictions(pred, records)
        read = time.perf_counter()
        items = score_items(records, predictions.by_id)
        scored = time.perf_counter()
        report = aggregate(items)
        done = time.perf_counter()
    print(f"score: {len(records)} items, {len(report.tasks)} tasks")
    print(f"  read predictions  {read - started:6.2f} s")
    print(f"  score items       {scored - read:6.2f} s  ({len(records) / (scored - read):,.0f} "
          "items/s)")
    print(f"  bootstrap (1000)  {done - scored:6.2f} s")
    print(f"  micro {100 * report.micro:.1f} %, {report.unparsed} unparsed")


if __name__ == "__main__":
    main()
