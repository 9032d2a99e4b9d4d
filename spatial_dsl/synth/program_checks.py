"""The checks that read an item's program and scene, not only its words: which distance
it measures (``distance_reading``), whether its answer is of the task's kind
(``task_fit``), and whether it names itself or the room's structure as an answer
(``self_answer``, ``structural_answer``, ``structural_influence``). ``synth.verify``
documents every check and re-exports these."""

from __future__ import annotations

import re

from ..runtime.answers import Answer
from ..scenes.model import normalise_name
from .agreement import RELATIVE, Check, _shown, answers_agree, converted_units


# ------------------------------------------------------------------- distance reading

_DISTANCE_ASKED = re.compile(r"\bdistances?\b|\bhow far\b|\bapart\b|\bseparat\w*|\bhow close\b"
                             r"|\bgap\b")
# the words that say which distance (the templates' own: "between their closest points",
# "the centers of", "center to center"); "the chair nearest the window" says nothing
_READINGS = {
    "gap": (re.compile(r"\b(?:closest|nearest)(?:[- ]point| points?| parts?| surfaces?| edges?"
                       r"| sides?)\b|\bsurfaces?\b|\bedges?\b|\bgap\b|\bshortest (?:distance|gap)"
                       r"\b|\bfrom the nearest point\b"),
            "their closest points (gap)", '"between their closest points"'),
    "distance": (re.compile(r"\bcent(?:er|re)s?\b"), "their centers (distance)",
                 '"between their centers"'),
    "horizontal_distance": (re.compile(r"\bhorizontal(?:ly)?\b"),
                            "their centers, horizontally (horizontal_distance)",
                            '"horizontally, between their centers"'),
}


def measured_with(program) -> set[str]:
    """The distance builtins (``gap``, ``distance``, ``horizontal_distance``) whose value
    the answer is computed from: in the answer and the lets it uses, not inside a lambda
    (``argmin(xs, o => distance(o, a))`` picks an object, it is not what is measured)."""
    from spatial_dsl.lang import ast

    lets = {st.name: st.value for st in program.statements if isinstance(st, ast.Let)}
    answer = next((st.value for st in program.statements if isinstance(st, ast.Answer)), None)
    found: set[str] = set()
    pending, visited = [answer] if answer is not None else [], set()
    while pending:
        node = pending.pop()
        if isinstance(node, ast.Lambda):
            continue
        if isinstance(node, ast.Call) and node.func in _READINGS:
            found.add(node.func)
        if isinstance(node, ast.Name) and node.id in lets and node.id not in visited:
            visited.add(node.id)
            pending.append(lets[node.id])
        pending.extend(ast.children(node))
    return found


def distance_reading(question: str | None, program) -> Check:
    """A question that asks for a distance says which one its program measures: between
    the closest points (``gap``) or the centers (``distance``); "What is the distance
    between the bottle and the paper towel roll?" has two readings (synthesis.md: one
    reading), and "the nearest points" answered by ``distance`` is another question."""
    q = " ".join((question or "").casefold().split())
    used = measured_with(program)
    if not _DISTANCE_ASKED.search(q) or len(used) != 1:
        return Check("distance_reading", True, "no distance, or not one kind of distance")
    reading = used.pop()
    named = readings_named(q)
    _pattern, what, words = _READINGS[reading]
    if reading in named:
        return Check("distance_reading", True, f"the question says {what}")
    others = [r for r in named if r != reading]
    if others:
        return Check("distance_reading", False, f"the question asks about "
                     f"{_READINGS[others[0]][1]}, the program measures {what}")
    return Check("distance_reading", False, f"the question asks for a distance without "
                 f"saying which, and it is measured between {what}: the question should "
                 f"say {words}")


def readings_named(question: str | None) -> list[str]:
    """The distance builtins whose reading a distance question's words name ("between their
    closest points": ``gap``), in ``_READINGS`` order; [] when it asks for no distance."""
    q = " ".join((question or "").casefold().split())
    if not _DISTANCE_ASKED.search(q):
        return []
    return [r for r, (pattern, _what, _words) in _READINGS.items() if pattern.search(q)]


