"""The one registry of builtins.

Each builtin is declared once, as data: its signature(s) written in a small
signature language, a doc line and an example. Its vectorized kernel and its
naive reference implementation are registered under the same (name, overload
index) in ``runtime.kernels.KERNELS`` and ``runtime.reference.REFERENCES``; a
completeness test checks every overload has both. The checker, the runtime,
the reference interpreter, the generated language reference and the LLM
prompt all read this table.

Signature language::

    distance(a: Point, b: Point) -> Length
    argmin(S: Objects, key: Object => K) -> Object
    near(a: Point, b: Point, within: Length = 1m) -> Bool

Type patterns: a type name (`Length`, `List[T]`), `A | B`, a lambda
`Param => Result`, and type variables: `T`, `R` (any type) and `K`, `Q`
(a number or a quantity: Int, Number, Length, Area, Volume, Angle).
`Point` is `Object | Vec3`. Where `Objects` is expected, a `Str` means
`find(str)` and a `List[Object]` the set of its members.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .. import types as T

ANY_VARS = frozenset("TRE")
NUMERIC_VARS = frozenset("KQ")


class Pattern:
    def match(self, actual: T.Type, bindings: dict) -> bool | str:
        """True/False, or the name of a coercion ("find", "set") that makes it match."""
        raise NotImplementedError

    def subst(self, bindings: dict) -> T.Type:
        raise NotImplementedError


@dataclass(frozen=True)
class Exact(Pattern):
    type: T.Type

    def match(self, actual, bindings):
        return T.fits(actual, self.type)

    def subst(self, bindings):
        return self.type

    def __str__(self):
        return str(self.type)


@dataclass(frozen=True)
class ObjectsPat(Pattern):
    def match(self, actual, bindings):
        if actual == T.STR:
            return "find"
        if actual in (T.ListType(T.OBJECT), T.ListType(T.NOTHING)):  # `[]`: the empty set
            return "set"
        return T.fits(actual, T.OBJECTS)

    def subst(self, bindings):
        return T.OBJECTS

    def __str__(self):
        return "Objects"


@dataclass(frozen=True)
class Var(Pattern):
    name: str

    def _allowed(self, t: T.Type) -> bool:
        return t in T.NUMERIC + (T.NOTHING,) if self.name in NUMERIC_VARS else True

    def match(self, actual, bindings):
        if actual == T.ERROR:
            return True
        bound = bindings.get(self.name)
        joined = actual if bound is None else T.join(bound, actual)
        if joined is None or not self._allowed(joined):
            return False
        bindings[self.name] = joined
        return True

    def subst(self, bindings):
        return bindings.get(self.name, T.ERROR)

    def __str__(self):
        return self.name


@dataclass(frozen=True)
class ListPat(Pattern):
    elem: Pattern

    def match(self, actual, bindings):
        if actual == T.ERROR:
            return True
        if not isinstance(actual, T.ListType):
            return False
        if actual.elem == T.NOTHING:  # `[]` fits every list; T is bound to no element type
            self.elem.match(T.NOTHING, bindings)
            return True
        return self.elem.match(actual.elem, bindings) is True

    def subst(self, bindings):
        return T.ListType(self.elem.subst(bindings))

    def __str__(self):
        return f"List[{self.elem}]"


@dataclass(frozen=True)
class Union(Pattern):
    alternatives: tuple[Pattern, ...]
    alias: str | None = None

    def match(self, actual, bindings):
        for alt in self.alternatives:
            trial = dict(bindings)
            result = alt.match(actual, trial)
            if result:
                bindings.update(trial)
                return result
        return False

    def subst(self, bindings):
        return self.alternatives[0].subst(bindings)

    def __str__(self):
        return self.alias or " | ".join(str(a) for a in self.alternatives)


@dataclass(frozen=True)
class FnPat(Pattern):
    param: Pattern
    ret: Pattern

    def match(self, actual, bindings):
        return isinstance(actual, T.FnType) and self.ret.match(actual.ret, bindings) is True

    def subst(self, bindings):
        return T.FnType(self.param.subst(bindings), self.ret.subst(bindings))

    def __str__(self):
        return f"{self.param} => {self.ret}"


POINT = Union((Exact(T.OBJECT), Exact(T.VEC3)), alias="Point")


@dataclass(frozen=True)
class ParamSpec:
    name: str
    pattern: Pattern
    default_text: str | None = None  # SpatialDSL source of the default value

    @property
    def is_lambda(self) -> bool:
        return isinstance(self.pattern, FnPat)


@dataclass(frozen=True)
class Overload:
    text: str
    params: tuple[ParamSpec, ...]
    returns: Pattern

    def param_names(self) -> list[str]:
        return [p.name for p in self.params]


@dataclass
class Builtin:
    name: str
    overloads: tuple[Overload, ...]
    doc: str
    example: str
    section: str
    is_constant: bool = False  # `objects`, `frames`, `room`: a name, not a call
    notes: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Attribute:
    owner: T.Type
    name: str
    type: T.Type
    doc: str


BUILTINS: dict[str, Builtin] = {}
ATTRIBUTES: dict[tuple[T.Type, str], Attribute] = {}

SECTIONS = (
    "Scene values",
    "Selection and sets",
    "Lists",
    "Scalars",
    "Metric relations",
    "Directions",
    "Camera views",
    "Visibility and time",
    "Camera motion",
)
# The sections whose builtins answer about what the camera frames show: on a scene with no
# frames each is `NoFrames` (language.md; the runtime decisions in lang/docs.py), so a
# model writing for such a scene is not offered them (synth's scene grammar and prompt).
FRAME_SECTIONS = ("Camera views", "Visibility and time", "Camera motion")
FRAME_VALUES = ("frames", "frame")  # the scene values that are frames


def needs_frames(builtin: Builtin) -> bool:
    """A frame function: it has no answer on a scene with no frames."""
    return builtin.section in FRAME_SECTIONS or builtin.name in FRAME_VALUES


# ------------------------------------------------------------ signature parser

_TOKEN = re.compile(r"\s*(=>|->|[A-Za-z_][A-Za-z0-9_]*|[()\[\],:|=]|[^\s,()]+)")


class _SigParser:
    def __init__(self, text: str):
        self.tokens = _TOKEN.findall(text)
        self.pos = 0

    def peek(self) -> str | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self, expected: str | None = None) -> str:
        tok = self.tokens[self.pos]
        if expected is not None and tok != expected:
            raise ValueError(f"signature: expected {expected!r}, got {tok!r}")
        self.pos += 1
        return tok

    def signature(self) -> tuple[str, list[ParamSpec], Pattern]:
        name = self.take()
        params = []
        if self.peek() == "(":
            self.take("(")
            while self.peek() != ")":
                params.append(self.param())
                if self.peek() == ",":
                    self.take(",")
            self.take(")")
        self.take("->")
        return name, params, self.pattern()

    def param(self) -> ParamSpec:
        name = self.take()
        self.take(":")
        pattern = self.pattern()
        default = None
        if self.peek() == "=":
            self.take("=")
            default = self.take()
        return ParamSpec(name, pattern, default)

    def pattern(self) -> Pattern:
        first = self.union()
        if self.peek() == "=>":
            self.take("=>")
            return FnPat(first, self.union())
        return first

    def union(self) -> Pattern:
        alternatives = [self.simple()]
        while self.peek() == "|":
            self.take("|")
            alternatives.append(self.simple())
        return alternatives[0] if len(alternatives) == 1 else Union(tuple(alternatives))

    def simple(self) -> Pattern:
        name = self.take()
        if name == "List":
            self.take("[")
            elem = self.pattern()
            self.take("]")
            return ListPat(elem)
        if name in ANY_VARS or name in NUMERIC_VARS:
            return Var(name)
        if name == "Point":
            return POINT
        if name == "Objects":
            return ObjectsPat()
        if name == "Room":
            return Exact(T.ROOM)
        return Exact(T.NAMED_TYPES[name])


def parse_signature(text: str) -> tuple[str, tuple[ParamSpec, ...], Pattern]:
    name, params, returns = _SigParser(text).signature()
    return name, tuple(params), returns


# ------------------------------------------------------------------ declaring


def declare(*signatures, doc: str, example: str, section: str, constant: bool = False,
            notes: tuple[str, ...] = ()) -> Builtin:
    """Declare one builtin with the text of each of its signatures."""
    overloads = []
    name = None
    for sig in signatures:
        sig_name, params, returns = parse_signature(sig)
        if name not in (None, sig_name):
            raise ValueError(f"overloads of one builtin must share a name: {sig}")
        name = sig_name
        overloads.append(Overload(sig, params, returns))
    if name in BUILTINS:
        raise ValueError(f"builtin {name} declared twice")
    if section not in SECTIONS:
        raise ValueError(f"unknown section {section}")
    builtin = Builtin(name, tuple(overloads), doc, example, section, constant, notes)
    BUILTINS[name] = builtin
    return builtin


def declare_attribute(owner: T.Type, name: str, type_: T.Type, doc: str) -> Attribute:
    key = (owner, name)
    if key in ATTRIBUTES:
        raise ValueError(f"attribute {owner}.{name} declared twice")
    ATTRIBUTES[key] = attr = Attribute(owner, name, type_, doc)
    return attr


def attributes_of(owner: T.Type) -> dict[str, Attribute]:
    return {name: a for (o, name), a in ATTRIBUTES.items() if o == owner}
