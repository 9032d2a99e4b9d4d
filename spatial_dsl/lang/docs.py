"""The language reference, generated from the builtin registry and the grammar.

``spdsl docs`` writes the full Markdown reference; ``builtin_lines`` gives
the compact signature + doc list the LLM prompt embeds. Both read the same
registry, so the two can never disagree with the compiler.
"""

from __future__ import annotations

from . import types as T
from .builtins import BUILTINS, SECTIONS, attributes_of
from .check.checker import MAX_DEPTH, MAX_STATEMENTS
from .diagnostics import CODES, REJECTION_KINDS
from .syntax import MAX_PROGRAM_BYTES, grammar_text

# Decisions taken where language.md is silent (see the README as well).
DECISIONS = (
    "Newlines are whitespace to the grammar: every statement begins with a keyword, so an "
    "incomplete expression continues on the next line. Two statements on one line must be "
    "separated by `;`.",
    "Comparison operators do not chain: `a < b < c` is E-SYNTAX.",
    "`not` binds looser than comparisons (`not a == b` is `not (a == b)`) and tighter than "
    "`and`; `e in UNIT` binds looser than `+ - * /` and tighter than comparisons.",
    "`and` / `or` short-circuit: the right side is evaluated only where it matters, so "
    "`exists(S) and the(S).height > 1m` never rejects on an empty `S`. `if` evaluates only the "
    "branch taken.",
    "Only the dimension rules of §3 are allowed; e.g. `Area / Length` is a type error "
    "(use `sqrt` or divide by a `Number`). `Int op Int` stays `Int` for `+ - *`; `/` gives a "
    "`Number`.",
    "Where `Objects` is expected, a `List[Object]` also fits and means the set of its members.",
    "`len`, `first`, `last` and indexing work on lists only; use `count(S)` for a set.",
    "`sectors` must be the literal 2, 4 or 8.",
    "`min`/`max` of an empty set are `EmptySet`, like `sum`/`mean`; indexing past the end of a "
    "list and `first`/`last` of an empty list are `EmptySet` too.",
    "`frame(i)` with `i` out of range is `NoFrames`; negative `i` counts from the end.",
    "On a scene with no frames, what was seen is a frame question too: `seen`, "
    "`clearly_seen`, `first_seen`, `last_seen`, `first_clearly_seen`, `co_visible` and "
    "`appearance_order` are `NoFrames` there, not `false` or `NotSeen` (\"how many fridges "
    "are clearly seen?\" has no answer 0 on a scene without views). `frames` is `[]`.",
    "An arithmetic result out of range is `Degenerate`: an `Int` beyond 64 bits, a `Number` "
    "that is not finite (overflow to infinity), a `Vec3` with a component beyond 1e9 m (the "
    "bound scene files are validated against, so geometry never overflows); so are division "
    "by zero and `sqrt` of a negative value. `round(x, n)` is exact for any `n`.",
    "Integer literals are at most 2^53; a longer literal is E-SYNTAX (never a crash).",
    "`[]` has type `List[Nothing]` and fits any `List[T]` (and, where `Objects` is expected, "
    "is the empty set). Taking an element of it (`[][0]`, `first([])`, the parameter of "
    "`map([], x => ...)`) is a type error: give the list a type (`let xs: List[Object] = "
    "[]`), and indexing it is then `EmptySet` at run time.",
    "Unit conversions use exact powers of ten: `1L in cm3` is 1000, `500cm3 in L` is 0.5 "
    "(each conversion is one correctly rounded division or multiplication by an exact power "
    "of ten).",
    "A bracket that is never closed is reported at the bracket (\"`(` was never closed\"), "
    "like Python; a closing bracket of the other kind names the bracket it fails to close.",
    "A `Vec3` passed where a box is expected (`gap`, `above`, `inside`, `camera_gap`) is a "
    "point: a box of size zero.",
    "Answers may be Bool, Int, Number, Str, a quantity, Object, Frame (its index) or a List of "
    "those; an `Objects` set or a `Vec3` cannot be an answer.",
    "Nesting depth is the height of a statement's expression tree (limit 64).",
    "Only `\\\"` and `\\\\` are escapes in strings; strings cannot span lines.",
    "`question` must be the first statement; a misplaced one is E-SYNTAX.",
    "`on` reads the scene's `support` record where there is one (scene files: `parent` plus "
    "`support` = `on`, `in` or `fixed`; see the `on` builtin). language.md v0.2 says a "
    "recorded parent is support unless `inside(a, b)`, but the boxes cannot tell on from in: "
    "in the 120 iTHOR rooms 452 of the 634 objects whose centre lies in their recorded "
    "parent's box rest *on* it (a pillow in a bed's box that includes the headboard, a book "
    "under a desk's hutch, a knife on a countertop slab thinner than the knife), while "
    "cabinets, fridges, drawers and sink basins hold things in them; the AI2-THOR "
    "conversion records which, from the receptacle's category.",
    "Objects AI2-THOR cannot move (counters, sinks, drawers, cabinets, shelves, windows, "
    "faucets, the floor) are fixtures: they rest on nothing (`support: fixed`), though "
    "things rest on them. AI2-THOR's receptacle lists for them are trigger-volume overlaps "
    "(a countertop \"in\" a sink basin, a window \"on\" a counter), and the geometric "
    "rule would stack drawers on drawers and stand faucets on sinks. Televisions are the "
    "exception: AI2-THOR flags 10 of the bundled 94 immovable although they stand on a "
    "dresser or table like the others, so they keep their recorded support.",
    "`inside(a, b)` for an object recorded resting on `p` also needs `b != p` and "
    "`inside(p, b)` (language.md defines `inside` by the boxes alone): the boxes that "
    "enclose a pillow in a bed with its headboard also put a book lying on a dining table "
    "\"inside\" the chair tucked under it (FloorPlan201: \"the chair containing the "
    "book\"); containment through the support keeps a mug on a shelf inside the cabinet.",
)