def item_modality(template, program, scene, answer: Answer) -> str:
    """The modality of an LLM item: its task's (``task_modality``), or, for a free
    description, ``video`` when what it names is clearly visible in some frame, else
    ``scene`` -- answered from the scene, with no pictures that do not show what it asks
    about."""
    decided = task_modality(template, scene)
    if decided is not None:
        return decided
    return "scene" if _hidden_named(program, scene, answer) else "video"


def task_modality(template, scene) -> str | None:
    """The modality of a task's LLM items on a scene, where the task decides it: ``scene`` on
    a scene without frames, or for a task whose template is a scene task (room size);
    ``video``, over all the scene's frames, for a template's image or video task (``synth
    --walk``: what it names must then be clearly visible, ``clearly_visible``); None for a
    free description, whose items decide it (``item_modality``)."""
    if scene.frames.count == 0:
        return "scene"
    if template is None:
        return None
    return "scene" if template.modality == "scene" else "video"


def _hidden_named(program, scene, answer: Answer) -> list[int]:
    """The rows of the objects the item names that no frame shows clearly (as `spdsl audit`
    collects them: ``quality.named_rows``), without saying why (a why costs a projection)."""
    from .. import quality

    absent_ok = quality.answers_about_visibility(program)
    rows = quality.named_rows(scene, program, answer.ids or [])
    return quality.unclear_rows(scene, rows, "video", None, absent_ok)


def clearly_visible(program, scene, answer: Answer, modality: str = "video") -> Check:
    """A video item names only objects clearly visible (visibility >= 0.3 and >= 32 px) in
    at least one frame (synthesis.md, "What a good item is"): the objects its program
    selects by ``the("Name")`` and those it answers, as `spdsl audit` checks them
    (``not-clearly-visible``). A scene item (``item_modality``) shows nothing, and
    passes."""
    from .. import quality
    from ..names import natural_name

    if modality != "video" or scene.frames.count == 0:
        return Check("clearly_visible", True, "a scene item: it shows no frame")
    hidden = _hidden_named(program, scene, answer)
    if not hidden:
        return Check("clearly_visible", True, "every object it names is clearly visible in "
                     "some frame")
    [(row, why)] = quality.unclear(scene, hidden[:1], "video", None)
    return Check("clearly_visible", False, f"the {natural_name(scene.categories[row])} is "
                 f"{why}: a video item names only objects clearly visible in some frame")


# ------------------------------------------------------------------------ task fit


def answer_kind(type_name: str, node) -> str:
    """What kind of answer a program gives, from its answer type and (for a Number) the units
    the program converts to (``node``: the program, or a task's answer expression): ``count``,
    a dimension (``Length`` ...), ``Number`` (a measure of unknown dimension), ``choice``
    (Object or Str) or the type itself."""
    from spatial_dsl.lang.types import UNITS as units

    if type_name == "Int":
        return "count"
    if type_name in ("Object", "Str"):
        return "choice"
    if type_name != "Number":
        return type_name
    dimensions = {str(units[u][0]) for u in converted_units(node) if u in units}
    return dimensions.pop() if len(dimensions) == 1 else "Number"


_KIND_WORDS = {"count": "a count (Int)", "Number": "a number", "choice": "an object",
               "Bool": "a yes/no answer (Bool)"}


def kind_text(kind: str) -> str:
    """An answer kind (``answer_kind``) in words: "a count (Int)", "an area" ..."""
    if kind in _KIND_WORDS:
        return _KIND_WORDS[kind]
    if kind in RELATIVE:
        return f"{'an' if kind[0] in 'AEIOU' else 'a'} {kind.lower()}"
    return kind


def task_fit(template, answer: Answer, program) -> Check:
    """``template``: the unit's task template (None: a free description); ``program``: the
    item's program (AST)."""
    if template is None:
        return Check("task_fit", True, "a free description sets no answer type")
    wanted = answer_kind(str(template.answer_type), template.task.answer.value)
    given = answer_kind(answer.type, program)
    measures = set(RELATIVE)
    fits = wanted == given or ("Number" in (wanted, given) and {wanted, given} <= measures)
    if fits:
        return Check("task_fit", True, f"the task asks for {kind_text(wanted)}")
    return Check("task_fit", False, f"the task {template.name} asks for {kind_text(wanted)}, "
                 f"and this item answers {kind_text(given)}")


