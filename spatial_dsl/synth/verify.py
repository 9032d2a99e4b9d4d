"""The verification checks of the LLM loop (synthesis.md, step 4), on one program: those on
the question's words here, the comparisons of answers in ``synth.agreement``, the checks
that read the program and the scene in ``synth.program_checks`` (all re-exported here).

- ``stability``: the answer is unchanged when every object's centre is jittered
  by up to 2 cm, over 8 seeded trials (``runtime.jitter``; the trials' seed is
  ``derive_seed(seed, scene id, "jitter")``, the one ``spdsl generate`` uses).
  Numbers and quantities (also in lists) may move by 5 % (relative to the
  original); everything else, Int included, must stay equal; a rejection under
  jitter is a change.
- ``type_fit``: the answer type fits the question (see ``expected_types``).
- ``degenerate``: no empty list or empty text; the answer is not merely
  restated in the question: a number answer (other than a one-digit Int, which
  thresholds and counts use all the time) must not occur in the question as a
  number, and a Str or Object answer must not be named in a question that is
  neither a which-question nor offers alternatives ("... X or Y ...").
- ``agreement`` (``answers_agree``): two programs for one question give the same
  answer, numbers within 1 % of the first one's (``answers.same_element``, the
  comparison the stability checks use); two Object answers agree when they are the
  same object (by id), an Object and a Str when the Str says the object's label,
  category or the words a question uses for it (``naming.in_words``: "the shortest
  vase"; a leading "the" is ignored). A Number that its program converted with ``in``
  (``round(gap(a, b) in m, 2)``) is compared as the quantity it measures, so it agrees
  with a Length answer of the same distance, or a Number converted to centimetres. A
  sample's number that is the item's rounded to fewer decimals (4 m for 3.88 m, the 1.5B
  model's ``round(gap(a, b))``) agrees too; an item coarser than its sample does not.
- ``new`` (``dedupe_key``): the normalised question (case, punctuation, spacing and
  the words a, an, the, this, that folded away) + answer (+ scene) of an item is not
  that of an accepted one; the loop applies it as soon as a proposal runs,
  against the items earlier attempts of its scene and task had got accepted, and the
  driver again over the whole run.
- ``placeholder``: the question holds no unfilled template placeholder (``<a>``,
  ``{a}``), which small models copy from the task's phrasings.
- ``frameless_views``: on a scene with no camera frames, the question does not speak of
  what is seen ("visible", "seen", "video", "camera" ...).
- ``clearly_visible``: on a scene with frames (a video item, ``synth --walk``), every
  object the program selects by name and every object it answers is clearly visible in
  some frame, as `spdsl audit` checks (``quality.named_rows``, ``quality.unclear``).
- ``question_form``: the question asks something (a question word, an auxiliary that
  opens a clause, or an imperative such as "estimate"): "The stove burner is nearest the
  window." does not.
- ``meta_text``: the question says nothing about the program ("program", a call such as
  ``gap(a, b)``): a small model pasted the repair hint into its question.
- ``copied_example``: the question and the program are not a worked example of
  the prompt (normalised), which small models hand back verbatim.
- ``names_in_question``: every category or label the program names (``the("Fridge")``,
  ``find("Chair")``, ``o.category == "Mug"``) is named in the question, in any of its
  spellings ("fridge", "stove burner", "stoveburner"; a plural counts). A program about
  objects the question does not name answers another question: under the scene grammar
  a small model that began "the stove" was led to write ``the("Statue")``, the one name of
  one object beginning so, and two such programs agree with each other.
- ``self_answer``: an Object answer is not an object the program names as a landmark
  with ``the("...")``: "Which of the objects is closest to the Fridge?" answered "fridge"
  (Qwen2.5-Coder-1.5B: ``argmin(find("Fridge"), o => distance(o, the("Fridge")))``)
  compares the fridge with itself (synthesis.md: nothing counts itself).
- ``structural_answer``: an Object answer is not a floor, wall or ceiling unless the
  question names it: "Which object is the biggest among all objects?" answered "floor"
  (Qwen2.5-Coder-1.5B, ``argmax(objects, ...)``) is not what a reader counts as an object.
- ``task_fit``: the item answers what its task asks for: under a task template, the answer
  is of the template's kind -- a count (Int), a measure of the same dimension (a Length, or
  a Number converted from one with ``in m``; a Number whose dimension is unknown fits any
  measure), a Bool, an object (Object or Str) ... -- so a "How many objects are in this
  room?" (Int) is not recorded as a ``vsi_room_size`` item (an area), which the 1.5B model
  had accepted. A free description sets no kind.
- ``distance_reading``: a question that asks for a distance says which one the program
  measures (``measured_with``: the distance builtins in the answer and the lets it uses,
  not inside a lambda): "closest points", "surfaces", "edges", "gap", "shortest
  distance" for ``gap``; "center(s)" for ``distance``; "horizontal" for
  ``horizontal_distance``, as the templates say it. "What is the distance between the
  bottle and the paper towel roll?" (Qwen2.5-Coder-1.5B, answered with ``gap``) has two
  readings; "the nearest points" answered with ``distance`` is another question.
- ``bare_reference``: the question does not say "the X" for a category X of which
  the scene has several objects, with nothing after it that says which one ("How far
  is the stove knob from the fridge?" on a stove with 4 knobs: the program picked
  one, the reader cannot know which). Words between "the" and X ("the largest stove
  knob") or a qualifier right after it ("the stove knob nearest the fridge", "... on
  the counter", "... that ...") count as saying which; plurals ("the stove knobs")
  speak of all of them. The category is matched by its natural name or its label.

Type fit by dimension and unit (``dimension_fit``, part of ``type_fit`` when the
program text is given): a question that names a dimension must be answered in
it -- the *earliest* of these word groups decides: area ("area", "square
meters", "m²" ...) needs an Area, or a Number converted from one; volume
("volume", "cubic", "liters" ...) a Volume or such a Number; angle ("angle",
"degrees") an Angle or a Number; length ("distance", "how far", "tall",
"height", "long", "wide", "meters", "cm" ...) a Length or a Number. An Int never
answers them (``count(find("Floor"))`` for "What is the area of the room?").
When the question names a unit ("in centimeters") and the answer is a
quantity in another unit, or the program converts to another unit of that
dimension (``in m`` for a question in centimetres), the item is rejected. A bare
Number that its program converted with ``in`` is rejected when the question names
no unit at all ("How big is the area of the room?" answered 35.1): the reader
cannot tell square meters from square feet. (``synth.dimensions``.)

Type fit, in detail. The question is lower-cased; the *earliest* of these cues
decides (so "Which object is at the greatest distance ..." is a which-question
and "Measured from the centres, how far ..." a distance question):

============================================  =============================================
cue                                           expected answer types
============================================  =============================================
"how many" + a unit word (meters, cm,         a number: Int, Number or a quantity
degrees, liters ...) or "how many times"
"how many", "what is the (total) number of"   Int
"how far", "how long/tall/high/big/wide/      a number: Int, Number or a quantity
deep/large/much/close", "what is the
distance/height/length/width/size/volume/
area/depth/angle/gap/elevation"
"which", "what object/item/thing/furniture",  Object, Str, Frame, Int or a List of those; if
"in what order"                               the question offers alternatives (" or "), the
                                              answer must be one of the objects it names
is/are/does/do/did/can/could/would/will/was/  Bool (an alternative question "is X or Y ..."
were/has/have/should/shall/may/might/must     also Str or Object)
at the start of the question or of a clause
(after , ; :)
"where" at the start of the question or of a  Str, Object, Int (a clock hour) or Frame, or a
clause                                        List of those: not a distance ("Where is the
                                              houseplant relative to the fridge, in meters?"
                                              answered 2.9 by Qwen2.5-Coder-1.5B)
anything else ("what colour" ...)             no constraint
============================================  =============================================
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter

from ..names import natural_name
from ..runtime.answers import Answer
from ..scenes.model import normalise_name
from spatial_dsl.lang.source import Source

# re-exported: the loop, `spdsl verify` and the benchmark take every check from here
from .agreement import (  # noqa: F401
    NUMERIC, RELATIVE, Check, _elem_type, _shown, answers_agree, conversion_unit,
    converted_units, in_base_units, stable_answer,
)
from .dimensions import dimension_fit, folded, question_dimension  # noqa: F401
from .program_checks import (  # noqa: F401
    answer_kind, clearly_visible, distance_reading, item_modality, measured_with, self_answer,
    structural_answer, structural_influence, task_fit, without_structure,
)

CHOICE = ("Object", "Str", "Frame", "Int")
PLACES = ("Str", "Object", "Int", "Frame")  # where: a direction, a landmark, a clock hour

_UNIT_WORDS = (r"(?:square |cubic )?(?:meters?|metres?|centimet(?:er|re)s?|millimet(?:er|re)s?|"
               r"cm|mm|m|m2|m3|m²|m³|liters?|litres?|degrees?|deg|inches|feet|foot)")
_CUES: list[tuple[str, re.Pattern]] = [
    ("measure", re.compile(r"\bhow many\s+(?:\w+\s+){0,2}?" + _UNIT_WORDS + r"\b|\bhow many "
                           r"times\b")),
    ("count", re.compile(r"\bhow many\b|\bwhat(?:'s| is)? the (?:total )?number of\b")),
    ("measure", re.compile(r"\bhow (?:far|long|tall|high|big|wide|deep|large|much|close)\b|"
                           r"\bwhat(?:'s| is| are)? (?:the )?(?:\w+ )?(?:distance|height|"
                           r"length|width|size|volume|area|depth|angle|gap|elevation)\b")),
    ("which", re.compile(r"\bwhich\b|\bwhat (?:object|item|thing|piece of furniture|furniture)"
                         r"\b|\bin what order\b")),
    ("yesno", re.compile(r"(?:^|[,;:]\s*)(?:is|are|does|do|did|can|could|would|will|was|were|"
                         r"has|have|should|shall|may|might|must)\b")),
    ("where", re.compile(r"(?:^|[,;:]\s*)where\b")),
]



# --------------------------------------------------------------------------- checks


def stability(program, scene, jittered: list, answer: Answer) -> Check:
    """Run the program on each jittered copy of the scene; the answer must hold."""
    for t, result in enumerate(program.run_copies(jittered)):
        if not result.ok:
            return Check("stability", False, f"trial {t + 1} of {len(jittered)}: rejected "
                         f"[{result.rejection.kind}] {result.rejection.message}")
        if not stable_answer(answer, result.answer):
            return Check("stability", False, f"trial {t + 1} of {len(jittered)}: answer "
                         f"{_shown(result.answer)} instead of {_shown(answer)}")
    return Check("stability", True, f"unchanged over {len(jittered)} jittered trials (2 cm)")


def _normal_text(text: str) -> str:
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text.casefold()).split())


# Words whose change leaves the question the same for a reader: "What is the area of this
# room in square meters?" repeats "What is the area of the room, in square meters?" (the
# 1.5B model's room-size items, both accepted as new).
_DETERMINERS = frozenset({"a", "an", "the", "this", "that"})


def _dedupe_text(question: str) -> str:
    """The question as the `new` check compares it: case, punctuation, spacing and
    determiners folded away."""
    return " ".join(w for w in _normal_text(question).split() if w not in _DETERMINERS)


def question_cue(question: str) -> str | None:
    """The kind of question: measure, count, which, yesno, or None (no constraint)."""
    q = folded(question)
    best: tuple[int, str] | None = None
    for kind, pattern in _CUES:
        m = pattern.search(q)
        if m and (best is None or m.start() < best[0]):
            best = (m.start(), kind)
    return best[1] if best else None


def expected_types(question: str) -> tuple[str | None, tuple[str, ...] | None]:
    cue = question_cue(question)
    if cue == "measure":
        return cue, NUMERIC
    if cue == "count":
        return cue, ("Int",)
    if cue == "which":
        return cue, CHOICE + tuple(f"List[{t}]" for t in CHOICE)
    if cue == "yesno":
        return cue, ("Bool", "Str", "Object") if _offers_alternatives(question) else ("Bool",)
    if cue == "where":
        return cue, PLACES + tuple(f"List[{t}]" for t in PLACES)
    return None, None


def _offers_alternatives(question: str) -> bool:
    return " or " in f" {_normal_text(question)} "


def _named_in(answer_texts: set[str], question: str) -> bool:
    q = f" {_normal_text(question)} "
    return any(f" {t} " in q for t in answer_texts if t)


def _answer_texts(answer: Answer) -> set[str]:
    texts = {_normal_text(answer.text), _normal_text(natural_name(answer.text))
             if answer.text else ""}
    if answer.type == "Object" and isinstance(answer.value, dict):
        texts.add(_normal_text(natural_name(str(answer.value.get("category", "")))))
        texts.add(_normal_text(str(answer.value.get("label", ""))))
    return {t for t in texts if t}


def type_fit(question: str | None, answer: Answer, program=None) -> Check:
    """The answer's type fits the question's cue and, when the question names a dimension,
    that dimension and unit (``dimension_fit``; ``program``: its AST or text)."""
    if not question:
        return Check("type_fit", True, "not applicable: the program has no question")
    if program is not None:
        dimension = dimension_fit(question, answer, program, question_cue(question))
        if not dimension.ok:
            return dimension
    cue, allowed = expected_types(question)
    if allowed is None:
        return Check("type_fit", True, f"no rule for this question; answer type {answer.type}")
    if answer.type not in allowed:
        return Check("type_fit", False, f"{_CUE_NAMES[cue]} should answer "
                     f"{' or '.join(allowed)}, not {answer.type}")
    if cue == "which" and answer.type in ("Object", "Str") and _offers_alternatives(question):
        if not _named_in(_answer_texts(answer), question):
            return Check("type_fit", False, f"the answer {answer.text!r} is not one of the "
                         "options the question names")
    return Check("type_fit", True, f"{_cue_text(cue, answer)} answers {answer.type}")


_CUE_NAMES = {"measure": "a how-much question", "count": "a how-many question",
              "which": "a which question", "yesno": "a yes/no question",
              "where": "a where question"}


def _cue_text(cue: str, answer: Answer) -> str:
    """How a user would name the question kind (`yesno` answering a Str is a choice)."""
    if cue == "yesno" and answer.type != "Bool":
        return "a question naming its alternatives (X or Y?)"
    return _CUE_NAMES[cue]


# ------------------------------------------------------------- copies and placeholders

_PLACEHOLDER = re.compile(r"<\s*[A-Za-z_][A-Za-z0-9_]*\s*>|\{\s*[A-Za-z_][A-Za-z0-9_]*\s*\}")
_EXAMPLE_QUESTION = re.compile(r'^\s*question\s*"((?:[^"\\\n]|\\.)*)"', re.M)
_FENCE = re.compile(r"```sp\n(.*?)```", re.S)


def placeholder(question: str | None) -> Check:
    m = _PLACEHOLDER.search(question or "")
    if m:
        return Check("placeholder", False, f"the question holds the unfilled placeholder "
                     f"{m[0]!r}")
    return Check("placeholder", True, "no template placeholder in the question")


# words a question for a reader has no use for: the program, and calls of the language
_META = re.compile(r"\bprogram\b|\bspatialdsl\b|\b[a-z_]+\(\s*[\"a-z]")


def meta_text(question: str | None) -> Check:
    """The question speaks to a reader, not about the program: "What is the distance between
    the tomato and the wine bottle? The program measures the distance between their closest
    points." (Qwen2.5-Coder-1.5B, pasting the repair hint into its question) is not a question
    a person would be asked."""
    m = _META.search((question or "").casefold())
    if m:
        return Check("meta_text", False, f"the question speaks of the program ({m[0]!r}): it "
                     "is read by a person who sees the room, not the program")
    return Check("meta_text", True, "no words about the program in the question")


# a question asks: an interrogative word, an auxiliary opening a clause ("Is the mug ...",
# "..., is it ..."), or an imperative that asks ("Estimate the size ...", "Name the ...")
_ASKS = re.compile(r"\b(?:what|which|how|where|when|who|whose|why)\b|(?:^|[,;:.?]\s*)(?:is|are|"
                   r"does|do|did|can|could|would|will|was|were|has|have|should)\b|^(?:give|"
                   r"name|list|count|estimate|tell|find|say|state|measure|compute|determine|"
                   r"identify|report)\b")


def question_form(question: str | None) -> Check:
    """The question asks something. Of 222 distinct questions Qwen2.5-Coder-1.5B wrote, two
    asked nothing -- "Between their closest points of the cup and the statue, in meters?",
    "The stove burner is nearest the window." -- and every ask line of the task templates
    passes."""
    q = folded(question)
    if question is not None and not _ASKS.search(q):
        return Check("question_form", False, "the question asks nothing: it has no question "
                     "word (what, how, which ...), no 'is ...?' and no 'estimate', 'name' ...")
    return Check("question_form", True, "a question")


# what a question says about views: on a scene without frames there are none to speak of
_VIEWS = re.compile(r"\b(?:visible|visibly|seen|see|sees|shown|shows|videos?|frames?|images?|"
                    r"pictures?|photos?|camera|viewer)\b")


def frameless_views(question: str | None, scene) -> Check:
    """On a scene with no camera frames, the question does not speak of what is seen: "How
    many fridges are there in this room, clearly visible?" (Qwen2.5-Coder-1.5B, accepted in
    stop 22) claims a view the item does not have, and its program cannot check it."""
    m = _VIEWS.search((question or "").casefold())
    if scene.frames.count == 0 and m:
        return Check("frameless_views", False, f"the question speaks of what is seen "
                     f"({m[0]!r}), and the scene has no camera frames")
    return Check("frameless_views", True, "the scene has frames, or the question speaks of "
                 "none")


def copied_example(question: str | None, program: str, examples_text: str) -> Check:
    """The item is not a worked example of the prompt handed back (question or program)."""
    mine_q = _normal_text(question or "")
    mine_p = " ".join(program.split())
    for number, block in enumerate(_FENCE.findall(examples_text or ""), 1):
        m = _EXAMPLE_QUESTION.search(block)
        if " ".join(block.split()) == mine_p or (m and mine_q and _normal_text(m[1]) == mine_q):
            return Check("copied_example", False, f"the item copies worked example {number} "
                         "of the prompt")
    return Check("copied_example", True, "not a worked example of the prompt")


# Words that, right after "the X" (no punctuation between), begin what tells one X from
# the others. A preposition may also start the predicate ("is the mug in the fridge?"):
# the check is lenient there, and strict where nothing follows.
_QUALIFIERS = ("nearest", "closest", "farthest", "furthest", "on", "in", "inside", "under",
               "underneath", "below", "above", "near", "next", "beside", "between", "behind",
               "to", "with", "that", "which", "whose", "where")


def _names_of(category: str) -> set[str]:
    return {natural_name(category), category.lower()}


def bare_reference(question: str | None, categories) -> Check:
    """No "the X" for a category X that occurs more than once, unless the question says
    which (see the module documentation). ``categories``: the scene's object categories,
    one per object."""
    counts = Counter(categories)
    text, spans = (question or "").lower(), []
    names = sorted(((n, c) for c in counts for n in _names_of(c)), key=lambda nc: -len(nc[0]))
    for name, category in names:  # longest names first: "sink basin" before "sink"
        for m in re.finditer(rf"\bthe\s+{re.escape(name)}(?![\w-])", text):
            if any(a < m.end() and m.start() < b for a, b in spans):
                continue
            spans.append(m.span())
            after = re.match(r"\s+(\w+)", text[m.end():])
            if counts[category] > 1 and not (after and after[1] in _QUALIFIERS):
                return Check("bare_reference", False,
                             f"the question says {m[0]!r}, but the scene has "
                             f"{counts[category]} {category} objects and it does not say which")
    return Check("bare_reference", True, "every object the question names is one of its kind "
                 "or said which")


def _spellings(name: str) -> set[str]:
    """A name without spaces, ``_`` and ``-``, lower-cased, and its irregular plurals (a
    regular plural contains the name)."""
    base = normalise_name(name)
    forms = {base}
    if base.endswith("fe"):
        forms.add(base[:-2] + "ves")  # knife -> knives
    elif base.endswith("f"):
        forms.add(base[:-1] + "ves")  # shelf -> shelves
    elif base.endswith("y"):
        forms.add(base[:-1] + "ies")
    return forms


def names_in_question(question: str | None, names: list[str]) -> Check:
    """Every scene name the program uses (``checked.scene_names``' values) is in the
    question, compared without spaces, ``_`` and ``-``, case-insensitively."""
    text = normalise_name(question or "")
    for name in dict.fromkeys(names):
        if not any(form in text for form in _spellings(name)):
            return Check("names_in_question", False,
                         f"the program names {name!r}, which the question does not mention")
    return Check("names_in_question", True, "every object the program names by name is "
                 "named in the question")


def degenerate(question: str | None, answer: Answer) -> Check:
    is_list, t = _elem_type(answer.type)
    if is_list and not answer.value:
        return Check("degenerate", False, "the answer is an empty list")
    if not answer.text.strip():
        return Check("degenerate", False, "the answer is empty")
    if question and not is_list:
        if t in NUMERIC:
            text = answer.text
            small = t == "Int" and len(text.lstrip("-")) == 1
            if not small and re.search(r"(?<![0-9.])" + re.escape(text) + r"(?![0-9]|\.[0-9])",
                                       question):
                return Check("degenerate", False, f"the answer {text} is stated in the "
                             "question")
        elif (t in ("Str", "Object") and question_cue(question) != "which"
              and not _offers_alternatives(question)):
            if _named_in(_answer_texts(answer), question):
                return Check("degenerate", False, f"the answer {answer.text!r} is restated in "
                             "the question")
    return Check("degenerate", True, "the answer is not empty and not given away by the "
                 "question")


def says_what_it_computes(question: str | None, checked, scene):
    """The checks of whether a question says what its program computes: names its objects,
    says which one, and which distance. The loop gives a proposal one round to mend them."""
    yield names_in_question(question, [literal.value for literal in checked.scene_names])
    yield bare_reference(question, scene.categories)
    yield distance_reading(question, checked.program)


def item_checks(question: str | None, checked, scene, answer: Answer, *, template=None,
                shown: str | None = None, bare=None, raw_answer: Answer | None = None,
                modality: str | None = None):
    """The checks of one item that read only the item, its scene and its task, lazily and in
    the order the loop applies them (it stops at the first that fails): the loop, ``spdsl
    verify`` and the benchmark's re-check all take them from here. ``template``: the task
    template (``task_fit``); ``shown``: the prompt's worked examples (``copied_example``);
    ``bare``: ``without_structure(scene)``; ``raw_answer``: the answer before objects were
    put in words (``structural_influence`` compares by id), default ``answer``;
    ``modality``: the item's (``item_modality``, worked out here when not given)."""
    from ..api import Program

    text = checked.source.text
    yield type_fit(question, answer, checked.program)
    if template is not None:
        yield task_fit(template, answer, checked.program)
    yield placeholder(question)
    yield question_form(question)
    yield meta_text(question)
    yield frameless_views(question, scene)
    if modality is None:
        modality = item_modality(template, checked.program, scene, answer)
    yield clearly_visible(checked.program, scene, answer, modality)
    yield from says_what_it_computes(question, checked, scene)
    if shown is not None:
        yield copied_example(question, text, shown)
    yield degenerate(question, answer)
    yield self_answer(checked.program, scene, answer)
    yield structural_answer(question, answer)
    yield structural_influence(question, Program(checked), bare,
                               answer if raw_answer is None else raw_answer)


def dedupe_key(scene_id: str, question: str, answer: Answer | dict) -> str:
    """The identity of an item for the `new` check: scene, normalised question, answer."""
    if isinstance(answer, dict):
        text, unit = answer["answer"], answer.get("unit")
    else:
        text, unit = answer.text, answer.unit
    raw = "\x1f".join([scene_id, _dedupe_text(question), text, unit or ""])
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


# ---------------------------------------------------------------------------- text


def render_rejection(rejection, source: Source) -> str:
    """A run-time rejection in the style of a diagnostic (header, source line, carets)."""
    span = rejection.span
    header = (f"{source.name}:{span.line}:{span.column}: rejected[{rejection.kind}]: "
              f"{rejection.message}")
    line = source.line_text(span.line).rstrip("\r").expandtabs(1)
    if not line:
        return header
    gutter = str(span.line)
    end = span.end_column if span.end_line == span.line else len(line) + 1
    underline = " " * (span.column - 1) + "^" * max(1, end - span.column)
    return f"{header}\n  {gutter} | {line}\n  {' ' * len(gutter)} | {underline}"
