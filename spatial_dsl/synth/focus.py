"""What one request asks for: a proposal's focus categories and its last lines
(``this_request``), and what an agreement sample is told its question measures
(``reading_text``)."""

from __future__ import annotations

import re
from collections import Counter

from ..names import natural_name
from .examples import STRUCTURAL
from .prompt_files import snippet
from .task_specs import TaskSpec


OBJECT_PARAMS = ("Ref", "Object")  # template parameter kinds that stand for one object


def _param_kinds(task: TaskSpec) -> list[str]:
    return [p.kind for p in task.template.params] if task.template is not None else ["Ref"]


def _names_objects(task: TaskSpec) -> bool:
    """The task's questions name single objects ("the fridge"), not categories to count."""
    return any(k in OBJECT_PARAMS for k in _param_kinds(task))


def focus_categories(scene, task: TaskSpec, attempt: int, seed: int = 0) -> list[str]:
    """The categories one proposal is asked to build its question around: one per object or
    category parameter of the task's template (at most 2; none for a template with neither,
    room size), taken in turn from the scene's non-structural categories in an order seeded
    by the run seed, scene and task, so that the attempts of a run differ until the
    categories run out; for video items, only categories whose objects some frame shows
    clearly (``_clearly_seen``). For a template that names objects (``Ref``/``Object`` params; a
    free task too) the categories of one object; for one that takes categories only
    (counts), those of several objects first, then the others.
    Why: left to choose, a 1.5B model asked 26 of 60 questions about the 4 stove burners or
    knobs of ithor:FloorPlan1, none of which "the stove burner" names."""
    import random

    kinds = _param_kinds(task)
    wanted = min(2, sum(k in OBJECT_PARAMS or k == "Category" for k in kinds))
    counts = Counter(str(c) for c in scene.categories if str(c) not in STRUCTURAL)
    if _shows_frames(scene, task):  # a video item names only what its frames show clearly
        seen = _clearly_seen(scene)
        counts = Counter({c: n for c, n in counts.items() if c in seen})
    if not wanted or not counts:
        return []
    rng = random.Random(f"{seed}|{scene.id}|{task.name}")
    single = sorted(c for c, n in counts.items() if n == 1)
    several = sorted(c for c, n in counts.items() if n > 1)
    rng.shuffle(single)
    rng.shuffle(several)
    pool = single if _names_objects(task) else several + single
    if len(pool) < wanted:
        return []
    start = attempt * wanted
    return [pool[(start + i) % len(pool)] for i in range(wanted)]


def _shows_frames(scene, task: TaskSpec) -> bool:
    """Whether the task's items on this scene may be video items (``task_modality``: a free
    description's are when what they name is seen)."""
    from .program_checks import task_modality

    return task_modality(task.template, scene) != "scene"


def _clearly_seen(scene) -> set[str]:
    """The categories every object of which is clearly visible in some frame: on a walk of 8
    frames, the 1.5B model asked about the mug and the light switch, which no frame shows."""
    from ..quality import unclear_rows

    hidden = set(unclear_rows(scene, range(scene.n), "video", None))
    by_category: dict[str, list[int]] = {}
    for row, category in enumerate(scene.categories):
        by_category.setdefault(str(category), []).append(row)
    return {c for c, rows in by_category.items() if not hidden.intersection(rows)}


def focus_text(scene, task: TaskSpec, attempt: int, seed: int = 0) -> str:
    """The proposal's line naming its focus categories ("" when there are none), in the
    words a question uses ("the light switch") beside the program's name
    (``the("LightSwitch")``): named only by category, a 1.5B model wrote "the LightSwitch"
    in its questions."""
    chosen = focus_categories(scene, task, attempt, seed)
    if not chosen:
        return ""
    counts = Counter(map(str, scene.categories))
    words = [natural_name(c) for c in chosen]
    if _names_objects(task):
        return snippet("focus_single", names=" and ".join(f"the {w}" for w in words),
                       each="each is" if len(words) > 1 else "it is",
                       said=" and ".join(f'"the {w}"' for w in words),
                       calls=_calls("the", chosen))
    return snippet("focus_several",
                   names=" and ".join(f"the {w} (×{counts[c]})" for w, c in zip(words, chosen)),
                   calls=_calls("find", chosen))


def _calls(func: str, categories: list[str]) -> str:
    """``the("Toaster") and the("Kettle")``, printed by the language's printer."""
    from spatial_dsl.lang import build
    from spatial_dsl.lang.printer import expr

    return " and ".join(expr(build.call(func, build.string(c))) for c in categories)


def this_request(scene, task: TaskSpec, attempt: int, seed: int = 0) -> str:
    """The proposal's last line: what to ask about (``focus_text``), or, for a task with
    nothing to focus on (room size), what its answers are (``answer_kind_text``). Not both:
    "The question asks for a length" beside two objects to ask about was read as "What is
    the length of the fork?" in 7 of 15 abs-distance proposals (Qwen2.5-Coder-1.5B)."""
    return focus_text(scene, task, attempt, seed) or answer_kind_text(task)


# the size a question names, when its words name one: the longest side of the bounding box
# (the vsi object-size template's reading), or the height
_SIZE_READINGS = {
    "longest": re.compile(r"\b(?:longest|largest|biggest|greatest) (?:side|dimension|edge|"
                          r"extent)s?\b"),
    "height": re.compile(r"\bhow tall\b|\bheight\b"),
}


def reading_text(question: str) -> str:
    """For an agreement sample, what measures the distance or the size the question names
    ("" when it names none, or several). The sample has only the question: told nothing,
    the 1.5B model answered "the nearest points of the faucet and the spatula" with distance
    (between centers), and "the longest side of its bounding box" of a dish sponge with its
    volume, and both items were lost to a disagreement."""
    from .program_checks import readings_named

    q = " ".join(question.casefold().split())
    named = readings_named(question) + [r for r, p in _SIZE_READINGS.items() if p.search(q)]
    return snippet(f"reading:{named[0]}") if len(named) == 1 else ""


def answer_kind_text(task: TaskSpec) -> str:
    """What a task's answers are, as the proposal says it ("" for a free description): what
    ``task_fit`` checks. Told only "What to write: questions of the task type
    vsi_room_size", a 1.5B model asked how many chairs in 11 of 15 proposals."""
    if task.template is None:
        return ""
    from .program_checks import answer_kind, kind_text

    kind = answer_kind(str(task.template.answer_type), task.template.task.answer.value)
    return snippet("answer_kind", kind=kind_text(kind))
