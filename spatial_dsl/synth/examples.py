"""The worked examples of a prompt: task templates instantiated on the scene by the
template engine (one item each, seeded), or, when too few instantiate, templates *bound*
to the scene's unique categories without their `where` (``bound_example``)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from spatial_dsl.lang.printer import print_program
from .prompt_files import example_task_names, render
from .task_specs import TaskSpec

EXAMPLES_MAX = 4
EXAMPLES_MIN = 3
STRUCTURAL = ("Floor", "Wall", "Ceiling")


@dataclass(frozen=True)
class Example:
    task: str
    program: str
    answer: str | None  # None: bound only, not run on the scene


class ExampleSource:
    """Worked examples for one scene (templates instantiated once, then reused)."""

    def __init__(self, scene, seed: int = 0):
        self.scene = scene
        self.seed = seed
        self._engine = None
        self._items: dict[str, Example | None] = {}
        self._templates: dict[str, object] = {}

    def _template(self, name: str):
        if name not in self._templates:
            from ..tasks import TaskSpecError, load_tasks

            try:
                templates, _ = load_tasks([name])
            except TaskSpecError:
                templates = []
            self._templates[name] = templates[0] if templates else None
        return self._templates[name]

    def _instantiate(self, template) -> Example | None:
        if template.name in self._items:
            return self._items[template.name]
        example = None
        if not template.skip_reason and template.task.choices is None:
            from ..tasks import GenerateOptions, SceneEngine

            if self._engine is None:
                self._engine = SceneEngine(self.scene, GenerateOptions(seed=self.seed,
                                                                       per_scene=1))
            items, _ = self._engine.run_task(template)
            if items:
                unit = f" {items[0]['unit']}" if items[0]["unit"] else ""
                example = Example(template.name, items[0]["program"],
                                  items[0]["answer"] + unit)
        self._items[template.name] = example
        return example

    def examples(self, task: TaskSpec | None) -> list[Example]:
        names = example_task_names()
        order = ([task.template] if task is not None and task.template is not None else [])
        order += [self._template(n) for n in names]
        order = [t for t in order if t is not None]
        seen: set[str] = set()
        unique = []
        for t in order:
            if t.name not in seen:
                seen.add(t.name)
                unique.append(t)
        chosen: list[Example] = []
        for t in unique:
            example = self._instantiate(t)
            if example is not None:
                chosen.append(example)
            if len(chosen) == EXAMPLES_MAX:
                break
        own = task.template if task is not None else None
        if own is not None and all(e.task != own.name for e in chosen):
            # the task's own template, bound, goes first: on a scene without frames no vsi
            # template instantiates, and a model shown only a count and a room size wrote
            # distance() for "the nearest points" in 6 of its first 8 agreement samples
            bound = bound_example(own, self.scene)
            if bound is not None:
                chosen = [bound] + chosen[:EXAMPLES_MAX - 1]
        if len(chosen) < EXAMPLES_MIN:
            taken = {e.task for e in chosen}
            for t in unique:
                if len(chosen) >= EXAMPLES_MIN:
                    break
                if t.name in taken:
                    continue
                bound = bound_example(t, self.scene)
                if bound is not None:
                    chosen.append(bound)
        return chosen


def bound_example(template, scene) -> Example | None:
    """A template's first phrasing and program with scene categories bound, without its
    `where` (so it may be a poor question); its answer is shown when the program runs.

    Only templates whose parameters are Category, Ref or Object (one object, as
    ``the("X")``), `one of` or `Int in` (and Frame on a scene with frames) are bound;
    the categories are the scene's unique ones in sorted order.
    """
    from spatial_dsl.lang import build as b
    from ..names import natural_name, plural_name
    from ..tasks import PLACEHOLDER

    counts = Counter(scene.categories)
    unique = sorted(c for c, n in counts.items() if n == 1 and c not in STRUCTURAL)
    rendered: dict[str, tuple[str, str]] = {}
    used = 0
    named = [p for p in template.params if p.kind in ("Category", "Ref", "Object")]
    for p in template.params:
        if p in named:
            if used >= len(unique):
                return None
            cat = unique[used]
            used += 1
            value = b.string(cat) if p.kind == "Category" else b.call("the", b.string(cat))
            rendered[p.name] = (natural_name(cat), value)
        elif p.kind in ("range", "choice") and p.values:
            shown = p.values[0] if isinstance(p.values[0], str) else p.shown[0]
            rendered[p.name] = (str(shown), p.program[0])
        elif p.kind == "Frame" and scene.frames.count:
            rendered[p.name] = (str(int(scene.frames.index[0])), b.call("frame", 0))
        else:
            return None
    ask = template.task.asks[0].text
    plurals = {p.name: plural_name(unique[k]) for k, p in enumerate(named)}
    question = PLACEHOLDER.sub(
        lambda m: m[0] if m[1] not in rendered else plurals[m[1]] if m[2] else rendered[m[1]][0],
        ask)
    program = template.item_program(question, {name: value[1] for name, value in
                                               rendered.items()})
    return Example(template.name, print_program(program), _answer_on(program, scene))


def _answer_on(program, scene) -> str | None:
    """The program's answer on the scene, or None if it does not check or is rejected."""
    from ..api import Program
    from spatial_dsl.lang.check.checker import check
    from spatial_dsl.lang.source import Source

    checked = check(program, Source(print_program(program), "example.sp"))
    if not checked.ok:
        return None
    result = Program(checked).run(scene)
    if not result.ok:
        return None
    return result.answer.text + (f" {result.answer.unit}" if result.answer.unit else "")


def examples_text(examples: list[Example]) -> str:
    parts = []
    for number, e in enumerate(examples, 1):
        program = e.program.rstrip("\n")
        if e.answer is None:
            parts.append(render("example_unchecked.txt", number=number, task=e.task,
                                program=program))
        else:
            parts.append(render("example.txt", number=number, task=e.task, answer=e.answer,
                                program=program))
    return "\n\n".join(parts)
