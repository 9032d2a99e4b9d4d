"""The package's structure: one exception root, the spec's numbers in one module, rejection
kinds as one enum.

These walk the installed packages (``spatial_dsl``, ``sims``) rather than a list kept by
hand, so a new module or class is covered the day it is added.
"""

from __future__ import annotations

import importlib
import inspect
import json
import pkgutil
import re
from pathlib import Path

import pytest

import sims
import spatial_dsl
from spatial_dsl import tolerances
from spatial_dsl.errors import SpdslError
from spatial_dsl.lang.diagnostics import REJECTION_KINDS, RejectionKind

PACKAGES = (spatial_dsl, sims)


def _module_names() -> list[str]:
    names = []
    for package in PACKAGES:
        names.append(package.__name__)
        names += [m.name for m in pkgutil.walk_packages(package.__path__, package.__name__ + ".")
                  if not m.name.endswith("__main__")]  # `python -m` entry: it runs the CLI
    return sorted(names)


def _source_files() -> list[Path]:
    files = []
    for package in PACKAGES:
        files += sorted(Path(package.__path__[0]).rglob("*.py"))
    return files


@pytest.fixture(scope="module")
def modules():
    return [importlib.import_module(name) for name in _module_names()]


def test_every_exception_class_derives_from_the_one_root(modules):
    defined = {cls for module in modules for _, cls in inspect.getmembers(module, inspect.isclass)
               if issubclass(cls, BaseException) and cls.__module__ == module.__name__}
    assert len(defined) > 20  # the walk found the packages' classes (27 when written)
    strays = sorted(f"{cls.__module__}.{cls.__qualname__}" for cls in defined
                    if not issubclass(cls, SpdslError))
    assert strays == []


def test_the_root_is_public_and_catches_a_scene_error():
    from spatial_dsl import SceneError, SpdslError as public_root, load_scene

    assert public_root is SpdslError
    with pytest.raises(SpdslError):
        load_scene("ithor:FloorPlan9999")
    assert issubclass(SceneError, SpdslError)


_NUMBER = re.compile(r"^([A-Z][A-Z0-9_]*)\s*=\s*[-+]?[0-9.]+(?:e-?[0-9]+)?\s*(?:#.*)?$", re.M)


def test_the_spec_numbers_are_written_only_in_the_tolerances_module():
    # every NAME = <number> of tolerances.py; no other module may assign a number to the
    # same name (it would be a second copy of the spec's number)
    spec_names = {name for name in vars(tolerances) if name.isupper()}
    assert {"SUPPORT_TOLERANCE", "STABLE_TOLERANCE", "VISIBLE_FRACTION"} <= spec_names
    copies = [f"{path.name}: {m.group(0)}" for path in _source_files()
              if path.name != "tolerances.py"
              for m in _NUMBER.finditer(path.read_text(encoding="utf-8"))
              if m.group(1) in spec_names]
    assert copies == []


def test_readers_of_the_spec_numbers_see_the_tolerances_values():
    from spatial_dsl.runtime import geometry, jitter, refgeom
    from spatial_dsl.synth import agreement
    from spatial_dsl import tasks

    assert jitter.DEFAULT_RADIUS == tolerances.JITTER_RADIUS == 0.02  # synthesis.md: 2 cm
    assert jitter.DEFAULT_TRIALS == tolerances.JITTER_TRIALS == 8  # ... 8 seeded trials
    assert tasks.STABLE_TOLERANCE is agreement.STABLE_TOLERANCE is tolerances.STABLE_TOLERANCE
    assert geometry.ROUTE_MIN_STEP == refgeom.ROUTE_MIN_STEP == 0.05  # language.md route
    assert geometry.DEGENERATE_LEN == refgeom.DEGENERATE_LEN == 0.001  # "under 1 mm"


def test_rejection_kinds_are_one_enum_that_prints_as_before():
    assert set(REJECTION_KINDS) == set(RejectionKind)
    kind = RejectionKind.NO_MATCH
    # str-valued: the bytes of every output stay those of the plain string
    assert kind == "NoMatch" and f"[{kind}]" == "[NoMatch]" and str(kind) == "NoMatch"
    assert json.dumps({kind: kind}) == '{"NoMatch": "NoMatch"}'


def test_the_runtime_names_rejection_kinds_only_through_the_enum():
    kinds = "|".join(k.value for k in RejectionKind)
    literal = re.compile(rf'"({kinds})"')
    runtime = Path(spatial_dsl.__path__[0]) / "runtime"
    found = [f"{path.name}: {m.group(0)}" for path in sorted(runtime.rglob("*.py"))
             for m in literal.finditer(path.read_text(encoding="utf-8"))]
    assert found == []


# ------------------------------------------------------------------------ import graph


