"""A pickle reader that admits only numpy arrays and plain containers.

mmdetection3d stores its dataset infos (``scannet_infos_train.pkl``) as
pickles. Unpickling runs whatever callables the file names, so a pickle from
the internet is a program. This unpickler resolves only the names numpy
needs to rebuild arrays, dtypes and scalars (``_reconstruct``, ``ndarray``,
``dtype``, ``scalar``, ``_frombuffer``, in ``numpy.core`` or ``numpy._core``)
and ``collections.OrderedDict``; lists, dicts, tuples, strings, numbers,
booleans and None need no name at all. Any other name (``os.system``,
``builtins.eval``, a class of the program that wrote the file) is refused
before it is looked up, so nothing of it runs, and the error names it.
"""

from __future__ import annotations

import importlib
import io
import pickle
import warnings
from pathlib import Path

from spatial_dsl.scenes.errors import SceneError

from ._common import read_bytes
from spatial_dsl.errors import SpdslError

__all__ = ["ALLOWED", "load_pickle"]

ALLOWED = frozenset({
    ("numpy", "ndarray"), ("numpy", "dtype"),
    *((f"numpy.{core}.multiarray", name) for core in ("core", "_core")
      for name in ("_reconstruct", "scalar")),
    *((f"numpy.{core}.numeric", "_frombuffer") for core in ("core", "_core")),
    ("collections", "OrderedDict"),
})


class Refused(SpdslError):
    def __init__(self, module: str, name: str):
        super().__init__(f"{module}.{name}")
        self.qualified = f"{module}.{name}"


class _Restricted(pickle.Unpickler):
    def find_class(self, module: str, name: str):
        if (module, name) not in ALLOWED:
            raise Refused(module, name)
        if module.startswith("numpy.core."):  # numpy 1.x pickles under numpy 2.x
            try:
                return getattr(importlib.import_module("numpy._core." + module[11:]), name)
            except ImportError:
                pass
        return getattr(importlib.import_module(module), name)

    def persistent_load(self, pid):
        raise Refused("persistent id", repr(pid)[:40])


def load_pickle(path: Path, what: str = "pickle"):
    """The object in a pickle file, or a SceneError naming the file (and, for a refused
    name, the name). Nothing outside ``ALLOWED`` is ever imported or called."""
    data = read_bytes(path, what)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return _Restricted(io.BytesIO(data)).load()
    except Refused as e:
        raise SceneError([f"refused to unpickle {e.qualified}: only numpy arrays and plain "
                          "containers are read from a pickle (it is never executed)"],
                         str(path)) from None
    except Exception as e:  # truncated, corrupt or not a pickle at all
        raise SceneError([f"not a readable pickle ({type(e).__name__}: {e})"],
                         str(path)) from None
