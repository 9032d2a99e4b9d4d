"""Items from accepted bindings: the per-scene selection, the rendering of parameters
(question text, ``params`` value, program ``let``), the question and standalone program,
the answer and choices in the question's words, and the quality checks on the objects an
item names. A mixin of ``engine.SceneEngine``, whose scene, references and object rows
it reads.

An accepted binding becomes a ``_Candidate`` (its answer and choices in words, checked);
the pool selects among candidates by answer, and only the selected ones are written as
records (question, program): on the 12-room bench a fifth of the candidates are never
selected, and another eighth of the accepted bindings fail a check, so neither is printed."""

from __future__ import annotations

import re
from typing import NamedTuple

import numpy as np

from spatial_dsl.lang import ast
from spatial_dsl.lang import build as b
from spatial_dsl.lang import types as T
from spatial_dsl.lang.check.tasks import PLACEHOLDER
from spatial_dsl.lang.printer import statement
from .. import quality
from ..naming import in_words
from ..runtime.answers import serialize
from ..runtime.values import stack_elements
from ..seeds import derive_seed
from .templates import ParamInfo, TaskTemplate

LETTERS = "ABCD"
MAX_CHOICES = 4
_OBJECT_KINDS = ("Category", "Object", "Ref")
_SCENE_KINDS = (*_OBJECT_KINDS, "Frame")  # parameters over the scene's own domains
_OBJECT_LIST = T.ListType(T.OBJECT)  # with T.OBJECT, the answer types that name objects


def _bare(text: str) -> str:
    """A reference's text without its leading "the " (templates write "the {a}")."""
    return text[4:] if text.startswith("the ") else text


class _Shared(NamedTuple):
    """What the items of one template share on one scene (``ItemWriter._shared``)."""

    template: TaskTemplate
    defs: str  # its `def` statements, printed
    answer: str  # its `answer` statement, printed
    about_visibility: bool  # the answer asks what a frame shows
    image_at: int | None  # an image task's image parameter, by position
    params: dict  # (literal parameter name, domain index) -> its rendering (``_render``)
    lets: dict  # (literal parameter name, domain index) -> its `let` statement printed


class _Candidate(NamedTuple):
    """An accepted binding whose record is not written yet (``ItemWriter._record``).

    The pool holds these and selects by answer; only the selected ones get their
    question and program text, so nothing is printed for a candidate the selection
    leaves out. ``ask``: the paraphrase drawn, or None when it is still to be drawn (a
    task without choices draws nothing else from the item's generator, so its draw can
    wait until the record is written; a multiple-choice item draws it before its
    choices, as the generator's order demands)."""

    template: TaskTemplate
    ix: list[int]  # domain index per parameter
    binding: int
    rendered: dict  # parameter name -> rendering (``_render``)
    answer: object  # runtime.answers.Answer, in the question's words
    ask: int | None
    choices: list[str] | None
    letter: str | None
    choice_ids: list | None
    frames: list[int]


def _choice_key(value) -> object:
    """A choice value as a key that tells it from every other value of its type: itself
    for a string or an int (an object row), a tuple for a list of them; None (no key) for
    anything else (a float's or an array's equality is not what its words depend on)."""
    if type(value) in (str, int):
        return value
    if type(value) is list and all(type(x) in (str, int) for x in value):
        return tuple(value)
    return None


def _by_id(oid: str) -> ast.Expr:
    """``the(filter(objects, x => x.id == "<id>"))``: an Object parameter's `let`."""
    return b.call("the", b.call("filter", "objects", b.lam(
        "x", b.compare("==", b.attr("x", "id"), b.string(oid)))))