def _import_graph() -> dict[str, set[str]]:
    """module -> the package modules it imports, read from the source: every import
    statement counts, at module level or inside a function (a lazy import is still a
    dependency of the stage). ``from P import x`` is an edge to ``P.x`` when that is a
    module, else to ``P``."""
    import ast

    files = {}
    for package in PACKAGES:
        root = Path(package.__path__[0])
        for path in root.rglob("*.py"):
            parts = (package.__name__,) + path.relative_to(root).with_suffix("").parts
            is_package = parts[-1] == "__init__"
            files[".".join(parts[:-1] if is_package else parts)] = (path, is_package)

    def known(name: str) -> str | None:
        while name and name not in files:
            name = name.rpartition(".")[0]
        return name or None

    graph: dict[str, set[str]] = {}
    for module, (path, is_package) in files.items():
        here = module if is_package else module.rpartition(".")[0]
        targets = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets |= {known(alias.name) for alias in node.names}
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = here
                    for _ in range(node.level - 1):
                        anchor = anchor.rpartition(".")[0]
                    base = f"{anchor}.{base}" if base else anchor
                for alias in node.names:
                    full = f"{base}.{alias.name}"
                    targets.add(full if full in files else known(base))
        graph[module] = targets - {None, module}
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_the_cycle_finder_finds_a_cycle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _cycles(graph) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_no_module_imports_itself_in_a_circle():
    graph = _import_graph()
    assert "spatial_dsl.lang.check.checker" in graph  # the walk found the modules
    assert graph["spatial_dsl.lang.check.checker"] >= {"spatial_dsl.lang.check.calls"}
    assert _cycles(graph) == []


def test_the_language_imports_no_later_stage():
    # the language layer may read only itself and the leaf modules every layer shares
    leaves = {"spatial_dsl.errors", "spatial_dsl.tolerances", "spatial_dsl.resources"}
    graph = _import_graph()
    outside = {f"{m} -> {t}" for m, targets in graph.items() if m.startswith("spatial_dsl.lang")
               for t in targets if not t.startswith("spatial_dsl.lang") and t not in leaves
               and t.startswith(("spatial_dsl", "sims"))}
    assert outside == set()


def test_the_stages_below_sims_never_import_it():
    # sims builds on the scene layer and registers its importers with it (an entry point);
    # the language, the runtime and the scenes never import sims (generation's camera
    # walks and the command line, above sims, may)
    graph = _import_graph()
    below = ("spatial_dsl.lang", "spatial_dsl.runtime", "spatial_dsl.scenes")
    users = {m for m, targets in graph.items() if m.startswith(below)
             and any(t.startswith("sims") for t in targets)}
    assert users == set()
    assert "spatial_dsl.scenes.sources" in graph  # the walk covered the scene layer


def test_generate_is_a_library_call_with_a_library_error(tmp_path):
    # a notebook calls spatial_dsl.generate; bad input is the library's GenerateError (an
    # SpdslError), not the command line's UsageError, and nothing is written
    import spatial_dsl
    from spatial_dsl.cli.errors import UsageError

    with pytest.raises(spatial_dsl.GenerateError, match="--per-scene must be at least 1") as bad:
        spatial_dsl.generate(["ithor:FloorPlan1"], ["all"], tmp_path / "out", per_scene=0)
    assert isinstance(bad.value, SpdslError) and not isinstance(bad.value, UsageError)
    assert not (tmp_path / "out").exists()


# The stages in order (README "Layers"): a module may import its own stage and earlier ones.
STAGES = (
    ("shared leaves", ("spatial_dsl", "spatial_dsl.errors", "spatial_dsl.tolerances",
                       "spatial_dsl.limits", "spatial_dsl.seeds", "spatial_dsl.resources",
                       "spatial_dsl.files", "spatial_dsl.outputs", "spatial_dsl.progress")),
    ("language", ("spatial_dsl.lang",)),
    ("scenes", ("spatial_dsl.scenes",)),
    ("runtime", ("spatial_dsl.runtime", "spatial_dsl.api")),
    ("dataset files", ("spatial_dsl.datasets", "spatial_dsl.hub", "spatial_dsl.records")),
    ("simulators", ("sims",)),
    ("generation", ("spatial_dsl.tasks", "spatial_dsl.task_params", "spatial_dsl.refer",
                    "spatial_dsl.names", "spatial_dsl.naming", "spatial_dsl.quality",
                    "spatial_dsl.generation", "spatial_dsl.scoring", "spatial_dsl.audit",
                    "spatial_dsl.workers")),
    ("synthesis", ("spatial_dsl.synth",)),
    ("pictures", ("spatial_dsl.show", "spatial_dsl.review")),
    ("command line", ("spatial_dsl.cli",)),
)


def _stage(module: str) -> int:
    """The stage of a module: the longest listed prefix it falls under."""
    best, rank = -1, None
    for i, (_, prefixes) in enumerate(STAGES):
        for prefix in prefixes:
            under = module.startswith(prefix + ".") and prefix != "spatial_dsl"  # the root:
            if (module == prefix or under) and len(prefix) > best:  # its __init__ alone
                best, rank = len(prefix), i
    return rank


def test_every_module_imports_only_its_own_and_earlier_stages():
    graph = _import_graph()
    unplaced = sorted(m for m in graph if _stage(m) is None)
    assert unplaced == [], "add these modules to a stage (and to README's Layers table)"
    upward = sorted(f"{m} ({STAGES[_stage(m)][0]}) -> {t} ({STAGES[_stage(t)][0]})"
                    for m, targets in graph.items() for t in targets
                    if _stage(t) > _stage(m))
    assert upward == []
