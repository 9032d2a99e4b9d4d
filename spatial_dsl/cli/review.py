"""`spdsl review`: one static HTML page to look through a dataset.

Exit 0 when the page was written (items whose program fails are marked on the page and
counted), 2 when the dataset cannot be read.
"""

from __future__ import annotations

import os

from ..limits import MAX_WORKERS
from ..progress import reporter
from .common import option_default
from .errors import EXIT_OK, UsageError
from .show import output_path


def cmd_review(args) -> int:
    from ..review import ReviewError, build_review

    out = output_path(args.output, (".html", ".htm"))
    if args.images == "files":
        from ..outputs import output_dir

        output_dir(out.with_name(out.stem + "_files"))
    workers = args.workers if args.workers is not None else min(8, os.cpu_count() or 1)
    if not 1 <= workers <= MAX_WORKERS:
        raise UsageError(f"--workers must be 1 to {MAX_WORKERS}, got {workers}")

    try:
        with reporter(label="review", unit="items", enabled=not args.quiet) as progress:
            summary = build_review(args.dataset, out, limit=args.limit, images=args.images,
                                   workers=workers, progress=progress,
                                   predictions=args.predictions)
    except ReviewError as exc:
        raise UsageError(str(exc)) from None
    scored = (f", mean score {100 * summary['score']:.1f} %" if "score" in summary else "")
    print(f"wrote {out}: {summary['items']} items, {summary['pictures']} pictures, "
          f"{summary['problems']} with problems{scored}")
    return EXIT_OK


def register(sub) -> None:
    from ..review import build_review

    def default(name: str):  # the library's default, written once (build_review)
        return option_default(build_review, name)

    review = sub.add_parser(
        "review", help="write one static HTML page to look through a dataset",
        description="Write a self-contained HTML page (no network) listing a dataset's items "
        "with filters (task, scene, answer, text; set from the URL fragment, e.g. "
        "#task=image_above), keyboard navigation (j/k, /) and a picture per item.")
    review.add_argument("dataset", metavar="DATASET_DIR",
                        help="a `spdsl generate` output directory (any format) or its data "
                        "file")
    review.add_argument("--predictions", metavar="FILE",
                        help="a model's answers (as `spdsl score` reads them): show each "
                        "item's prediction and score beside its answer")
    review.add_argument("-o", "--output", required=True, metavar="review.html",
                        help="the page to write (parent directories are created)")
    review.add_argument("--limit", type=int, default=default("limit"), metavar="N",
                        help=f"draw pictures for the first N items only (default "
                        f"{default('limit')})")
    review.add_argument("--images", choices=("inline", "files"), default=default("images"),
                        help="inline: base64 PNGs inside the page; files: PNGs in OUT_files/ "
                        f"beside the page (default {default('images')})")
    review.add_argument("--workers", type=int, metavar="N",
                        help="processes drawing pictures (default: cores, at most 8)")
    review.add_argument("-q", "--quiet", action="store_true", help="no progress on stderr")
    review.set_defaults(handler=cmd_review)
