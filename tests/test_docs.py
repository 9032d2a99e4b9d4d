"""docs/reference.md is generated from the registry and must stay in step with it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from spatial_dsl.lang import types as T
from spatial_dsl.lang.builtins import ATTRIBUTES, BUILTINS, SECTIONS
from spatial_dsl.lang.check.checker import compile_source
from spatial_dsl.lang.diagnostics import CODES, REJECTION_KINDS
from spatial_dsl.lang.docs import DECISIONS, builtin_lines, reference_markdown

REFERENCE = Path(__file__).resolve().parent.parent / "docs" / "reference.md"


@pytest.fixture(scope="module")
def reference() -> str:
    return REFERENCE.read_text(encoding="utf-8")


def test_committed_reference_is_current(reference):
    assert reference == reference_markdown(), (
        "docs/reference.md is stale: run `make docs` and commit the result")


def test_reference_is_deterministic():
    assert reference_markdown() == reference_markdown()


def test_every_builtin_has_a_section_with_its_signatures(reference):
    for name, builtin in BUILTINS.items():
        assert f"### `{name}`" in reference, name
        for overload in builtin.overloads:
            if not builtin.is_constant:
                assert f"- `{overload.text}`" in reference, overload.text
        assert builtin.example in reference, name


def test_every_diagnostic_code_and_rejection_is_documented(reference):
    for code, doc in CODES.items():
        assert f"- `{code}` — {doc}" in reference
    for kind, doc in REJECTION_KINDS.items():
        assert f"- `{kind}` — {doc}" in reference


def test_types_units_attributes_limits_and_decisions_are_documented(reference):
    for name in T.TYPE_DOCS:
        assert f"- `{name}`" in reference
    for unit in T.UNITS:
        assert f"| `{unit}` |" in reference
    for (owner, name) in ATTRIBUTES:
        assert f"`{owner}.{name}:" in reference
    assert "program text ≤ 64 KiB" in reference
    assert "nesting depth ≤ 64" in reference and "≤ 500 statements" in reference
    for decision in DECISIONS:
        assert decision in reference
    assert "```lark" in reference


def test_every_builtin_is_complete():
    for name, builtin in BUILTINS.items():
        assert builtin.doc.strip() and builtin.doc.strip()[-1] in ".)", name
        assert builtin.example.strip(), name
        assert builtin.section in SECTIONS, name
        assert re.search(rf"\b{re.escape(name)}\b", builtin.example), \
            f"the example of {name} does not use it"
    for attribute in ATTRIBUTES.values():
        assert attribute.doc.strip(), attribute.name


@pytest.mark.parametrize("name", sorted(BUILTINS))
def test_builtin_example_type_checks(name):
    example = BUILTINS[name].example
    checked = compile_source(f"let _x = {example}\nanswer 1\n")
    assert checked.diagnostics == [], (example, [d.message for d in checked.diagnostics])


def test_prompt_lines_cover_every_overload():
    lines = builtin_lines()
    assert len(lines) == sum(len(b.overloads) for b in BUILTINS.values())
    assert all(" — " in line for line in lines)
    for name in BUILTINS:
        assert any(line.startswith(name) for line in lines), name
