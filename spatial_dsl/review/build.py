"""Building a review page (``build_review``): read the dataset (any `spdsl generate`
format), score the predictions if given, re-run and draw the items (``checks``), write
the pictures (inline or beside the page) and the page (``page``), atomically."""

from __future__ import annotations

import base64
import os
from pathlib import Path

from spatial_dsl.errors import SpdslError

from .checks import check_all
from .page import render_page

DEFAULT_LIMIT = 200


class ReviewError(SpdslError):
    """The dataset cannot be read: a message for the user (exit 2)."""


# --------------------------------------------------------------------------- reading


def load_records(path: str | os.PathLike) -> tuple[Path, list[Path], list[dict]]:
    """(dataset root, data files, records) of a dataset directory or data file, in any
    `spdsl generate` format (``spatial_dsl.records``)."""
    from ..records import DatasetError, read_dataset

    try:
        dataset = read_dataset(path)
    except DatasetError as exc:
        raise ReviewError(str(exc)) from None
    return dataset.root, dataset.files, dataset.records


def _scored(path, records: list[dict]) -> list:
    """One ScoredItem per record for the predictions file at ``path``."""
    from ..scoring import PredictionsError, read_predictions, score_items

    try:
        predictions = read_predictions(path, records)
    except PredictionsError as exc:
        raise ReviewError(str(exc)) from None
    return score_items(records, predictions.by_id)


def build_review(dataset: str | os.PathLike, output: str | os.PathLike,
                 limit: int = DEFAULT_LIMIT, images: str = "inline", workers: int = 1,
                 progress=None, predictions: str | os.PathLike | None = None) -> dict:
    """Write the page (atomically); returns a summary: items, pictures, problems (and
    the mean score, with ``predictions``)."""
    from ..files import atomic_write_bytes, atomic_write_text

    if limit < 0:
        raise ReviewError(f"--limit must be 0 or more, got {limit}")
    if images not in ("inline", "files"):
        raise ReviewError(f"images must be inline or files, got {images!r}")
    from ..outputs import output_dir, output_file

    root, files, records = load_records(dataset)
    scored = _scored(predictions, records) if predictions is not None else None
    output = output_file(output, (".html", ".htm"))
    results = check_all(root, records, limit, workers, progress)
    sources: list[str] = []
    if images == "files":
        folder = output_dir(output.with_name(output.stem + "_files"))
        for n, res in enumerate(results):
            if res.png is not None:
                name = f"{n:05d}.png"
                atomic_write_bytes(folder / name, res.png)
                sources.append(f"{folder.name}/{name}")
            else:
                sources.append("")
    else:
        sources = ["data:image/png;base64," + base64.b64encode(res.png).decode("ascii")
                   if res.png is not None else "" for res in results]
    title = f"spdsl review — {root.resolve().name or root}"
    page = render_page(title, [str(f) for f in files], records, results, sources, limit,
                       scored)
    atomic_write_text(output, page, durable=False)
    summary = {"items": len(records), "pictures": sum(1 for s in sources if s),
               "problems": sum(1 for r in results if r.problems)}
    if scored is not None:
        summary["score"] = sum(it.score for it in scored) / len(scored) if scored else 0.0
    return summary