class ItemWriter:
    """The item half of ``SceneEngine`` (see the module doc)."""

    def _select(self, template: TaskTemplate, pool: list[_Candidate]) -> list[_Candidate]:
        cap = self.options.per_scene
        if not template.balanced or len(pool) <= cap:
            return pool[:cap]
        groups: dict[str, list[int]] = {}
        for i, item in enumerate(pool):
            groups.setdefault(item.answer.text, []).append(i)
        chosen: list[int] = []
        queues = [list(g) for g in groups.values()]
        while len(chosen) < cap:
            progressed = False
            for q in queues:
                if q and len(chosen) < cap:
                    chosen.append(q.pop(0))
                    progressed = True
            if not progressed:
                break
        return [pool[i] for i in sorted(chosen)]

    def _render(self, param: ParamInfo, ix: int) -> tuple[str, object, ast.Expr]:
        """(question text, params-record value, program `let` value) of one binding."""
        scene = self.scene
        if param.kind == "Category":
            from ..names import natural_name

            cat = self._categories[ix]
            return natural_name(cat), cat, b.string(cat)
        if param.kind == "Object":
            from ..names import natural_name

            oid = scene.ids[ix]
            text = self.names.name(ix) or (scene.labels[ix] if scene.has_label[ix] else
                                           natural_name(scene.categories[ix]))
            return _bare(text), oid, _by_id(oid)
        if param.kind == "Ref":
            row, expression, text = self.references[ix]
            return text, scene.ids[row], expression
        if param.kind == "Frame":
            index = int(scene.frames.index[ix])
            return str(index), index, b.call("frame", int(ix))
        value = param.values[ix]
        text = value if isinstance(value, str) else param.shown[ix]
        return text, param.plain[ix], param.program[ix]

    def _named_rows(self, template: TaskTemplate, ix: list[int], rendered: dict,
                    answer_ids, choice_ids) -> list[int]:
        """The objects an item names (quality.py): its object parameters (a category that
        occurs once names its object), the landmarks of its references, and the objects
        of its answer and of the options shown."""
        rows: list[int] = []
        for p, i in zip(template.params, ix):
            if p.kind in _OBJECT_KINDS:
                rows += self._param_objects(p, i, rendered)[1]
        ids = list(answer_ids or []) + [oid for option in choice_ids or [] for oid in option]
        if ids:
            index = self._id_rows
            rows += [index[oid] for oid in ids]
        return rows

    def _param_objects(self, param: ParamInfo, ix: int, rendered: dict
                       ) -> tuple[int, tuple[int, ...]]:
        """(the object row a Category / Object / Ref value names or -1, the objects it
        names for ``quality``: an Object or a Ref's object and the landmarks of its `let`,
        a category's only object). They depend on the kind and the domain index alone,
        so they are kept per (kind, index) on this scene, for every template."""
        key = (param.kind, ix)
        found = self._param_rows.get(key)
        if found is None:
            row = int(self._object_rows(param, np.array([ix]))[0])
            if param.kind == "Category":
                named = () if row < 0 else (row,)
            else:
                named = (row, *quality.landmarks(self.scene, rendered[param.name][2]))
            found = self._param_rows[key] = (row, named)
        return found

    def _placeholder(self, match: re.Match, template: TaskTemplate, ix: list[int],
                     rendered: dict) -> str:
        """The text of `{a}` (the rendered name) or `{a:plural}` (a category's plural)."""
        name, form = match[1], match[2]
        if name not in rendered:
            return match[0]
        if form == "plural":
            from ..names import plural_name

            at = [p.name for p in template.params].index(name)
            return plural_name(self._categories[ix[at]])
        return rendered[name][0]

    def _answer_leans(self, template: TaskTemplate, ix: list[int], rendered: dict, answer_ids,
                      choice_ids) -> bool:
        """Whether the answer (or a choice) and the question name each other through a
        reference: an answer object worded by a landmark the question names ("Which
        objects are within 0.5 m of the bowl?" -> "the stool nearest the bowl"), or a
        question reference whose landmark is an answer object ("What lies within 1 m of
        the stool nearest the bowl?" -> "bowl"). Either tells a reader the answer."""
        ids = list(answer_ids or []) + [oid for option in choice_ids or [] for oid in option]
        if not ids:
            return False
        answered = [self._id_rows[oid] for oid in ids]
        mentioned = self._mentioned
        question_refs = [i for p, i in zip(template.params, ix) if p.kind == "Ref"]
        if any(not mentioned[j].isdisjoint(answered) for j in question_refs):
            return True
        asked = [row for p, i in zip(template.params, ix) if p.kind in _OBJECT_KINDS
                 for row in (self._param_objects(p, i, rendered)[0],) if row >= 0]
        reference_of = self._reference_of
        return bool(asked) and any(not mentioned[reference_of[r]].isdisjoint(asked)
                                   for r in answered if r in reference_of)

    @property
    def _reference_of(self) -> dict[int, int]:
        """Object row -> its index in the ``Ref`` domain."""
        if self._ref_index is None:
            self._ref_index = {row: j for j, (row, _, _) in enumerate(self.references)}
        return self._ref_index

    @property
    def _mentioned(self) -> list[frozenset[int]]:
        """Per ``Ref`` domain index, the object rows it names as landmarks (the rows of
        ``_ref_mentions``, as sets: an item asks about two or three objects)."""
        if self._mention_sets is None:
            self._mention_sets = [frozenset(np.flatnonzero(row).tolist())
                                  for row in self._ref_mentions]
        return self._mention_sets

    @property
    def _frame_indices(self) -> list[int]:
        """The scene's frame indices in order (a video item's ``frames``)."""
        if self._video_frames is None:
            self._video_frames = [int(i) for i in self.scene.frames.index]
        return self._video_frames

    @property
    def _id_rows(self) -> dict[str, int]:
        if self._ids is None:
            self._ids = {oid: i for i, oid in enumerate(self.scene.ids)}
        return self._ids

    def _in_words(self, value, t: T.Type):
        """The answer (a one-row value) in the words of the question, or a rejection kind:
        an object without words, or two objects of a list answer with the same words,
        would leave a reader unable to tell which object is meant (synthesis.md)."""
        answer = serialize(value, t, self.scene)
        if t != T.OBJECT and t != _OBJECT_LIST:
            return answer  # no object to name: its words are its text (``in_words``)
        named = in_words(answer, self.names)
        if named.unnamed:
            return "Ambiguous:object without a name"
        if named.repeated:
            return "Ambiguous:repeated name"
        return named.answer

    def _choice_words(self, t: T.Type, values) -> dict[str, list[str] | None]:
        """Choice text -> the ids it names, in the order ``choices`` gave them; a choice
        that cannot be put in words (an object without a name, a repeated name) is left
        out, as is a repeat of an earlier choice's text."""
        known = self._worded_choices.get(t)
        if known is None:
            known = self._worded_choices[t] = {}
        out: dict[str, list[str] | None] = {}
        for v in values:
            worded = self._choice_in_words(t, v, known)
            if not isinstance(worded, str):
                out.setdefault(worded.text, None if worded.ids is None else list(worded.ids))
        return out

    def _choice_in_words(self, t: T.Type, v, known: dict):
        """``_in_words`` of one choice. The words depend on the value and the scene only,
        and the same few values come back as the choices of many items (left / right, the
        objects in view), so a value that is a string, an object row or a list of them is
        worded once per scene (``known``: value key (``_choice_key``) -> words, per choice
        type); any other value each time."""
        key = _choice_key(v)
        if key is None:
            return self._in_words(stack_elements(t, [v]), t)
        found = known.get(key)
        if found is None:
            found = known[key] = self._in_words(stack_elements(t, [v]), t)
        return found

    def item_rng(self, template: TaskTemplate, binding: int) -> np.random.Generator:
        """The item's own generator: its paraphrase first, then its choices."""
        return np.random.default_rng(derive_seed(self.options.seed, self.scene.id,
                                                 template.name, binding))

    def item_text(self, template: TaskTemplate, ix: list[int],
                  rng: np.random.Generator) -> tuple[dict, str, str]:
        """(rendered parameters, question, standalone program text) of the binding whose
        domain indices are ``ix``; draws the paraphrase from ``rng``."""
        rendered = self._rendered(template, ix)
        question = self._question(template, ix, rendered, _draw_ask(template, rng))
        return rendered, question, self._program_text(template, ix, question)

    def _program_text(self, template: TaskTemplate, ix: list[int], question: str) -> str:
        """``item_program``'s program, printed: statement by statement, as
        ``print_program`` does, with the statements every item of the template shares (its
        ``def``s and its ``answer``) printed once per template rather than once per item,
        and each parameter's `let` once per (parameter, domain index) (``_lets``)."""
        shared = self._shared(template)
        return statement(b.question(question)) + "\n" + shared.defs + "".join(
            self._lets(template, ix, shared)) + shared.answer

    def _shared(self, template: TaskTemplate) -> _Shared:
        """What every item of a template shares, worked out once per template and held per
        template name for this engine's scene (renewed when another template of that name
        comes): its `def`s and its `answer` statement printed, whether the answer asks what
        a frame shows (``quality.about_visibility``), and its rendered parameters and
        their printed `let`s (``_rendered``, ``_lets``)."""
        known = self._printed.get(template.name)
        if known is None or known.template is not template:
            answer = template.task.answer.value
            names = [p.name for p in template.params]
            image_at = names.index(template.image_param) \
                if template.modality == "image" and template.image_param else None
            known = self._printed[template.name] = _Shared(
                template, "".join(statement(d) + "\n" for d in template.defs),
                statement(b.answer(answer)) + "\n", quality.about_visibility(answer),
                image_at, {}, {})
        return known

    def _rendered(self, template: TaskTemplate, ix: list[int],
                  shared: _Shared | None = None) -> dict[str, tuple]:
        """Parameter name -> its rendering (``_render``) of the binding whose domain
        indices are ``ix`` (``shared``: the template's ``_shared``, if at hand)."""
        shared = shared or self._shared(template)
        return {p.name: self._rendering(shared, p, i) for p, i in zip(template.params, ix)}

    def _rendering(self, shared: _Shared, param: ParamInfo, ix: int) -> tuple:
        """``_render`` of one parameter value. A value recurs in many bindings, so it is
        rendered once per scene when it is of the scene's domains (a category, an object,
        a reference, a frame: rendered alike in every template) and once per template
        when it is a literal of the template's own (``one of``, a range)."""
        if param.kind in _SCENE_KINDS:
            table, key = self._scene_renderings, (param.kind, ix)
        else:
            table, key = shared.params, (param.name, ix)
        found = table.get(key)
        if found is None:
            found = table[key] = self._render(param, ix)
        return found

    def _lets(self, template: TaskTemplate, ix: list[int],
              shared: _Shared | None = None) -> list[str]:
        """The printed `let` statement of each parameter of the binding ``ix``, in the
        parameters' order; printed once per (parameter name, value), kept as
        ``_rendering`` keeps the renderings."""
        shared = shared or self._shared(template)
        out = []
        for p, i in zip(template.params, ix):
            if p.kind in _SCENE_KINDS:
                table, key = self._scene_lets, (p.name, p.kind, i)
            else:
                table, key = shared.lets, (p.name, i)
            found = table.get(key)
            if found is None:
                let = b.let(p.name, self._rendering(shared, p, i)[2])
                found = table[key] = statement(let) + "\n"
            out.append(found)
        return out

    def item_program(self, template: TaskTemplate, ix: list[int],
                     rng: np.random.Generator) -> tuple[dict, str, ast.Program]:
        """(rendered parameters, question, standalone program) of the binding whose
        domain indices are ``ix``; draws the paraphrase from ``rng``."""
        rendered = self._rendered(template, ix)
        question = self._question(template, ix, rendered, _draw_ask(template, rng))
        lets = {p.name: rendered[p.name][2] for p in template.params}
        return rendered, question, template.item_program(question, lets)

    def _question(self, template: TaskTemplate, ix: list[int], rendered: dict,
                  ask: int) -> str:
        """The question: paraphrase ``ask`` of the task with its placeholders filled."""
        return PLACEHOLDER.sub(lambda m: self._placeholder(m, template, ix, rendered),
                               template.task.asks[ask].text)

    def _item(self, template: TaskTemplate, domains, ix: list[int], binding: int,
              answer_value, choice_values) -> _Candidate | str:
        """The candidate of one accepted binding, or why it is rejected (its answer or a
        choice cannot be put in words, a quality check). Checked in this order; the
        question and program are written for the selected candidates only (``_record``)."""
        scene, shared = self.scene, self._shared(template)
        rendered = self._rendered(template, ix, shared)
        answer = self._in_words(answer_value, template.answer_type)
        if isinstance(answer, str):
            return answer
        ask = choices = letter = choice_ids = None
        if choice_values is not None:
            worded = self._choice_words(template.answer_type, choice_values)
            if answer.text not in worded:
                return "NotInChoices"
            others = [t for t in worded if t != answer.text]
            if not others:
                return "TooFewChoices"
            rng = self.item_rng(template, binding)
            ask = _draw_ask(template, rng)  # the paraphrase comes first from the generator
            picked = rng.choice(len(others), size=min(MAX_CHOICES - 1, len(others)),
                                replace=False)
            options = [answer.text] + [others[int(i)] for i in sorted(picked)]
            options = [options[int(i)] for i in rng.permutation(len(options))]
            choices, letter = options, LETTERS[options.index(answer.text)]
            if answer.ids is not None:
                choice_ids = [worded[t] for t in options]
        frame_row = None
        if shared.image_at is not None:
            frame_row = ix[shared.image_at]
            frames = [int(scene.frames.index[frame_row])]
        elif template.modality == "video":
            frames = list(self._frame_indices)
        else:
            frames = []
        if self._answer_leans(template, ix, rendered, answer.ids, choice_ids):
            return "Ambiguous:answer names by a question object"
        answered = [self._id_rows[oid] for oid in answer.ids or []]
        if quality.part_and_whole(scene, self._named_rows(template, ix, rendered, None, None),
                                  answered) is not None:
            return "Degenerate:an object and its own part"
        named = self._named_rows(template, ix, rendered, answer.ids, choice_ids)
        if quality.unclear_rows(scene, named, template.modality, frame_row,
                                shared.about_visibility):
            return "NotClearlyVisible"
        return _Candidate(template, ix, binding, rendered, answer, ask, choices, letter,
                          choice_ids, frames)

    def _later_ask(self, template: TaskTemplate, binding: int) -> int:
        """The paraphrase of an item without choices, drawn when its record is written
        (the only draw from its generator; a task with one paraphrase makes none)."""
        if len(template.task.asks) == 1:
            return 0
        return _draw_ask(template, self.item_rng(template, binding))

    def _record(self, candidate: _Candidate) -> dict:
        """The dataset record of a selected candidate: its question (the paraphrase drawn
        now if it was not yet, from the item's own generator) and program written."""
        c, scene = candidate, self.scene
        template, answer = c.template, c.answer
        ask = c.ask if c.ask is not None else self._later_ask(template, c.binding)
        question = self._question(template, c.ix, c.rendered, ask)
        return {
            "id": f"{scene.id}/{template.name}/{c.binding}",
            "scene": scene.id,
            "scene_file": self.scene_file,
            "task": template.name,
            "modality": template.modality,
            "frames": c.frames,
            "question": question,
            "answer": answer.text,
            "answer_ids": answer.ids,
            "answer_type": answer.type,
            "unit": answer.unit,
            "choices": c.choices,
            "choice_ids": c.choice_ids,
            "answer_choice": c.letter,
            "program": self._program_text(template, c.ix, question),
            "params": {p.name: c.rendered[p.name][1] for p in template.params},
            "producer": "template",
            "seed": self.options.seed,
        }


def _draw_ask(template: TaskTemplate, rng) -> int:
    """The paraphrase of an item: the first draw from its generator, when the task has
    more than one (a task with one draws nothing)."""
    asks = template.task.asks
    return int(rng.integers(len(asks))) if len(asks) > 1 else 0
