"""The page's HTML (``render_page``): the header with its summary and filters, and one
``<article>`` per item (question, choices, answer, prediction, problems, highlighted
program, picture). The template, style sheet and script are the package files
``assets/page.html`` (a ``string.Template``: ``${name}`` placeholders), ``assets/review.css``
and ``assets/review.js``; everything else is escaped here."""

from __future__ import annotations

import html
import json
from collections import Counter
from functools import cache
from importlib.resources import files
from string import Template

from .checks import ItemCheck


@cache
def _asset(name: str) -> str:
    """A file of ``spatial_dsl/review/assets`` (package data: in the wheel too)."""
    return files(__package__).joinpath("assets", name).read_text(encoding="utf-8")


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
    return Template(_asset("page.html")).substitute(
        title=e(title), style="\n" + _asset("review.css") + _style(),
        files=e(", ".join(files)),
        count=len(records), tasks=len(tasks), scenes=len(scenes), problems=problems,
        drawn=drawn, note=e(note), score_note=e(score_note), wrong_filter=wrong_filter,
        task_options=_options(tasks, "tasks"),
        scene_options=_options(scenes, "scenes"), answers=datalist,
        items="\n".join(items), script="\n" + _asset("review.js"))


def _prediction_html(scored) -> str:
    """The model's reply beside the answer: what it was read as and its score."""
    e = html.escape
    from ..scoring import METRICS

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
