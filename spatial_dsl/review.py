"""`spdsl review`: one static HTML page for looking through a dataset.

    build_review("out/", "review.html", limit=200)

The page is self-contained: inline CSS and JavaScript, no network, no CDN.
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
"""

from __future__ import annotations

import base64
import html
import json
import os
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from spatial_dsl.errors import SpdslError

__all__ = ["ReviewError", "build_review", "load_records", "DEFAULT_LIMIT"]

DEFAULT_LIMIT = 200
PICTURE_DPI = 80


class ReviewError(SpdslError):
    """The dataset cannot be read: a message for the user (exit 2)."""


# --------------------------------------------------------------------------- reading


def load_records(path: str | os.PathLike) -> tuple[Path, list[Path], list[dict]]:
    """(dataset root, data files, records) of a dataset directory or data file, in any
    `spdsl generate` format (``spatial_dsl.records``)."""
    from .records import DatasetError, read_dataset

    try:
        dataset = read_dataset(path)
    except DatasetError as exc:
        raise ReviewError(str(exc)) from None
    return dataset.root, dataset.files, dataset.records


# --------------------------------------------------------------------------- pictures


@dataclass
class ItemCheck:
    """What re-running one item gave."""

    png: bytes | None = None
    problems: list[str] = field(default_factory=list)
    answer: str | None = None  # what the program answers now


_SCENES: dict[str, object] = {}


def _scene(root: Path, scene_file: str):
    """The scene an item names, read only from inside the dataset directory: a regular
    file of at most MAX_SCENE_FILE_BYTES (records are data, not trusted paths)."""
    from .files import InputFileError, path_inside, read_input
    from .scenes.errors import SceneError
    from .scenes.format import MAX_SCENE_FILE_BYTES, scene_from_json

    key = None
    try:
        path = path_inside(root, scene_file)
        key = str(path)
        if key not in _SCENES:
            data = read_input(path, MAX_SCENE_FILE_BYTES, regular_only=True)
    except InputFileError as exc:
        raise SceneError([str(exc)], scene_file) from None
    if key not in _SCENES:
        if len(_SCENES) > 16:
            _SCENES.clear()
        _SCENES[key] = scene_from_json(data, scene_file)
    return _SCENES[key]


def check_item(root: Path, record: dict, picture: bool) -> ItemCheck:
    """Run the item's program on its scene; draw it if ``picture``. Never raises."""
    from .api import CompileError
    from .scenes.errors import SceneError
    from .show import ShowError, analyse_program, render, to_bytes

    out = ItemCheck()
    program, scene_file = record.get("program"), record.get("scene_file")
    if not isinstance(program, str) or not isinstance(scene_file, str):
        out.problems.append("the record has no program or no scene_file")
        return out
    try:
        scene = _scene(root, scene_file)
    except SceneError as exc:
        out.problems.append(f"scene {scene_file}: {exc.problems[0]}")
        return out
    except OSError as exc:
        out.problems.append(f"scene {scene_file}: {exc.strerror or exc}")
        return out
    rows = []
    if record.get("modality") == "image":
        index = {int(i): r for r, i in enumerate(scene.frames.index)}
        rows = [index[f] for f in record.get("frames") or [] if isinstance(f, int)
                and f in index]
    try:
        analysis = analyse_program(program, scene, rows, name=str(record.get("id", "<item>")))
    except CompileError as exc:
        out.problems.append("the program does not compile: " + _first_line(str(exc)))
        return out
    except ShowError as exc:
        out.problems.append(str(exc))
        return out
    if analysis.ok:
        from .naming import ObjectNames, in_words

        # objects in the words the item uses ("the shortest vase"), as generate wrote them
        seed = record.get("seed") if isinstance(record.get("seed"), int) else 0
        answer = in_words(analysis.answer, ObjectNames.of(scene, seed)).answer
        out.answer = answer.text
        if "answer" in record and str(record["answer"]) != answer.text:
            out.problems.append(f"the program now answers {answer.text!r}, the "
                                f"record says {record['answer']!r}")
    else:
        r = analysis.rejection
        out.problems.append(f"the program is rejected: [{r.kind}] {r.message}")
    if picture:
        drawing = render(scene, analysis, title=str(record.get("id", scene.id)))
        out.png = to_bytes(drawing.figure, "png", dpi=PICTURE_DPI, colors=128)
    return out


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else text


