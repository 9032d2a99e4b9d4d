"""Objects in the words of a question (synthesis.md "Answers in the question's words").

An item's question names an object by its natural category name when its category occurs
once in the scene ("the fridge") and by a verified referring expression otherwise ("the
shortest vase", ``refer``). Its answer and choices must name objects the same way: a
model that reads "the shortest vase or the microwave?" must answer "the shortest vase",
not ``Vase``, and certainly not ``Vase`` for both of two vases.

``ObjectNames`` gives each object of a scene those words:

1. an object whose category occurs once (``find(category)`` selects exactly it): the
   natural category name without an article, ``StoveBurner`` -> ``stove burner``;
2. an object of a repeated category: its simplest allocentric reference, as the task
   engine's ``Ref`` domain holds it, with its article ("the shortest vase", "the chair
   nearest the window", or the scene's own unique label);
3. otherwise nothing (``None``): the object cannot be named in words, and an item whose
   answer is that object is rejected.

The references are searched once per scene and only when an object of a repeated category
must be named. Their search is the one ``spdsl generate`` runs (same jittered copies for
the same seed), so ``spdsl run`` on an item's program prints the item's answer.

``in_words(answer, names)`` re-renders an ``Answer`` (runtime.answers) whose objects the
language serialises by label; it also lists the objects' ids (``Answer.ids``) and reports
the objects it could not name and names that repeat in one answer.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass, replace

from spatial_dsl.lang import ast
from .names import natural_name
from .runtime.answers import Answer
from .scenes.model import Scene, normalise_name

__all__ = ["NamedAnswer", "ObjectNames", "in_words", "reference_domain"]


def reference_domain(scene: Scene, seed: int = 0, jittered: list[Scene] | None = None,
                     ) -> list[tuple[int, ast.Expr, str]]:
    """The ``Ref`` domain of ``spdsl generate`` on a scene: (object row, expression (an
    ``ast.Expr``), text with its article), by object id order; floors, walls and ceilings
    left out.

    ``jittered``: the engine's jittered copies (default: built as the engine builds them
    for ``seed``, with the default trials and radius)."""
    from .refer import binding_domain, find_references

    if jittered is None:
        from .runtime.jitter import DEFAULT_RADIUS, DEFAULT_TRIALS, jittered_scenes
        from .seeds import derive_seed

        jittered = jittered_scenes(scene, DEFAULT_TRIALS, DEFAULT_RADIUS,
                                   derive_seed(seed, scene.id, "jitter") % (2 ** 63))
    # only each object's simplest reference is used: one proof per kind finds it (the next
    # candidate is proved only where one fails), as references_for_binding does
    report = find_references(scene, False, jittered=jittered, seed=seed, per_kind=1)
    rows = {oid: i for i, oid in enumerate(scene.ids)}
    return [(rows[oid], expression, text) for oid, expression, text in
            binding_domain(report, scene, include_unique=True, include_structural=False)]


class ObjectNames:
    """The words naming each object of one scene (see the module doc).

    ``references`` is a callable giving the ``Ref`` domain (``reference_domain``); it is
    called at most once, when an object of a repeated category is first named."""

    def __init__(self, scene: Scene, references=None, seed: int = 0):
        self.scene = scene
        self._references = references or (lambda: reference_domain(scene, seed))
        self._by_row: dict[int, str] | None = None
        self._words: dict[int, str | None] = {}  # row -> name(row), as worked out
        self._rows: dict[str, int] | None = None  # object id -> row

    _cache: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    @classmethod
    def of(cls, scene: Scene, seed: int = 0) -> ObjectNames:
        """The names of a scene, shared by every caller (the search runs once per scene
        and seed)."""
        per_scene = cls._cache.setdefault(scene, {})
        if seed not in per_scene:
            per_scene[seed] = cls(scene, seed=seed)
        return per_scene[seed]

    def unique_category(self, row: int) -> bool:
        mask = self.scene.name_index.get(normalise_name(self.scene.categories[row]))
        return mask is not None and int(mask.sum()) == 1 and bool(mask[row])

    def name(self, row: int) -> str | None:
        """The object's words, or None if it has none (worked out once per object)."""
        row = int(row)
        if row not in self._words:
            self._words[row] = self._name(row)
        return self._words[row]

    def row(self, oid: str) -> int:
        """The row of the object with id ``oid``."""
        if self._rows is None:
            self._rows = {}
            for i, known in enumerate(self.scene.ids):
                self._rows.setdefault(known, i)
        return self._rows[oid]

    def _name(self, row: int) -> str | None:
        if self.unique_category(row):
            return natural_name(self.scene.categories[row])
        if self._by_row is None:
            self._by_row = {}
            for r, _expression, text in self._references():
                if not self.unique_category(r):
                    self._by_row.setdefault(int(r), text)
        return self._by_row.get(row)


@dataclass(frozen=True)
class NamedAnswer:
    answer: Answer  # text in words; value unchanged but for a "name" per object
    unnamed: tuple[str, ...] = ()  # ids of objects without words (their label stands in)
    repeated: tuple[str, ...] = ()  # words that name two objects of one answer


def in_words(answer: Answer, names: ObjectNames) -> NamedAnswer:
    """``answer`` with its objects named as a question names them (other answers as they
    are). An object without words keeps its label and is listed in ``unnamed``."""
    is_list = answer.type.startswith("List[")
    elem = answer.type[5:-1] if is_list else answer.type
    if elem != "Object":
        return NamedAnswer(answer)
    values = answer.value if is_list else [answer.value]
    rows = {oid: names.row(oid) for oid in {v["id"] for v in values}}
    words, unnamed, named_values = [], [], []
    for v in values:
        word = names.name(rows[v["id"]])
        if word is None:
            unnamed.append(v["id"])
            word = v["label"]
        words.append(word)
        named_values.append({**v, "name": word})
    seen: set[str] = set()
    repeated = [w for w in words if w in seen or seen.add(w)]
    ids = [v["id"] for v in values]
    text = ", ".join(words)
    new = replace(answer, text=text, value=named_values if is_list else named_values[0],
                  ids=ids)
    return NamedAnswer(new, tuple(dict.fromkeys(unnamed)), tuple(dict.fromkeys(repeated)))
