"""Repair hints that say what to type, for the compile errors small models make.

A small model given only the compiler's diagnostics resends the same program
(issue 15: 14 repairs, 0 successes). ``repair_hints`` adds, per error, one
concrete edit, keyed by a *kind* so the report can say which hints repair:

===================  ===============================================================
kind                 when, and what the hint says
===================  ===============================================================
``scene_name``       an unknown name that is a category or label of the scene
                     (``the(Fridge)``): write it quoted, ``the("Fridge")``
``example_def``      an unknown function that a worked example defines with ``def``
                     (``instances``): add that example's ``def`` line, verbatim
``unknown_function`` any other unknown function: use a builtin (the checker's
                     did-you-mean) or define it with ``def``
``str_as_object``    a string (literal or variable) where an object is expected
                     (``gap(a, b)`` with ``let a = "Fridge"``): write ``the(a)``
``object_as_set``    one object where a set is expected (``count(the("Mug"))``):
                     pass the category string or ``find(...)``
``object_as_number`` one object where a number is expected: for ``argmin(S, o =>
                     KEY)`` (``round(argmin(...), 2)``, Qwen2.5-Coder-1.5B's commonest
                     E-TYPE under the scene grammar of stop 21), the key written for
                     that object, ``KEY`` with the call in place of ``o``; else measure
                     it (``.height``, ``gap(X, ...)``)
``set_as_object``    a set of objects where one object is expected (``gap(a, b)``
                     with ``let a = find("Sink")``): pick one, ``the(a)`` or
                     ``argmin(a, o => ...)``
``number_as_object`` a number or quantity where an object is expected
                     (``gap(x, round(0.5m, 1))``): pass an object
``key_not_number``   a lambda of argmin/argmax/sort/... whose value is not a number
                     (``o => o.center``): give a number of ``o`` (``o.height``,
                     ``distance(o, the("..."))``)
``unit``             a plain number where a quantity is expected: the checker's
                     ``write 1.5m`` hint
``lost_let``         an unknown lower-case name that an earlier program of the same
                     conversation defined (the model dropped its ``let`` lines while
                     repairing): that ``let`` line, verbatim
``glued_call``        an unknown name that is a builtin glued to a variable or a scene
                     name (``findct`` for ``find(ct)``, seen on Qwen2.5-Coder-1.5B):
                     write the call
``undefined``        any other unknown name: define it with ``let`` first
``ambiguous``        (a run-time rejection) ``the(...)`` of a category that occurs
                     several times: use a category that occurs once (listed), or
                     pick one with argmin/argmax *and say which in the question*
                     (Qwen2.5-Coder-1.5B, told only to pick one, kept "the
                     StoveKnob" in the question of 3 of its 5 accepted items)
``checker``          any other error: the checker's own hint, if it has one
===================  ===============================================================

The hints are the lines under "How to fix" in ``prompts/repair_compile.txt``; the
diagnostics above them show only the failing lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spatial_dsl.lang import ast
from spatial_dsl.lang.diagnostics import RejectionKind

_UNKNOWN_NAME = re.compile(r"unknown name `([^`]+)`")
_UNKNOWN_FUNCTION = re.compile(r"unknown function `([^`]+)`")
_EXPECTED = re.compile(r"expected (\w+), got (\w+)")
_KEY = re.compile(r"the lambda of `(\w+)` must give a number or quantity, got (\w+)")
_NUMBERS = ("Int", "Number", "Length", "Area", "Volume", "Angle", "Bool")
_DEF = re.compile(r"^\s*def\s+([A-Za-z_][A-Za-z0-9_]*)\s*\(.*$", re.M)


@dataclass(frozen=True)
class Hint:
    kind: str
    line: int
    text: str


def example_defs(examples_text: str) -> dict[str, str]:
    """``def`` lines of the worked examples, by function name (first one wins)."""
    out: dict[str, str] = {}
    for m in _DEF.finditer(examples_text or ""):
        out.setdefault(m[1], m[0].strip())
    return out


def _span_text(source, span) -> str:
    line = source.line_text(span.line)
    end = span.end_column if span.end_line == span.line else len(line) + 1
    return line[span.column - 1:end - 1]


_LET = re.compile(r"^\s*let\s+([A-Za-z_][A-Za-z0-9_]*)\s*(?::[^=]*)?=.*$", re.M)


_LET_NAMES = re.compile(r"^\s*let\s+([A-Za-z_][A-Za-z0-9_]*)", re.M)


def _glued_call(name: str, variables: set[str], scene_names: dict[str, str]) -> str | None:
    """``find(ct)`` for ``findct`` when ``ct`` is a variable (or ``the("Fridge")`` for
    ``thefridge``): a builtin's name glued to its argument."""
    from spatial_dsl.lang.builtins import BUILTINS
    from ..scenes.model import normalise_name

    for builtin in sorted(BUILTINS, key=len, reverse=True):
        rest = name[len(builtin):].lstrip("_")
        if not name.startswith(builtin) or not rest:
            continue
        if rest in variables:
            return f"{builtin}({rest})"
        known = scene_names.get(normalise_name(rest))
        if known:
            return f'{builtin}("{known}")'
    return None