def builtin_lines() -> list[str]:
    """One line per builtin overload: `signature — doc` (for the LLM prompt)."""
    lines = []
    for section in SECTIONS:
        for builtin in _in_section(section):
            for overload in builtin.overloads:
                text = builtin.name if builtin.is_constant else overload.text
                lines.append(f"{text} — {builtin.doc}")
    return lines


def attribute_lines() -> list[str]:
    lines = []
    for owner in (T.OBJECT, T.VEC3, T.FRAME, T.ROOM):
        for name, attr in attributes_of(owner).items():
            lines.append(f"{owner}.{name}: {attr.type} — {attr.doc}")
    return lines


def _in_section(section: str):
    return [b for b in BUILTINS.values() if b.section == section]


def _builtin_markdown(builtin) -> list[str]:
    if builtin.is_constant:
        head = [f"### `{builtin.name}`", "", f"`{builtin.name}: "
                f"{builtin.overloads[0].returns}`"]
    else:
        head = [f"### `{builtin.name}`", ""] + [f"- `{o.text}`" for o in builtin.overloads]
    body = ["", builtin.doc, ""] + [note + "\n" for note in builtin.notes]
    return head + body + ["Example:", "", "```sp", builtin.example, "```", ""]


def reference_markdown() -> str:
    out = ["# SpatialDSL language reference", "",
           "Generated by `spdsl docs` from the builtin registry and the grammar; do not edit "
           "by hand.", ""]
    out += ["## Types", ""] + [f"- `{name}` — {doc}" for name, doc in T.TYPE_DOCS.items()]
    out += ["", "## Units", "", "| unit | type | in base units |", "|---|---|---|"]
    out += [f"| `{u}` | {t} | {f:g} |" for u, (t, f) in T.UNITS.items()]
    out += ["", "## Attributes", ""] + [f"- `{line.split(' — ')[0]}` — "
                                        f"{line.split(' — ', 1)[1]}" for line in attribute_lines()]
    out += ["", "## Builtins", ""]
    for section in SECTIONS:
        out += [f"## {section}", ""]
        for builtin in _in_section(section):
            out += _builtin_markdown(builtin)
    out += ["## Diagnostics (compile time)", ""]
    out += [f"- `{code}` — {doc}" for code, doc in CODES.items()]
    out += ["", "## Rejections (run time)", ""]
    out += [f"- `{kind}` — {doc}" for kind, doc in REJECTION_KINDS.items()]
    out += ["", "## Limits", "", f"- program text ≤ {MAX_PROGRAM_BYTES // 1024} KiB",
            f"- nesting depth ≤ {MAX_DEPTH}", f"- ≤ {MAX_STATEMENTS} statements",
            "- evaluation: a step budget (default 10⁶ element-operations) and a wall-clock "
            "limit (default 2 s), both configurable", ""]
    out += ["## Decisions where the specification is silent", ""]
    out += [f"- {d}" for d in DECISIONS]
    out += ["", "## Grammar", "", "```lark", grammar_text().rstrip(), "```", ""]
    return "\n".join(out)
