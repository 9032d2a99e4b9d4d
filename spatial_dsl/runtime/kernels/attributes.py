"""Kernels of the attributes (``o.height``, ``v.x``, ``f.time``, ``room.area``...),
registered in ``ATTRIBUTE_KERNELS`` by (owner type, name).
"""

from __future__ import annotations

import numpy as np

from spatial_dsl.lang import types as T

from .call import _strings, attribute

# ------------------------------------------------------------------ attributes

_OBJECT_ARRAYS = ("height", "length", "width", "longest", "volume", "footprint", "top",
                  "bottom", "yaw", "center", "size")


def _object_array(name: str):
    if name == "height":
        return lambda k, o: k.scene.top[o] - k.scene.bottom[o]
    return lambda k, o: getattr(k.scene, name)[o]


for _name in _OBJECT_ARRAYS:
    attribute(T.OBJECT, _name)(_object_array(_name))
for _name, _field in (("id", "ids"), ("category", "categories"), ("label", "labels")):
    attribute(T.OBJECT, _name)(lambda k, o, _f=_field: _strings(k.scene, _f)[o])
for _axis, _i in (("x", 0), ("y", 1), ("z", 2)):
    attribute(T.VEC3, _axis)(lambda k, v, _i=_i: v[:, _i])
attribute(T.FRAME, "index")(lambda k, f: k.frames().index[f].astype(np.int64))
attribute(T.FRAME, "time")(lambda k, f: k.frames().time[f])
attribute(T.FRAME, "position")(lambda k, f: k.frames().position[f])
for _name in ("area", "length", "width", "height"):
    attribute(T.ROOM, _name)(lambda k, room, _n=_name: np.array([getattr(k.scene.room, _n)]))