def _object_as_number(line: int, text: str, program, span) -> str:
    from spatial_dsl.lang import build
    from spatial_dsl.lang.printer import expr

    node = _node_at(program, span)
    if isinstance(node, ast.Call) and node.func in ("argmin", "argmax") and node.args \
            and isinstance(node.args[-1], ast.Lambda):
        key = node.args[-1]
        measured = expr(_substitute(key.body, key.param, node))
        return (f"line {line}: {node.func}(...) gives the object itself, not the value of its "
                f"key. To get that value, write the key for that object, in place of "
                f"`{text}`: {measured}")
    if node is None:
        return f"line {line}: `{text}` is one object, and a number is needed here: measure it."
    height = build.attr(node, "height")
    gap = build.call("gap", node, build.call("the", build.string("...")))
    return (f"line {line}: `{text}` is one object, and a number is needed here: measure it, "
            f"e.g. {expr(height)} or {expr(gap)}.")


def _node_at(program, span):
    """The expression at ``span`` of the program, if one stands exactly there."""
    return next((node for node in ast.walk(program)
                 if isinstance(node, ast.Expr) and node.span == span), None)


def _substitute(node, name: str, value):
    """``node`` with ``value`` in place of the variable ``name`` (not under a lambda that
    binds ``name`` again)."""
    from dataclasses import fields, replace

    if isinstance(node, ast.Name) and node.id == name:
        return value
    if isinstance(node, ast.Lambda) and node.param == name:
        return node
    changes = {}
    for f in fields(node):
        old = getattr(node, f.name)
        if isinstance(old, ast.Node):
            changes[f.name] = _substitute(old, name, value)
        elif isinstance(old, tuple) and old and isinstance(old[0], ast.Node):
            changes[f.name] = tuple(_substitute(x, name, value) for x in old)
    return replace(node, **changes) if changes else node


def earlier_lets(programs: list[str]) -> dict[str, str]:
    """``let`` lines of the programs sent earlier in a conversation, by name (latest wins)."""
    out: dict[str, str] = {}
    for text in programs:
        for m in _LET.finditer(text or ""):
            out[m[1]] = m[0].strip()
    return out