def _check_job(args) -> ItemCheck:
    root, record, picture = args
    try:
        return check_item(root, record, picture)
    except Exception as exc:  # a bug in one item must not lose the page
        return ItemCheck(problems=[f"internal error while drawing: {type(exc).__name__}: {exc}"])


def check_all(root: Path, records: list[dict], limit: int, workers: int = 1,
              progress=None) -> list[ItemCheck]:
    jobs = [(root, r, i < limit) for i, r in enumerate(records)]
    if workers <= 1 or len(jobs) < 8:
        results = []
        for job in jobs:
            results.append(_check_job(job))
            if progress:
                progress(len(results), len(jobs))
        return results
    from .workers import exit_with_parent

    with ProcessPoolExecutor(max_workers=workers, initializer=exit_with_parent,
                             initargs=(os.getpid(),)) as pool:
        results = []
        for res in pool.map(_check_job, jobs, chunksize=4):
            results.append(res)
            if progress:
                progress(len(results), len(jobs))
        return results


# --------------------------------------------------------------------------- page


def _scored(path, records: list[dict]) -> list:
    """One ScoredItem per record for the predictions file at ``path``."""
    from .scoring import PredictionsError, read_predictions, score_items

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
    from .files import atomic_write_bytes, atomic_write_text

    if limit < 0:
        raise ReviewError(f"--limit must be 0 or more, got {limit}")
    if images not in ("inline", "files"):
        raise ReviewError(f"images must be inline or files, got {images!r}")
    from .outputs import output_dir, output_file

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


def _highlight(program: str) -> str:
    from pygments import highlight
    from pygments.formatters import HtmlFormatter

    from spatial_dsl.lang.lexer import SpatialDSLLexer

    return highlight(program, SpatialDSLLexer(), HtmlFormatter(cssclass="hl"))


def _style() -> str:
    from pygments.formatters import HtmlFormatter

    return HtmlFormatter(style="default").get_style_defs(".hl")


def _options(values: Counter, label: str) -> str:
    opts = [f'<option value="">all {label} ({sum(values.values())})</option>']
    for value, count in sorted(values.items()):
        v = html.escape(value, quote=True)
        opts.append(f'<option value="{v}">{v} ({count})</option>')
    return "\n".join(opts)


def _answer_text(record: dict) -> str:
    answer = "" if record.get("answer") is None else str(record["answer"])
    unit = record.get("unit")
    return f"{answer} {unit}" if unit else answer


def render_page(title: str, files: list[str], records: list[dict], results: list[ItemCheck],
                sources: list[str], limit: int, scored: list | None = None) -> str:
    e = html.escape
    tasks = Counter(str(r.get("task", "")) for r in records)
    scenes = Counter(str(r.get("scene", "")) for r in records)
    answers = sorted({str(r.get("answer", "")) for r in records})
    problems = sum(1 for r in results if r.problems)
    drawn = sum(1 for s in sources if s)
    note = (f"Pictures are drawn for the first {min(limit, len(records))} of {len(records)} "
            f"items (--limit {limit})." if len(records) > limit else
            f"Pictures are drawn for all {len(records)} items.")
    scores = scored if scored is not None else [None] * len(records)
    items = [_item_html(n, rec, res, src, n < limit, sc)
             for n, (rec, res, src, sc) in enumerate(zip(records, results, sources, scores))]
    score_note = ""
    wrong_filter = ""
    if scored is not None:
        mean = sum(it.score for it in scored) / len(scored) if scored else 0.0
        missing = sum(1 for it in scored if it.status == "missing")
        unparsed = sum(1 for it in scored if it.status == "unparsed")
        score_note = (f" · predictions: mean score {100 * mean:.1f} %, {missing} missing, "
                      f"{unparsed} unparsed")
        wrong_filter = '<label><input type="checkbox" id="f-wrong"> wrong only</label>'

    datalist = "\n".join(f'<option value="{e(a, quote=True)}">' for a in answers[:2000])
    return _PAGE.format(
        title=e(title), style=_CSS + _style(), files=e(", ".join(files)),
        count=len(records), tasks=len(tasks), scenes=len(scenes), problems=problems,
        drawn=drawn, note=e(note), score_note=e(score_note), wrong_filter=wrong_filter,
        task_options=_options(tasks, "tasks"),
        scene_options=_options(scenes, "scenes"), answers=datalist,
        items="\n".join(items), script=_SCRIPT)


