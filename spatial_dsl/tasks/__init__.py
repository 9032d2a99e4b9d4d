"""Task templates instantiated over scenes: the engine of ``spdsl generate``.

A task file (synthesis.md "Task templates") holds ``def``s and one ``task``.
``load_tasks`` compiles each file once; ``SceneEngine`` turns one scene into
items. The driver (``spatial_dsl.generation``) runs the engine per scene,
possibly in other processes, and ``spatial_dsl.datasets`` balances and writes.

Per scene and task
------------------
1. **Domains.** ``Category``: the distinct categories of the scene, sorted;
   ``Object``: every object (id order); ``Frame``: every frame (file order,
   which is index order); ``Int in lo..hi``: lo to hi inclusive; ``one of
   [...]``: the literals in order; ``Ref``: the referable objects of the scene
   (see "Ref parameters" below). An ``image`` or ``video`` task is skipped on a
   scene without frames (stats: ``skipped_scenes["no frames"]``).
2. **Order.** The bindings are the product of the domains, numbered in row-major
   order (the *binding number*, part of the item id). A seeded random order of
   the binding numbers (``numpy.random.default_rng(derive_seed(seed, scene id,
   task name))``; at most ``MAX_EVALUATED`` of them when the product is larger)
   is walked in chunks: the first of ``max(FIRST_CHUNK, 2 * pool size)``
   bindings, each next one sized for the rest of the pool at the acceptance rate
   seen so far (but at most 4 times the last), at most ``WHERE_CHUNK``. The
   sizes depend only on the data, so they are deterministic.
3. **where.** Evaluated once per chunk as one vectorized batch (every binding is
   a row of the evaluator). False: counted as ``filtered``; a rejection:
   counted as ``filtered:<Kind>``.
4. **answer** (and ``choices``) for the passing bindings, again one batch; a
   rejection drops the binding, counted as ``<Kind>``; an answer that is not
   one of its choices is ``NotInChoices``; fewer than two distinct choices is
   ``TooFewChoices``.
5. **Stability.** The answer is evaluated on the scene's ``trials`` jittered
   copies (``runtime.jitter``; built once per scene), as one batch over all
   trials and all candidates of the chunk (``runtime.worlds``; none at all for
   an answer that reads nothing the jitter moves). Numbers and quantities (also
   in lists) must stay within 5 % (``abs(new - old) <= 0.05 * abs(old)``); everything else, Int
   included (a count of 20 that becomes 21 is another answer), must stay equal;
   a rejection under jitter also counts as a change. Otherwise ``Unstable``.
6. **Pool and per-scene selection.** Candidates are collected in the seeded
   order until the pool holds ``per_scene`` of them. For a *balanced* task
   (answer type Bool, Str or Object) the pool goes on, up to ``OVERSAMPLE *
   per_scene``, while a round-robin pick of ``per_scene`` from it would give
   one answer more than half (rounded up) of the picks. A balanced task then
   selects up to ``per_scene`` items round-robin over its answers (answers in
   order of first appearance, items in pool order), so a scene contributes as
   evenly as its candidates allow; the selected items keep the seeded order.
   Candidates not selected are counted as ``surplus`` (not a rejection).
7. **Items.** Per item a generator seeded by ``(seed, scene id, task name,
   binding number)`` picks the ``ask`` paraphrase and, for a multiple-choice
   task, up to 3 distractors (distinct choice texts other than the answer, in
   the order ``choices`` gave them, sampled without replacement) and the
   option order. Nothing depends on the chunking, on other tasks, on other
   scenes or on which process ran the scene.

The run-wide balancing (``--max-share``) happens when the dataset is
assembled (``datasets.balance``), because it needs every scene's items.

Placeholders ``{p}`` render: Category -> ``names.natural_name(category)``;
Object -> its words (``naming.ObjectNames``: the natural name of a single-instance
category, else its reference) without a leading article, or its label when it has
none; Ref -> the reference's text without its leading article (templates
write "the {a}", as for a Category: "the tallest chair", "the chair nearest the
window"); Frame -> its index; Int -> decimal; ``one of`` -> the literal (a
string as is, a number or quantity as written).

Answers and choices in the question's words
-------------------------------------------
An Object answer (and each object of a list answer or of a choice) is written as a
question names it (``naming.in_words``): "fridge" for the only fridge, "the shortest
vase" for one of several vases (the reference the ``Ref`` domain holds for it). Its id
goes to ``answer_ids`` (a list, in answer order) and, per presented option, to
``choice_ids``; both are null for answers without objects. An answer naming an object
that has no words (a repeated category without a proved reference) is rejected as
``Ambiguous:object without a name``; a list answer that would say the same words twice
as ``Ambiguous:repeated name``; one whose answer or choices word an object by a reference
whose landmark is an object the question names ("Which objects are within 0.5 m of the
bowl?" -> "the stool nearest the bowl"), or whose question reference names an answer
object ("What lies within 1 m of the stool nearest the bowl?" -> "bowl"), as
``Ambiguous:answer names by a question object``. A choice that cannot be put in words is
left out of the distractors. An item whose question names an object and its own part, or
whose answer is a part of an object the question names (AI2-THOR's ``Sink|...|SinkBasin``:
"which object is closest to the sink?" -> "sink basin"), is rejected as
``Degenerate:an object and its own part`` (``quality.part_and_whole``).

Clearly visible
---------------
Templates guard the objects of their parameters themselves (``clearly_visible`` /
``clearly_seen``); the engine then checks every object the item names
(``quality.unclear``: parameters, the landmarks of their references, the objects of the
answer and of the options shown) and drops the item as ``NotClearlyVisible`` when one of
them is not clearly visible in an image item's frame, or in no frame of a video item. So
"the chair nearest the window" is asked about a picture only if the window is clearly in
it too.

Ref parameters
--------------
A ``Ref`` domain is every object a question can name uniquely, in object id
order (``refer.binding_domain``): each object of a single-instance category by
its category (``the("Fridge")``, "the fridge": the simplest unique reference),
and each object of a multi-instance category with a proved referring expression
by its simplest one (``refer.find_references``, one search per scene, cached by
the engine and run on the engine's own jittered copies, so they are built once
per scene). Floors, walls, ceilings and rooms are left out. So a task whose
object parameter is a ``Ref`` asks about the fridge and about "the chair nearest
the window" alike; a multi-instance object without a reference is not offered.
A binding that passes ``where`` but whose ``Ref`` names another parameter's
object as its landmark ("could someone sitting on the stool nearest the bowl
reach the bowl?") is dropped and counted as ``filtered:ref names another
parameter``: the question would half answer itself.

References are *allocentric only*: view references ("the leftmost
stool in this view") are not offered, also not to image tasks, because a
``Ref`` domain does not depend on the item's frame. The run-time value is the
object's row, as for an ``Object``; the ``params`` record holds the object's id
only (as for ``Object``, so ``bind_value`` rebinds it), and the expression is in
the program.

Each item's ``program`` is a standalone program: ``question "..."``, the task
file's ``def``s, one ``let`` per parameter and ``answer`` with the task's answer
expression (``TaskTemplate.item_program``, an AST built with ``lang.build``), printed
once by the canonical printer. A Category is ``let a = "Fridge"``, an
Object ``let o = the(filter(objects, x => x.id == "<id>"))``, a Ref the
reference's expression (``let a = argmax(find("Chair"), o => o.height)``), a Frame
``let f = frame(<row>)`` (``frame(i)`` takes the frame's position, which is its
row in the scene's frame list, not necessarily its ``index``), Int and
``one of`` values their literal (an integer in a Number-typed ``one of`` is
written ``1.0``, so the ``let`` has the parameter's type).

Modules
-------
``templates`` (task files, compiled templates), ``pool`` (options, stats, the candidate
pool and chunk sizes), ``engine`` (``SceneEngine``: domains, the walk, batched evaluation,
stability), ``items`` (item records from accepted bindings). This package re-exports the
public names.
"""