def _hint(diagnostic, source, scene_names, defs: dict[str, str],
          lets: dict[str, str], program=None) -> Hint | None:
    from ..scenes.model import normalise_name

    line = diagnostic.span.line
    message = diagnostic.message
    m = _UNKNOWN_NAME.search(message)
    if m and diagnostic.code == "E-NAME":
        name = m[1]
        known = scene_names.get(normalise_name(name))
        if known:
            return Hint("scene_name", line, f'line {line}: `{name}` is a category of the scene, '
                        f'not a variable: write it in quotes, "{known}" (e.g. '
                        f'the("{known}") or count("{known}")).')
        if name in lets:
            return Hint("lost_let", line, f"line {line}: `{name}` is no longer defined: put "
                        f"back the line {lets[name]} before line {line}.")
        glued = _glued_call(name, set(lets) | set(_LET_NAMES.findall(source.text)),
                            scene_names)
        if glued:
            return Hint("glued_call", line, f"line {line}: `{name}` is not a name: write "
                        f"{glued}.")
        return Hint("undefined", line, f"line {line}: `{name}` is not defined: add a line "
                    f"let {name} = ... before line {line}, or write its value in its place.")
    m = _UNKNOWN_FUNCTION.search(message)
    if m and diagnostic.code == "E-NAME":
        name = m[1]
        if name in defs:
            return Hint("example_def", line, f"line {line}: `{name}` is not a builtin; a worked "
                        "example defined it. Add this line right after your question line: "
                        f"{defs[name]}")
        suggestion = f" ({diagnostic.hint})" if diagnostic.hint else ""
        return Hint("unknown_function", line, f"line {line}: there is no function `{name}`"
                    f"{suggestion}: use a builtin of the reference, or define `{name}` "
                    "with def in your program.")
    m = _EXPECTED.search(message)
    if m and diagnostic.code == "E-TYPE":
        expected, actual = m[1], m[2]
        text = _span_text(source, diagnostic.span).strip()
        if actual == "Str" and expected in ("Point", "Object"):
            inner = text if text else "..."
            return Hint("str_as_object", line, f"line {line}: `{inner}` is a string, and an "
                        f"object is needed here: write the({inner}).")
        if actual == "Objects" and expected in ("Point", "Object"):
            return Hint("set_as_object", line, f"line {line}: `{text}` is a set of objects, "
                        f"and one object is needed here: write the({text}) if it has one "
                        f"member, else pick one: argmin({text}, o => distance(o, the(\"...\"))) "
                        f"or argmax({text}, o => o.volume).")
        if actual in _NUMBERS and expected in ("Point", "Object"):
            return Hint("number_as_object", line, f"line {line}: `{text}` is a {actual}, and "
                        "an object is needed here: pass an object, e.g. the(\"...\") of a "
                        "category that occurs once.")
        if actual == "Object" and expected != "Bool" and (expected in _NUMBERS
                                                          or expected in ("K", "Q")):
            return Hint("object_as_number", line, _object_as_number(line, text, program,
                                                                  diagnostic.span))
        if actual == "Object" and expected == "Objects":
            return Hint("object_as_set", line, f"line {line}: `{text}` is one object, and a "
                        "set is needed here: pass the category itself, e.g. count(\"Chair\") "
                        "or find(\"Chair\").")
        if diagnostic.hint and diagnostic.hint.startswith("write "):
            return Hint("unit", line, f"line {line}: {diagnostic.hint} (quantities keep their "
                        "unit).")
    m = _KEY.search(message)
    if m and diagnostic.code == "E-TYPE":
        return Hint("key_not_number", line, f"line {line}: after `o =>` in {m[1]}(...) write "
                    f"a number of o, not a {m[2]}: o.height, o.volume, o.center.z or "
                    "distance(o, the(\"...\")).")
    if diagnostic.hint:
        return Hint("checker", line, f"line {line}: {diagnostic.hint}")
    return None


def repair_hints(checked, scene, examples_text: str = "",
                 earlier: list[str] | None = None) -> list[Hint]:
    """One hint per error diagnostic that has one, in line order; ``earlier``: the programs
    the model sent before in this conversation."""
    names = {}
    if scene is not None:
        from ..scenes.model import normalise_name

        # categories first: a label spelled like its category names the category
        labels = sorted({str(scene.labels[i]) for i in range(scene.n) if scene.has_label[i]})
        for name in sorted(set(map(str, scene.categories))) + labels:
            names.setdefault(normalise_name(name), name)
    defs = example_defs(examples_text)
    lets = earlier_lets(earlier or [])
    hints = []
    for d in checked.diagnostics:
        if d.severity != "error":
            continue
        hint = _hint(d, checked.source, names, defs, lets, checked.program)
        if hint is not None and hint not in hints:
            hints.append(hint)
    return hints


_THE_LITERAL = re.compile(r'the\(\s*"([^"]+)"\s*\)')


def rejection_hint(rejection, source, scene) -> Hint | None:
    """A hint for a run-time rejection: for `Ambiguous` on ``the("X")``, how to pick one and
    which categories occur once."""
    if rejection.kind != RejectionKind.AMBIGUOUS or scene is None:
        return None
    from collections import Counter

    line = rejection.span.line
    text = _span_text(source, rejection.span)
    m = _THE_LITERAL.search(text) or _THE_LITERAL.search(source.line_text(line))
    counts = Counter(map(str, scene.categories))
    unique = sorted(c for c, n in counts.items() if n == 1)
    listed = ", ".join(f'"{c}"' for c in unique[:25])
    if m:
        name = m[1]
        return Hint("ambiguous", line, f'line {line}: there are several "{name}" objects, so '
                    f'"the {name}" does not say which. Ask about a category that occurs once '
                    f'instead: {listed}. Or pick one and say which in the question too: '
                    f'"the largest {name}" with argmax(find("{name}"), o => o.volume), "the '
                    f'{name} nearest the ..." with argmin(find("{name}"), o => distance(o, '
                    f'the("...")).')
    return Hint("ambiguous", line, f"line {line}: `the` found several objects. Use a category "
                f"that occurs once: {listed}; or pick one with argmin/argmax and say which in "
                "the question too.")
