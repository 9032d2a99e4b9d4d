"""`spdsl review`: one static HTML page for looking through a dataset.

    build_review("out/", "review.html", limit=200)

The page is self-contained: inline CSS and JavaScript, no network, no CDN. The page's
template, style sheet and script are package files (``spatial_dsl/review/assets/``:
``page.html``, ``review.css``, ``review.js``), read with ``importlib.resources``.
Pictures (``spatial_dsl.show``) are embedded as base64 PNGs by default, so the
page is a single file that can be mailed or archived; ``images="files"``
writes them beside the page instead (``<page>_files/NNNNN.png``), which keeps
the page small for big reviews. Pictures are drawn for the first ``limit``
items only (the page says so); every item is listed.

Each item shows its id, task, modality, scene, question, choices, answer and
program (highlighted with the SpatialDSL Pygments lexer). Every `spdsl generate`
format is read (``spatial_dsl.records``). With ``predictions`` (a file `spdsl score`
reads), each item also shows the model's reply, what it was read as and its score
(``spatial_dsl.scoring``), and a filter shows only the items scored below 1. The item's program
is run again on its scene file for the picture; when that fails or gives
another answer than the record, the item is marked as a *problem* (a filter
shows only those).

Filters: task and scene (dropdowns), answer (exact, case-insensitive), free
text (question, answer, program, id), "problems only" and, with predictions,
"wrong only". They live in the URL
fragment, e.g. ``review.html#task=image_above&answer=yes``, so a filtered view
can be bookmarked or shared; items filtered out get the ``hidden`` attribute.
Keys: ``j``/``k`` or the arrow keys move between the visible items, ``/`` goes
to the text filter, ``Escape`` leaves it; the current item is kept in the URL
(``item=N``). A click on a picture widens it.

The package's modules: ``build`` (reading the dataset and writing the page),
``checks`` (re-running and drawing each item), ``page`` (the HTML of the page and its
items, from the assets).
"""

from .build import DEFAULT_LIMIT, ReviewError, build_review, load_records
from .checks import ItemCheck, check_all, check_item
from .page import render_page

__all__ = ["ReviewError", "build_review", "load_records", "DEFAULT_LIMIT", "ItemCheck",
           "check_all", "check_item", "render_page"]