def _prediction_html(scored) -> str:
    """The model's reply beside the answer: what it was read as and its score."""
    e = html.escape
    from .scoring import METRICS

    if scored.status == "missing":
        return '<p class="prediction wrong">Prediction: <i>none</i> (missing, scores 0)</p>'
    reply = e(scored.prediction if len(scored.prediction) <= 300
              else scored.prediction[:300] + " …")
    if scored.status == "unparsed":
        return (f'<p class="prediction wrong">Prediction: <b>{reply}</b> (unparsed: not an '
                f"answer of this kind, scores 0)</p>")
    cls = "right" if scored.score >= 1 else "partial" if scored.score > 0 else "wrong"
    read = f" → read as <b>{e(scored.read)}</b>" if scored.read != scored.prediction else ""
    partial = f", partial {scored.partial:.2f}" if scored.partial is not None else ""
    return (f'<p class="prediction {cls}">Prediction: <b>{reply}</b>{read} · score '
            f"{scored.score:.2f} ({METRICS[scored.kind]}{partial})</p>")


def _item_html(n: int, record: dict, res: ItemCheck, src: str, within_limit: bool,
               scored=None) -> str:
    e = html.escape
    rid = str(record.get("id", f"item {n}"))
    task = str(record.get("task", ""))
    scene = str(record.get("scene", ""))
    answer = str(record.get("answer", ""))
    question = str(record.get("question", ""))
    program = record.get("program") if isinstance(record.get("program"), str) else ""
    search = " ".join([rid, question, answer, program]).lower()
    choices = record.get("choices")
    letter = record.get("answer_choice")
    parts = [f'<article class="item{" problem" if res.problems else ""}" id="item-{n}" '
             f'tabindex="-1" data-task="{e(task, quote=True)}" '
             f'data-scene="{e(scene, quote=True)}" data-answer="{e(answer.lower(), quote=True)}" '
             f'data-search="{e(search, quote=True)}" '
             f'data-problem="{"1" if res.problems else "0"}" '
             f'data-wrong="{"1" if scored is not None and scored.score < 1 else "0"}">']
    meta = [f'<span class="badge task">{e(task)}</span>']
    if record.get("modality"):
        meta.append(f'<span class="badge">{e(str(record["modality"]))}</span>')
    meta.append(f'<span class="badge scene">{e(scene)}</span>')
    frames = record.get("frames")
    if isinstance(frames, list) and frames:
        shown = ", ".join(str(f) for f in frames[:12]) + (" …" if len(frames) > 12 else "")
        meta.append(f'<span class="badge">frames {e(shown)}</span>')
    parts.append(f'<header><a class="anchor" href="#item={n}">#{n}</a> '
                 f'<code class="rid">{e(rid)}</code> {" ".join(meta)}</header>')
    parts.append('<div class="body"><div class="text">')
    parts.append(f'<p class="question">{e(question)}</p>')
    if isinstance(choices, list) and choices:
        lis = []
        for i, c in enumerate(choices):
            mark = "ABCD"[i] if i < 4 else str(i)
            cls = ' class="correct"' if mark == letter else ""
            lis.append(f"<li{cls}><b>{mark}.</b> {e(str(c))}</li>")
        parts.append(f'<ol class="choices">{"".join(lis)}</ol>')
    shown_answer = _answer_text(record)
    if letter:
        shown_answer = f"{letter} ({shown_answer})"
    parts.append(f'<p class="answer">Answer: <b>{e(shown_answer)}</b></p>')
    if scored is not None:
        parts.append(_prediction_html(scored))
    if res.problems:
        parts.append('<ul class="problems">' + "".join(f"<li>{e(p)}</li>" for p in res.problems)
                     + "</ul>")
    parts.append(_highlight(program) if program else '<p class="none">(no program)</p>')
    params = record.get("params")
    if isinstance(params, dict) and params:
        parts.append('<p class="params">params: ' + e(json.dumps(params, ensure_ascii=False))
                     + "</p>")
    parts.append('</div><div class="picture">')
    if src:
        alt = e(f"map of {scene} for {rid}", quote=True)
        parts.append(f'<img loading="lazy" alt="{alt}" src="{e(src, quote=True)}">')
    elif not within_limit:
        parts.append('<p class="none">no picture: beyond --limit</p>')
    else:
        parts.append('<p class="none">no picture (see the problems)</p>')
    parts.append("</div></div></article>")
    return "\n".join(parts)


