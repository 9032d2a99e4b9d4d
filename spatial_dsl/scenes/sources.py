"""Scene references (what ``--scene`` accepts, scenes.md): files, directories, built-ins.

- a path to a ``*.scene.json`` file; for batch use also a directory (all
  ``*.scene.json`` inside, sorted) or a file glob;
- ``ithor:FloorPlanN`` - the 120 iTHOR rooms (kitchens 1-30, living rooms
  201-230, bedrooms 301-330, bathrooms 401-430) and ``robothor:I`` (0-74),
  from the object metadata the ``procthor`` package ships. The package is
  located with ``importlib.metadata`` and never imported (it pulls in ai2thor).

Built-in scenes are converted once and cached on disk as ordinary scene files
under ``cache_root()/ai2thor-metadata-v<version>-<size>-<mtime_ns>/`` (so a
changed metadata file or a changed conversion gets a fresh cache), plus an
in-process LRU cache of loaded Scenes. If the cache cannot be written, scenes
are converted in memory instead (slower first load, same result).
"""

from __future__ import annotations

import difflib
import fnmatch
import functools
import glob
import importlib.metadata
import json
import os
import re
import stat
from pathlib import Path

from ._validate import suggest
from .ai2thor import ai2thor_scene_doc
from .errors import SceneError
from .format import atomic_write_text, load_scene_file, scene_from_dict, scene_from_json
from .model import Scene
from .rooms import add_inferred_rooms

METADATA_FILE = "procthor/databases/ai2thor-object-metadata.json"
ITHOR_GROUPS = (("kitchens", 1), ("living_rooms", 201), ("bedrooms", 301), ("bathrooms", 401))
SOURCES = ("ithor", "robothor")
# Imported files (`KIND:PATH`) are read by importers that register themselves here: an
# installed package names a callable under this entry-point group, and that callable calls
# `register_importer` for each kind it reads (package `sims`: `sims.importers:register`).
# The scene layer never imports the importers' package.
IMPORTER_GROUP = "spdsl.scene_importers"
# Bump whenever the conversion's output changes (2: inferred rooms; 3: direct parents,
# support, exact boxes of 90-degree rotations; 4: a part's type corrected by its whole;
# 5: immovable televisions keep their recorded support).
CACHE_VERSION = 5
SCENE_SUFFIX = ".scene.json"
_SOURCE_REF = re.compile(r"^([A-Za-z][A-Za-z0-9_]+):(.*)$")  # 2+ letters: not a drive letter
_GLOB_CHARS = re.compile(r"[*?\[]")
_converted: dict[str, dict] = {}  # ref -> scene document, when converted in this process

__all__ = ["all_scene_names", "cache_root", "clear_caches", "expand_refs", "list_scenes",
           "load_scene", "metadata_path"]


# --------------------------------------------------------------------------- locating data


@functools.lru_cache(maxsize=1)
def metadata_path() -> Path:
    """The AI2-THOR object metadata file inside the installed ``procthor`` distribution."""
    try:
        dist = importlib.metadata.distribution("procthor")
    except importlib.metadata.PackageNotFoundError:
        raise SceneError(["built-in AI2-THOR scenes need the 'procthor' package "
                          "(pip install procthor), which ships their object metadata"],
                         "ithor/robothor") from None
    path = Path(str(dist.locate_file(METADATA_FILE)))
    if not path.is_file():
        raise SceneError([f"the installed procthor {dist.version} has no {METADATA_FILE}"],
                         "ithor/robothor")
    return path