# ------------------------------------------------------------- the scene's own objects


def self_answer(program, scene, answer: Answer) -> Check:
    """The Object answer is not an object the program (its AST) picks by ``the("name")``
    (``quality.the_names``, as the template engine reads a program's landmarks)."""
    from ..quality import one_object, the_names

    if answer.type != "Object" or not answer.ids:
        return Check("self_answer", True, "not an Object answer")
    answered = str(answer.ids[0])
    name = next((n for n in the_names(program) if (row := one_object(scene, n)) is not None
                 and str(scene.ids[row]) == answered), None)
    if name is not None:
        from spatial_dsl.lang import build
        from spatial_dsl.lang.printer import expr

        landmark = expr(build.call("the", build.string(name)))
        return Check("self_answer", False, f"the answer {answer.text!r} is the object the "
                     f"program names with {landmark}: it is compared with itself")
    return Check("self_answer", True, "the answer is not an object the program names as a "
                 "landmark")


def structural_answer(question: str | None, answer: Answer) -> Check:
    """An Object answer that is a floor, a wall or a ceiling is named in the question."""
    from ..refer.model import STRUCTURAL

    category = answer.value.get("category") if isinstance(answer.value, dict) else None
    name = normalise_name(str(category or ""))
    if answer.type == "Object" and name in STRUCTURAL and name not in normalise_name(
            question or ""):
        return Check("structural_answer", False, f"the answer is the {name}, a part of the room "
                     "that the question does not ask about")
    return Check("structural_answer", True, "the answer is not a floor, wall or ceiling the "
                 "question does not name")


def without_structure(scene):
    """The scene without its floors, walls and ceilings (``refer.model.STRUCTURAL``), for
    ``structural_influence``; None when it has none, or when its room is derived from the
    objects' bounds (no floor polygon), which removing them would change."""
    from ..refer.model import STRUCTURAL
    from ..scenes.format import dump_scene, scene_from_dict

    gone = {scene.ids[i] for i in range(scene.n)
            if normalise_name(str(scene.categories[i])) in STRUCTURAL}
    if not gone or scene.room.floor is None or len(gone) == scene.n:
        return None
    doc = dump_scene(scene)
    kept = []
    for obj in doc["objects"]:
        if obj["id"] in gone:
            continue
        if obj.get("parent") in gone:  # held by the floor: now held by nothing
            obj = {k: v for k, v in obj.items() if k != "support"} | {"parent": None}
        kept.append(obj)
    doc["objects"] = kept
    for frame in doc.get("frames", []):
        frame["visible"] = {k: v for k, v in frame["visible"].items() if k not in gone}
    return scene_from_dict(doc, f"{scene.id} (without floors, walls and ceilings)")


_NAMES_STRUCTURE = re.compile(r"\b(?:floors?|walls?|ceilings?)\b")


def structural_influence(question: str | None, program, bare, answer: Answer) -> Check:
    """The answer does not count or measure a floor, wall or ceiling the question does not
    name: run on the scene without them (``bare``, from ``without_structure``), the program
    gives the same answer. "How many objects are in this room?" counted the floor (77, not
    76), and "What is the area of the largest object?" measured it (26.1 m²): for a reader
    neither is an object (Qwen2.5-Coder-1.5B, both accepted)."""
    if bare is None or _NAMES_STRUCTURE.search((question or "").casefold()):
        return Check("structural_influence", True, "no floor, wall or ceiling to leave out, "
                     "or the question names one")
    from ..api import SceneNameError

    try:
        result = program.run(bare)
    except SceneNameError:
        return Check("structural_influence", False, "the program names the floor, a wall or "
                     "the ceiling, which the question does not")
    if not result.ok:
        return Check("structural_influence", False, "without the floor, walls and ceiling the "
                     f"program has no answer ({result.rejection.kind}): it is about them, and "
                     "the question does not say so")
    if not answers_agree(answer, result.answer, tolerance=1e-9):
        return Check("structural_influence", False, "the answer counts or measures the floor, "
                     f"walls or ceiling (without them it is {_shown(result.answer)}), which the "
                     "question does not name: a reader does not take them for objects")
    return Check("structural_influence", True, "the same answer without the floor, walls and "
                 "ceiling")