_CSS = """
:root { --fg: #1b1b1b; --muted: #666; --line: #ddd; --accent: #1f5fa8; --bad: #b00020; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
       color: var(--fg); margin: 0; background: #fafafa; }
header.top { position: sticky; top: 0; z-index: 5; background: #fff;
             border-bottom: 1px solid var(--line); padding: 8px 16px; }
header.top h1 { font-size: 17px; margin: 0 0 4px 0; }
.summary { color: var(--muted); font-size: 12.5px; margin: 0 0 6px 0; }
.filters { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; }
.filters select, .filters input[type=text] { font: inherit; padding: 3px 6px; }
.filters input[type=text] { width: 14em; }
#shown { color: var(--muted); margin-left: auto; }
.keys { color: var(--muted); font-size: 12px; }
kbd { border: 1px solid #bbb; border-radius: 3px; padding: 0 4px; font-size: 11px;
      background: #f4f4f4; }
main { padding: 12px 16px; }
article.item { background: #fff; border: 1px solid var(--line); border-radius: 6px;
               margin: 0 0 14px 0; padding: 8px 12px; scroll-margin-top: 120px; }
article.item.current { border-color: var(--accent); box-shadow: 0 0 0 2px #1f5fa833; }
article.item.problem { border-left: 4px solid var(--bad); }
article.item:focus { outline: none; }
article.item.wide .picture { flex-basis: 100%; max-width: none; }
.picture img { cursor: zoom-in; }
article.item.wide .picture img { cursor: zoom-out; }
article.item[hidden] { display: none; }
article header { font-size: 12.5px; color: var(--muted); }
.anchor { color: var(--muted); text-decoration: none; }
.rid { color: var(--fg); }
.badge { display: inline-block; border: 1px solid var(--line); border-radius: 10px;
         padding: 0 7px; margin-left: 3px; background: #f6f6f6; }
.badge.task { background: #e8f0fb; border-color: #c9d9f0; }
.body { display: flex; gap: 16px; flex-wrap: wrap; }
.text { flex: 1 1 420px; min-width: 320px; }
.picture { flex: 1 1 520px; max-width: 760px; }
.picture img { width: 100%; height: auto; border: 1px solid var(--line); }
.question { font-size: 15px; font-weight: 600; margin: 6px 0; }
.answer { margin: 6px 0; }
.choices { margin: 4px 0; padding-left: 18px; list-style: none; }
.choices li.correct { color: #0a6b2b; font-weight: 600; }
.problems { color: var(--bad); margin: 4px 0; padding-left: 18px; }
.prediction { margin: 6px 0; padding: 2px 6px; border-left: 3px solid var(--line); }
.prediction.right { border-color: #0a6b2b; }
.prediction.partial { border-color: #b07d00; }
.prediction.wrong { border-color: var(--bad); }
.params, .none { color: var(--muted); font-size: 12.5px; }
.hl { border: 1px solid var(--line); border-radius: 4px; overflow-x: auto; }
.hl pre { margin: 0; padding: 6px 8px; font-size: 12.5px; white-space: pre-wrap;
          overflow-wrap: anywhere; }
"""