def cache_root() -> Path:
    """``$SPDSL_CACHE_DIR``, else ``$XDG_CACHE_HOME/spdsl``, else ``~/.cache/spdsl``."""
    if os.environ.get("SPDSL_CACHE_DIR"):
        return Path(os.environ["SPDSL_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "spdsl"


def _cache_dir() -> Path:
    st = metadata_path().stat()
    return cache_root() / f"ai2thor-metadata-v{CACHE_VERSION}-{st.st_size}-{st.st_mtime_ns}"


# --------------------------------------------------------------------------- built-in names


def _scene_id(ref: str) -> str:
    """``ithor:FloorPlan1`` -> ``ithor/FloorPlan1`` (the Scene's id and cache file stem)."""
    return ref.replace(":", "/", 1)


@functools.lru_cache(maxsize=1)
def _builtin_table() -> dict[str, tuple[str, int]]:
    """Every built-in reference -> (metadata key, element index), in listing order."""
    counts = _group_counts()
    table = {f"ithor:FloorPlan{base + i}": (key, i)
             for key, base in ITHOR_GROUPS for i in range(counts.get(key, 0))}
    table.update({f"robothor:{i}": ("robothor", i) for i in range(counts.get("robothor", 0))})
    return table


def _group_counts() -> dict[str, int]:
    """Scenes per metadata key: from the cache index, else by building the cache."""
    try:
        return json.loads((_cache_dir() / "index.json").read_text(encoding="utf-8"))["counts"]
    except (OSError, ValueError, KeyError, TypeError):
        return _build_cache()


def _build_cache() -> dict[str, int]:
    """Parse the metadata once, convert every scene, and store each as a scene file."""
    path = metadata_path()
    with open(path, encoding="utf-8") as f:
        raw = json.load(f)
    counts = {key: len(raw.get(key, [])) for key, _ in ITHOR_GROUPS + (("robothor", 0),)}
    version = importlib.metadata.version("procthor")
    for key, base in ITHOR_GROUPS + (("robothor", None),):
        for i, objs in enumerate(raw.get(key, [])):
            ref = f"robothor:{i}" if base is None else f"ithor:FloorPlan{base + i}"
            source = {"kind": "ai2thor", "dataset": ref.split(":")[0], "scene": ref.split(":")[1],
                      "group": key, "data": f"{METADATA_FILE} (procthor {version})"}
            _converted[ref] = ai2thor_scene_doc(objs, _scene_id(ref), source)
    add_inferred_rooms(_converted)  # floor polygon and walls (rooms/)
    _write_cache(counts)
    return counts


def _write_cache(counts: dict[str, int]) -> None:
    """Store converted scenes; the index goes last, marking the cache complete."""
    cache = _cache_dir()
    try:
        for ref, doc in _converted.items():
            target = cache / f"{_scene_id(ref)}{SCENE_SUFFIX}"
            target.parent.mkdir(parents=True, exist_ok=True)
            # Compact and not fsync'ed: a damaged entry fails to load and is rebuilt.
            atomic_write_text(target, json.dumps(doc, separators=(",", ":")), durable=False)
        index = {"cache_version": CACHE_VERSION, "metadata": str(metadata_path()),
                 "counts": counts}
        atomic_write_text(cache / "index.json", json.dumps(index, indent=1) + "\n", durable=False)
    except OSError:
        pass  # read-only or full disk: keep working from memory (_converted)


@functools.lru_cache(maxsize=256)
def _load_builtin(ref: str) -> Scene:
    if ref not in _converted:
        try:
            data = (_cache_dir() / f"{_scene_id(ref)}{SCENE_SUFFIX}").read_bytes()
            return scene_from_json(data, origin=ref)
        except (OSError, SceneError):
            _build_cache()  # missing or damaged cache entry: rebuild it
    return scene_from_dict(_converted[ref], origin=ref)


_IMPORTERS: dict = {}  # kind -> loader(kind, path, ref) -> Scene, in registration order
_plugins_loaded = False


def register_importer(kind: str, loader) -> None:
    """Make ``KIND:PATH`` references load through ``loader(kind, path, ref)``."""
    _IMPORTERS[kind] = loader


def import_sources() -> tuple[str, ...]:
    """The kinds of imported file (``KIND:PATH``) that the installed importers read."""
    _load_importers()
    return tuple(_IMPORTERS)


def _load_importers() -> None:
    """Let every installed package of the IMPORTER_GROUP register its importers (once)."""
    global _plugins_loaded
    if _plugins_loaded:
        return
    _plugins_loaded = True
    for entry in importlib.metadata.entry_points(group=IMPORTER_GROUP):
        entry.load()()


def _imported_kind(source: str) -> str | None:
    """``source`` (lower-cased) if an importer reads it; built-in sources never load them."""
    kind = source.lower()
    return kind if kind not in SOURCES and kind in import_sources() else None


def _unknown_source(source: str, ref: str) -> SceneError:
    """Every kind of reference that works, built in and imported (registered importers)."""
    imported = import_sources()
    hint = suggest(source, SOURCES + imported)
    return SceneError([f"unknown scene source {source!r}{hint} (built in: "
                       f"{', '.join(f'{s}:NAME' for s in SOURCES)}; imported files: "
                       f"{', '.join(f'{k}:PATH' for k in imported)}; or a path to a "
                       f"*{SCENE_SUFFIX} file or a directory of them)"], ref)


def _canonical_builtin(source: str, name: str, ref: str) -> str:
    """Validate a built-in reference; accepts any letter case. Raises with suggestions."""
    source = source.lower()
    if source not in SOURCES:
        raise _unknown_source(source, ref)
    names = _names_by_lowercase(source)
    if name.lower() in names:
        return names[name.lower()]
    close = _nearest_numbers(source, name)
    if not close:
        close = difflib.get_close_matches(name, [r.split(":", 1)[1] for r in names.values()],
                                          n=3)
    shown = name if len(name) <= 60 else name[:57] + "..."
    hint = "; did you mean " + " or ".join(f"{source}:{c}" for c in close) + "?" if close else ""
    raise SceneError([f"no {source} scene {shown!r}{hint} ({_range_text(source)})"], ref)


_NUMBER = re.compile(r"(floorplan)?(\d{1,9})", re.IGNORECASE)


def _groups(source: str) -> list[tuple[str, int, int]]:
    """(kind, first number, last number) of each group of a built-in source."""
    counts = _group_counts()
    if source == "robothor":
        return [("scene", 0, counts.get("robothor", 0) - 1)]
    return [(key.replace("_", " ")[:-1], base, base + counts.get(key, 0) - 1)
            for key, base in ITHOR_GROUPS if counts.get(key, 0)]


def _nearest_numbers(source: str, name: str) -> list[str]:
    """Existing scenes nearest a numbered name that does not exist: per group the closest
    number, closest first, those within 10 of it (at least one). ``FloorPlan31`` ->
    ``FloorPlan30``; ``robothor:80`` -> ``74``."""
    match = _NUMBER.fullmatch(name)  # iTHOR: FloorPlanN (or a bare N); RoboTHOR: N
    if not match or (source == "robothor" and match[1]):
        return []
    number = int(match[2])
    prefix = "FloorPlan" if source == "ithor" else ""
    nearest = sorted((abs(number - min(max(number, lo), hi)), min(max(number, lo), hi))
                     for _, lo, hi in _groups(source) if hi >= lo)
    picked = [n for gap, n in nearest if gap <= 10] or [n for _, n in nearest[:1]]
    return [f"{prefix}{n}" for n in picked]


@functools.cache
def _names_by_lowercase(source: str) -> dict[str, str]:
    """lower-case scene name -> canonical reference, for one built-in source."""
    return {r.split(":", 1)[1].lower(): r for r in list_scenes(source)}


def _range_text(source: str) -> str:
    groups = _groups(source)
    if source == "ithor":
        parts = [f"{kind}s FloorPlan{lo}-{hi}" for kind, lo, hi in groups]
        return "iTHOR has " + ", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 \
            else "iTHOR has " + "".join(parts)
    return f"RoboTHOR has {groups[0][1]}-{groups[0][2]}"


# --------------------------------------------------------------------------- public API


def clear_caches() -> None:
    """Forget everything cached in this process (the disk cache is left alone)."""
    for cached in (metadata_path, _builtin_table, _names_by_lowercase, _load_builtin, _load_file):
        cached.cache_clear()
    _converted.clear()


def all_scene_names() -> list[str]:
    """Every built-in reference (``ithor:FloorPlan1`` ... ``robothor:74``), for suggestions."""
    return list(_builtin_table())


def list_scenes(source: str | None = None) -> list[str]:
    """References of a source: ``"ithor"``, ``"robothor"`` or a directory; None: all built-ins."""
    if source is None:
        return all_scene_names()
    if not source.strip():
        raise SceneError([f"names no source (give {', '.join(SOURCES)} or a directory)"],
                         repr(source))
    key = source.lower().rstrip(":")
    if key in SOURCES:
        return [r for r in _builtin_table() if r.startswith(key + ":")]
    if Path(source).is_dir():
        return _scene_files_in(Path(source), source)
    raise SceneError([f"unknown scene source (known: {', '.join(SOURCES)}, or a directory)"],
                     source)


_WHAT = ("give a *.scene.json file, a directory of them, ithor:FloorPlanN, robothor:I, "
         "KIND:PATH or a glob such as 'ithor:*'")


def _probe(path: str | Path) -> os.stat_result | None:
    """``os.stat`` or None: a reference that is no path at all (too long for a file name,
    a NUL byte, a missing directory on the way) is simply not a file."""
    try:
        return os.stat(path)
    except (OSError, ValueError):
        return None


def _clip(text: str, width: int = 120) -> str:
    """A reference as shown in a message (an argument can be kilobytes long)."""
    return text if len(text) <= width else text[:width - 3] + "..."


def load_scene(ref: str | os.PathLike) -> Scene:
    """Load one scene: a ``*.scene.json`` path, ``ithor:FloorPlanN``, ``robothor:I``, or an
    imported file ``KIND:PATH`` for each kind of ``import_sources()`` (package ``sims``:
    ``ai2thor``, ``sprite``, ``scannet``, ``habitat``, ``airsim``, ``arkitscenes``, ``mesh``).

    A list, a pattern or a directory that names exactly one scene is that scene; one that
    names more is refused (the commands that take many use ``expand_refs``). Repeated
    loads of the same reference return the same (read-only) Scene.
    """
    text = str(ref)
    if not text.strip():
        raise SceneError([f"names no scene (an empty reference); {_WHAT}"], repr(text))
    st = _probe(text)
    if (st is None and ("," in text or _GLOB_CHARS.search(text))) or (
            st is not None and stat.S_ISDIR(st.st_mode)):
        named = expand_refs([text])
        if len(named) > 1:
            listed = ", ".join(named[:3]) + (", ..." if len(named) > 3 else "")
            raise SceneError([f"names {len(named)} scenes ({listed}); this command takes one "
                              "scene (run, check and generate take many)"], _clip(text))
        text = named[0]
        st = _probe(text)
    match = _SOURCE_REF.match(text)
    if match and st is None:
        kind = _imported_kind(match[1])
        if kind is not None:
            return _IMPORTERS[kind](kind, match[2], text)
        return _load_builtin(_canonical_builtin(match[1], match[2], text))
    if st is None:
        raise SceneError([f"no such file{_file_hint(Path(text))}"], _clip(text))
    try:
        resolved = str(Path(text).resolve())
    except (OSError, RuntimeError):  # a symlink loop
        resolved = text
    return _load_file(text, resolved, st.st_size, st.st_mtime_ns)


def _exists(path: str | Path) -> bool:
    """``Path.exists``, but a name the OS refuses (over 255 characters: ENAMETOOLONG, as a
    comma list of 25 rooms is) is a missing file, not an internal error."""
    try:
        return Path(path).exists()
    except OSError:
        return False


def _is_dir(path: Path) -> bool:
    try:
        return path.is_dir()
    except OSError:
        return False


@functools.lru_cache(maxsize=64)
def _load_file(shown: str, resolved: str, size: int, mtime_ns: int) -> Scene:
    # size and mtime are part of the cache key, so an edited file is re-read.
    return load_scene_file(shown)


def expand_refs(refs) -> list[str]:
    """Expand ``--scene`` arguments into single-scene references (order kept, no repeats).

    Each argument may hold several references separated by commas. Supported:
    ``ithor:*``, ``ithor:FloorPlan2*``, ``robothor:*`` (built-in globs), file
    globs, directories (their ``*.scene.json``, sorted) and single references.
    An argument that names no scene (``''``, ``','``) is an error, as is no
    argument at all. All problems are reported together in one SceneError.
    """
    if isinstance(refs, (str, os.PathLike)):
        refs = [refs]
    refs = [str(item) for item in refs]
    if not refs:
        raise SceneError([f"no scene given; {_WHAT}"], "scene references")
    out: list[str] = []
    errors: list[SceneError] = []
    for item in refs:
        parts = [item] if _probe(item) is not None else [p.strip() for p in item.split(",")]
        if not any(parts):
            errors.append(SceneError([f"names no scene (an empty list); {_WHAT}"],
                                     repr(_clip(item))))
        for part in filter(None, parts):
            try:
                out.extend(_expand_one(part))
            except SceneError as e:
                errors.append(e)
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise SceneError([line for e in errors for line in str(e).splitlines()],
                         "scene references")
    return list(dict.fromkeys(out))


def _expand_one(ref: str) -> list[str]:
    st = _probe(ref)
    if st is not None and stat.S_ISDIR(st.st_mode):
        return _scene_files_in(Path(ref), ref)
    if st is not None:
        return [ref]
    match = _SOURCE_REF.match(ref)
    if match and _imported_kind(match[1]) is not None:
        return [ref]
    if match:
        return _expand_builtin(match[1], match[2], ref)
    if _GLOB_CHARS.search(ref):
        return _expand_glob(ref)
    raise SceneError([f"no such file{_file_hint(Path(ref))}"], _clip(ref))


def _expand_builtin(source: str, name: str, ref: str) -> list[str]:
    if not _GLOB_CHARS.search(name):
        return [_canonical_builtin(source, name, ref)]
    if source.lower() not in SOURCES:
        _canonical_builtin(source, name, ref)  # raises "unknown scene source"
    refs = list_scenes(source.lower())
    found = [r for r in refs if fnmatch.fnmatchcase(r.split(":", 1)[1].lower(), name.lower())]
    if not found:
        raise SceneError([f"no {source.lower()} scene matches {name!r} "
                          f"({_range_text(source.lower())})"], ref)
    return found


def _expand_glob(pattern: str) -> list[str]:
    found: list[str] = []
    for match in sorted(glob.glob(pattern)):
        found.extend(_scene_files_in(Path(match), match) if _is_dir(Path(match)) else [match])
    if not found:
        raise SceneError(["no file matches this pattern"], _clip(pattern))
    return found


def _scene_files_in(directory: Path, shown: str) -> list[str]:
    try:
        files = sorted(p for p in directory.iterdir() if p.name.endswith(SCENE_SUFFIX))
    except OSError as exc:
        raise SceneError([f"cannot list the directory: {exc.strerror or exc}"], shown) from None
    if not files:
        raise SceneError([f"directory has no *{SCENE_SUFFIX} files"], shown)
    return [str(p) for p in files]


def _file_hint(path: Path) -> str:
    """Close file names in the same directory (or, for a bare name, built-in references)."""
    directory = path.parent
    try:
        siblings = [p.name for p in directory.iterdir() if p.name.endswith(".json")]
    except OSError:
        siblings = []
    close = difflib.get_close_matches(path.name, siblings, n=3)
    if close:
        return "; did you mean " + " or ".join(repr(str(directory / c)) for c in close) + "?"
    if len(path.parts) == 1 and not path.name.endswith(".json"):  # maybe "FloorPlan1"
        try:
            return suggest(path.name, all_scene_names())
        except SceneError:  # procthor missing: no built-in names to suggest
            return ""
    return ""
