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
    from spatial_dsl.synth import verify
    from spatial_dsl import tasks

    assert jitter.DEFAULT_RADIUS == tolerances.JITTER_RADIUS == 0.02  # synthesis.md: 2 cm
    assert jitter.DEFAULT_TRIALS == tolerances.JITTER_TRIALS == 8  # ... 8 seeded trials
    assert tasks.STABLE_TOLERANCE is verify.STABLE_TOLERANCE is tolerances.STABLE_TOLERANCE
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
    found = [f"{path.name}: {m.group(0)}" for path in sorted(runtime.glob("*.py"))
             for m in literal.finditer(path.read_text(encoding="utf-8"))]
    assert found == []