_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>{style}</style>
</head>
<body>
<header class="top">
<h1>{title}</h1>
<p class="summary">{count} items · {tasks} tasks · {scenes} scenes · {drawn} pictures ·
{problems} with problems{score_note} · from {files}. {note}</p>
<div class="filters" role="search">
<label>task <select id="f-task">{task_options}</select></label>
<label>scene <select id="f-scene">{scene_options}</select></label>
<label>answer <input type="text" id="f-answer" list="answers" placeholder="exact answer"></label>
<datalist id="answers">{answers}</datalist>
<label>text <input type="text" id="f-text" placeholder="search ( / )"></label>
<label><input type="checkbox" id="f-problems"> problems only</label>
{wrong_filter}
<span class="keys"><kbd>j</kbd>/<kbd>k</kbd> or arrows: next/previous ·
<kbd>/</kbd>: search</span>
<span id="shown"></span>
</div>
</header>
<main id="items">
{items}
</main>
<script>{script}</script>
</body>
</html>
"""

_SCRIPT = r"""
(function () {
  "use strict";
  var items = Array.prototype.slice.call(document.querySelectorAll("article.item"));
  var task = document.getElementById("f-task"), scene = document.getElementById("f-scene");
  var answer = document.getElementById("f-answer"), text = document.getElementById("f-text");
  var problems = document.getElementById("f-problems");
  var wrong = document.getElementById("f-wrong");  // only with predictions
  var shown = document.getElementById("shown");
  var current = -1;

  function setSelect(sel, value) {
    for (var i = 0; i < sel.options.length; i++) {
      if (sel.options[i].value === value) { sel.selectedIndex = i; return; }
    }
    // a value from the URL that no item has: keep it (and so show nothing), visibly
    var opt = document.createElement("option");
    opt.value = value;
    opt.textContent = value + " (no items)";
    sel.appendChild(opt);
    sel.selectedIndex = sel.options.length - 1;
  }
  function readHash() {
    var params = new URLSearchParams(location.hash.replace(/^#/, ""));
    setSelect(task, params.get("task") || "");
    setSelect(scene, params.get("scene") || "");
    answer.value = params.get("answer") || "";
    text.value = params.get("q") || "";
    problems.checked = params.get("problems") === "1";
    if (wrong) wrong.checked = params.get("wrong") === "1";
    return params.get("item");
  }
  function writeHash() {
    var params = new URLSearchParams();
    if (task.value) params.set("task", task.value);
    if (scene.value) params.set("scene", scene.value);
    if (answer.value.trim()) params.set("answer", answer.value.trim());
    if (text.value.trim()) params.set("q", text.value.trim());
    if (problems.checked) params.set("problems", "1");
    if (wrong && wrong.checked) params.set("wrong", "1");
    if (current >= 0) params.set("item", String(current));
    var hash = params.toString();
    history.replaceState(null, "", hash ? "#" + hash : location.pathname + location.search);
  }
  function apply() {
    var a = answer.value.trim().toLowerCase(), q = text.value.trim().toLowerCase();
    var visible = 0;
    items.forEach(function (el) {
      var ok = (!task.value || el.dataset.task === task.value) &&
               (!scene.value || el.dataset.scene === scene.value) &&
               (!a || el.dataset.answer === a) &&
               (!q || el.dataset.search.indexOf(q) >= 0) &&
               (!problems.checked || el.dataset.problem === "1") &&
               (!wrong || !wrong.checked || el.dataset.wrong === "1");
      if (ok) { el.removeAttribute("hidden"); visible++; }
      else { el.setAttribute("hidden", ""); }
    });
    shown.textContent = visible + " of " + items.length + " shown";
    document.body.dataset.visible = String(visible);
    if (current >= 0 && items[current].hasAttribute("hidden")) select(-1);
  }
  function select(i, scroll) {
    if (current >= 0) items[current].classList.remove("current");
    current = i;
    if (i < 0) return;
    items[i].classList.add("current");
    writeHash();
    if (scroll !== false) {
      items[i].scrollIntoView({block: "start"});
      items[i].focus({preventScroll: true});
    }
  }
  function move(step) {
    var i = current;
    for (;;) {
      i += step;
      if (i < 0 || i >= items.length) return;
      if (!items[i].hasAttribute("hidden")) { select(i); return; }
    }
  }
  function onChange() { apply(); writeHash(); }
  document.querySelectorAll(".picture img").forEach(function (img) {
    img.addEventListener("click", function () {
      img.closest("article.item").classList.toggle("wide");
    });
  });
  document.querySelectorAll("a.anchor").forEach(function (a) {
    a.addEventListener("click", function (ev) {
      ev.preventDefault();
      select(items.indexOf(a.closest("article.item")));
    });
  });
  [task, scene, problems, wrong].forEach(function (el) {
    if (el) el.addEventListener("change", onChange);
  });
  [answer, text].forEach(function (el) { el.addEventListener("input", onChange); });
  window.addEventListener("hashchange", function () {
    var at = readHash();
    apply();
    if (at !== null && items[+at]) select(+at);
  });
  document.addEventListener("keydown", function (ev) {
    var t = ev.target, typing = t && (t.tagName === "INPUT" || t.tagName === "SELECT" ||
                                      t.tagName === "TEXTAREA");
    if (ev.key === "Escape" && typing) { t.blur(); return; }
    if (typing || ev.ctrlKey || ev.metaKey || ev.altKey) return;
    if (ev.key === "j" || ev.key === "ArrowDown") { move(1); ev.preventDefault(); }
    else if (ev.key === "k" || ev.key === "ArrowUp") { move(-1); ev.preventDefault(); }
    else if (ev.key === "/") { text.focus(); text.select(); ev.preventDefault(); }
  });
  var start = readHash();
  apply();
  if (start !== null && items[+start]) select(+start);
})();
"""