from spatial_dsl.lang.check.tasks import PLACEHOLDER
from ..seeds import derive_seed
from ..tolerances import STABLE_TOLERANCE
from .engine import SceneEngine
from .items import LETTERS, MAX_CHOICES
from .pool import (
    FIRST_CHUNK, MAX_EVALUATED, OVERSAMPLE, WHERE_CHUNK, GenerateOptions, TaskSceneStats,
)
from .templates import (
    BALANCED_TYPES, MODALITIES_WITH_FRAMES, BrokenTask, ParamInfo, TaskSpecError, TaskTemplate,
    bundled_task_dir, bundled_task_files, compile_task, header_description, load_task_file,
    load_tasks, resolve_task_files,
)

__all__ = ["BALANCED_TYPES", "FIRST_CHUNK", "LETTERS", "MAX_CHOICES", "MAX_EVALUATED",
           "MODALITIES_WITH_FRAMES", "OVERSAMPLE", "PLACEHOLDER", "STABLE_TOLERANCE",
           "WHERE_CHUNK", "BrokenTask", "GenerateOptions", "ParamInfo", "SceneEngine",
           "TaskSceneStats", "TaskSpecError", "TaskTemplate", "bundled_task_dir",
           "bundled_task_files", "compile_task", "derive_seed", "header_description",
           "load_task_file", "load_tasks", "resolve_task_files"]
