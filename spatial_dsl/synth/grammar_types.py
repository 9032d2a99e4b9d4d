"""What the builtin registry says about types, in the terms the scene grammar needs
(``synth.constrained``): which object-like argument positions a call's result may stand in,
what may follow a value of a type (its *shape*: attributes, an index, nothing), whether it is
a number, and which grammar rule an argument of a parameter pattern takes."""

from __future__ import annotations

from functools import lru_cache

from spatial_dsl.lang import types as T

# Object-like argument kinds, and the result types a call must have to stand there.
OBJECT_KINDS = ("o", "pt", "os", "f")


def kinds_of_type(pattern) -> set[str]:
    """The object-like argument kinds a value of this (return) pattern may stand in."""
    from spatial_dsl.lang.builtins import registry as R

    if isinstance(pattern, R.Exact):
        t = pattern.type
        if t == T.OBJECT:
            return {"o", "pt"}
        if t == T.VEC3:
            return {"pt"}
        if t == T.OBJECTS or t == T.STR or isinstance(t, T.ListType):
            return {"os"}
        if t == T.FRAME:
            return {"f"}
        return set()
    if isinstance(pattern, R.ListPat):
        return {"os"}
    if isinstance(pattern, R.ObjectsPat):
        return {"os"}
    if isinstance(pattern, R.Var) and pattern.name not in R.NUMERIC_VARS:
        return set(OBJECT_KINDS)  # first(xs), last(xs): any element type
    return set()


@lru_cache(maxsize=1)
def owned_types() -> frozenset[str]:
    """The types that have attributes (Object, Vec3, Frame, Room); asked once per builtin
    and scope while a grammar is written."""
    from spatial_dsl.lang.builtins.registry import ATTRIBUTES

    return frozenset(str(owner) for (owner, _name) in ATTRIBUTES)


def shape_of(pattern) -> str:
    """What may follow a value of this (return) pattern: ``none`` (a number, quantity, Bool,
    Str or set: it has no attribute and takes no index), the name of a type that has
    attributes (``Object``, ``Vec3``, ``Frame``, ``Room``), ``list`` or ``list:T`` (an index,
    then the attributes of its element type ``T`` where known), or ``any`` (a type the grammar
    does not know: ``first(xs)``)."""
    from spatial_dsl.lang.builtins import registry as R

    owned = owned_types()
    if isinstance(pattern, R.ListPat):
        elem = pattern.elem
        known = isinstance(elem, R.Exact) and str(elem.type) in owned
        return f"list:{elem.type}" if known else "list"
    if isinstance(pattern, R.Exact):
        if isinstance(pattern.type, T.ListType):
            return f"list:{pattern.type.elem}" if str(pattern.type.elem) in owned else "list"
        return str(pattern.type) if str(pattern.type) in owned else "none"
    if isinstance(pattern, R.ObjectsPat):
        return "none"
    if isinstance(pattern, R.Var) and pattern.name in R.NUMERIC_VARS:
        return "none"
    return "any"


def is_numeric(pattern) -> bool:
    """A number or quantity (what an argmin/argmax key must give)."""
    from spatial_dsl.lang.builtins import registry as R

    if isinstance(pattern, R.Exact):
        return pattern.type in T.NUMERIC
    return isinstance(pattern, R.Var) and pattern.name in R.NUMERIC_VARS


def is_key(pattern) -> bool:
    """A lambda whose value must be a number or quantity (``key: Object => K``)."""
    from spatial_dsl.lang.builtins import registry as R

    return isinstance(pattern.ret, R.Var) and pattern.ret.name in R.NUMERIC_VARS


def arg_kind(pattern) -> str:
    """The grammar rule an argument of this pattern takes: a number or quantity (``key``, the
    rule of an argmin key), one object, a frame, a point, a set, a lambda, or any value."""
    from spatial_dsl.lang.builtins import registry as R

    if isinstance(pattern, R.Exact):
        if pattern.type in T.NUMERIC:
            return "key"  # a number or quantity, as an argmin key must give
        return {T.OBJECT: "o_arg", T.FRAME: "f_arg"}.get(pattern.type, "expr")
    if isinstance(pattern, R.Var) and pattern.name in R.NUMERIC_VARS:
        return "key"  # round(x: K): round(argmin(...), 2) cannot be written
    if isinstance(pattern, R.ObjectsPat):
        return "os_arg"
    if getattr(pattern, "alias", None) == "Point":
        return "pt_arg"
    if isinstance(pattern, R.Union):
        kinds = {arg_kind(p) for p in pattern.alternatives}
        return "os_arg" if kinds <= {"os_arg", "expr"} and "os_arg" in kinds else "expr"
    if isinstance(pattern, R.FnPat):
        return "lambda"
    return "expr"
